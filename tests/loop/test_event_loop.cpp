// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <socklite/event_loop.hpp>

#include "support/fd_count.hpp"

using namespace std::chrono_literals;
using socklite::EventLoop;
using Clock = std::chrono::steady_clock;

namespace {

// A connected pair of stream sockets, closed on destruction.
struct Pair {
    int a = -1, b = -1;
    Pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) == 0);
        a = fds[0];
        b = fds[1];
    }
    ~Pair() {
        if (a >= 0) ::close(a);
        if (b >= 0) ::close(b);
    }
    void poke() const { REQUIRE(::write(b, "x", 1) == 1); }
};

// Runs iterations until @p done or 10 s pass (a generous bound, never a measurement).
template <class Pred>
bool run_until(EventLoop& loop, Pred done) {
    auto deadline = Clock::now() + 10s;
    while (!done()) {
        if (Clock::now() > deadline) return false;
        loop.run_once(50ms);
    }
    return true;
}

}  // namespace

TEST_CASE("event loop: a readable descriptor calls its callback") {
    EventLoop loop;
    Pair p;
    int calls = 0;
    EventLoop::Events seen = 0;
    loop.add(p.a, EventLoop::readable, [&](EventLoop::Events ev) {
        ++calls;
        seen = ev;
        char c;
        if (ev & EventLoop::readable) (void)::read(p.a, &c, 1);
    });
    CHECK(loop.watching(p.a));
    CHECK(loop.interest(p.a) == EventLoop::readable);
    CHECK(loop.run_once(0ms) == 0);  // nothing ready: returns at once
    p.poke();
    REQUIRE(run_until(loop, [&] { return calls == 1; }));
    CHECK((seen & EventLoop::readable) != 0);
    CHECK(loop.run_once(0ms) == 0);  // drained: level-triggered, but nothing left

    SUBCASE("modify switches interest to writable, remove stops the calls") {
        loop.modify(p.a, EventLoop::writable);
        CHECK(loop.interest(p.a) == EventLoop::writable);
        REQUIRE(run_until(loop, [&] { return (seen & EventLoop::writable) != 0; }));
        loop.remove(p.a);
        CHECK_FALSE(loop.watching(p.a));
        int before = calls;
        p.poke();
        loop.run_once(0ms);
        CHECK(calls == before);
    }
    SUBCASE("a peer that closes is reported as readable") {
        ::close(p.b);
        p.b = -1;
        seen = 0;
        REQUIRE(run_until(loop, [&] { return seen != 0; }));
        CHECK((seen & EventLoop::readable) != 0);
    }
}

