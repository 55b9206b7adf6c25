// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Fault injection through socklite::detail::sys: EINTR everywhere, short reads and writes,
// resets, descriptor exhaustion, resolver failures, and one connect deadline across addresses.
#include "support/doctest_ext.hpp"

#include <socklite/address.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <string>
#include <vector>

#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/peer.hpp"
#include "support/syscall_faults.hpp"

using namespace std::chrono_literals;
using socklite::Address;
using socklite::errc;
using socklite::Listener;
using socklite::Socket;
using socklite_test::Call;
using socklite_test::check_deadline;
using socklite_test::connected_pair;
using socklite_test::elapsed_since;
using socklite_test::FdLeakGuard;
using socklite_test::io_timeout;
using socklite_test::message;
using socklite_test::ScopedFaults;
using socklite_test::what_of;

namespace {

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

}  // namespace

TEST_CASE("faults: EINTR on send and recv is retried, with and without deadlines") {
    FdLeakGuard guard;
    auto c = connected_pair();
    ScopedFaults faults;
    bool with_deadline = false;
    SUBCASE("no deadline") {
        c.client.write_timeout(socklite::no_timeout);
        c.server.read_timeout(socklite::no_timeout);
    }
    SUBCASE("deadline") { with_deadline = true; }
    CAPTURE(with_deadline);
    const std::string data = pattern(1000);
    faults.only_fd(c.client.native_handle());
    faults.fail(Call::send, EINTR, 3);
    c.client.send_all(data);
    CHECK(faults.pending(Call::send) == 0);
    CHECK(faults.calls(Call::send) >= 4);
    faults.only_fd(c.server.native_handle());
    faults.fail(Call::recv, EINTR, 3);
    std::string got(data.size(), '\0');
    c.server.recv_exact(got.data(), got.size());
    CHECK(got == data);
    CHECK(faults.pending(Call::recv) == 0);
    faults.fail(Call::recv, EINTR, 2);
    c.client.send_all("x");
    char one;
    CHECK(c.server.recv(&one, 1) == 1);
    CHECK(one == 'x');
}

TEST_CASE("faults: EINTR on poll keeps waiting for the same deadline") {
    FdLeakGuard guard;
    ScopedFaults faults;
    SUBCASE("accept times out on time despite interruptions") {
        auto l = Listener::bind("127.0.0.1", 0);
        faults.fail(Call::poll, EINTR, 5);
        std::error_code ec;
        auto start = std::chrono::steady_clock::now();
        l.accept(200ms, ec);
        check_deadline(elapsed_since(start), 200ms);
        CHECK(ec == std::errc::timed_out);
        CHECK(faults.pending(Call::poll) == 0);
        CHECK(faults.calls(Call::poll) >= 6);
    }
    SUBCASE("recv waits through interruptions for data that is there") {
        auto c = connected_pair();
        c.server.send_all("data");
        faults.only_fd(c.client.native_handle());
        int before = faults.calls(Call::poll);  // connecting may have polled
        // The kernel timer "expires" once (EAGAIN), so recv polls: interrupted twice, then ready.
        faults.fail(Call::recv, EAGAIN, 1);
        faults.fail(Call::poll, EINTR, 2);
        CHECK(c.client.recv(16) == "data");
        CHECK(faults.calls(Call::poll) == before + 3);
    }
}

TEST_CASE("faults: EINTR on connect") {
    FdLeakGuard guard;
    socklite_test::TempDir dir;
    Listener l;
    SUBCASE("TCP") { l = Listener::bind("127.0.0.1", 0); }
    SUBCASE("Unix") { l = Listener::bind(Address::unix_path(dir.path("c.sock"))); }
    ScopedFaults faults;
    for (auto timeout : {socklite::no_timeout, io_timeout}) {
        CAPTURE(timeout.count());
        faults.fail(Call::connect, EINTR, 1);
        std::error_code ec;
        Socket s = Socket::connect(l.local_address(), timeout, ec);
        REQUIRE(!ec);
        CHECK(faults.pending(Call::connect) == 0);
        auto a = l.accept(io_timeout);
        s.write_timeout(io_timeout);
        s.send_all("hi");
        a.socket.read_timeout(io_timeout);
        CHECK(a.socket.recv(8) == "hi");
    }
}

