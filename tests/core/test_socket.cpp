// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/socket.hpp: connecting, sending, receiving, deadlines, options, failures.
#include "support/doctest_ext.hpp"

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <csignal>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/peer.hpp"

using namespace std::chrono_literals;
using socklite::Address;
using socklite::errc;
using socklite::Listener;
using socklite::Socket;
using socklite_test::check_deadline;
using socklite_test::connected_pair;
using socklite_test::elapsed_since;
using socklite_test::FdLeakGuard;
using socklite_test::io_timeout;
using socklite_test::what_of;

namespace {

std::string refused_text() { return std::make_error_code(std::errc::connection_refused).message(); }

}  // namespace

TEST_CASE("socket: a client and a server exchange bytes both ways") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.send_all("allen");
    CHECK(c.server.recv(1024) == "allen");
    CHECK(c.server.send(std::string_view("hello")) == 5);
    char buf[5];
    c.client.recv_exact(buf, sizeof buf);
    CHECK(std::string(buf, 5) == "hello");
    CHECK(c.peer == c.client.local_address());
    CHECK(c.client.peer_address() == c.listener.local_address());
    CHECK(c.server.local_address() == c.listener.local_address());
    CHECK(c.server.peer_address() == c.peer);
    CHECK(c.client.is_open());
    CHECK(static_cast<bool>(c.server));
}

TEST_CASE("socket: connected and accepted descriptors are CLOEXEC and blocking") {
    FdLeakGuard guard;
    auto c = connected_pair();
    CHECK(socklite_test::has_cloexec(c.client.native_handle()));
    CHECK(socklite_test::has_cloexec(c.server.native_handle()));
    CHECK_FALSE(socklite_test::has_nonblock(c.client.native_handle()));  // restored after connect
    CHECK_FALSE(socklite_test::has_nonblock(c.server.native_handle()));
    CHECK_FALSE(c.client.non_blocking());
    auto plain = Socket::connect(c.listener.local_address());  // the no-timeout path
    CHECK(socklite_test::has_cloexec(plain.native_handle()));
    auto by_name = Socket::connect("127.0.0.1", c.listener.local_address().port(), io_timeout);
    CHECK(socklite_test::has_cloexec(by_name.native_handle()));
}

TEST_CASE("socket: connect to a host name") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    auto s = Socket::connect("localhost", l.local_address().port(), io_timeout);
    auto a = l.accept(io_timeout);
    CHECK(a.peer == s.local_address());
}

TEST_CASE("socket: connection refused, by address and by name, both overloads") {
    FdLeakGuard guard;
    socklite_test::RefusingPort refusing;
    Address dead = refusing.address();
    std::string port = std::to_string(dead.port());
    SUBCASE("error code overload") {
        std::error_code ec;
        Socket s = Socket::connect(dead, io_timeout, ec);
        CHECK(ec == std::errc::connection_refused);
        CHECK_FALSE(s.is_open());
        s = Socket::connect(dead, socklite::no_timeout, ec);
        CHECK(ec == std::errc::connection_refused);
        s = Socket::connect("127.0.0.1", dead.port(), io_timeout, ec);
        CHECK(ec == std::errc::connection_refused);
        CHECK_FALSE(s.is_open());
    }
    SUBCASE("messages") {
        CHECK(what_of([&] { Socket::connect(dead); }) ==
              "connect 127.0.0.1:" + port + ": " + refused_text());
        CHECK(what_of([&] { Socket::connect(dead, 1s); }) ==
              "connect 127.0.0.1:" + port + ": Connection refused");
        CHECK(what_of([&] { Socket::connect("localhost", dead.port()); }) ==
              "connect localhost:" + port + ": Connection refused");
        CHECK(what_of([&] { Socket::connect("127.0.0.1", dead.port(), 1s); }) ==
              "connect 127.0.0.1:" + port + ": Connection refused");
        try {
            Socket::connect(dead);
        } catch (const std::system_error& e) {
            CHECK(e.code() == std::errc::connection_refused);
        }
    }
}

