// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer::upgrade(): a route that takes the connection over after 101, with the bytes that
// followed the request head; refusals; pipelined requests after an upgrade; stop(); serving
// on an external EventLoop.

#include <socklite/http/server.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

// A raw echo protocol: every byte back; "quit" makes it finish() at once.
class RawEcho final : public socklite::http::Upgraded {
public:
    explicit RawEcho(std::atomic<int>& closed) : closed_(closed) {}
    void start(socklite::Connection& conn) override {
        conn_ = &conn;
        conn.on_input([this](std::string_view in) -> std::size_t {
            if (in.find("quit") != std::string_view::npos) {
                finish();  // destroys *this
                return 0;
            }
            conn_->send(in);
            return in.size();
        });
    }
    void closed(std::error_code) override { ++closed_; }

private:
    socklite::Connection* conn_ = nullptr;
    std::atomic<int>& closed_;
};

struct UpgradeServer {
    std::atomic<int> calls{0};
    std::atomic<int> closed{0};
    HttpServer server;
    UpgradeServer() {
        server.upgrade("/raw",
                       [this](const ServerRequest& req,
                              Response& res) -> std::unique_ptr<socklite::http::Upgraded> {
                           ++calls;
                           if (req.header("Upgrade") != "raw") {
                               res.status = 403;
                               res.body = "no";
                               return nullptr;
                           }
                           if (req.query == "throw") throw std::runtime_error("boom");
                           res.status = 101;
                           res.headers.add("Upgrade", "raw");
                           res.headers.add("Connection", "Upgrade");
                           return std::make_unique<RawEcho>(closed);
                       });
        server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hi"; });
    }
};

const std::string upgrade_req =
    "GET /raw HTTP/1.1\r\nHost: a\r\nUpgrade: raw\r\nConnection: Upgrade\r\n\r\n";

}  // namespace