TEST_CASE("faults: EINTR before a Unix-domain connect got through is retried") {
    FdLeakGuard guard;
    auto l = Listener::bind(Address::parse(socklite_test::unique_abstract_name()));
    ScopedFaults faults;
    faults.connect_eintr_before_start(true);
    for (auto timeout : {socklite::no_timeout, io_timeout}) {
        CAPTURE(timeout.count());
        faults.fail(Call::connect, EINTR, 2);
        Socket s = Socket::connect(l.local_address(), timeout);
        CHECK(faults.pending(Call::connect) == 0);
        // Really connected: the peer address is there and data flows.
        CHECK(s.peer_address() == l.local_address());
        auto a = l.accept(io_timeout);
        s.write_timeout(io_timeout);
        s.send_all("u");
        a.socket.read_timeout(io_timeout);
        CHECK(a.socket.recv(4) == "u");
    }
}

TEST_CASE("faults: EINTR after a non-blocking connect began (retry meets EALREADY/EISCONN)") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    ScopedFaults faults;
    for (int mode : {1, 2, 1, 2}) {
        CAPTURE(mode);
        faults.connect_eintr_after_start(mode);
        faults.fail(Call::connect, EINTR, 1);
        std::error_code ec;
        Socket s = Socket::connect(l.local_address(), io_timeout, ec);
        REQUIRE(!ec);
        CHECK(faults.pending(Call::connect) == 0);
        CHECK_FALSE(socklite_test::has_nonblock(s.native_handle()));  // blocking again
        CHECK(l.accept(io_timeout).peer == s.local_address());
    }
}

TEST_CASE("faults: EINTR and ECONNABORTED on accept are retried") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    ScopedFaults faults;
    auto c = Socket::connect(l.local_address(), io_timeout);
    faults.fail(Call::accept, EINTR, 2);
    auto a = l.accept(io_timeout);
    CHECK(a.peer == c.local_address());
    auto c2 = Socket::connect(l.local_address(), io_timeout);
    faults.fail(Call::accept, ECONNABORTED, 1);
    CHECK(l.accept().peer == c2.local_address());
    CHECK(faults.pending(Call::accept) == 0);
}

TEST_CASE("faults: short writes and short reads") {
    FdLeakGuard guard;
    auto c = connected_pair();
    ScopedFaults faults;
    const std::string data = pattern(20000);
    SUBCASE("send_all loops over 7-byte writes; send reports the partial count") {
        faults.only_fd(c.client.native_handle());
        faults.send_cap(7);
        CHECK(c.client.send(data) == 7);
        c.client.send_all(data.data() + 7, data.size() - 7);
        CHECK(faults.calls(Call::send) >= static_cast<int>(data.size() / 7));
    }
    SUBCASE("recv_exact loops over 3-byte reads") {
        faults.only_fd(c.server.native_handle());
        faults.recv_cap(3);
        socklite_test::Peer writer([&] { c.client.send_all(data); });
        std::string got(data.size(), '\0');
        c.server.recv_exact(got.data(), got.size());
        writer.join();
        CHECK(got == data);
        return;
    }
    std::string got(data.size(), '\0');
    c.server.recv_exact(got.data(), got.size());
    CHECK(got == data);
}