TEST_CASE("socket: unknown host and empty address") {
    FdLeakGuard guard;
    std::error_code ec;
    Socket s = Socket::connect("no-such-host.invalid", 80, io_timeout, ec);
    CHECK(ec.category() == socklite::resolve_category());
    CHECK_FALSE(s.is_open());
    CHECK(what_of([] { Socket::connect("no-such-host.invalid", 80); }) ==
          "connect no-such-host.invalid:80: " + ec.message());
    s = Socket::connect(Address(), io_timeout, ec);
    CHECK(ec == errc::bad_address);
    CHECK_THROWS_AS(Socket::connect(Address()), socklite::Error);
}

TEST_CASE("socket: connect timeout fires against a full backlog") {
    auto& hole = socklite_test::shared_black_hole();
    FdLeakGuard guard;
    if (!hole.ready) {
        MESSAGE("skipped: the kernel never dropped a SYN on a full backlog");
        return;
    }
    const auto timeout = 300ms;
    SUBCASE("by address, error code") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        Socket s = Socket::connect(hole.address, timeout, ec);
        auto took = elapsed_since(start);
        CHECK(ec == std::errc::timed_out);
        CHECK_FALSE(s.is_open());
        check_deadline(took, timeout);
    }
    SUBCASE("by name, throwing") {
        auto start = std::chrono::steady_clock::now();
        std::string what =
            what_of([&] { Socket::connect("127.0.0.1", hole.address.port(), timeout); });
        check_deadline(elapsed_since(start), timeout);
        CHECK(what == "connect 127.0.0.1:" + std::to_string(hole.address.port()) + ": " +
                          std::make_error_code(std::errc::timed_out).message());
    }
}

TEST_CASE("socket: read timeout fires on recv and recv_exact") {
    FdLeakGuard guard;
    auto c = connected_pair();
    const auto timeout = 200ms;
    c.client.read_timeout(timeout);
    CHECK(c.client.read_timeout() == timeout);
    char buf[16];
    SUBCASE("recv, error code") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        CHECK(c.client.recv(buf, sizeof buf, ec) == 0);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
    }
    SUBCASE("recv, throwing") {
        auto start = std::chrono::steady_clock::now();
        std::string what = what_of([&] { c.client.recv(buf, sizeof buf); });
        check_deadline(elapsed_since(start), timeout);
        CHECK(what == "recv " + c.listener.local_address().to_string() + ": " +
                          std::make_error_code(std::errc::timed_out).message());
    }
    SUBCASE("recv_exact with part of the data: one deadline for the whole call") {
        c.server.send_all("abc");
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        CHECK(c.client.recv_exact(buf, 10, ec) == 3);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK(std::string(buf, 3) == "abc");
    }
    SUBCASE("the timeout can be removed again") {
        c.client.read_timeout(socklite::no_timeout);
        CHECK(c.client.read_timeout() == socklite::no_timeout);
        c.server.send_all("x");
        CHECK(c.client.recv(1) == "x");
    }
    SUBCASE("zero or less is expired, not forever: data already there, else timed_out at once") {
        for (auto t : {0ms, -5ms}) {
            c.client.read_timeout(t);
            CHECK(c.client.read_timeout() == t);
            std::error_code ec;
            auto start = std::chrono::steady_clock::now();
            CHECK(c.client.recv(buf, 1, ec) == 0);
            CHECK(ec == std::errc::timed_out);
            CHECK(elapsed_since(start) < timeout);
            c.server.send_all("y");
            // The byte may take a moment on loopback: wait for it without the socket's calls.
            pollfd p{c.client.native_handle(), POLLIN, 0};
            REQUIRE(::poll(&p, 1, 10000) == 1);
            CHECK(c.client.recv(1) == "y");
        }
    }
}

