// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Descriptor accounting: every success and failure path gives back what it opened (counted in
// /proc/self/fd), and no descriptor crosses exec.
#include "support/doctest_ext.hpp"

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/peer.hpp"
#include "support/syscall_faults.hpp"

extern char** environ;

using namespace std::chrono_literals;
using socklite::Address;
using socklite::Listener;
using socklite::Socket;
using socklite_test::Call;
using socklite_test::FdLeakGuard;
using socklite_test::io_timeout;
using socklite_test::open_fd_count;

namespace {

constexpr int rounds = 10;  // repeat each path, so a leak of one descriptor shows as ten

// Runs @p f, swallowing the socklite::Error it may throw.
template <typename F>
void ignoring_errors(F&& f) {
    try {
        f();
    } catch (const socklite::Error&) {}
}

}  // namespace

TEST_CASE("fd leaks: the counter sees descriptors come and go") {
    int before = open_fd_count();
    {
        auto l = Listener::bind("127.0.0.1", 0);
        CHECK(open_fd_count() == before + 1);
    }
    CHECK(open_fd_count() == before);
}

TEST_CASE("fd leaks: failed connects") {
    FdLeakGuard guard;
    socklite_test::RefusingPort refusing;
    Address dead = refusing.address();
    for (int i = 0; i < rounds; ++i) {
        std::error_code ec;
        Socket::connect(dead, io_timeout, ec);
        Socket::connect(dead, socklite::no_timeout, ec);
        Socket::connect("127.0.0.1", dead.port(), io_timeout, ec);
        Socket::connect("no-such-host.invalid", 80, io_timeout, ec);
        Socket::connect(Address(), io_timeout, ec);
        Socket::connect(Address::parse(socklite_test::unique_abstract_name()), io_timeout, ec);
        ignoring_errors([&] { Socket::connect(dead); });
        ignoring_errors([&] { Socket::connect("localhost", dead.port(), 1s); });
    }
}

TEST_CASE("fd leaks: connect timeouts, TCP and Unix") {
    FdLeakGuard guard;
    {
        socklite_test::BlackHole hole;
        if (hole.ready) {
            for (int i = 0; i < 3; ++i) {
                std::error_code ec;
                Socket::connect(hole.address, 50ms, ec);
                CHECK(ec == std::errc::timed_out);
                ignoring_errors([&] { Socket::connect("127.0.0.1", hole.address.port(), 50ms); });
            }
        }
    }
    socklite::ListenOptions options;
    options.backlog = 0;
    auto l = Listener::bind(Address::parse(socklite_test::unique_abstract_name()), options);
    std::vector<Socket> fillers;
    std::error_code ec;
    for (int i = 0; i < 16 && !ec; ++i) {
        Socket s = Socket::connect(l.local_address(), 100ms, ec);
        if (!ec) fillers.push_back(std::move(s));
    }
    for (int i = 0; i < 3; ++i) Socket::connect(l.local_address(), 50ms, ec);
}

TEST_CASE("fd leaks: failed binds") {
    FdLeakGuard guard;
    auto taken = Listener::bind("127.0.0.1", 0);
    socklite_test::TempDir dir;
    std::string path = dir.path("taken.sock");
    auto unix_taken = Listener::bind(Address::unix_path(path));
    for (int i = 0; i < rounds; ++i) {
        std::error_code ec;
        Listener::bind(taken.local_address(), {}, ec);
        CHECK(ec == std::errc::address_in_use);
        Listener::bind("127.0.0.1", taken.local_address().port(), {}, ec);
        Listener::bind("192.0.2.1", 0, {}, ec);
        Listener::bind("no-such-host.invalid", 0, {}, ec);
        Listener::bind(Address::unix_path(path), {}, ec);
        CHECK(ec == std::errc::address_in_use);
        Listener::bind(Address(), {}, ec);
        ignoring_errors([&] { Listener::bind(taken.local_address()); });
    }
}

TEST_CASE("fd leaks: accept timeouts and failures") {
    FdLeakGuard guard;
    auto l = Listener::bind("127.0.0.1", 0);
    socklite_test::ScopedFaults faults;
    for (int i = 0; i < 3; ++i) {
        std::error_code ec;
        l.accept(20ms, ec);
        CHECK(ec == std::errc::timed_out);
        ignoring_errors([&] { l.accept(20ms); });
        faults.fail(Call::accept, EMFILE, 1);
        l.accept(io_timeout, ec);
        CHECK(ec == std::errc::too_many_files_open);
    }
    l.non_blocking(true);
    std::error_code ec;
    for (int i = 0; i < rounds; ++i) l.accept(ec);
    CHECK(ec == std::errc::operation_would_block);
}

TEST_CASE("fd leaks: broken connections (reset, EOF mid-message, EPIPE, timeouts)") {
    FdLeakGuard guard;
    for (int i = 0; i < 3; ++i) {
        auto c = socklite_test::connected_pair();
        c.server.send_all("abc");
        linger lg{1, 0};
        REQUIRE(::setsockopt(c.server.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
        c.server.close();
        char buf[8];
        std::error_code ec;
        c.client.recv_exact(buf, sizeof buf, ec);
        CHECK(ec);
        for (int j = 0; j < 100 && !ec; ++j) c.client.send_all("xyz", ec);
        ignoring_errors([&] { c.client.send_all("more"); });
    }
    auto c = socklite_test::connected_pair();
    c.client.read_timeout(20ms);
    char buf[1];
    ignoring_errors([&] { c.client.recv(buf, 1); });
}

TEST_CASE("fd leaks: move assignment, release and adoption") {
    FdLeakGuard guard;
    auto c = socklite_test::connected_pair();
    for (int i = 0; i < rounds; ++i) {
        c.client = Socket::connect(c.listener.local_address(), io_timeout);
        c.server = c.listener.accept(io_timeout).socket;
        c.listener = Listener::bind("127.0.0.1", 0);
    }
    int fd = c.client.release();
    Socket adopted(fd);
}

TEST_CASE("fd leaks: no descriptor survives exec (CLOEXEC)") {
    FdLeakGuard guard;
    auto c = socklite_test::connected_pair();
    int fds[] = {c.listener.native_handle(), c.client.native_handle(), c.server.native_handle()};
    for (int fd : fds) {
        CAPTURE(fd);
        // The child shell checks its own descriptor table.
        std::string script = "test ! -e /proc/self/fd/" + std::to_string(fd);
        char sh[] = "/bin/sh";
        char dash_c[] = "-c";
        char* argv[] = {sh, dash_c, script.data(), nullptr};
        pid_t pid = 0;
        REQUIRE(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ) == 0);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
}
