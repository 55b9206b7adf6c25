// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// detail::Function, the callable behind every socklite callback type (EventLoop::FdCallback and
// Task, Connection's and Acceptor's handlers, HttpClient's callbacks): it must accept what
// std::function accepted, and the event loop's timer table must keep its guarantees.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>  // doctest prints std::error_code
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include <socklite/acceptor.hpp>
#include <socklite/connection.hpp>
#include <socklite/detail/function.hpp>
#include <socklite/event_loop.hpp>

using namespace std::chrono_literals;
using socklite::EventLoop;
using socklite::detail::Function;

namespace {

int twice(int x) { return 2 * x; }

struct Big {  // too large to be stored inline, and not trivially copyable
    std::string text = "four";
    int operator()(int x) const { return x + static_cast<int>(text.size()); }
};

}  // namespace

TEST_CASE("function: empty, nullptr and null sources") {
    Function<int(int)> f;
    CHECK(!f);
    CHECK(f == nullptr);
    CHECK(nullptr == f);
    Function<int(int)> g = nullptr;
    CHECK(!g);
    int (*null_pointer)(int) = nullptr;
    Function<int(int)> h = null_pointer;
    CHECK(!h);
    std::function<int(int)> empty_std;
    Function<int(int)> i = empty_std;
    CHECK(!i);  // as std::function: an empty std::function makes an empty callable
}

TEST_CASE("function: lambdas, function pointers, std::function, functors") {
    Function<int(int)> lambda = [](int x) { return x + 1; };
    CHECK(lambda(1) == 2);
    Function<int(int)> pointer = twice;
    CHECK(pointer(3) == 6);
    Function<int(int)> from_std = std::function<int(int)>(twice);
    REQUIRE(from_std);
    CHECK(from_std(4) == 8);
    Function<int(int)> big = Big{};
    CHECK(big(1) == 5);
    Function<void()> discards_result = [] { return 42; };  // like std::function<void()>
    discards_result();
    int calls = 0;
    const Function<int()> stateful = [&calls, n = 0]() mutable {
        ++calls;
        return ++n;
    };
    CHECK(stateful() == 1);
    CHECK(stateful() == 2);  // a const Function still calls a mutable lambda
    CHECK(calls == 2);
}

TEST_CASE("function: copies, moves, swap and reset, inline and on the heap") {
    auto counter = std::make_shared<int>(0);
    Function<void()> heap = [counter, pad = std::string(64, 'x')] {
        (void)pad;
        ++*counter;
    };
    Function<void()> heap_copy = heap;
    heap();
    heap_copy();
    CHECK(*counter == 2);
    CHECK(counter.use_count() == 3);
    Function<void()> moved = std::move(heap);
    CHECK(!heap);  // NOLINT(bugprone-use-after-move): a moved-from Function is empty
    moved();
    CHECK(*counter == 3);
    moved = nullptr;
    heap_copy = nullptr;
    CHECK(counter.use_count() == 1);  // every copy destroyed

    int hits = 0;
    int* where = &hits;
    Function<void()> small = [where] { ++*where; };  // stored inline
    Function<void()> small_copy = small;
    small();
    small_copy();
    CHECK(hits == 2);
    Function<void()> other = [&hits] { hits += 10; };
    small.swap(other);
    small();
    other();
    CHECK(hits == 13);
    Function<void()>& alias = small;
    small = alias;  // self-assignment keeps the callable
    REQUIRE(small);
    small();
    CHECK(hits == 23);
}

TEST_CASE("function: move-only arguments and references are forwarded") {
    Function<int(std::unique_ptr<int>)> take = [](std::unique_ptr<int> p) { return *p; };
    CHECK(take(std::make_unique<int>(7)) == 7);
    Function<bool(const std::string&)> ref = [](const std::string& s) { return s == "x"; };
    CHECK(ref(std::string("x")));
}

TEST_CASE("function: the loop's callback types take what std::function took") {
    EventLoop loop;
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) == 0);
    std::error_code ec;
    // An empty std::function is still refused as an empty callback.
    loop.add(fds[0], EventLoop::readable, std::function<void(EventLoop::Events)>(), ec);
    CHECK(ec == std::errc::invalid_argument);
    int events = 0;
    std::function<void(EventLoop::Events)> cb = [&events](EventLoop::Events) { ++events; };
    loop.add(fds[0], EventLoop::readable, cb, ec);
    REQUIRE(!ec);
    REQUIRE(::write(fds[1], "x", 1) == 1);
    loop.run_once(10s);
    CHECK(events == 1);
    loop.remove(fds[0]);
    int posted = 0;
    std::function<void()> task = [&posted] { ++posted; };
    loop.post(task);
    loop.call_after(0ms, task);
    for (int i = 0; i < 100 && posted < 2; ++i) loop.run_once(100ms);
    CHECK(posted == 2);
    ::close(fds[0]);
    ::close(fds[1]);

    socklite::Connection::CloseHandler on_close = std::function<void(std::error_code)>();
    CHECK(!on_close);
    socklite::Acceptor::AcceptHandler on_accept = [](socklite::Accepted) {};
    CHECK(on_accept);
}

TEST_CASE("event loop: timer ids are unique and never 0 while slots are reused") {
    EventLoop loop;
    std::set<EventLoop::TimerId> seen;
    std::vector<EventLoop::TimerId> live;
    unsigned seed = 12345;
    for (int round = 0; round < 5000; ++round) {
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 != 0 && !live.empty()) {
            std::size_t k = (seed >> 8) % live.size();
            CHECK(loop.cancel(live[k]));
            CHECK(
                !loop.cancel(live[k]));  // a cancelled id stays dead, even once its slot is reused
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        } else {
            EventLoop::TimerId id = loop.call_after(1h, [] {});
            CHECK(id != 0);
            CHECK(seen.insert(id).second);
            live.push_back(id);
        }
        REQUIRE(loop.timer_count() == live.size());
    }
    CHECK(!loop.cancel(0));
    CHECK(!loop.cancel(~EventLoop::TimerId(0)));
}

TEST_CASE("event loop: timers due at once run in creation order, whatever their slots") {
    EventLoop loop;
    std::vector<int> order;
    // Reuse slots first, so that creation order and slot order differ.
    std::vector<EventLoop::TimerId> scratch;
    for (int i = 0; i < 8; ++i) scratch.push_back(loop.call_after(1h, [] {}));
    for (auto it = scratch.rbegin(); it != scratch.rend(); ++it) loop.cancel(*it);
    for (int i = 0; i < 16; ++i) loop.call_after(-1ms, [&order, i] { order.push_back(i); });
    for (int i = 0; i < 100 && order.size() < 16; ++i) loop.run_once(100ms);
    REQUIRE(order.size() == 16);
    for (int i = 0; i < 16; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}