TEST_CASE("faults: a reset in the middle of send_all and recv_exact") {
    FdLeakGuard guard;
    auto c = connected_pair();
    ScopedFaults faults;
    std::string where = c.listener.local_address().to_string();
    SUBCASE("send_all reports the bytes that went out") {
        faults.only_fd(c.client.native_handle());
        faults.send_cap(10);
        faults.fail(Call::send, ECONNRESET, 1, 2);
        std::error_code ec;
        CHECK(c.client.send_all(pattern(100), ec) == 20);
        CHECK(ec == std::errc::connection_reset);
        faults.fail(Call::send, EPIPE, 1);
        CHECK(what_of([&] { c.client.send_all(pattern(5)); }) ==
              "send " + where + ": " + message(std::errc::broken_pipe));
    }
    SUBCASE("recv_exact reports the bytes that came in") {
        c.server.send_all(pattern(100));
        faults.only_fd(c.client.native_handle());
        faults.recv_cap(4);
        faults.fail(Call::recv, ECONNRESET, 1, 1);
        char buf[100];
        std::error_code ec;
        CHECK(c.client.recv_exact(buf, sizeof buf, ec) == 4);
        CHECK(ec == std::errc::connection_reset);
        faults.fail(Call::recv, ECONNRESET, 1);
        CHECK(what_of([&] { c.client.recv_exact(buf, sizeof buf); }) ==
              "recv " + where + ": " + message(std::errc::connection_reset));
    }
}

TEST_CASE("faults: out of descriptors") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    Address where = l.local_address();
    ScopedFaults faults;
    SUBCASE("socket() in connect") {
        faults.fail(Call::socket, EMFILE, 1);
        std::error_code ec;
        Socket s = Socket::connect(where, io_timeout, ec);
        CHECK(ec == std::errc::too_many_files_open);
        faults.fail(Call::socket, EMFILE, 1);
        CHECK(what_of([&] { Socket::connect(where); }) ==
              "connect " + where.to_string() + ": " + message(std::errc::too_many_files_open));
    }
    SUBCASE("socket() in bind") {
        faults.fail(Call::socket, ENFILE, 1);
        CHECK(what_of([] { Listener::bind("127.0.0.1", 0); }) ==
              "bind 127.0.0.1:0: " + message(std::errc::too_many_files_open_in_system));
    }
    SUBCASE("accept reports EMFILE, and the listener works afterwards") {
        auto c = Socket::connect(where, io_timeout);
        faults.fail(Call::accept, EMFILE, 1);
        std::error_code ec;
        l.accept(io_timeout, ec);
        CHECK(ec == std::errc::too_many_files_open);
        faults.fail(Call::accept, EMFILE, 1);
        CHECK(what_of([&] { l.accept(); }) ==
              "accept " + where.to_string() + ": " + message(std::errc::too_many_files_open));
        CHECK(l.accept(io_timeout).peer == c.local_address());
    }
}

TEST_CASE("faults: every descriptor is closed exactly once") {
    FdLeakGuard guard;
    ScopedFaults faults;
    {
        auto c = connected_pair();
        Socket moved = std::move(c.client);
        Socket assigned;
        assigned = std::move(moved);
        Listener l2 = std::move(c.listener);
    }
    CHECK(faults.calls(Call::close) == 3);  // listener, client, server
    faults.fail(Call::connect, ECONNREFUSED, 1);
    std::error_code ec;
    Socket::connect(Address::parse("127.0.0.1:1"), io_timeout, ec);
    CHECK(ec == std::errc::connection_refused);
    CHECK(faults.calls(Call::close) == 4);  // the failed attempt's socket
}

TEST_CASE("faults: resolver failures through connect and bind") {
    FdLeakGuard guard;
    ScopedFaults faults;
    std::error_code ec;
    SUBCASE("temporary failure") {
        faults.fail(Call::getaddrinfo, EAI_AGAIN, 1);
        Socket::connect("example.test", 80, io_timeout, ec);
        CHECK(ec == std::error_code(EAI_AGAIN, socklite::resolve_category()));
        faults.fail(Call::getaddrinfo, EAI_AGAIN, 1);
        CHECK(what_of([] { Socket::connect("example.test", 80); }) ==
              std::string("connect example.test:80: ") + ::gai_strerror(EAI_AGAIN));
    }
    SUBCASE("EAI_SYSTEM carries errno") {
        faults.fail(Call::getaddrinfo, ECONNREFUSED, 1);
        socklite::resolve("example.test", 80, ec);
        CHECK(ec == std::errc::connection_refused);
        CHECK(ec.category() == std::system_category());
    }
    SUBCASE("only non-IP results: no usable address") {
        faults.fake_hosts({Address::parse("@not-ip")});
        auto all = socklite::resolve("example.test", 80, ec);
        CHECK(all.empty());
        CHECK(ec == errc::no_address);
        Listener::bind("example.test", 0, {}, ec);
        CHECK(ec == errc::no_address);
        CHECK(what_of([] { Socket::connect("example.test", 80); }) ==
              "connect example.test:80: no usable address for host");
    }
    SUBCASE("duplicates are dropped, order is kept, the port is set") {
        faults.fake_hosts({Address::parse("192.0.2.2:0"), Address::parse("192.0.2.1:0"),
                           Address::parse("192.0.2.2:0")});
        auto all = socklite::resolve("example.test", 81);
        REQUIRE(all.size() == 2);
        CHECK(all[0].to_string() == "192.0.2.2:81");
        CHECK(all[1].to_string() == "192.0.2.1:81");
    }
}

