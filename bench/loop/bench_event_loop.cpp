// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Micro benchmarks of EventLoop: creating and cancelling timers (the idle-timeout pattern),
// post() and its wake-up, and one readiness dispatch over a socketpair, next to a raw
// epoll_wait round trip. Run by hand (not from ctest), e.g.
//   bench/loop/bench_event_loop --benchmark-samples 50
// compare_loop gives the 10,000-connection comparison.

#include <catch2/catch.hpp>
#include <socklite.hpp>

#include <chrono>
#include <cstdio>
#include <vector>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

using socklite::EventLoop;

TEST_CASE("event loop: timers") {
    EventLoop loop;
    std::vector<EventLoop::TimerId> ids(1000);
    BENCHMARK("call_after + cancel, 1000 timers") {
        for (auto& id : ids) id = loop.call_after(std::chrono::hours(1), [] {});
        for (auto id : ids) loop.cancel(id);
        return loop.timer_count();
    };
    BENCHMARK("1000 zero-delay timers run by one run_once") {
        int fired = 0;
        for (int i = 0; i < 1000; ++i)
            loop.call_after(std::chrono::milliseconds(0), [&fired] { ++fired; });
        while (fired < 1000) loop.run_once(std::chrono::milliseconds(0));
        return fired;
    };
}

TEST_CASE("event loop: post") {
    EventLoop loop;
    BENCHMARK("post + run_once, 1000 tasks") {
        int ran = 0;
        for (int i = 0; i < 1000; ++i) loop.post([&ran] { ++ran; });
        while (ran < 1000) loop.run_once(std::chrono::milliseconds(0));
        return ran;
    };
}

TEST_CASE("event loop: readiness dispatch") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    char c = 'x';
    {
        EventLoop loop;
        int calls = 0;
        loop.add(fds[0], EventLoop::readable, [&](EventLoop::Events) {
            char b;
            if (::read(fds[0], &b, 1) == 1) ++calls;
        });
        BENCHMARK("write 1 byte, run_once dispatches, callback reads") {
            if (::write(fds[1], &c, 1) != 1) FAIL("write");
            loop.run_once(std::chrono::milliseconds(1000));
            return calls;
        };
        loop.remove(fds[0]);
    }
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
    BENCHMARK("raw: write 1 byte, epoll_wait, read") {
        if (::write(fds[1], &c, 1) != 1) FAIL("write");
        epoll_event out[4];
        int n = ::epoll_wait(ep, out, 4, 1000);
        char b;
        return n + static_cast<int>(::read(fds[0], &b, 1));
    };
    ::close(ep);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("event loop: sizes") {
    // The fixed part of the memory per connection (buffers grow only while data is pending).
    std::printf(
        "sizeof(EventLoop::FdCallback) = %zu, sizeof(Connection) = %zu, sizeof(Socket) = %zu\n",
        sizeof(EventLoop::FdCallback), sizeof(socklite::Connection), sizeof(socklite::Socket));
    CHECK(sizeof(socklite::Connection) < 1024);
}
