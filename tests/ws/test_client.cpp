// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// socklite::WebSocket against Python's websockets (tests/ws/echo_server.py), over loopback.
#include <socklite/ws/client.hpp>

#include "support/doctest_ext.hpp"

#include <socklite/listener.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "support/fd_count.hpp"
#include "ws/peer.hpp"

using socklite::Deadline;
using socklite::WebSocket;
using namespace std::chrono_literals;

namespace {

const auto patience = 30s;
Deadline soon() { return Deadline::after(patience); }

std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xFF);
    return s;
}

std::string text_pattern(std::size_t n) {
    const std::string unit = "ascii κόσμε 😀 ";  // 1-, 2-, 3- and 4-byte code points
    std::string s;
    while (s.size() + unit.size() <= n) s += unit;
    s.append(n - s.size(), 'x');
    return s;
}

struct IgnoreSigpipe {
    IgnoreSigpipe() { std::signal(SIGPIPE, SIG_IGN); }  // the Child helper expects it
} ignore_sigpipe;

}  // namespace

TEST_CASE("ws client: echo of text and binary, mixed sizes up to 5 MiB, byte-exact") {
    if (!ws_test::have_python_websockets()) return;
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
    if (!ws_test::have_python_websockets()) return;
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
    if (!ws_test::have_python_websockets()) return;
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
    if (!ws_test::have_python_websockets()) return;
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
