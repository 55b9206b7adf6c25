// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// WebSocket sessions on HttpServer (ws::serve()): the handshake's refusals, echo byte-exact,
// fragmentation, ping/pong, the close rules, limits, flow control, cross-thread sends, keep-
// alive, and Python's websockets as a client.

#include <socklite/http/server.hpp>
#include <socklite/ws/client.hpp>
#include <socklite/ws/server.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

#include "examples/child_process.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"
#include "ws/peer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::WebSocket;
using socklite::http::Response;
using socklite::http::ServerRequest;
namespace ws = socklite::ws;

namespace {

struct Closed {
    std::uint16_t code;
    std::string reason;
};

// A server with WebSocket routes, run on its own thread:
//   /echo   every message back as it came; "close me" makes the server close with 4000 "bye"
//   /check  accepts the Origin http://good.example only
//   /proto  selects "chat" when offered
//   /flow   on_open sends 64 KiB messages until send() says the queue is above high water
//   /push   keeps a handle of every session for sends from other threads
//   /small  messages of at most 1000 bytes; pings every 50 ms with a 300 ms pong timeout
struct WsServer {
    HttpServer server;
    std::mutex mutex;
    std::vector<Closed> closes;              // every on_close, in order
    std::vector<ws::SessionHandle> handles;  // /push
    std::atomic<int> opens{0};
    std::atomic<int> drains{0};
    std::atomic<std::size_t> flow_sent{0};
    std::atomic<std::size_t> max_queued{0};
    std::atomic<bool> flow_false{false};

    ws::ServerHandlers base() {
        ws::ServerHandlers h;
        h.on_open = [this](ws::ServerSession&) { ++opens; };
        h.on_message = [](ws::ServerSession& s, std::string& m, ws::MessageType t) {
            if (m == "close me") return s.close(4000, "bye");
            if (m.rfind("close:", 0) == 0) return s.close(4001, std::string_view(m).substr(6));
            s.send(m, t);
        };
        h.on_close = [this](ws::ServerSession&, std::uint16_t code, std::string_view reason) {
            std::lock_guard<std::mutex> lock(mutex);
            closes.push_back({code, std::string(reason)});
        };
        return h;
    }

