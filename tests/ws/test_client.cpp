// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// socklite::WebSocket against Python's websockets (tests/ws/echo_server.py), over loopback.
#include <socklite/ws/client.hpp>

#include "support/doctest_ext.hpp"

#include <socklite/http/parser.hpp>
#include <socklite/listener.hpp>
#include <socklite/ws/handshake.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/fd_count.hpp"
#include "ws/feed.hpp"
#include "ws/peer.hpp"

using socklite::Deadline;
using socklite::WebSocket;
using namespace std::chrono_literals;

namespace {

const auto patience = 30s;
Deadline soon() { return Deadline::after(patience); }

std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xFF);
    return s;
}

std::string text_pattern(std::size_t n) {
    const std::string unit = "ascii κόσμε 😀 ";  // 1-, 2-, 3- and 4-byte code points
    std::string s;
    while (s.size() + unit.size() <= n) s += unit;
    s.append(n - s.size(), 'x');
    return s;
}

}  // namespace

TEST_CASE("ws client: echo of text and binary, mixed sizes up to 5 MiB, byte-exact") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    WebSocket ws = WebSocket::connect(peer.url("/echo"));
    CHECK(ws.is_open());
    CHECK(ws.subprotocol().empty());
    const std::vector<std::size_t> sizes = {0,     1,     125,   126,     127,     128,
                                            65535, 65536, 65537, 1 << 20, 5 << 20, 3};
    unsigned seed = 0;
    for (std::size_t n : sizes) {
        CAPTURE(n);
        std::string bin = pattern(n, ++seed);
        std::string txt = text_pattern(n);
        ws.send_binary(bin, soon());
        ws.send_text(txt, soon());
        WebSocket::Message a = ws.receive(soon());
        CHECK(a.type == WebSocket::MessageType::binary);
        CHECK(a.data.size() == n);
        CHECK(a.data == bin);
        WebSocket::Message b = ws.receive(soon());
        CHECK(b.type == WebSocket::MessageType::text);
        CHECK(b.data == txt);
    }
    // Many small messages in flight at once.
    for (int i = 0; i < 200; ++i) ws.send_text("m" + std::to_string(i), soon());
    for (int i = 0; i < 200; ++i) REQUIRE(ws.receive(soon()).data == "m" + std::to_string(i));

    ws.close(1000, "done", soon());
    CHECK_FALSE(ws.is_open());
    WebSocket::Message c = ws.receive(soon());
    CHECK(c.type == WebSocket::MessageType::close);
    CHECK(c.close_code == 1000);
    std::error_code ec;
    ws.receive(soon(), ec);
    CHECK(ec == socklite::ws::errc::closed);
    ws.send_text("late", soon(), ec);
    CHECK(ec == socklite::ws::errc::closed);
}

TEST_CASE("ws client: ping answered by a pong; the server's ping answered automatically") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    {
        WebSocket ws = WebSocket::connect(peer.url("/echo"));
        ws.ping("abc", soon());
        WebSocket::Message m = ws.receive(soon());
        CHECK(m.type == WebSocket::MessageType::pong);
        CHECK(m.data == "abc");
        std::error_code ec;
        ws.ping(std::string(126, 'x'), soon(), ec);
        CHECK(ec == std::errc::invalid_argument);
    }
    {
        WebSocket ws = WebSocket::connect(peer.url("/ping"));
        WebSocket::Message m = ws.receive(soon());  // only after our automatic pong
        CHECK(m.type == WebSocket::MessageType::text);
        CHECK(m.data == "pong ok");
        ws.close(1000, {}, soon());
        CHECK(ws.receive(soon()).type == WebSocket::MessageType::close);
    }
}

TEST_CASE("ws client: the server closes first (4001), the close is echoed") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    WebSocket ws = WebSocket::connect(peer.url("/close"));
    CHECK(ws.receive(soon()).data == "bye");
    WebSocket::Message m = ws.receive(soon());
    CHECK(m.type == WebSocket::MessageType::close);
    CHECK(m.close_code == 4001);
    CHECK(m.data == "server bye");
    CHECK_FALSE(ws.is_open());
}

TEST_CASE("ws client: subprotocol selection; a receive deadline keeps the connection") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    WebSocket::Options options;
    options.subprotocols = {"superchat", "chat"};
    WebSocket ws = WebSocket::connect(peer.url("/subprotocol"), options);
    CHECK(ws.subprotocol() == "chat");
    CHECK(ws.receive(soon()).data == "chat");

    WebSocket echo = WebSocket::connect(peer.url("/echo"));
    std::error_code ec;
    echo.receive(Deadline::after(50ms), ec);
    CHECK(ec == std::errc::timed_out);
    echo.send_text("still here", soon());
    CHECK(echo.receive(soon()).data == "still here");
}

TEST_CASE("ws client: connect errors") {
    socklite_test::FdLeakGuard fds;
    std::error_code ec;
    WebSocket::connect("wss://127.0.0.1:1/", {}, ec);
    CHECK(ec == socklite::ws::errc::tls_not_enabled);
    WebSocket::connect("http://127.0.0.1:1/", {}, ec);
    CHECK(ec == socklite::ws::errc::unsupported_scheme);
    WebSocket::connect("ws://", {}, ec);
    CHECK(ec == socklite::http::errc::bad_url);
    WebSocket::connect("127.0.0.1:80", {}, ec);
    CHECK(ec == socklite::http::errc::bad_url);
    CHECK_THROWS_AS(WebSocket::connect("wss://example.com/"), socklite::Error);

    // A server that is not a WebSocket server: 200 instead of 101.
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    std::uint16_t port = listener.local_address().port();
    std::thread server([&] {
        auto [sock, addr] = listener.accept();
        char buf[4096];
        std::error_code rec;
        sock.read_some(buf, sizeof buf, soon(), rec);
        sock.send_all(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), rec);
    });
    WebSocket::connect("ws://127.0.0.1:" + std::to_string(port) + "/", {}, ec);
    server.join();
    CHECK(ec == socklite::ws::errc::bad_handshake);

    // Nobody listening.
    listener.close();
    WebSocket::connect("ws://127.0.0.1:" + std::to_string(port) + "/", {}, ec);
    CHECK(ec == std::errc::connection_refused);
}

