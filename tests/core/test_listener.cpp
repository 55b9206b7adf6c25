// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/listener.hpp: binding, accepting, timeouts, dual stack, Unix sockets.
#include "support/doctest_ext.hpp"

#include <socklite/line_buffer.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <string>
#include <vector>

#include <sys/stat.h>

#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/peer.hpp"
#include "support/syscall_faults.hpp"

using namespace std::chrono_literals;
using socklite::Address;
using socklite::errc;
using socklite::Listener;
using socklite::ListenOptions;
using socklite::Socket;
using socklite_test::check_deadline;
using socklite_test::elapsed_since;
using socklite_test::FdLeakGuard;
using socklite_test::io_timeout;
using socklite_test::message;
using socklite_test::what_of;

TEST_CASE("listener: bind to an ephemeral port, by address and by name") {
    FdLeakGuard guard;
    SUBCASE("address") {
        auto l = Listener::bind(Address::parse("127.0.0.1:0"));
        CHECK(l.is_open());
        CHECK(l.local_address().host() == "127.0.0.1");
        CHECK(l.local_address().port() != 0);
    }
    SUBCASE("numeric host") {
        auto l = Listener::bind("127.0.0.1", 0);
        CHECK(l.local_address().host() == "127.0.0.1");
    }
    SUBCASE("localhost") {
        auto l = Listener::bind("localhost", 0);
        auto host = l.local_address().host();
        CHECK((host == "127.0.0.1" || host == "::1"));
    }
    SUBCASE("every address: \"\" and \"*\"") {
        for (const char* any : {"", "*"}) {
            auto l = Listener::bind(any, 0);
            auto host = l.local_address().host();
            CAPTURE(host);
            CHECK((host == "0.0.0.0" || host == "::"));
            auto c = Socket::connect("127.0.0.1", l.local_address().port(), io_timeout);
            CHECK(l.accept(io_timeout).socket.is_open());
        }
    }
}

TEST_CASE("listener: the listening and the accepted descriptors are CLOEXEC") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    CHECK(socklite_test::has_cloexec(l.native_handle()));
    auto c = Socket::connect(l.local_address(), io_timeout);
    auto a = l.accept(io_timeout);
    CHECK(socklite_test::has_cloexec(a.socket.native_handle()));
    CHECK_FALSE(a.socket.non_blocking());
    CHECK_FALSE(socklite_test::has_nonblock(a.socket.native_handle()));
    CHECK(a.peer == c.local_address());
}

TEST_CASE("listener: port in use") {
    FdLeakGuard guard;
    auto first = Listener::bind("127.0.0.1", 0);
    Address taken = first.local_address();
    std::string port = std::to_string(taken.port());
    std::error_code ec;
    Listener second = Listener::bind(taken, {}, ec);
    CHECK(ec == std::errc::address_in_use);
    CHECK_FALSE(second.is_open());
    second = Listener::bind("127.0.0.1", taken.port(), {}, ec);
    CHECK(ec == std::errc::address_in_use);
    CHECK(what_of([&] { Listener::bind("127.0.0.1", taken.port()); }) ==
          "bind 127.0.0.1:" + port + ": " + message(std::errc::address_in_use));
    CHECK(what_of([&] { Listener::bind(taken); }) ==
          "bind 127.0.0.1:" + port + ": Address already in use");
    SUBCASE("SO_REUSEPORT lets two listeners share it") {
        ListenOptions shared;
        shared.reuse_port = true;
        auto a = Listener::bind(Address::parse("127.0.0.1:0"), shared);
        auto b = Listener::bind(a.local_address(), shared);
        CHECK(b.local_address() == a.local_address());
    }
}

TEST_CASE("listener: bind failures") {
    FdLeakGuard guard;
    std::error_code ec;
    SUBCASE("empty address") {
        Listener::bind(Address(), {}, ec);
        CHECK(ec == errc::bad_address);
        CHECK(what_of([] { Listener::bind(Address()); }) == "bind: invalid address");
    }
    SUBCASE("unknown host") {
        Listener::bind("no-such-host.invalid", 0, {}, ec);
        CHECK(ec.category() == socklite::resolve_category());
        CHECK(what_of([] { Listener::bind("no-such-host.invalid", 80); }) ==
              "bind no-such-host.invalid:80: " + ec.message());
    }
    SUBCASE("an address that is not local (TEST-NET-1)") {
        Listener::bind("192.0.2.1", 0, {}, ec);
        CHECK(ec == std::errc::address_not_available);
        CHECK(what_of([] { Listener::bind("192.0.2.1", 0); }) ==
              "bind 192.0.2.1:0: " + message(std::errc::address_not_available));
    }
    SUBCASE("a Unix path in a directory that does not exist") {
        Listener::bind(Address::unix_path("/nonexistent-socklite-dir/x.sock"), {}, ec);
        CHECK(ec == std::errc::no_such_file_or_directory);
    }
}