    explicit WsServer(HttpServer::Options o = {}) : server(std::move(o)) {
        server.upgrade("/echo", ws::serve(base()));
        ws::ServerHandlers check = base();
        check.check = [](const ServerRequest& req) {
            return req.header("Origin") == "http://good.example";
        };
        server.upgrade("/check", ws::serve(check));
        ws::ServerHandlers proto = base();
        proto.select_subprotocol = [](const ServerRequest&, const std::vector<std::string>& l) {
            for (const auto& p : l)
                if (p == "chat") return p;
            return std::string();
        };
        proto.on_open = [](ws::ServerSession& s) { s.send_text("proto=" + s.subprotocol()); };
        server.upgrade("/proto", ws::serve(proto));
        ws::ServerHandlers flow = base();
        auto pump = [this](ws::ServerSession& s) {
            const std::string chunk(64 * 1024, 'f');
            while (flow_sent.load() < 8u * 1024 * 1024) {
                flow_sent += chunk.size();
                bool below = s.send_binary(chunk);
                if (s.queued_bytes() > max_queued.load()) max_queued = s.queued_bytes();
                if (!below) {
                    flow_false = true;
                    return;
                }
            }
            s.close(1000, "all sent");
        };
        flow.on_open = pump;
        flow.on_drain = [this, pump](ws::ServerSession& s) {
            ++drains;
            pump(s);
        };
        server.upgrade("/flow", ws::serve(flow));
        ws::ServerHandlers push = base();
        push.on_open = [this](ws::ServerSession& s) {
            std::lock_guard<std::mutex> lock(mutex);
            handles.push_back(s.handle());
        };
        server.upgrade("/push", ws::serve(push));
        ws::ServerOptions small;
        small.limits.max_message_size = 1000;
        small.ping_interval = std::chrono::milliseconds(50);
        small.ping_timeout = std::chrono::milliseconds(300);
        small.close_timeout = std::chrono::milliseconds(500);
        server.upgrade("/small", ws::serve(base(), small));
        ws::ServerHandlers hoard = base();
        hoard.on_open = [this](ws::ServerSession& s) {
            const std::string chunk(64 * 1024, 'h');
            for (int i = 0; i < 512; ++i) {  // 32 MiB, whatever send() says
                s.send_binary(chunk);
                if (s.queued_bytes() > max_queued.load()) max_queued = s.queued_bytes();
            }
        };
        ws::ServerOptions bounded;
        bounded.max_queued = 1024 * 1024;
        server.upgrade("/hoard", ws::serve(hoard, bounded));
        server.get("/plain", [](const ServerRequest&, Response& res) { res.body = "plain"; });
    }
    std::vector<Closed> wait_closes(std::size_t n) {
        for (int i = 0; i < 1000; ++i) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (closes.size() >= n) return closes;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::lock_guard<std::mutex> lock(mutex);
        return closes;
    }
};

std::string url(std::uint16_t port, const std::string& path) {
    return "ws://127.0.0.1:" + std::to_string(port) + path;
}

socklite::Deadline soon() { return socklite::Deadline::after(io_timeout); }

const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";

std::string handshake(const std::string& path, const std::string& extra = "") {
    return "GET " + path +
           " HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: " +
           key + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
}

// A raw client: masked frames out, frames parsed in, for what WebSocket will not send.
class RawWs {
public:
    RawWs(std::uint16_t port, const std::string& path) : c_(port) {
        c_.send(handshake(path));
        Response r = c_.read_response();
        REQUIRE(r.status == 101);
        REQUIRE(r.headers.get("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        REQUIRE(r.headers.get("Sec-WebSocket-Extensions").empty());
    }
    static std::string frame(ws::Opcode op, std::string_view payload, bool fin = true) {
        std::string out;
        ws::append_frame<ws::Role::client>(out, op, payload, fin, ws::MaskKey{1, 2, 3, 4});
        return out;
    }
    void send(std::string_view bytes) { c_.send(bytes); }
    struct Frame {
        ws::Opcode op = ws::Opcode::continuation;
        std::string payload;
        bool fin = false;
        bool end = false;  // the server closed TCP instead
    };
    Frame next() {
        Frame f;
        for (int i = 0; i < 10000; ++i) {
            auto r = parser_.parse(c_.buffered());
            REQUIRE(!r.error());
            f.payload.append(r.payload.data(), r.payload.size());
            c_.buffered().erase(0, r.consumed);
            if (r.complete()) {
                f.op = parser_.header().opcode;
                f.fin = parser_.header().fin;
                return f;
            }
            if (!c_.fill()) {
                f.end = true;
                return f;
            }
        }
        FAIL("no frame");
        return f;
    }
    static std::uint16_t code(const Frame& f) {
        if (f.payload.size() < 2) return ws::close_no_status;
        return static_cast<std::uint16_t>(static_cast<std::uint8_t>(f.payload[0]) << 8 |
                                          static_cast<std::uint8_t>(f.payload[1]));
    }
    bool closed_by_server() {
        for (int i = 0; i < 100; ++i)
            if (!c_.fill()) return true;
        return false;
    }
    RawClient& raw() { return c_; }

private:
    RawClient c_;
    ws::FrameParser<ws::Role::client> parser_;
};

}  // namespace

TEST_CASE("ws server: handshake refusals and acceptance") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    struct Case {
        const char* name;
        std::string request;
        int status;
    };
    const std::string up = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    const std::string k = "Sec-WebSocket-Key: " + key + "\r\n";
    const std::string v = "Sec-WebSocket-Version: 13\r\n";
    const Case cases[] = {
        {"version 8",
         "GET /echo HTTP/1.1\r\nHost: a\r\n" + up + k + "Sec-WebSocket-Version: 8\r\n\r\n", 426},
        {"no version", "GET /echo HTTP/1.1\r\nHost: a\r\n" + up + k + "\r\n", 426},
        {"bad key",
         "GET /echo HTTP/1.1\r\nHost: a\r\n" + up + "Sec-WebSocket-Key: abc\r\n" + v + "\r\n", 400},
        {"no key", "GET /echo HTTP/1.1\r\nHost: a\r\n" + up + v + "\r\n", 400},
        {"no Upgrade", "GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n" + k + v + "\r\n",
         400},
        {"no Connection",
         "GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n" + k + v + "\r\n", 400},
        {"HTTP/1.0", "GET /echo HTTP/1.0\r\nHost: a\r\n" + up + k + v + "\r\n", 400},
        {"POST", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n" + up + k + v + "\r\n",
         405},
        {"origin refused",
         "GET /check HTTP/1.1\r\nHost: a\r\nOrigin: http://evil.example\r\n" + up + k + v + "\r\n",
         403},
        {"no origin", "GET /check HTTP/1.1\r\nHost: a\r\n" + up + k + v + "\r\n", 403},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        RawClient client(run.port());
        client.send(c.request + "GET /plain HTTP/1.1\r\nHost: a\r\n\r\n");
        Response r = client.read_response();
        CHECK(r.status == c.status);
        if (c.status == 426) CHECK(r.headers.get("Sec-WebSocket-Version") == "13");
        if (c.status != 405) CHECK(r.headers.get("Connection") == "close");
        if (c.status != 405) CHECK(client.read_to_end().empty());  // no HTTP after it
    }
    SUBCASE("origin accepted") {
        RawClient client(run.port());
        client.send(handshake("/check", "Origin: http://good.example\r\n"));
        CHECK(client.read_response().status == 101);
    }
    SUBCASE("permessage-deflate offered: not accepted") {
        RawClient client(run.port());
        client.send(handshake("/echo",
                              "Sec-WebSocket-Extensions: permessage-deflate; "
                              "client_max_window_bits\r\n"));
        Response r = client.read_response();
        CHECK(r.status == 101);
        CHECK(!r.headers.contains("Sec-WebSocket-Extensions"));
    }
    SUBCASE("subprotocol") {
        ws::ClientOptions o;
        o.subprotocols = {"superchat", "chat"};
        WebSocket w = WebSocket::connect(url(run.port(), "/proto"), o);
        CHECK(w.receive(soon()).data == "proto=chat");
        ws::ClientOptions none;
        none.subprotocols = {"other"};
        WebSocket w2 = WebSocket::connect(url(run.port(), "/proto"), none);
        CHECK(w2.receive(soon()).data == "proto=");
    }
}

TEST_CASE("ws server: echo byte-exact, mixed sizes up to several MiB, text and binary") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    WebSocket w = WebSocket::connect(url(run.port(), "/echo"));
    std::mt19937 rng(6455);
    const std::size_t sizes[] = {0, 1, 125, 126, 127, 65535, 65536, 70000, 1 << 20, 5 << 20};
    for (std::size_t size : sizes) {
        CAPTURE(size);
        std::string bin(size, '\0');
        for (auto& c : bin) c = static_cast<char>(rng());
        w.send_binary(bin, soon());
        WebSocket::Message m = w.receive(soon());
        CHECK(m.type == WebSocket::MessageType::binary);
        CHECK(m.data == bin);
        std::string text;
        const char* pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
        while (text.size() + 4 <= size) text += pieces[rng() % 4];
        while (text.size() < size) text += 'x';
        w.send_text(text, soon());
        m = w.receive(soon());
        CHECK(m.type == WebSocket::MessageType::text);
        CHECK(m.data == text);
    }
    w.close(1000, "done", soon());
    WebSocket::Message m = w.receive(soon());
    CHECK(m.type == WebSocket::MessageType::close);
    CHECK(m.close_code == 1000);
    auto closes = s.wait_closes(1);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].code == 1000);
    CHECK(closes[0].reason == "done");
}