TEST_CASE("socket: read_some with a Deadline: the nearer of deadline and read timeout ends it") {
    FdLeakGuard guard;
    auto c = connected_pair();
    char buf[16];
    const auto near = 200ms;
    SUBCASE("data already there: returned at once, deadline or not") {
        c.client.read_timeout(10s);
        c.server.send_all("abc");
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::after(10s)) == 3);
        c.server.send_all("de");
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::none()) == 2);
        CHECK(std::string(buf, 2) == "de");
    }
    SUBCASE("the deadline is nearer than the read timeout") {
        c.client.read_timeout(10s);
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::after(near), ec) == 0);
        check_deadline(elapsed_since(start), near);
        CHECK(ec == std::errc::timed_out);
    }
    SUBCASE("the read timeout is nearer than the deadline") {
        c.client.read_timeout(near);
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::after(10s), ec) == 0);
        check_deadline(elapsed_since(start), near);
        CHECK(ec == std::errc::timed_out);
    }
    SUBCASE("no read timeout: the deadline alone") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        c.client.read_some(buf, sizeof buf, socklite::Deadline::after(near), ec);
        check_deadline(elapsed_since(start), near);
        CHECK(ec == std::errc::timed_out);
    }
    SUBCASE("an expired deadline never waits; end of stream is still reported") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::after(0ms), ec) == 0);
        CHECK(ec == std::errc::timed_out);
        CHECK(elapsed_since(start) < near);
        c.server.shutdown(socklite::Shutdown::write);
        pollfd p{c.client.native_handle(), POLLIN, 0};
        REQUIRE(::poll(&p, 1, static_cast<int>(io_timeout.count())) == 1);
        CHECK(c.client.read_some(buf, sizeof buf, socklite::Deadline::after(-1ms), ec) == 0);
        CHECK(!ec);
    }
    SUBCASE("throwing overload names the operation and the peer") {
        std::string what =
            what_of([&] { c.client.read_some(buf, sizeof buf, socklite::Deadline::after(10ms)); });
        CHECK(what.rfind("recv 127.0.0.1:", 0) == 0);
        CHECK(what.find(std::make_error_code(std::errc::timed_out).message()) != std::string::npos);
    }
}

TEST_CASE("socket: write_some with a Deadline fires when the peer never reads") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.write_timeout(10s);
    std::string chunk(256 * 1024, 'w');
    std::error_code ec;
    auto deadline = socklite::Deadline::after(300ms);
    auto start = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (int i = 0; i < 4096 && !ec; ++i)
        total += c.client.write_some(chunk.data(), chunk.size(), deadline, ec);
    CHECK(ec == std::errc::timed_out);
    CHECK(total > 0);
    check_deadline(elapsed_since(start), 300ms);
    // An expired deadline never waits: what fits (the kernel may have moved some along), or
    // timed_out.
    start = std::chrono::steady_clock::now();
    c.client.write_some(chunk.data(), chunk.size(), socklite::Deadline::after(0ms), ec);
    CHECK(elapsed_since(start) < 300ms);
}

TEST_CASE("socket: write timeout fires when the peer never reads") {
    FdLeakGuard guard;
    auto c = connected_pair();
    const auto timeout = 200ms;
    c.client.send_buffer_size(16 * 1024);
    c.server.recv_buffer_size(16 * 1024);
    c.client.write_timeout(timeout);
    CHECK(c.client.write_timeout() == timeout);
    // Far more than both kernel buffers hold, so send_all must block, then time out.
    std::string big(64 * 1024 * 1024, 'x');
    SUBCASE("send_all, error code: returns what went out") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        std::size_t sent = c.client.send_all(big, ec);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK(sent < big.size());
    }
    SUBCASE("send, throwing, once the buffers are full") {
        std::error_code ec;
        c.client.send_all(big, ec);
        REQUIRE(ec == std::errc::timed_out);
        // One send: the kernel may still find room for a few bytes (it can compact the
        // receiver's queue), then it returns them after the timeout; otherwise it times out.
        auto start = std::chrono::steady_clock::now();
        std::size_t sent = 0;
        std::string what = what_of([&] { sent = c.client.send(big.data(), big.size()); });
        check_deadline(elapsed_since(start), timeout);
        if (what == "(no exception)") {
            CHECK(sent < big.size());
        } else {
            CHECK(what == "send " + c.listener.local_address().to_string() + ": " +
                              std::make_error_code(std::errc::timed_out).message());
        }
        start = std::chrono::steady_clock::now();
        what = what_of([&] { c.client.send_all(big); });
        check_deadline(elapsed_since(start), timeout);
        CHECK(what == "send " + c.listener.local_address().to_string() + ": " +
                          std::make_error_code(std::errc::timed_out).message());
    }
}