TEST_CASE("event loop: add, modify and remove report errors") {
    EventLoop loop;
    Pair p;
    std::error_code ec;
    loop.add(
        p.a, EventLoop::readable, [](EventLoop::Events) {}, ec);
    CHECK_FALSE(ec);
    loop.add(
        p.a, EventLoop::readable, [](EventLoop::Events) {}, ec);
    CHECK(ec == std::errc::file_exists);
    CHECK_THROWS_AS(loop.add(p.a, EventLoop::readable, [](EventLoop::Events) {}), socklite::Error);
    loop.modify(p.b, EventLoop::readable, ec);
    CHECK(ec == std::errc::no_such_file_or_directory);
    loop.remove(p.b, ec);
    CHECK(ec == std::errc::no_such_file_or_directory);
    CHECK_THROWS_AS(loop.remove(p.b), socklite::Error);
    loop.add(
        -1, EventLoop::readable, [](EventLoop::Events) {}, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    loop.add(p.b, EventLoop::readable, EventLoop::FdCallback(), ec);
    CHECK(ec == std::errc::invalid_argument);
    CHECK_FALSE(loop.watching(p.b));
    // Empty tasks are harmless.
    loop.post(EventLoop::Task());
    loop.call_after(0ms, EventLoop::Task());
    CHECK_NOTHROW(loop.run_once(10ms));

    // epoll refuses regular files.
    int file = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    REQUIRE(file >= 0);
    loop.add(
        file, EventLoop::readable, [](EventLoop::Events) {}, ec);
    CHECK(ec == std::errc::operation_not_permitted);
    CHECK_FALSE(loop.watching(file));
    ::close(file);
}

TEST_CASE("event loop: no descriptor leaks") {
    const int before = socklite_test::open_fd_count();
    {
        EventLoop loop;
        CHECK(loop.valid());
        CHECK(socklite_test::open_fd_count() == before + 2);  // epoll + eventfd
        loop.post([] {});
        loop.call_after(1h, [] {});
    }
    CHECK(socklite_test::open_fd_count() == before);
}

TEST_CASE("event loop: a callback may remove its own or another pending descriptor") {
    EventLoop loop;
    Pair p, q;
    int calls = 0;
    // Both are ready in the same iteration; whichever runs first removes the other, which must
    // then not be called (its event is stale).
    loop.add(p.a, EventLoop::readable, [&](EventLoop::Events) {
        ++calls;
        loop.remove(q.a);
        loop.remove(p.a);
    });
    loop.add(q.a, EventLoop::readable, [&](EventLoop::Events) {
        ++calls;
        loop.remove(p.a);
        loop.remove(q.a);
    });
    p.poke();
    q.poke();
    REQUIRE(run_until(loop, [&] { return calls > 0; }));
    loop.run_once(0ms);
    CHECK(calls == 1);
    CHECK_FALSE(loop.watching(p.a));
    CHECK_FALSE(loop.watching(q.a));
}

TEST_CASE("event loop: a descriptor removed and re-added in one iteration gets no stale event") {
    EventLoop loop;
    Pair p, q;
    int old_calls = 0, new_calls = 0, q_calls = 0;
    auto old_cb = [&](EventLoop::Events) { ++old_calls; };
    loop.add(p.a, EventLoop::readable, old_cb);
    loop.add(q.a, EventLoop::readable, [&](EventLoop::Events) {
        ++q_calls;
        if (q_calls == 1) {
            loop.remove(p.a);
            loop.add(p.a, EventLoop::writable, [&](EventLoop::Events ev) {
                if (ev & EventLoop::writable) ++new_calls;
            });
        }
        char c;
        (void)::read(q.a, &c, 1);
    });
    q.poke();
    REQUIRE(run_until(loop, [&] { return q_calls > 0; }));
    // Whatever the order, the old callback ran at most once before it was replaced.
    REQUIRE(run_until(loop, [&] { return new_calls > 0; }));
    CHECK(old_calls == 0);
}

TEST_CASE("event loop: a callback may replace its own descriptor by one with the same number") {
    EventLoop loop;
    Pair p;
    std::string copied;
    int new_fd = -1, new_peer = -1;
    loop.add(p.a, EventLoop::readable, [&, captured = std::string(100, 'c')](EventLoop::Events) {
        loop.remove(p.a);
        ::close(p.a);
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        new_fd = fds[0];
        new_peer = fds[1];
        p.a = -1;
        loop.add(new_fd, EventLoop::readable, [](EventLoop::Events) {});
        copied = captured;  // the running callback's captures are still alive
    });
    p.poke();
    REQUIRE(run_until(loop, [&] { return !copied.empty(); }));
    CHECK(copied == std::string(100, 'c'));
    CHECK(loop.watching(new_fd));
    loop.remove(new_fd);
    ::close(new_fd);
    ::close(new_peer);
}

TEST_CASE("event loop: timers fire in order and never early") {
    EventLoop loop;
    std::vector<int> order;
    auto start = Clock::now();
    std::vector<Clock::duration> at(5);
    auto add = [&](int tag, std::chrono::milliseconds delay) {
        loop.call_after(delay, [&, tag] {
            order.push_back(tag);
            at[static_cast<std::size_t>(tag)] = Clock::now() - start;
        });
    };
    add(3, 60ms);
    add(1, 20ms);
    add(2, 40ms);
    add(0, 0ms);
    add(4, 60ms);  // same time as 3: created later, runs later
    CHECK(loop.timer_count() == 5);
    REQUIRE(run_until(loop, [&] { return order.size() == 5; }));
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(at[1] >= 20ms);
    CHECK(at[2] >= 40ms);
    CHECK(at[3] >= 60ms);
    CHECK(at[4] >= 60ms);
    CHECK(loop.timer_count() == 0);
}

TEST_CASE("event loop: cancel") {
    EventLoop loop;
    int fired = 0;
    auto a = loop.call_after(10ms, [&] { fired += 1; });
    auto b = loop.call_after(10ms, [&] { fired += 10; });
    auto c = loop.call_after(30ms, [&] { fired += 100; });
    CHECK(a != b);
    CHECK(loop.cancel(b));
    CHECK_FALSE(loop.cancel(b));
    CHECK_FALSE(loop.cancel(0));
    // A timer may cancel a later one.
    loop.call_after(20ms, [&] { CHECK(loop.cancel(c)); });
    bool done = false;
    loop.call_after(50ms, [&] { done = true; });
    REQUIRE(run_until(loop, [&] { return done; }));
    CHECK(fired == 1);
    CHECK_FALSE(loop.cancel(a));  // already fired
}

TEST_CASE("event loop: repeating timers, cancelled from their own task") {
    EventLoop loop;
    int ticks = 0;
    EventLoop::TimerId id = 0;
    auto start = Clock::now();
    id = loop.call_every(5ms, [&] {
        ++ticks;
        if (ticks == 5) CHECK(loop.cancel(id));
    });
    REQUIRE(run_until(loop, [&] { return ticks >= 5; }));
    CHECK(Clock::now() - start >= 25ms);
    bool later = false;
    loop.call_after(30ms, [&] { later = true; });
    REQUIRE(run_until(loop, [&] { return later; }));
    CHECK(ticks == 5);
    CHECK(loop.timer_count() == 0);
}

TEST_CASE("event loop: thousands of timers are cheap to create and cancel") {
    EventLoop loop;
    std::vector<EventLoop::TimerId> ids;
    int fired = 0;
    for (int i = 0; i < 20000; ++i) ids.push_back(loop.call_after(1h, [&] { ++fired; }));
    CHECK(loop.timer_count() == 20000);
    for (auto id : ids) CHECK(loop.cancel(id));
    CHECK(loop.timer_count() == 0);
    // Idle timeouts reset over and over: create, cancel, repeat; the heap must not grow.
    for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 1000; ++i) loop.cancel(loop.call_after(1h, [] {}));
        loop.run_once(0ms);
    }
    bool done = false;
    loop.call_after(1ms, [&] { done = true; });
    REQUIRE(run_until(loop, [&] { return done; }));
    CHECK(fired == 0);
}