TEST_CASE("ws server: frames, fragments, pings and the close rules, from a raw client") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    using Op = ws::Opcode;
    SUBCASE("fragments with a ping between them; byte by byte") {
        RawWs c(run.port(), "/echo");
        std::string bytes = RawWs::frame(Op::text, "Hel", false) + RawWs::frame(Op::ping, "p") +
                            RawWs::frame(Op::continuation, "", false) +
                            RawWs::frame(Op::continuation, "lo", true);
        for (char b : bytes) c.send(std::string_view(&b, 1));
        auto pong = c.next();
        CHECK(pong.op == Op::pong);
        CHECK(pong.payload == "p");
        auto echo = c.next();
        CHECK(echo.op == Op::text);
        CHECK(echo.payload == "Hello");
    }
    SUBCASE("valid frames ahead of a bad one are all answered first, then 1002") {
        RawWs c(run.port(), "/echo");
        std::string bad = RawWs::frame(Op::text, "x");
        bad[0] = static_cast<char>(bad[0] | 0x40);  // RSV1 without an extension
        c.send(RawWs::frame(Op::text, "one") + RawWs::frame(Op::ping, "") +
               RawWs::frame(Op::binary, "two") + bad + RawWs::frame(Op::text, "never"));
        CHECK(c.next().payload == "one");
        CHECK(c.next().op == Op::pong);
        CHECK(c.next().payload == "two");
        auto close = c.next();
        CHECK(close.op == Op::close);
        CHECK(RawWs::code(close) == 1002);
        CHECK(c.closed_by_server());
        CHECK(s.wait_closes(1).at(0).code == 1002);
    }
    SUBCASE("invalid UTF-8: 1007, after the valid message before it") {
        RawWs c(run.port(), "/echo");
        c.send(RawWs::frame(Op::text, "ok") + RawWs::frame(Op::text, "a\xff"));
        CHECK(c.next().payload == "ok");
        auto close = c.next();
        CHECK(RawWs::code(close) == 1007);
        CHECK(c.closed_by_server());
    }
    SUBCASE("a message followed at once by a close: its echo, then the close reply") {
        RawWs c(run.port(), "/echo");
        std::string payload("\x0f\xa0reason", 8);  // 4000 "reason"
        c.send(RawWs::frame(Op::binary, "last") + RawWs::frame(Op::close, payload));
        auto echo = c.next();
        CHECK(echo.op == Op::binary);
        CHECK(echo.payload == "last");
        auto close = c.next();
        CHECK(close.op == Op::close);
        CHECK(RawWs::code(close) == 4000);
        CHECK(c.closed_by_server());  // the server closes TCP after the handshake
        auto closes = s.wait_closes(1);
        CHECK(closes.at(0).code == 4000);
        CHECK(closes.at(0).reason == "reason");
    }
    SUBCASE("close codes: invalid ones and a 1-byte payload are 1002; none is echoed empty") {
        const std::uint16_t bad_codes[] = {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999};
        for (std::uint16_t code : bad_codes) {
            CAPTURE(code);
            RawWs c(run.port(), "/echo");
            char p[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
            c.send(RawWs::frame(Op::close, std::string_view(p, 2)));
            CHECK(RawWs::code(c.next()) == 1002);
        }
        {
            RawWs c(run.port(), "/echo");
            c.send(RawWs::frame(Op::close, "x"));
            CHECK(RawWs::code(c.next()) == 1002);
        }
        {
            RawWs c(run.port(), "/echo");
            c.send(RawWs::frame(Op::close, ""));
            auto close = c.next();
            CHECK(close.op == Op::close);
            CHECK(close.payload.empty());
            CHECK(c.closed_by_server());
        }
    }
    SUBCASE("the server's close: answered, then TCP closed") {
        RawWs c(run.port(), "/echo");
        c.send(RawWs::frame(Op::text, "close me"));
        auto close = c.next();
        CHECK(RawWs::code(close) == 4000);
        CHECK(close.payload.substr(2) == "bye");
        c.send(RawWs::frame(Op::close, std::string("\x0f\xa0", 2)));
        CHECK(c.closed_by_server());
        CHECK(s.wait_closes(1).at(0).code == 4000);
    }
    SUBCASE("a message over the limit: 1009") {
        RawWs c(run.port(), "/small");
        c.send(RawWs::frame(Op::binary, std::string(1001, 'x')));
        auto close = c.next();
        CHECK(RawWs::code(close) == 1009);
        CHECK(c.closed_by_server());
        CHECK(s.wait_closes(1).at(0).code == 1009);
    }
    SUBCASE("a long close reason is cut on a character boundary") {
        RawWs c(run.port(), "/echo");
        c.send(RawWs::frame(Op::text, "close:" + std::string(122, 'a') + "\xc3\xa9"));
        auto close = c.next();
        CHECK(RawWs::code(close) == 4001);
        CHECK(close.payload.substr(2) == std::string(122, 'a'));
    }
    SUBCASE("the peer never answers our close: a timeout ends it (1006)") {
        RawWs c(run.port(), "/small");
        c.send(RawWs::frame(Op::text, "close me"));
        auto start = std::chrono::steady_clock::now();
        RawWs::Frame f;
        do {
            f = c.next();  // keep-alive pings, then our close, then the end
        } while (!f.end && f.op != Op::close);
        CHECK(RawWs::code(f) == 4000);
        CHECK(c.closed_by_server());
        CHECK(elapsed_since(start) < io_timeout);
        auto closes = s.wait_closes(1);
        CHECK(closes.at(0).code == 1006);
        CHECK(closes.at(0).reason == "no close from the peer in time");
    }
    SUBCASE("a client that answers no keep-alive ping is dropped") {
        RawWs c(run.port(), "/small");
        auto ping = c.next();
        CHECK(ping.op == Op::ping);
        auto start = std::chrono::steady_clock::now();
        while (!c.next().end) {}  // more pings may come; then the server closes
        CHECK(elapsed_since(start) < io_timeout);
        auto closes = s.wait_closes(1);
        CHECK(closes.at(0).code == 1006);
        CHECK(closes.at(0).reason == "no pong to the keep-alive ping in time");
    }
    SUBCASE("a client that answers keep-alive pings stays") {
        WebSocket w = WebSocket::connect(url(run.port(), "/small"));
        for (int i = 0; i < 5; ++i) {  // receive() answers the pings: over 500 ms in all
            w.send_text("tick", soon());
            CHECK(w.receive(soon()).data == "tick");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        w.close(1000, "", soon());
        CHECK(w.receive(soon()).type == WebSocket::MessageType::close);
    }
}

TEST_CASE("ws server: bad frames after a valid one (Autobahn categories 2-7, as a table)") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    using Op = ws::Opcode;
    auto raw_frame = [](std::uint8_t b0, std::string_view payload) {
        std::string f = RawWs::frame(Op::binary, payload);
        f[0] = static_cast<char>(b0);
        return f;
    };
    auto close_payload = [](std::uint16_t code, std::string_view reason) {
        std::string p;
        p += static_cast<char>(code >> 8);
        p += static_cast<char>(code & 0xFF);
        p.append(reason.data(), reason.size());
        return p;
    };
    struct Case {
        std::string name;
        std::string bytes;
        std::uint16_t code;
    };
    std::vector<Case> cases;
    for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        cases.push_back({"reserved opcode " + std::to_string(op),
                         raw_frame(static_cast<std::uint8_t>(0x80 | op), "x"), 1002});
    for (int rsv : {1, 2, 3, 4, 5, 6, 7})
        cases.push_back({"RSV " + std::to_string(rsv),
                         raw_frame(static_cast<std::uint8_t>(0x81 | rsv << 4), "x"), 1002});
    cases.push_back({"ping of 126 bytes", RawWs::frame(Op::ping, std::string(126, 'p')), 1002});
    cases.push_back({"fragmented ping", RawWs::frame(Op::ping, "p", false), 1002});
    cases.push_back({"continuation without a message", RawWs::frame(Op::continuation, "c"), 1002});
    cases.push_back({"a new message inside a fragmented one",
                     RawWs::frame(Op::text, "a", false) + RawWs::frame(Op::text, "b"), 1002});
    {
        std::string unmasked = "\x81\x02hi";
        cases.push_back({"unmasked client frame", unmasked, 1002});
    }
    cases.push_back({"close reason of 124 bytes (a payload of 126)",
                     RawWs::frame(Op::close, close_payload(1000, std::string(124, 'r'))), 1002});
    cases.push_back(
        {"close reason not UTF-8",
         RawWs::frame(
             Op::close,
             close_payload(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80")),
         1007});
    cases.push_back(
        {"text split inside a character, then invalid",
         RawWs::frame(Op::text, "\xce", false) + RawWs::frame(Op::continuation, "\xba\xff"), 1007});
    for (const Case& c : cases) {
        CAPTURE(c.name);
        RawWs w(run.port(), "/echo");
        w.send(RawWs::frame(Op::text, "first") + c.bytes + RawWs::frame(Op::text, "never"));
        auto echo = w.next();
        CHECK(echo.op == Op::text);
        CHECK(echo.payload == "first");
        auto close = w.next();
        CHECK(close.op == Op::close);
        CHECK(RawWs::code(close) == c.code);
        CHECK(w.closed_by_server());
    }
    SUBCASE("valid close codes are echoed; a ping after the close gets no pong") {
        for (std::uint16_t code :
             {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
            CAPTURE(code);
            RawWs w(run.port(), "/echo");
            w.send(RawWs::frame(Op::close, close_payload(code, "why")) +
                   RawWs::frame(Op::ping, "late"));
            auto close = w.next();
            CHECK(close.op == Op::close);
            CHECK(RawWs::code(close) == code);
            CHECK(w.next().end);  // no pong: the TCP connection ends
        }
    }
    SUBCASE("ten pings in one write: ten pongs in order") {
        RawWs w(run.port(), "/echo");
        std::string pings;
        for (int i = 0; i < 10; ++i) pings += RawWs::frame(Op::ping, std::to_string(i));
        w.send(pings);
        for (int i = 0; i < 10; ++i) {
            auto pong = w.next();
            CHECK(pong.op == Op::pong);
            CHECK(pong.payload == std::to_string(i));
        }
    }
    SUBCASE("64 KiB in 997-byte TCP chops") {
        RawWs w(run.port(), "/echo");
        std::string text(65536, 'c');
        std::string bytes = RawWs::frame(Op::text, text);
        for (std::size_t at = 0; at < bytes.size(); at += 997) w.send(bytes.substr(at, 997));
        CHECK(w.next().payload == text);
    }
}

TEST_CASE("ws server: flow control against a client that does not read") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    RawWs c(run.port(), "/flow");
    for (int i = 0; i < 500 && !s.flow_false.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(s.flow_false.load());
    // Not read: the server stopped at the high mark (one message past it at most).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(s.flow_sent.load() < 8u * 1024 * 1024);
    CHECK(s.max_queued.load() <= s.server.options().output_high_water + 64 * 1024 + 16);
    std::size_t received = 0;
    for (;;) {
        auto f = c.next();
        REQUIRE(!f.end);
        if (f.op == ws::Opcode::close) break;
        received += f.payload.size();
    }
    CHECK(received == 8u * 1024 * 1024);
    CHECK(s.drains.load() > 0);
}

TEST_CASE("ws server: a client that sends without reading is not read from") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    RawWs c(run.port(), "/echo");
    const int fd = c.raw().socket().native_handle();
    const std::string payload(64 * 1024, 'e');
    const std::string frame = RawWs::frame(ws::Opcode::binary, payload);
    // Write echo requests until the socket stays full for 500 ms (the server stopped reading
    // because its answers are not read), at most 256 MiB.
    std::size_t written = 0;
    while (written < 256u * 1024 * 1024) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 500) == 0) break;
        ssize_t n = ::send(fd, frame.data() + written % frame.size(),
                           frame.size() - written % frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) written += static_cast<std::size_t>(n);
    }
    // Kernel buffers on both sides, the server's input buffer and its queue: a few MiB.
    CHECK(written < 64u * 1024 * 1024);
    MESSAGE("written before the server stopped reading: " << written);
    // Now read: every echo comes back, while the rest of a cut frame goes out.
    const std::size_t frames = (written + frame.size() - 1) / frame.size();
    std::size_t rest = frames * frame.size() - written;
    std::size_t echoed = 0;
    ws::FrameParser<ws::Role::client> parser;
    std::string in;
    for (int i = 0; i < 100000 && echoed < frames * payload.size(); ++i) {
        pollfd p{fd, static_cast<short>(POLLIN | (rest > 0 ? POLLOUT : 0)), 0};
        REQUIRE(::poll(&p, 1, static_cast<int>(io_timeout.count())) == 1);
        if (rest > 0 && (p.revents & POLLOUT)) {
            ssize_t n =
                ::send(fd, frame.data() + frame.size() - rest, rest, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) rest -= static_cast<std::size_t>(n);
        }
        if (p.revents & POLLIN) {
            char buf[65536];
            ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            REQUIRE(n != 0);
            if (n > 0) in.append(buf, static_cast<std::size_t>(n));
            for (;;) {
                auto r = parser.parse(in);
                REQUIRE(!r.error());
                echoed += r.payload.size();
                in.erase(0, r.consumed);
                if (r.consumed == 0 || in.empty()) break;
            }
        }
    }
    CHECK(echoed == frames * payload.size());
}

