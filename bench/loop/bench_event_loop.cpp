// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Micro benchmarks of EventLoop: creating and cancelling timers (the idle-timeout pattern),
// post() and its wake-up, one readiness dispatch over a socketpair, next to a raw
// epoll_wait round trip, and echo throughput through a Connection next to a plain recv/send
// echo. Run by hand (not from ctest), e.g.
//   bench/loop/bench_event_loop --benchmark-samples 50
// compare_loop gives the 10,000-connection comparison.

#include <catch2/catch.hpp>
#include <socklite.hpp>

#include <chrono>
#include <cstdio>
#include <string>
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

namespace {

// The client's side of an echo bench: writes `data` and reads it back on a non-blocking socket,
// calling `serve` (the server's turn) whenever neither direction can go on.
template <class Serve>
std::size_t echo_round(socklite::Socket& client, const std::string& data, std::vector<char>& buf,
                       Serve serve) {
    std::size_t sent = 0, got = 0;
    while (got < data.size()) {
        std::error_code ec;
        if (sent < data.size()) sent += client.send(data.data() + sent, data.size() - sent, ec);
        std::size_t n = client.recv(buf.data(), buf.size(), ec);
        if (!ec && n == 0) FAIL("end of stream");
        if (!ec) got += n;
        serve();
    }
    return got;
}

}  // namespace

TEST_CASE("event loop: echo throughput") {
    const std::string data(4 * 1024 * 1024, 'e');
    std::vector<char> buf(256 * 1024);
    {
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        auto client = socklite::Socket::connect(listener.local_address(), std::chrono::seconds(5));
        auto accepted = listener.accept(std::chrono::seconds(5));
        client.non_blocking(true);
        EventLoop loop;
        socklite::Connection conn(loop, std::move(accepted.socket));
        conn.on_input([&conn](std::string_view input) {
            conn.send(input);
            return input.size();
        });
        BENCHMARK("echo 4 MiB through a Connection (loopback TCP, one thread)") {
            return echo_round(client, data, buf,
                              [&] { loop.run_once(std::chrono::milliseconds(0)); });
        };
    }
    {
        // The floor: the same echo with recv/send on the accepted socket and a fixed buffer.
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        auto client = socklite::Socket::connect(listener.local_address(), std::chrono::seconds(5));
        auto server = std::move(listener.accept(std::chrono::seconds(5)).socket);
        client.non_blocking(true);
        server.non_blocking(true);
        std::vector<char> sbuf(64 * 1024);
        std::size_t pending = 0, at = 0;
        BENCHMARK("raw: echo 4 MiB with recv/send") {
            return echo_round(client, data, buf, [&] {
                std::error_code ec;
                if (pending == 0) {
                    pending = server.recv(sbuf.data(), sbuf.size(), ec);
                    at = 0;
                }
                if (pending > 0) {
                    std::size_t n = server.send(sbuf.data() + at, pending, ec);
                    at += n;
                    pending -= n;
                }
            });
        };
    }
}

TEST_CASE("event loop: sizes") {
    // The fixed part of the memory per connection (buffers grow only while data is pending).
    std::printf(
        "sizeof(EventLoop::FdCallback) = %zu, sizeof(Connection) = %zu, sizeof(Socket) = %zu\n",
        sizeof(EventLoop::FdCallback), sizeof(socklite::Connection), sizeof(socklite::Socket));
    CHECK(sizeof(socklite::Connection) < 1024);
}