TEST_CASE("listener: accept timeout fires") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    const auto timeout = 200ms;
    SUBCASE("error code") {
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        auto a = l.accept(timeout, ec);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK_FALSE(a.socket.is_open());
        CHECK(a.peer.empty());
    }
    SUBCASE("throwing") {
        auto start = std::chrono::steady_clock::now();
        std::string what = what_of([&] { l.accept(timeout); });
        check_deadline(elapsed_since(start), timeout);
        CHECK(what ==
              "accept " + l.local_address().to_string() + ": " + message(std::errc::timed_out));
    }
    SUBCASE("a connection that arrives in time is accepted") {
        auto c = Socket::connect(l.local_address(), io_timeout);
        auto a = l.accept(io_timeout);
        CHECK(a.peer == c.local_address());
    }
}

TEST_CASE("listener: a connection that vanishes between poll and accept does not block accept") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    socklite_test::ScopedFaults faults;
    faults.only_fd(l.native_handle());
    SUBCASE("with a timeout: times out instead of blocking in accept4") {
        auto c = Socket::connect(l.local_address(), io_timeout);
        faults.steal_accepts(1);
        const auto timeout = 300ms;
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        auto a = l.accept(timeout, ec);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK(faults.calls(socklite_test::Call::accept) >= 1);
        CHECK(faults.blocked_accepts() == 0);
    }
    SUBCASE("without a timeout: goes on to the next connection") {
        auto c1 = Socket::connect(l.local_address(), io_timeout);
        auto c2 = Socket::connect(l.local_address(), io_timeout);
        faults.steal_accepts(1);  // takes c1, the first in the queue
        auto a = l.accept();
        CHECK(a.peer == c2.local_address());
        CHECK(socklite_test::faults.steal_accepts.load() == 0);
        CHECK(faults.blocked_accepts() == 0);
    }
}

TEST_CASE("listener: dual stack accepts IPv4 clients; IPv6-only does not") {
    FdLeakGuard guard;
    if (!socklite_test::ipv6_available()) {
        MESSAGE("skipped: IPv6 is not available");
        return;
    }
    SUBCASE("dual stack (the default)") {
        auto l = Listener::bind(Address::parse("[::]:0"));
        auto c = Socket::connect("127.0.0.1", l.local_address().port(), io_timeout);
        auto a = l.accept(io_timeout);
        CHECK(a.peer.is_ipv6());
        CHECK(a.peer.host() == "::ffff:127.0.0.1");
        CHECK(a.peer.port() == c.local_address().port());
        auto c6 = Socket::connect("::1", l.local_address().port(), io_timeout);
        CHECK(l.accept(io_timeout).peer.host() == "::1");
    }
    SUBCASE("IPv6 only") {
        ListenOptions v6only;
        v6only.dual_stack = false;
        auto l = Listener::bind(Address::parse("[::]:0"), v6only);
        std::error_code ec;
        // 127.0.0.1 on that port belongs to nobody (or another test): either way not to l.
        auto c = Socket::connect("127.0.0.1", l.local_address().port(), 1s, ec);
        std::error_code none;
        auto a = l.accept(100ms, none);
        CHECK(none == std::errc::timed_out);
        auto c6 = Socket::connect("::1", l.local_address().port(), io_timeout);
        CHECK(l.accept(io_timeout).peer.host() == "::1");
    }
}