TEST_CASE("ws server: an application that ignores send()'s answer meets the queue bound") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    RawWs c(run.port(), "/hoard");
    auto closes = s.wait_closes(1);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].code == 1006);
    CHECK(s.max_queued.load() <= 1024 * 1024);
    std::size_t received = 0;
    for (;;) {  // what was queued, then the end (no close frame: the session was dropped)
        auto f = c.next();
        if (f.end) break;
        received += f.payload.size();
    }
    CHECK(received < 32u * 1024 * 1024);
}

TEST_CASE("ws server: sends from other threads through handles") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    std::vector<WebSocket> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(WebSocket::connect(url(run.port(), "/push")));
    std::vector<ws::SessionHandle> handles;
    for (int i = 0; i < 500 && handles.size() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::lock_guard<std::mutex> lock(s.mutex);
        handles = s.handles;
    }
    REQUIRE(handles.size() == 3);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&handles, t] {
            auto shared = std::make_shared<const std::string>("all " + std::to_string(t));
            for (int i = 0; i < 50; ++i) {
                for (const auto& h : handles) h.send(shared, ws::MessageType::text);
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(handles[1].send_binary("just you"));
    for (std::size_t i = 0; i < clients.size(); ++i) {
        int counts[4] = {0, 0, 0, 0};
        for (int n = 0; n < 200; ++n) {
            auto m = clients[i].receive(soon());
            REQUIRE(m.type == WebSocket::MessageType::text);
            REQUIRE(m.data.size() == 5);
            ++counts[m.data[4] - '0'];
        }
        for (int c : counts) CHECK(c == 50);
    }
    CHECK(clients[1].receive(soon()).data == "just you");
    handles[0].close(1001, "go");
    auto m = clients[0].receive(soon());
    CHECK(m.type == WebSocket::MessageType::close);
    CHECK(m.close_code == 1001);
    run.stop();
    handles[2].send_text("late");  // to a stopped loop: never delivered, harmless
}

TEST_CASE("ws server: a handle outliving its server sends nothing") {
    ws::SessionHandle h;
    {
        WsServer s;
        RunningServer run(s.server);
        WebSocket w = WebSocket::connect(url(run.port(), "/push"));
        for (int i = 0; i < 500 && !h; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            std::lock_guard<std::mutex> lock(s.mutex);
            if (!s.handles.empty()) h = s.handles[0];
        }
        REQUIRE(h);
        CHECK(h.send_text("hi"));
        CHECK(w.receive(soon()).data == "hi");
    }
    CHECK(!h.send_text("late"));
}

TEST_CASE("ws server: stop() closes sessions with 1001") {
    FdLeakGuard leaks;
    WsServer s;
    RunningServer run(s.server);
    WebSocket w = WebSocket::connect(url(run.port(), "/echo"));
    w.send_text("x", soon());
    CHECK(w.receive(soon()).data == "x");
    std::thread stopper([&] { run.stop(); });
    auto m = w.receive(soon());
    CHECK(m.type == WebSocket::MessageType::close);
    CHECK(m.close_code == 1001);
    stopper.join();
}

TEST_CASE("ws server: Python's websockets as a client, byte-exact") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    WsServer s;
    RunningServer run(s.server);
    examples_test::Child py("/usr/bin/python3",
                            {ws_test::source_dir() + "/client_check.py", url(run.port(), "/echo")});
    REQUIRE(py.wait_exit(std::chrono::seconds(120)));
    CAPTURE(py.err());
    CHECK(py.exit_code() == 0);
    CHECK(py.out() == "ok 24\n");
}
