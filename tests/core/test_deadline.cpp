// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// socklite::Deadline and socklite::no_timeout: none, expired at zero or less, rounding up, order.

#include <doctest/doctest.h>

#include <socklite/deadline.hpp>

#include <chrono>
#include <climits>
#include <initializer_list>

using namespace std::chrono_literals;
using socklite::Deadline;

TEST_CASE("deadline: none never expires; no_timeout is the only forever") {
    CHECK_FALSE(Deadline().is_set());
    CHECK_FALSE(Deadline::none().is_set());
    CHECK_FALSE(Deadline::after(socklite::no_timeout).is_set());
    CHECK_FALSE(Deadline::none().expired());
    CHECK(Deadline::none().remaining() == socklite::no_timeout);
    CHECK(Deadline::none().poll_ms() == -1);
    // Beyond the clock's range (but not no_timeout): still no overflow, treated as none.
    CHECK_FALSE(Deadline::after(socklite::no_timeout - 1ms).is_set());
}

TEST_CASE("deadline: zero or negative is already expired, not forever") {
    for (auto t : {0ms, -1ms, -1000ms}) {
        Deadline d = Deadline::after(t);
        CHECK(d.is_set());
        CHECK(d.expired());
        CHECK(d.remaining() == 0ms);
        CHECK(d.poll_ms() == 0);
    }
}

TEST_CASE("deadline: remaining rounds up, poll_ms saturates, earliest and order") {
    Deadline d = Deadline::after(10s);
    CHECK(d.is_set());
    CHECK_FALSE(d.expired());
    CHECK(d.remaining() > 9s);
    CHECK(d.remaining() <= 10s);
    CHECK(d.poll_ms() > 9000);
    auto near = Deadline::at(Deadline::clock::now() + 1ns);
    CHECK(near.remaining() <= 1ms);  // 1 ns left is 1 ms, never 0 while not passed
    Deadline far = Deadline::after(std::chrono::hours(24 * 365 * 100));
    CHECK(far.poll_ms() == INT_MAX);
    CHECK(d.earliest(far).time() == d.time());
    CHECK(far.earliest(d).time() == d.time());
    CHECK(Deadline::none().earliest(d).time() == d.time());
    CHECK(d < Deadline::none());
    CHECK_FALSE(Deadline::none() < d);
}