TEST_CASE("upgrade: 101, then the bytes after the head and pipelined requests are the protocol's") {
    FdLeakGuard leaks;
    UpgradeServer u;
    RunningServer run(u.server);
    RawClient c(run.port());
    // The first bytes of the new protocol, and an HTTP request, in the same write.
    c.send(upgrade_req + "early bytes|GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    Response res = c.read_response();
    CHECK(res.status == 101);
    CHECK(res.headers.get("Upgrade") == "raw");
    CHECK(res.headers.get("Content-Length").empty());
    CHECK(!res.headers.get("Date").empty());
    const std::string want = "early bytes|GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
    for (int i = 0; i < 100 && c.buffered().size() < want.size(); ++i) REQUIRE(c.fill());
    CHECK(c.buffered() == want);  // echoed raw: never answered as HTTP
    c.buffered().clear();
    c.send("more");
    for (int i = 0; i < 100 && c.buffered().size() < 4; ++i) REQUIRE(c.fill());
    CHECK(c.buffered() == "more");
    c.socket().shutdown(socklite::Shutdown::write);
    CHECK(c.read_to_end() == "more");  // the default on_end: close after flush
    for (int i = 0; i < 200 && u.closed.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(u.closed.load() == 1);
    CHECK(u.calls.load() == 1);
}

TEST_CASE("upgrade: a refusal is an ordinary answer, then the connection closes") {
    FdLeakGuard leaks;
    UpgradeServer u;
    RunningServer run(u.server);
    SUBCASE("refused by the handler") {
        RawClient c(run.port());
        c.send(
            "GET /raw HTTP/1.1\r\nHost: a\r\nUpgrade: other\r\nConnection: Upgrade\r\n\r\n"
            "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        Response res = c.read_response();
        CHECK(res.status == 403);
        CHECK(res.body == "no");
        CHECK(res.headers.get("Connection") == "close");
        CHECK(c.read_to_end().empty());  // the pipelined request is not answered
    }
    SUBCASE("a handler that throws: 500") {
        RawClient c(run.port());
        c.send("GET /raw?throw HTTP/1.1\r\nHost: a\r\nUpgrade: raw\r\nConnection: Upgrade\r\n\r\n");
        Response res = c.read_response();
        CHECK(res.status == 500);
        CHECK(c.read_to_end().empty());
    }
    SUBCASE("another method: 405 from the router") {
        RawClient c(run.port());
        c.send("POST /raw HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        Response res = c.read_response();
        CHECK(res.status == 405);
    }
}

TEST_CASE("upgrade: finish() closes at once; stop() ends upgraded connections") {
    FdLeakGuard leaks;
    UpgradeServer u;
    RunningServer run(u.server);
    {
        RawClient c(run.port());
        c.send(upgrade_req);
        CHECK(c.read_response().status == 101);
        c.send("quit");
        c.read_to_end();  // closed by the server (an EOF or a reset, both end the loop)
    }
    RawClient idle(run.port());
    idle.send(upgrade_req);
    CHECK(idle.read_response().status == 101);
    run.stop();  // Upgraded::stop(): the default finishes at once, run() returns
    CHECK(idle.read_to_end().empty());
}

TEST_CASE("upgrade: HttpServer on an external EventLoop, with the loop's other work") {
    FdLeakGuard leaks;
    UpgradeServer u;
    socklite::EventLoop loop;
    u.server.listen(loop, "127.0.0.1", 0);
    int ticks = 0;
    loop.call_every(std::chrono::milliseconds(1), [&] { ++ticks; });
    std::thread t([&] { loop.run(); });
    {
        RawClient c(u.server.port());
        c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        CHECK(c.read_response().body == "hi");
        c.send(upgrade_req + "x");
        CHECK(c.read_response().status == 101);
        for (int i = 0; i < 100 && c.buffered().empty(); ++i) REQUIRE(c.fill());
        CHECK(c.buffered() == "x");
    }
    u.server.stop();  // stops serving, never the loop
    loop.post([&] { loop.call_after(std::chrono::milliseconds(50), [&] { loop.stop(); }); });
    t.join();
    CHECK(ticks > 0);
}

namespace {

// Says which socket options its connection carries: `nodelay=1 unsent=16384`.
class SocketReport final : public socklite::http::Upgraded {
public:
    void start(socklite::Connection& conn) override {
        const socklite::Socket& s = conn.socket();
        conn.send("nodelay=" + std::to_string(s.nodelay() ? 1 : 0) +
                  " unsent=" + std::to_string(s.unsent_limit()) + "\n");
    }
};

// Runs @p loop on a thread of its own with @p server listening on it; on the way out (a failed
// REQUIRE included) stops serving, then the loop, and joins.
class ExternalLoop {
public:
    ExternalLoop(socklite::EventLoop& loop, HttpServer& server) : loop_(loop), server_(server) {
        server_.listen(loop_, "127.0.0.1", 0);
        thread_ = std::thread([this] { loop_.run(); });
    }
    ExternalLoop(const ExternalLoop&) = delete;
    ExternalLoop& operator=(const ExternalLoop&) = delete;
    ~ExternalLoop() {
        server_.stop();
        loop_.post([this] { loop_.stop(); });
        thread_.join();
    }

private:
    socklite::EventLoop& loop_;
    HttpServer& server_;
    std::thread thread_;
};

// The report of one connection to a server with @p options, on its own loops or (@p external)
// on an EventLoop of the caller's.
std::string socket_report(const socklite::http::ServerOptions& options, bool external) {
    socklite::EventLoop loop;  // outlives the server, which may refer to it
    HttpServer server(options);
    server.upgrade(
        "/report",
        [](const ServerRequest&, Response& res) -> std::unique_ptr<socklite::http::Upgraded> {
            res.status = 101;
            res.headers.add("Upgrade", "report");
            res.headers.add("Connection", "Upgrade");
            return std::make_unique<SocketReport>();
        });
    std::unique_ptr<ExternalLoop> on_loop;
    std::unique_ptr<RunningServer> run;
    if (external) {
        on_loop = std::make_unique<ExternalLoop>(loop, server);
    } else {
        run = std::make_unique<RunningServer>(server);
    }
    RawClient c(server.port());
    c.send("GET /report HTTP/1.1\r\nHost: a\r\nUpgrade: report\r\nConnection: Upgrade\r\n\r\n");
    CHECK(c.read_response().status == 101);
    for (int i = 0; i < 100 && c.buffered().find('\n') == std::string::npos; ++i) REQUIRE(c.fill());
    return c.buffered();
}

}  // namespace

TEST_CASE("server: accepted connections carry TCP_NODELAY and ServerOptions::unsent_limit") {
    FdLeakGuard leaks;
    socklite::http::ServerOptions options;
    CHECK(options.unsent_limit == 16 * 1024);
    CHECK(socket_report(options, false) == "nodelay=1 unsent=16384\n");
    CHECK(socket_report(options, true) == "nodelay=1 unsent=16384\n");
    options.threads = 2;
    options.unsent_limit = 4096;
    CHECK(socket_report(options, false) == "nodelay=1 unsent=4096\n");
    options.threads = 1;
    options.unsent_limit = 0;  // the system's default
    CHECK(socket_report(options, false) == "nodelay=1 unsent=0\n");
}