TEST_CASE("faults: one connect deadline covers every address of a name") {
    auto& hole = socklite_test::shared_black_hole();
    FdLeakGuard guard;
    if (!hole.ready) {
        MESSAGE("skipped: the kernel never dropped a SYN on a full backlog");
        return;
    }
    socklite_test::RefusingPort refusing;
    Address dead = refusing.address();
    auto live = Listener::bind("127.0.0.1", 0);
    // A name with three addresses (TEST-NET, never contacted: connect is redirected).
    const std::uint16_t port = 4242;
    Address a1 = Address::parse("192.0.2.1:4242");
    Address a2 = Address::parse("192.0.2.2:4242");
    Address a3 = Address::parse("192.0.2.3:4242");
    ScopedFaults faults;
    faults.fake_hosts({a1, a2, a3});
    const auto timeout = 300ms;
    std::error_code ec;
    SUBCASE("every address silent: one timeout in all, not one per address") {
        faults.redirect(a1, hole.address);
        faults.redirect(a2, hole.address);
        faults.redirect(a3, hole.address);
        auto start = std::chrono::steady_clock::now();
        Socket s = Socket::connect("multi.test", port, timeout, ec);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK(faults.calls(Call::connect) == 1);  // the deadline was spent on the first
        CHECK(what_of([&] { Socket::connect("multi.test", port, timeout); }) ==
              "connect multi.test:4242: " + message(std::errc::timed_out));
    }
    SUBCASE("refused, then silent: the second address gets what is left of the deadline") {
        faults.redirect(a1, dead);
        faults.redirect(a2, hole.address);
        faults.redirect(a3, live.local_address());
        auto start = std::chrono::steady_clock::now();
        Socket s = Socket::connect("multi.test", port, timeout, ec);
        check_deadline(elapsed_since(start), timeout);
        CHECK(ec == std::errc::timed_out);
        CHECK(faults.calls(Call::connect) == 2);
    }
    SUBCASE("refused, then accepted") {
        faults.redirect(a1, dead);
        faults.redirect(a2, live.local_address());
        Socket s = Socket::connect("multi.test", port, timeout, ec);
        REQUIRE(!ec);
        CHECK(faults.calls(Call::connect) == 2);
        CHECK(live.accept(io_timeout).peer == s.local_address());
    }
    SUBCASE("a resolver slower than the deadline: no address is tried") {
        faults.redirect(a1, live.local_address());
        faults.resolve_delay(200);
        Socket s = Socket::connect("multi.test", port, 50ms, ec);
        CHECK(ec == std::errc::timed_out);
        CHECK(faults.calls(Call::connect) == 0);
    }
    SUBCASE("all refused: the last address's error") {
        faults.redirect(a1, dead);
        faults.redirect(a2, dead);
        faults.redirect(a3, dead);
        Socket s = Socket::connect("multi.test", port, timeout, ec);
        CHECK(ec == std::errc::connection_refused);
        CHECK(faults.calls(Call::connect) == 3);
        CHECK(what_of([&] { Socket::connect("multi.test", port); }) ==
              "connect multi.test:4242: " + message(std::errc::connection_refused));
    }
}