TEST_CASE("socket: a peer that resets (SO_LINGER 0)") {
    FdLeakGuard guard;
    auto c = connected_pair();
    linger lg{1, 0};
    REQUIRE(::setsockopt(c.server.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    c.server.close();
    char buf[8];
    std::error_code ec;
    CHECK(c.client.recv(buf, sizeof buf, ec) == 0);
    CHECK(ec == std::errc::connection_reset);
    // The peer's address is remembered for the message although getpeername now fails.
    std::string what = what_of([&] { c.client.recv(buf, sizeof buf); });
    bool reset_or_eof = what == "recv " + c.listener.local_address().to_string() + ": " +
                                    std::make_error_code(std::errc::connection_reset).message() ||
                        what == "(no exception)";  // the reset is reported once; then EOF
    CHECK(reset_or_eof);
    c.client.send("x", 1, ec);
    CHECK(ec);  // EPIPE (or ECONNRESET), and no SIGPIPE
}

TEST_CASE("socket: a peer that closes mid-message") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.server.send_all("12345");
    c.server.close();
    char buf[10];
    SUBCASE("recv_exact, error code: the bytes that did arrive") {
        std::error_code ec;
        CHECK(c.client.recv_exact(buf, sizeof buf, ec) == 5);
        CHECK(ec == errc::unexpected_eof);
        CHECK(std::string(buf, 5) == "12345");
    }
    SUBCASE("recv_exact, throwing") {
        CHECK(what_of([&] { c.client.recv_exact(buf, sizeof buf); }) ==
              "recv " + c.listener.local_address().to_string() +
                  ": connection closed by peer before the data was complete");
    }
    SUBCASE("recv: the data, then 0 for end of stream") {
        std::error_code ec;
        CHECK(c.client.recv(10, ec) == "12345");
        CHECK(!ec);
        CHECK(c.client.recv(10).empty());
        CHECK(c.client.recv(buf, sizeof buf, ec) == 0);
        CHECK(!ec);
    }
    SUBCASE("recv(max, ec) reports an impossible allocation instead of throwing") {
        std::error_code ec;
        CHECK(c.client.recv(std::string().max_size() + 1, ec).empty());
        CHECK(ec == std::errc::not_enough_memory);
    }
}

TEST_CASE("socket: sending to a closed peer fails with EPIPE/ECONNRESET, never SIGPIPE") {
    FdLeakGuard guard;
    struct sigaction current {};
    REQUIRE(::sigaction(SIGPIPE, nullptr, &current) == 0);
    // No handler: a SIGPIPE would kill this test program.
    bool default_action = current.sa_handler == SIG_DFL;
    REQUIRE(default_action);
    socklite_test::TempDir dir;
    Address where;
    SUBCASE("TCP") { where = Address::parse("127.0.0.1:0"); }
    SUBCASE("Unix path") { where = Address::unix_path(dir.path("p.sock")); }
    SUBCASE("Unix abstract") { where = Address::parse(socklite_test::unique_abstract_name()); }
    auto c = connected_pair(where);
    c.server.close();
    std::string chunk(64 * 1024, 'z');
    std::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) c.client.send_all(chunk, ec);
    bool expected = ec == std::errc::broken_pipe || ec == std::errc::connection_reset;
    CHECK_MESSAGE(expected, ec.message());
    std::string what = what_of([&] { c.client.send_all(chunk); });
    CHECK(what.rfind("send " + c.listener.local_address().to_string() + ": ", 0) == 0);
}

TEST_CASE("socket: shutdown(write) sends end of stream but keeps receiving") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.send_all("bye");
    c.client.shutdown(socklite::Shutdown::write);
    CHECK(c.server.recv(16) == "bye");
    CHECK(c.server.recv(16).empty());
    c.server.send_all("still here");
    CHECK(c.client.recv(64) == "still here");
    std::error_code ec;
    c.client.send("x", 1, ec);
    CHECK(ec == std::errc::broken_pipe);
    c.client.shutdown(socklite::Shutdown::both);
    Socket empty;
    empty.shutdown(socklite::Shutdown::both, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK_THROWS_AS(empty.shutdown(), socklite::Error);
}