TEST_CASE("listener: Unix-domain listeners") {
    FdLeakGuard guard;
    socklite_test::TempDir dir;
    SUBCASE("path: the file exists, stays after close, and a second bind fails") {
        std::string path = dir.path("l.sock");
        auto l = Listener::bind(Address::unix_path(path));
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(S_ISSOCK(st.st_mode));
        CHECK(l.local_address().to_string() == path);
        std::error_code ec;
        Listener::bind(Address::unix_path(path), {}, ec);
        CHECK(ec == std::errc::address_in_use);
        auto c = Socket::connect(Address::unix_path(path), io_timeout);
        auto a = l.accept(io_timeout);
        CHECK(a.peer.is_unix());
        CHECK(a.peer.host().empty());  // the client is unnamed
        CHECK(what_of([&] { Listener::bind(Address::unix_path(path)); }) ==
              "bind " + path + ": " + message(std::errc::address_in_use));
        l.close();
        CHECK(::stat(path.c_str(), &st) == 0);
    }
    SUBCASE("abstract: no file, and the name is free again after close") {
        std::string name = socklite_test::unique_abstract_name();
        auto l = Listener::bind(Address::parse(name));
        CHECK(l.local_address().to_string() == name);
        std::error_code ec;
        Listener::bind(Address::parse(name), {}, ec);
        CHECK(ec == std::errc::address_in_use);
        l.close();
        auto again = Listener::bind(Address::parse(name));
        CHECK(again.is_open());
    }
}

TEST_CASE("listener: non-blocking mode and non-blocking accepted sockets") {
    FdLeakGuard guard;
    SUBCASE("an empty backlog is would_block at once, with or without a timeout") {
        auto l = Listener::bind("127.0.0.1", 0);
        l.non_blocking(true);
        CHECK(l.non_blocking());
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        l.accept(ec);
        CHECK(ec == std::errc::operation_would_block);
        l.accept(10s, ec);
        CHECK(ec == std::errc::operation_would_block);
        CHECK(elapsed_since(start) < 10s);
        CHECK_THROWS_AS(l.accept(), socklite::Error);
        l.non_blocking(false);
        CHECK_FALSE(l.non_blocking());
        l.accept(100ms, ec);
        CHECK(ec == std::errc::timed_out);
    }
    SUBCASE("ListenOptions::accept_non_blocking") {
        ListenOptions options;
        options.accept_non_blocking = true;
        auto l = Listener::bind(Address::parse("127.0.0.1:0"), options);
        auto c = Socket::connect(l.local_address(), io_timeout);
        auto a = l.accept(io_timeout);
        CHECK(a.socket.non_blocking());
        CHECK(socklite_test::has_nonblock(a.socket.native_handle()));
        char buf[4];
        std::error_code ec;
        a.socket.recv(buf, sizeof buf, ec);
        CHECK(ec == std::errc::operation_would_block);
    }
}

TEST_CASE("listener: accepted sockets inherit nodelay and unsent_limit from ListenOptions") {
    FdLeakGuard guard;
    SUBCASE("set") {
        ListenOptions options;
        options.nodelay = true;
        options.unsent_limit = 16 * 1024;
        for (const char* where : {"127.0.0.1:0", "[::1]:0"}) {
            if (where[0] == '[' && !socklite_test::ipv6_available()) continue;
            auto l = Listener::bind(Address::parse(where), options);
            auto c = Socket::connect(l.local_address(), io_timeout);
            auto a = l.accept(io_timeout);
            CHECK(a.socket.nodelay());
            CHECK(a.socket.unsent_limit() == 16 * 1024);
            CHECK_FALSE(c.nodelay());  // the client's own socket is untouched
        }
    }
    SUBCASE("the defaults leave both alone") {
        auto l = Listener::bind("127.0.0.1", 0);
        auto c = Socket::connect(l.local_address(), io_timeout);
        auto a = l.accept(io_timeout);
        CHECK_FALSE(a.socket.nodelay());
        CHECK(a.socket.unsent_limit() == 0);
    }
    SUBCASE("a bound of 0 or below sets nothing") {
        ListenOptions options;
        options.unsent_limit = -1;
        auto l = Listener::bind(Address::parse("127.0.0.1:0"), options);
        auto c = Socket::connect(l.local_address(), io_timeout);
        CHECK(l.accept(io_timeout).socket.unsent_limit() == 0);
    }
}

TEST_CASE("listener: move semantics, release, close") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    Address where = l.local_address();
    int fd = l.native_handle();
    Listener moved(std::move(l));
    CHECK(moved.native_handle() == fd);
    CHECK_FALSE(l.is_open());  // NOLINT(bugprone-use-after-move)
    auto c = Socket::connect(where, io_timeout);
    CHECK(moved.accept(io_timeout).peer == c.local_address());

    auto other = Listener::bind("127.0.0.1", 0);
    int other_fd = other.native_handle();
    moved = std::move(other);  // closes fd
    CHECK(moved.native_handle() == other_fd);
    CHECK(::fcntl(fd, F_GETFD) == -1);
    CHECK_FALSE(static_cast<bool>(other));  // NOLINT(bugprone-use-after-move)

    int raw = moved.release();
    CHECK(raw == other_fd);
    CHECK_FALSE(moved.is_open());
    Listener adopted(raw);
    CHECK(adopted.local_address().port() != 0);
    auto c2 = Socket::connect(adopted.local_address(), io_timeout);
    CHECK(adopted.accept(io_timeout).socket.is_open());
    adopted.close();
    adopted.close();  // idempotent
    CHECK(adopted.native_handle() == -1);
}