TEST_CASE("event loop: post from several threads") {
    EventLoop loop;
    constexpr int threads = 4, per_thread = 2000;
    std::vector<std::vector<int>> seen(threads);
    std::atomic<int> finished{0};
    int total = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                loop.post([&, t, i] {
                    seen[static_cast<std::size_t>(t)].push_back(i);  // loop thread only
                    ++total;
                });
            }
            if (++finished == threads) loop.post([&] { loop.stop(); });
        });
    }
    // A watchdog in case something is lost: the test then fails instead of hanging.
    auto watchdog = loop.call_after(30s, [&] { loop.stop(); });
    loop.run();
    for (auto& w : workers) w.join();
    loop.run_once(0ms);  // anything posted after stop()
    loop.cancel(watchdog);
    CHECK(total == threads * per_thread);
    for (auto& s : seen) {
        REQUIRE(s.size() == per_thread);
        bool in_order = true;
        for (int i = 0; i < per_thread; ++i)
            in_order = in_order && s[static_cast<std::size_t>(i)] == i;
        CHECK(in_order);
    }
}

TEST_CASE("event loop: post wakes a loop blocked without timeout") {
    EventLoop loop;
    std::atomic<bool> ran{false};
    std::thread t([&] { loop.post([&] { ran = true; }); });
    auto watchdog = loop.call_after(30s, [] {});
    while (!ran) loop.run_once();
    t.join();
    loop.cancel(watchdog);
    CHECK(ran);
}

TEST_CASE("event loop: stop") {
    EventLoop loop;
    SUBCASE("from a callback, then run again") {
        int runs = 0;
        loop.call_after(1ms, [&] {
            ++runs;
            loop.stop();
        });
        loop.run();
        CHECK(runs == 1);
        CHECK_FALSE(loop.stopping());
        loop.call_after(1ms, [&] {
            ++runs;
            loop.stop();
        });
        loop.run();
        CHECK(runs == 2);
    }
    SUBCASE("before run: returns at once") {
        loop.stop();
        CHECK(loop.stopping());
        loop.run();
        CHECK_FALSE(loop.stopping());
    }
}

TEST_CASE("event loop: a throwing callback propagates and the loop stays usable") {
    EventLoop loop;
    SUBCASE("descriptor callback: the event comes again") {
        Pair p;
        int calls = 0;
        loop.add(p.a, EventLoop::readable, [&](EventLoop::Events) {
            if (++calls == 1) throw std::runtime_error("boom");
            char c;
            CHECK(::read(p.a, &c, 1) == 1);
            loop.stop();
        });
        p.poke();
        CHECK_THROWS_WITH_AS(loop.run(), "boom", std::runtime_error);
        CHECK_FALSE(loop.stopping());
        loop.run();  // level-triggered: the unread byte is reported again
        CHECK(calls == 2);
    }
    SUBCASE("one-shot timer is gone, repeating timer stays") {
        int one = 0, rep = 0;
        loop.call_after(1ms, [&] {
            ++one;
            throw std::runtime_error("one");
        });
        CHECK_THROWS_AS(run_until(loop, [] { return false; }), std::runtime_error);
        CHECK(one == 1);
        CHECK(loop.timer_count() == 0);
        auto id = loop.call_every(1ms, [&] {
            if (++rep == 1) throw std::runtime_error("rep");
        });
        CHECK_THROWS_AS(run_until(loop, [] { return false; }), std::runtime_error);
        CHECK(loop.timer_count() == 1);
        REQUIRE(run_until(loop, [&] { return rep >= 3; }));
        CHECK(loop.cancel(id));
    }
    SUBCASE("posted tasks after the throwing one still run, in order") {
        std::vector<int> order;
        loop.post([&] { order.push_back(1); });
        loop.post([&] { throw std::runtime_error("post"); });
        loop.post([&] { order.push_back(3); });
        CHECK_THROWS_AS(run_until(loop, [] { return false; }), std::runtime_error);
        loop.post([&] { order.push_back(4); });
        REQUIRE(run_until(loop, [&] { return order.size() == 3; }));
        CHECK(order == std::vector<int>{1, 3, 4});
    }
}

TEST_CASE("event loop: run_once with a timeout returns when it expires") {
    EventLoop loop;
    auto start = Clock::now();
    CHECK(loop.run_once(20ms) == 0);
    CHECK(Clock::now() - start >= 19ms);  // epoll_wait may round; never far early
    CHECK(Clock::now() - start < 10s);
}