TEST_CASE("socket: move construction and move assignment") {
    FdLeakGuard guard;
    auto c = connected_pair();
    int fd = c.client.native_handle();
    c.client.read_timeout(1234ms);
    Socket moved(std::move(c.client));
    CHECK(moved.native_handle() == fd);
    CHECK(moved.read_timeout() == 1234ms);
    CHECK_FALSE(c.client.is_open());  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(c.client.native_handle() == -1);

    // Assigning over an open socket closes its descriptor.
    int old_fd = c.server.native_handle();
    auto other = Socket::connect(c.listener.local_address(), io_timeout);
    int other_fd = other.native_handle();
    c.server = std::move(other);
    CHECK(c.server.native_handle() == other_fd);
    CHECK(::fcntl(old_fd, F_GETFD) == -1);
    CHECK(errno == EBADF);
    CHECK_FALSE(other.is_open());  // NOLINT(bugprone-use-after-move)

    // Self-move leaves the socket intact.
    Socket& alias = c.server;
    c.server = std::move(alias);
    CHECK(c.server.native_handle() == other_fd);

    // Default and empty sockets.
    Socket none;
    CHECK_FALSE(none.is_open());
    none = Socket();
    CHECK(none.native_handle() == -1);
    none.close();
    none.close();  // idempotent
}

TEST_CASE("socket: release() hands over the descriptor") {
    FdLeakGuard guard;
    auto c = connected_pair();
    int fd = c.client.release();
    CHECK_FALSE(c.client.is_open());
    CHECK(c.client.release() == -1);
    c.client = Socket();  // destroying/replacing the empty socket must not close fd
    CHECK(::fcntl(fd, F_GETFD) != -1);
    Socket adopted(fd);
    adopted.send_all("adopted");
    CHECK(c.server.recv(64) == "adopted");
}

TEST_CASE("socket: option getters and setters") {
    FdLeakGuard guard;
    auto c = connected_pair();
    Socket& s = c.client;
    s.nodelay(true);
    CHECK(s.nodelay());
    s.nodelay(false);
    CHECK_FALSE(s.nodelay());
    s.keepalive(true);
    CHECK(s.keepalive());
    s.keepalive(false);
    CHECK_FALSE(s.keepalive());
    s.reuse_address(true);
    CHECK(s.reuse_address());
    s.reuse_address(false);
    CHECK_FALSE(s.reuse_address());
    s.send_buffer_size(64 * 1024);
    CHECK(s.send_buffer_size() >= 64 * 1024);
    s.recv_buffer_size(64 * 1024);
    CHECK(s.recv_buffer_size() >= 64 * 1024);
    CHECK(s.unsent_limit() == 0);  // none set: the system's default applies
    s.unsent_limit(16 * 1024);
    CHECK(s.unsent_limit() == 16 * 1024);
    s.unsent_limit(0);
    CHECK(s.unsent_limit() == 0);
    std::error_code ec;
    s.unsent_limit(4096, ec);
    CHECK(!ec);
    CHECK(s.unsent_limit(ec) == 4096);
    s.nodelay(true, ec);
    CHECK(!ec);
    CHECK(s.nodelay(ec));
    CHECK(!ec);
    CHECK_FALSE(s.keepalive(ec));
    CHECK(s.send_buffer_size(ec) > 0);
    CHECK(s.recv_buffer_size(ec) > 0);
    CHECK_FALSE(s.reuse_address(ec));
    CHECK(!ec);
}