TEST_CASE("listener: an adopted blocking descriptor still honours accept timeouts") {
    FdLeakGuard guard;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    Address any = Address::parse("127.0.0.1:0");
    REQUIRE(::bind(fd, any.data(), any.size()) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    Listener l(fd);
    std::error_code ec;
    auto start = std::chrono::steady_clock::now();
    l.accept(150ms, ec);
    check_deadline(elapsed_since(start), 150ms);
    CHECK(ec == std::errc::timed_out);
    auto c = Socket::connect(l.local_address(), io_timeout);
    CHECK(l.accept(io_timeout).peer == c.local_address());
}

TEST_CASE("listener: an adopted O_NONBLOCK descriptor still gives blocking accepts") {
    FdLeakGuard guard;
    auto original = Listener::bind("127.0.0.1", 0);
    Listener l(original.release());  // bind()'s descriptors are O_NONBLOCK
    CHECK(socklite_test::has_nonblock(l.native_handle()));
    CHECK_FALSE(l.non_blocking());
    auto c = Socket::connect(l.local_address(), io_timeout);
    socklite_test::ScopedFaults faults;
    faults.fail(socklite_test::Call::accept, EAGAIN, 1);  // "nothing queued yet"
    CHECK(l.accept().peer == c.local_address());          // waits, then accepts
    CHECK(faults.pending(socklite_test::Call::accept) == 0);
    faults.fail(socklite_test::Call::accept, EAGAIN, 1);
    auto c2 = Socket::connect(l.local_address(), io_timeout);
    CHECK(l.accept(io_timeout).peer == c2.local_address());
}

TEST_CASE("listener: operations on an empty listener report EBADF") {
    FdLeakGuard guard;
    Listener l;
    std::error_code ec;
    l.accept(ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    l.local_address(ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    l.non_blocking(true, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK(what_of([&] { l.accept(); }) ==
          "accept fd -1: " + message(std::errc::bad_file_descriptor));
    CHECK(what_of([&] { l.accept(1s); }) ==
          "accept fd -1: " + message(std::errc::bad_file_descriptor));
    CHECK(what_of([&] { (void)l.local_address(); }) ==
          "getsockname: " + message(std::errc::bad_file_descriptor));
}

TEST_CASE("listener: many clients from a peer thread are all accepted") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    const int clients = 40;
    socklite_test::Peer connector([&] {
        for (int i = 0; i < clients; ++i) {
            auto c = Socket::connect(l.local_address(), io_timeout);
            c.write_timeout(io_timeout);
            c.send_all(std::to_string(i) + "\n");
        }
    });
    std::vector<bool> seen(clients, false);
    for (int i = 0; i < clients; ++i) {
        auto a = l.accept(io_timeout);
        a.socket.read_timeout(io_timeout);
        socklite::LineBuffer lines;
        std::string line;
        while (!lines.next_line(line)) {
            std::string got = a.socket.recv(16);
            REQUIRE(!got.empty());
            lines.append(got);
        }
        int n = std::stoi(line);
        REQUIRE(n >= 0);
        REQUIRE(n < clients);
        CHECK_FALSE(seen[static_cast<std::size_t>(n)]);
        seen[static_cast<std::size_t>(n)] = true;
    }
    connector.join();
}

TEST_CASE("listener: two threads accepting on one listener each get a connection") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    std::vector<Socket> clients;
    Address got[2];
    {
        socklite_test::Peer first([&] { got[0] = l.accept(io_timeout).peer; });
        socklite_test::Peer second([&] { got[1] = l.accept(io_timeout).peer; });
        for (int i = 0; i < 2; ++i)
            clients.push_back(Socket::connect(l.local_address(), io_timeout));
        first.join();
        second.join();
    }
    CHECK(got[0] != got[1]);
    for (const Address& a : got)
        CHECK((a == clients[0].local_address() || a == clients[1].local_address()));
}
