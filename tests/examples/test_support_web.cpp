// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// examples/support_server --web-port: the chat page over HTTP, a browser-like WebSocket
// customer (socklite::WebSocket) and a TCP customer at once; ids in connection order for both
// kinds, `[N] text` lines, `@N text` reaching its addressee alone, /list, joined and left.

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <socklite/socket.hpp>
#include <socklite/ws/client.hpp>

#include "child_process.hpp"
#include "server/server_fixture.hpp"
#include "support/example_path.hpp"

using examples_test::Child;
using socklite::WebSocket;
using socklite_test::RawClient;

namespace {

socklite::Deadline soon() { return socklite::Deadline::after(std::chrono::seconds(30)); }

// The port of the stderr line `listening on HOST:PORT (web)`, waited for (bounded).
std::uint16_t web_port(Child& c) {
    std::uint16_t port = 0;
    examples_test::Child::pump_until({&c}, examples_test::patience, [&] {
        std::size_t at = c.err().find(" (web)\n");
        if (at == std::string::npos) return false;
        std::size_t colon = c.err().rfind(':', at);
        port = static_cast<std::uint16_t>(std::stoul(c.err().substr(colon + 1, at - colon - 1)));
        return true;
    });
    return port;
}

// Waits (bounded) until the child's stdout holds @p text.
bool wait_out(Child& c, const std::string& text) {
    return examples_test::Child::pump_until(
        {&c}, examples_test::patience, [&] { return c.out().find(text) != std::string::npos; });
}

// Reads one line from a TCP customer's socket (bounded by the socket's timeout).
std::string read_line(socklite::Socket& s, std::string& buf) {
    for (int i = 0; i < 1000; ++i) {
        std::size_t nl = buf.find('\n');
        if (nl != std::string::npos) {
            std::string line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            return line;
        }
        char tmp[4096];
        std::size_t n = s.recv(tmp, sizeof tmp);
        if (n == 0) break;
        buf.append(tmp, n);
    }
    return "<end>";
}

}  // namespace

TEST_CASE("support_server --web-port: page, WebSocket and TCP customers together") {
    Child server(socklite_test::example_path("support_server"),
                 {"--host", "127.0.0.1", "--port", "0", "--web-port", "0"});
    std::uint16_t tcp_port = server.listening_port();
    REQUIRE(tcp_port != 0);
    std::uint16_t port = web_port(server);
    REQUIRE(port != 0);
    // The TCP line comes first.
    CHECK(server.err().find("listening on 127.0.0.1:" + std::to_string(tcp_port) + "\n") == 0);

    {  // the page
        RawClient page(port);
        page.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        auto res = page.read_response();
        CHECK(res.status == 200);
        CHECK(res.headers.get("Content-Type") == "text/html; charset=utf-8");
        for (const char* id : {"id=\"msg\"", "id=\"send\"", "id=\"log\"", "id=\"me\"", "/ws"})
            CHECK(res.body.find(id) != std::string::npos);
    }

    // Customer 1 over TCP, 2 from the "browser", 3 over TCP.
    socklite::Socket tcp1 =
        socklite::Socket::connect("127.0.0.1", tcp_port, std::chrono::seconds(30));
    tcp1.read_timeout(std::chrono::seconds(30));
    REQUIRE(wait_out(server, "* 1 joined\n"));
    WebSocket web = WebSocket::connect("ws://127.0.0.1:" + std::to_string(port) + "/ws");
    CHECK(web.receive(soon()).data == "* you are customer 2");
    REQUIRE(wait_out(server, "* 2 joined\n"));
    socklite::Socket tcp3 =
        socklite::Socket::connect("127.0.0.1", tcp_port, std::chrono::seconds(30));
    tcp3.read_timeout(std::chrono::seconds(30));
    REQUIRE(wait_out(server, "* 3 joined\n"));

    web.send_text(
        "hello from the w\xc3\xa9"
        "b",
        soon());
    CHECK(wait_out(server,
                   "[2] hello from the w\xc3\xa9"
                   "b\n"));
    tcp1.send_all("hello from tcp\n");
    CHECK(wait_out(server, "[1] hello from tcp\n"));

    server.write("/list\n");
    CHECK(wait_out(server, "* connected: 1 2 3\n"));
    server.write("@2 to the browser\n@1 to tcp one\n@3 to tcp three\n");
    CHECK(web.receive(soon()).data == "to the browser");
    std::string b1, b3;
    CHECK(read_line(tcp1, b1) == "to tcp one");
    CHECK(read_line(tcp3, b3) == "to tcp three");
    // Nothing else reached anyone: one more message each, which must come next.
    server.write("@2 second\n@1 second\n");
    CHECK(web.receive(soon()).data == "second");
    CHECK(read_line(tcp1, b1) == "second");

    SUBCASE("a browser customer leaves") {
        web.close(1000, "", soon());
        CHECK(web.receive(soon()).type == WebSocket::MessageType::close);
        CHECK(wait_out(server, "* 2 left\n"));
        server.write("@2 gone?\n/list\n");
        CHECK(wait_out(server, "* connected: 1 3\n"));
        CHECK(server.err().find("no customer 2") != std::string::npos);
    }
    SUBCASE("stdin ends: every customer is closed, exit 0") {
        server.close_stdin();
        auto m = web.receive(soon());
        CHECK(m.type == WebSocket::MessageType::close);
        CHECK(m.close_code == 1001);
        CHECK(read_line(tcp1, b1) == "<end>");
        CHECK(read_line(tcp3, b3) == "<end>");
        REQUIRE(server.wait_exit());
        CHECK(server.exit_code() == 0);
    }
}

TEST_CASE("support_server --web-port: a page from another site may not connect") {
    Child server(socklite_test::example_path("support_server"),
                 {"--host", "127.0.0.1", "--port", "0", "--web-port", "0"});
    REQUIRE(server.listening_port() != 0);
    std::uint16_t port = web_port(server);
    REQUIRE(port != 0);
    socklite::ws::ClientOptions o;
    o.origin = "http://evil.example";
    std::error_code ec;
    WebSocket::connect("ws://127.0.0.1:" + std::to_string(port) + "/ws", o, ec);
    CHECK(ec);
    o.origin = "http://127.0.0.1:" + std::to_string(port);
    WebSocket ok = WebSocket::connect("ws://127.0.0.1:" + std::to_string(port) + "/ws", o);
    CHECK(ok.receive(soon()).data == "* you are customer 1");
}

TEST_CASE("support_server: --web-port needs a port") {
    Child c(socklite_test::example_path("support_server"), {"--web-port", "x"});
    REQUIRE(c.wait_exit());
    CHECK(c.exit_code() == 1);
    CHECK(c.err().find("support_server: bad arguments: --web-port") == 0);
}
