// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// examples/ws_cat end to end against Python's websockets (tests/ws/echo_server.py).
#include <doctest/doctest.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "examples/child_process.hpp"
#include "support/example_path.hpp"
#include "support/fd_count.hpp"
#include "ws/peer.hpp"

using examples_test::Child;
using examples_test::patience;

namespace {

namespace fs = std::filesystem;

// Whether @p text is one line `ws_cat: ...`.
bool one_error_line(const std::string& text) {
    return text.rfind("ws_cat: ", 0) == 0 && text.find('\n') == text.size() - 1;
}

}  // namespace

TEST_CASE("ws_cat: lines out, echoes in, stdin EOF closes cleanly (exit 0)") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    Child cat(socklite_test::example_path("ws_cat"), {peer.url("/echo")});
    std::string expected;
    for (int i = 0; i < 50; ++i) {
        std::string line = "line " + std::to_string(i) + " κόσμε " + std::string(i * 37, 'x');
        cat.write(line + "\n");
        expected += line + "\n";
    }
    cat.write("\n");  // an empty message
    expected += "\n";
    // Python's websockets drops the echo of messages that arrive together with the close, so
    // the close waits until every echo is in.
    CHECK(Child::pump_until({&cat}, patience, [&] { return cat.out().size() >= expected.size(); }));
    CHECK(cat.out() == expected);
    cat.close_stdin();
    REQUIRE(cat.wait_exit());
    CHECK(cat.exit_code() == 0);
    CHECK(cat.err().empty());
}

TEST_CASE("ws_cat: 16 MiB of lines of mixed sizes written at once come back byte-exact") {
    // More than the socket buffers of both directions hold, so sending, reading the echoes and
    // the flow control between them all take turns.
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    Child cat(socklite_test::example_path("ws_cat"), {peer.url("/echo")});
    std::string expected;
    for (int i = 0; expected.size() < (16u << 20); ++i) {
        std::string line(static_cast<std::size_t>(1 + (i * 7919) % 200000),
                         static_cast<char>('a' + i % 26));
        expected += line + "\n";
    }
    cat.write(expected);
    CHECK(Child::pump_until({&cat}, patience, [&] { return cat.out().size() >= expected.size(); }));
    CHECK(cat.out().size() == expected.size());
    CHECK(cat.out() == expected);
    cat.close_stdin();
    REQUIRE(cat.wait_exit());
    CHECK(cat.exit_code() == 0);
    CHECK(cat.err().empty());
}

TEST_CASE("ws_cat: the server closes first (exit 0 after printing what came)") {
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    socklite_test::FdLeakGuard fds;
    ws_test::PythonPeer peer;
    REQUIRE(peer.port() != 0);
    Child cat(socklite_test::example_path("ws_cat"), {peer.url("/close")});
    REQUIRE(cat.wait_exit());
    CHECK(cat.exit_code() == 0);
    CHECK(cat.out() == "bye\n");
}

TEST_CASE("ws_cat: errors are one line and exit 1; --help exits 0") {
    socklite_test::FdLeakGuard fds;
    {
        Child cat(socklite_test::example_path("ws_cat"), {"wss://127.0.0.1:1/"});
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 1);
        CHECK(one_error_line(cat.err()));
        // Without TLS support: not enabled; with it: the connect to port 1 is refused.
        CHECK((cat.err().find("TLS") != std::string::npos ||
               cat.err().find("Connection refused") != std::string::npos));
    }
    {
        Child cat(socklite_test::example_path("ws_cat"), {"ftp://127.0.0.1/"});
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 1);
        CHECK(one_error_line(cat.err()));
    }
    {
        Child cat(socklite_test::example_path("ws_cat"), {});
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 1);
        CHECK(one_error_line(cat.err()));
    }
    {
        Child cat(socklite_test::example_path("ws_cat"), {"--help"});
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 0);
        CHECK(cat.out().rfind("usage: ws_cat", 0) == 0);
    }
}

TEST_CASE("ws_cat: a refused connection is one line and exit 1") {
    socklite_test::FdLeakGuard fds;
    // A port nobody listens on: bind one, learn its number, close it.
    int port = 0;
    {
        ws_test::PythonPeer peer;  // any listener would do; this one is at hand
        port = peer.port();
    }
    if (port == 0) return;
    Child cat(socklite_test::example_path("ws_cat"),
              {"ws://127.0.0.1:" + std::to_string(port) + "/"});
    REQUIRE(cat.wait_exit());
    CHECK(cat.exit_code() == 1);
    CHECK(one_error_line(cat.err()));
}