TEST_CASE("socket: options on an empty socket report EBADF through both overloads") {
    FdLeakGuard guard;
    Socket s;
    std::error_code ec;
    s.nodelay(true, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK_FALSE(s.nodelay(ec));
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK(s.send_buffer_size(ec) == 0);
    CHECK(ec == std::errc::bad_file_descriptor);
    s.read_timeout(1s, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK(s.read_timeout() == socklite::no_timeout);  // unchanged on failure
    s.non_blocking(true, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK_FALSE(s.non_blocking());
    s.local_address(ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    s.peer_address(ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    const std::string ebadf = std::make_error_code(std::errc::bad_file_descriptor).message();
    CHECK(what_of([&] { s.nodelay(true); }) == "set TCP_NODELAY fd -1: " + ebadf);
    CHECK(what_of([&] { (void)s.keepalive(); }) == "get SO_KEEPALIVE fd -1: " + ebadf);
    CHECK(what_of([&] { s.unsent_limit(1); }) == "set TCP_NOTSENT_LOWAT fd -1: " + ebadf);
    CHECK(s.unsent_limit(ec) == 0);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK(what_of([&] { s.send("x", 1); }) == "send fd -1: " + ebadf);
    CHECK(what_of([&] { s.recv(1); }) == "recv fd -1: " + ebadf);
    CHECK(what_of([&] { s.write_timeout(1s); }) == "set write timeout fd -1: " + ebadf);
    CHECK(what_of([&] { s.non_blocking(true); }) == "set non-blocking fd -1: " + ebadf);
    CHECK(what_of([&] { (void)s.local_address(); }) == "getsockname: " + ebadf);
}

TEST_CASE("socket: non-blocking mode reports would_block at once, timeouts ignored") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.read_timeout(10s);
    c.client.write_timeout(10s);
    c.client.non_blocking(true);
    CHECK(c.client.non_blocking());
    CHECK(socklite_test::has_nonblock(c.client.native_handle()));
    char buf[16];
    std::error_code ec;
    auto start = std::chrono::steady_clock::now();
    CHECK(c.client.recv(buf, sizeof buf, ec) == 0);
    CHECK(ec == std::errc::operation_would_block);
    CHECK(c.client.recv_exact(buf, sizeof buf, ec) == 0);
    CHECK(ec == std::errc::operation_would_block);
    c.server.send_all("abc");
    // The bytes may take a moment to arrive: wait with poll, not with a sleep.
    pollfd p{c.client.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, static_cast<int>(io_timeout.count())) == 1);
    CHECK(c.client.recv_exact(buf, 5, ec) == 3);  // what there is, then would_block
    CHECK(ec == std::errc::operation_would_block);
    CHECK(std::string(buf, 3) == "abc");
    CHECK_THROWS_AS(c.client.recv(buf, sizeof buf), socklite::Error);
    // Fill the send side until it would block.
    std::string chunk(256 * 1024, 'q');
    std::size_t total = 0;
    ec.clear();
    for (int i = 0; i < 4096 && !ec; ++i) total += c.client.send(chunk, ec);
    CHECK(ec == std::errc::operation_would_block);
    CHECK(total > 0);
    CHECK(c.client.send_all(chunk, ec) < chunk.size());
    CHECK(ec == std::errc::operation_would_block);
    // Nothing above waited for the 10 s timeouts.
    CHECK(elapsed_since(start) < 10s);
    c.client.non_blocking(false);
    CHECK_FALSE(c.client.non_blocking());
    CHECK_FALSE(socklite_test::has_nonblock(c.client.native_handle()));
}

TEST_CASE("socket: bulk transfer with a peer thread, full duplex") {
    FdLeakGuard guard;
    auto c = connected_pair();
    std::string data(4 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 4093);
    std::string echoed(data.size(), '\0');
    // The peer echoes everything back while we are still sending: both sides must make progress.
    socklite_test::Peer echo([&] {
        std::vector<char> buf(64 * 1024);
        std::size_t left = data.size();
        while (left > 0) {
            std::size_t n = c.server.recv(buf.data(), std::min(buf.size(), left));
            REQUIRE(n > 0);
            c.server.send_all(buf.data(), n);
            left -= n;
        }
    });
    socklite_test::Peer reader([&] { c.client.recv_exact(echoed.data(), echoed.size()); });
    c.client.send_all(data);
    echo.join();
    reader.join();
    CHECK(echoed == data);
}

TEST_CASE("socket: IPv6 loopback") {
    FdLeakGuard guard;
    if (!socklite_test::ipv6_available()) {
        MESSAGE("skipped: ::1 is not available");
        return;
    }
    auto c = connected_pair(Address::parse("[::1]:0"));
    CHECK(c.client.local_address().is_ipv6());
    CHECK(c.peer.host() == "::1");
    c.client.send_all("six");
    CHECK(c.server.recv(8) == "six");
    auto by_name = Socket::connect("::1", c.listener.local_address().port(), io_timeout);
    CHECK(by_name.peer_address().to_string() == c.listener.local_address().to_string());
    socklite_test::RefusingPort refusing("[::1]:0");
    Address dead = refusing.address();
    CHECK(what_of([&] { Socket::connect(dead, 1s); }) ==
          "connect " + dead.to_string() + ": " + refused_text());
    CHECK(what_of([&] { Socket::connect("::1", dead.port(), 1s); }) ==
          "connect [::1]:" + std::to_string(dead.port()) + ": " + refused_text());
}

TEST_CASE("socket: Unix-domain sockets, by path and abstract name") {
    FdLeakGuard guard;
    socklite_test::TempDir dir;
    SUBCASE("path") {
        std::string path = dir.path("s.sock");
        auto c = connected_pair(Address::unix_path(path));
        CHECK(c.listener.local_address().to_string() == path);
        CHECK(c.client.peer_address().to_string() == path);
        c.client.send_all("unix");
        CHECK(c.server.recv(8) == "unix");
        CHECK(socklite_test::has_cloexec(c.server.native_handle()));
        // Options that make no sense here fail cleanly.
        std::error_code ec;
        c.client.nodelay(true, ec);
        CHECK(ec);
    }
    SUBCASE("abstract") {
        std::string name = socklite_test::unique_abstract_name();
        auto c = connected_pair(Address::parse(name));
        CHECK(c.listener.local_address().to_string() == name);
        c.server.send_all("abstract");
        CHECK(c.client.recv(16) == "abstract");
        c.server.close();
        std::error_code ec;
        char buf[4];
        CHECK(c.client.recv_exact(buf, 4, ec) == 0);
        CHECK(ec == errc::unexpected_eof);
    }
    SUBCASE("refused") {
        std::string path = dir.path("nobody.sock");
        std::error_code ec;
        Socket::connect(Address::unix_path(path), 1s, ec);
        CHECK(ec == std::errc::no_such_file_or_directory);
        CHECK(what_of([&] { Socket::connect(Address::unix_path(path)); }) ==
              "connect " + path + ": " +
                  std::make_error_code(std::errc::no_such_file_or_directory).message());
        Socket::connect(Address::parse(socklite_test::unique_abstract_name()), 1s, ec);
        CHECK(ec == std::errc::connection_refused);
    }
}

TEST_CASE("socket: Unix-domain connect timeout against a full backlog") {
    FdLeakGuard guard;
    socklite::ListenOptions options;
    options.backlog = 0;
    auto l = Listener::bind(Address::parse(socklite_test::unique_abstract_name()), options);
    std::vector<Socket> fillers;
    std::error_code ec;
    for (int i = 0; i < 16 && !ec; ++i) {
        Socket s = Socket::connect(l.local_address(), 300ms, ec);
        if (!ec) fillers.push_back(std::move(s));
    }
    REQUIRE(!fillers.empty());
    // A full Unix backlog is a wait, like TCP, not an immediate EAGAIN.
    CHECK(ec == std::errc::timed_out);
    const auto timeout = 200ms;
    auto start = std::chrono::steady_clock::now();
    Socket s = Socket::connect(l.local_address(), timeout, ec);
    check_deadline(elapsed_since(start), timeout);
    CHECK(ec == std::errc::timed_out);
    // Accepting one makes room: the next connect succeeds.
    auto a = l.accept(io_timeout);
    s = Socket::connect(l.local_address(), io_timeout, ec);
    CHECK(!ec);
}

TEST_CASE("socket: huge timeouts mean wait, without overflowing the clock") {
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.read_timeout(std::chrono::milliseconds::max());
    c.client.write_timeout(std::chrono::milliseconds::max());
    c.server.send_all("ok");
    char buf[2];
    c.client.recv_exact(buf, 2);
    CHECK(std::string(buf, 2) == "ok");
    c.client.send_all("fine");
    CHECK(c.server.recv(8) == "fine");
    auto again = Socket::connect(c.listener.local_address(), std::chrono::milliseconds::max());
    CHECK(again.is_open());
    auto a = c.listener.accept(std::chrono::milliseconds::max());
    CHECK(a.socket.is_open());
}

TEST_CASE("socket and listener: a zero timeout has expired, it never means forever") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    std::error_code ec;
    auto start = std::chrono::steady_clock::now();
    l.accept(0ms, ec);  // nobody waiting: timed out at once
    CHECK(ec == std::errc::timed_out);
    CHECK(elapsed_since(start) < io_timeout);
    Socket c = Socket::connect(l.local_address(), io_timeout);
    pollfd p{l.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, static_cast<int>(io_timeout.count())) == 1);
    auto a = l.accept(0ms, ec);  // one waiting: taken without waiting
    CHECK(!ec);
    CHECK(a.socket.is_open());
    // A connect with no time at all either completes at once or reports timed_out; never hangs.
    start = std::chrono::steady_clock::now();
    Socket::connect(l.local_address(), -1ms, ec);
    CHECK((!ec || ec == std::errc::timed_out));
    CHECK(elapsed_since(start) < io_timeout);
}
