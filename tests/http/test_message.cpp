// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/http/message.hpp>

#include "support/doctest_ext.hpp"

#include <string>
#include <vector>

using socklite::http::Headers;
using socklite::http::iequals;
using socklite::http::Request;
using socklite::http::Response;

TEST_CASE("message: iequals is ASCII case-insensitive and nothing more") {
    CHECK(iequals("Content-Length", "content-length"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("a", "ab"));
    CHECK_FALSE(iequals("a", "b"));
    CHECK_FALSE(iequals("[", "{"));  // 0x5b vs 0x7b: not letters
    CHECK_FALSE(iequals("@", "`"));
    CHECK_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // no Unicode folding
}

TEST_CASE("message: Headers keep order, look up case-insensitively, hold multiple values") {
    Headers h;
    CHECK(h.empty());
    h.add("Set-Cookie", "a=1");
    h.add("Content-Type", "text/html");
    h.add("set-cookie", "b=2");
    h.add("X-Empty", "");
    REQUIRE(h.size() == 4);
    CHECK(h[0].name == "Set-Cookie");
    CHECK(h[2].name == "set-cookie");  // case kept
    CHECK(h.get("SET-COOKIE") == "a=1");
    CHECK(h.values("Set-Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
    CHECK(h.joined("set-cookie") == "a=1, b=2");
    CHECK(h.joined("missing").empty());
    CHECK(h.values("missing").empty());
    CHECK(h.contains("x-empty"));
    CHECK(h.get("X-Empty").empty());
    CHECK_FALSE(h.contains("X-Missing"));
    CHECK(h.find("content-type") == &h[1]);
    CHECK(h.find("nope") == nullptr);

    std::vector<std::string> names;
    for (const auto& f : h) names.push_back(f.name);
    CHECK(names == std::vector<std::string>{"Set-Cookie", "Content-Type", "set-cookie", "X-Empty"});
}

TEST_CASE("message: Headers::set replaces all fields of a name in place of the first") {
    Headers h;
    h.add("A", "1");
    h.add("B", "2");
    h.add("a", "3");
    h.add("C", "4");
    h.set("A", "x");
    REQUIRE(h.size() == 3);
    CHECK(h[0].name == "A");
    CHECK(h[0].value == "x");
    CHECK(h[1].name == "B");
    CHECK(h[2].name == "C");
    h.set("D", "new");
    REQUIRE(h.size() == 4);
    CHECK(h[3].name == "D");
    CHECK(h.erase("b") == 1);
    CHECK(h.erase("b") == 0);
    CHECK(h.size() == 3);
    CHECK(h[0].name == "A");
    CHECK(h[1].name == "C");
    CHECK(h[2].name == "D");
    h.clear();
    CHECK(h.empty());
}

TEST_CASE("message: Headers equality compares names case-insensitively, values exactly") {
    Headers a, b;
    a.add("Host", "x");
    b.add("host", "x");
    CHECK(a == b);
    b.add("Other", "");
    CHECK(a != b);
    Headers c;
    c.add("Host", "X");
    CHECK(a != c);
}

TEST_CASE("message: Request defaults and Response status line") {
    Request req;
    CHECK(req.method == "GET");
    CHECK(req.target == "/");
    CHECK(req.body.empty());
    Response res;
    res.status = 200;
    res.reason = "OK";
    CHECK(res.status_line() == "HTTP/1.1 200 OK");
    res.version = 10;
    res.status = 404;
    res.reason.clear();
    CHECK(res.status_line() == "HTTP/1.0 404");
}
