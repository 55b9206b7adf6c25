// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// http::Headers keeps the storage of removed fields for the fields added next (clear(), erase(),
// set()): what a user sees must not change, whatever was stored before.

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include <socklite/http/message.hpp>

using socklite::http::Headers;

namespace {

std::vector<std::string> dump(const Headers& h) {
    std::vector<std::string> out;
    for (const auto& f : h) out.push_back(f.name + ": " + f.value);
    return out;
}

}  // namespace

TEST_CASE("headers: a cleared list refilled shows only the new fields, in order") {
    Headers h;
    h.add("Date", "Thu, 26 Nov 2026 14:42:01 GMT (a value longer than a small string)");
    h.add("Server", "nginx");
    h.add("Set-Cookie", "a=1");
    h.clear();
    CHECK(h.empty());
    CHECK(h.size() == 0);
    CHECK(h.begin() == h.end());
    CHECK_FALSE(h.contains("Date"));
    CHECK(h.get("Server").empty());
    CHECK(h.values("Set-Cookie").empty());
    CHECK(h.joined("Set-Cookie").empty());
    CHECK(h.find("Date") == nullptr);
    h.add("X", "1");
    CHECK(dump(h) == std::vector<std::string>{"X: 1"});
    h.add("Y", "");
    h.add("set-cookie", "b=2");
    h.add("Z", "a longer value than fifteen bytes, to need the heap");
    CHECK(dump(h) ==
          std::vector<std::string>{"X: 1", "Y: ", "set-cookie: b=2",
                                   "Z: a longer value than fifteen bytes, to need the heap"});
    CHECK(h.get("Date").empty());  // the old field kept as storage is not visible
    CHECK(h.values("Set-Cookie") == std::vector<std::string_view>{"b=2"});
    CHECK(h[1].value.empty());
}

TEST_CASE("headers: erase and set leave no stale field behind") {
    Headers h;
    h.add("A", "1");
    h.add("Cookie", "secret");
    h.add("B", "2");
    h.add("cookie", "secret2");
    CHECK(h.erase("COOKIE") == 2);
    CHECK(dump(h) == std::vector<std::string>{"A: 1", "B: 2"});
    CHECK_FALSE(h.contains("Cookie"));
    h.add("C", "3");
    CHECK(dump(h) == std::vector<std::string>{"A: 1", "B: 2", "C: 3"});
    h.add("X", "1");
    h.add("x", "2");
    h.set("X", "9");
    CHECK(dump(h) == std::vector<std::string>{"A: 1", "B: 2", "C: 3", "X: 9"});
    h.set("New", "n");
    CHECK(dump(h) == std::vector<std::string>{"A: 1", "B: 2", "C: 3", "X: 9", "New: n"});
    CHECK(h.erase("absent") == 0);
    CHECK(h.size() == 5);
}

TEST_CASE("headers: copies and moves carry the visible fields only") {
    Headers h;
    for (int i = 0; i < 10; ++i) h.add("F" + std::to_string(i), std::string(20, 'v'));
    h.clear();
    h.add("A", "1");
    h.add("B", "2");

    Headers copy(h);
    CHECK(copy == h);
    CHECK(dump(copy) == std::vector<std::string>{"A: 1", "B: 2"});

    Headers assigned;
    assigned.add("Old", "field");
    assigned.add("Old2", "field");
    assigned.add("Old3", "field");
    assigned = h;
    CHECK(dump(assigned) == std::vector<std::string>{"A: 1", "B: 2"});
    const Headers& same = assigned;
    assigned = same;  // self-assignment keeps the fields
    CHECK(dump(assigned) == std::vector<std::string>{"A: 1", "B: 2"});

    Headers moved(std::move(copy));
    CHECK(dump(moved) == std::vector<std::string>{"A: 1", "B: 2"});
    CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): documented as left empty
    copy.add("again", "ok");
    CHECK(dump(copy) == std::vector<std::string>{"again: ok"});

    Headers target;
    target.add("T", "t");
    target = std::move(moved);
    CHECK(dump(target) == std::vector<std::string>{"A: 1", "B: 2"});
    CHECK(moved.empty());  // NOLINT(bugprone-use-after-move)

    Headers other;
    other.add("a", "1");
    other.add("b", "2");
    CHECK(other == h);  // names compared case-insensitively, spare storage ignored
    other.add("c", "3");
    CHECK(other != h);
}