namespace {

// A one-connection WebSocket server written with the pure pieces (RequestParser, the server-side
// handshake helpers, Protocol<Role::server>) on a plain Socket: it answers the handshake, then
// sends @p frames as given (possibly invalid), then reads until the client closes TCP and keeps
// every frame it received, decoded.
class ScriptedServer {
public:
    explicit ScriptedServer(std::string frames)
        : listener_(socklite::Listener::bind("127.0.0.1", 0)),
          port_(listener_.local_address().port()),
          thread_([this, frames = std::move(frames)] { run(frames); }) {}
    ~ScriptedServer() {
        if (thread_.joinable()) thread_.join();
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
    /** Waits for the server to finish; @return the frames it received (decoded). */
    std::vector<std::string> received() {
        thread_.join();
        return received_;
    }
    int handshake_status() const { return status_; }

private:
    void run(const std::string& frames) {
        auto [sock, addr] = listener_.accept();
        std::string in;
        socklite::http::RequestParser parser;
        char buf[4096];
        std::error_code ec;
        for (;;) {
            auto r = parser.parse_head(in);
            if (r.complete()) {
                auto check = socklite::ws::check_request(socklite::ws::upgrade_request(parser));
                status_ = check.status;
                std::string answer = check.status == 101
                                         ? socklite::ws::build_response(check.accept)
                                         : socklite::ws::build_rejection(check.status);
                in.erase(0, r.consumed);
                sock.send_all(answer, ec);
                break;
            }
            if (r.error()) return;
            std::size_t n = sock.read_some(buf, sizeof buf, soon(), ec);
            if (ec || n == 0) return;
            in.append(buf, n);
        }
        sock.send_all(frames, ec);
        for (;;) {
            std::size_t n = sock.read_some(buf, sizeof buf, soon(), ec);
            if (ec || n == 0) break;
            in.append(buf, n);
        }
        received_ = ws_test::decode_output<socklite::ws::Role::client>(in);
    }

    socklite::Listener listener_;
    std::uint16_t port_;
    std::vector<std::string> received_;
    int status_ = 0;
    std::thread thread_;
};

std::string server_frame(socklite::ws::Opcode op, const std::string& payload) {
    std::string out;
    socklite::ws::append_frame<socklite::ws::Role::server>(out, op, payload);
    return out;
}

}  // namespace

TEST_CASE("ws client: protocol errors from a scripted server are answered with their close code") {
    using socklite::ws::Opcode;
    socklite_test::FdLeakGuard fds;
    struct Case {
        const char* name;
        std::string frames;
        std::error_code ec;
        std::string close_sent;
    };
    const std::vector<Case> cases = {
        {"reserved bit", std::string("\xc1\x00", 2), socklite::ws::errc::reserved_bits,
         "close:1002:"},
        {"bad utf-8 text", server_frame(Opcode::text, "ok\xff"), socklite::ws::errc::invalid_utf8,
         "close:1007:"},
        {"invalid close code", server_frame(Opcode::close, std::string("\x03\xed", 2)),
         socklite::ws::errc::bad_close_frame, "close:1002:"},
        {"masked frame from a server",
         [] {
             std::string out;
             socklite::ws::append_frame<socklite::ws::Role::client>(out, Opcode::text, "x", true,
                                                                    {{1, 2, 3, 4}});
             return out;
         }(),
         socklite::ws::errc::masked_frame, "close:1002:"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        ScriptedServer server(server_frame(Opcode::ping, "p") + c.frames);
        WebSocket ws = WebSocket::connect(server.url());
        std::error_code ec;
        ws.receive(soon(), ec);
        CHECK(ec == c.ec);
        CHECK_FALSE(ws.is_open());
        // The pong went out before the error, then the close frame of the error's code.
        CHECK(server.received() == std::vector<std::string>{"pong:p", c.close_sent});
        CHECK(server.handshake_status() == 101);
    }

    // A message over the client's limit: 1009.
    WebSocket::Options options;
    options.limits.max_message_size = 1000;
    ScriptedServer server(server_frame(Opcode::binary, std::string(1001, 'b')));
    WebSocket ws = WebSocket::connect(server.url(), options);
    std::error_code ec;
    ws.receive(soon(), ec);
    CHECK(ec == socklite::ws::errc::message_too_large);
    CHECK(server.received() == std::vector<std::string>{"close:1009:"});

    // The peer vanishes without a close frame: unexpected_eof (1006, never sent).
    ScriptedServer quiet("");
    WebSocket ws2 = WebSocket::connect(quiet.url());
    ws2.socket().shutdown(socklite::Shutdown::write);  // the server's read loop ends, it closes
    ws2.receive(soon(), ec);
    CHECK(ec == socklite::errc::unexpected_eof);
    CHECK(quiet.received().empty());
}
