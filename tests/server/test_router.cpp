// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// http::Router, percent_decode and parse_query: pure, table-driven.

#include <socklite/http/router.hpp>

#include <string>
#include <vector>

#include "support/doctest_ext.hpp"

using socklite::http::Params;
using socklite::http::Router;

namespace {

struct Case {
    const char* method;
    const char* path;
    Router::Outcome outcome;
    std::size_t route;
    const char* params;  // "name=value;..." in order
};

std::string join(const Params& p) {
    std::string s;
    for (const auto& kv : p) s += kv.first + "=" + kv.second + ";";
    return s;
}

}  // namespace

TEST_CASE("router: matching table") {
    Router r;
    REQUIRE(r.add("GET", "/") == 0);
    REQUIRE(r.add("GET", "/hello") == 1);
    REQUIRE(r.add("GET", "/users/:id") == 2);
    REQUIRE(r.add("GET", "/users/me") == 3);
    REQUIRE(r.add("DELETE", "/users/:id") == 4);
    REQUIRE(r.add("GET", "/static/*") == 5);
    REQUIRE(r.add("GET", "/users/:id/posts/:post") == 6);
    REQUIRE(r.add("POST", "/echo") == 7);
    REQUIRE(r.add("PUT", "/echo") == 8);
    REQUIRE(r.add("HEAD", "/head-only") == 9);
    REQUIRE(r.add("GET", "/users/*") == 10);
    REQUIRE(r.add("*", "/any") == 11);
    REQUIRE(r.add("GET", "/any") == 12);

    const Case cases[] = {
        {"GET", "/", Router::found, 0, ""},
        {"GET", "/hello", Router::found, 1, ""},
        {"GET", "/hello/", Router::not_found, 0, ""},
        {"GET", "/Hello", Router::not_found, 0, ""},
        {"GET", "/hel%6co", Router::found, 1, ""},  // decoded segment compared
        {"GET", "/users/42", Router::found, 2, "id=42;"},
        {"GET", "/users/a%20b", Router::found, 2, "id=a b;"},
        {"GET", "/users/a%2Fb", Router::found, 2, "id=a/b;"},  // %2F stays inside the segment
        {"GET", "/users/me", Router::found, 3, ""},            // literal beats parameter
        {"DELETE", "/users/7", Router::found, 4, "id=7;"},
        {"DELETE", "/users/me", Router::found, 4, "id=me;"},
        {"GET", "/users/7/posts/9", Router::found, 6, "id=7;post=9;"},
        {"GET", "/users/7/other", Router::found, 10, "*=7/other;"},  // prefix catches the rest
        {"GET", "/users/", Router::found, 10, "*=;"},                // an empty segment is no :id
        {"GET", "/static/css/site.css", Router::found, 5, "*=css/site.css;"},
        {"GET", "/static", Router::found, 5, "*=;"},
        {"GET", "/static/", Router::found, 5, "*=;"},
        {"GET", "/static/a%2e%2e", Router::found, 5, "*=a%2e%2e;"},  // rest stays encoded
        {"HEAD", "/hello", Router::found, 1, ""},                    // HEAD from GET
        {"HEAD", "/head-only", Router::found, 9, ""},
        {"POST", "/hello", Router::method_not_allowed, 0, ""},
        {"DELETE", "/static/x", Router::method_not_allowed, 0, ""},
        {"GET", "/echo", Router::method_not_allowed, 0, ""},
        {"POST", "/echo", Router::found, 7, ""},
        {"GET", "/nowhere", Router::not_found, 0, ""},
        {"GET", "/bad%zz", Router::not_found, 0, ""},  // does not decode
        {"GET", "/bad%2", Router::not_found, 0, ""},
        {"GET", "", Router::not_found, 0, ""},
        {"GET", "*", Router::not_found, 0, ""},
        {"get", "/hello", Router::method_not_allowed, 0, ""},  // methods are case-sensitive
        {"PATCH", "/any", Router::found, 11, ""},              // any method
        {"GET", "/any", Router::found, 12, ""},                // the route naming it first
        {"HEAD", "/any", Router::found, 11, ""},               // '*' answers HEAD itself
    };
    for (const Case& c : cases) {
        CAPTURE(c.method);
        CAPTURE(c.path);
        Router::Match m = r.match(c.method, c.path);
        CHECK(m.outcome == c.outcome);
        if (c.outcome == Router::found) {
            CHECK(m.route == c.route);
            CHECK(join(m.params) == c.params);
        }
    }
    CHECK(r.match("HEAD", "/hello").head_from_get);
    CHECK(!r.match("HEAD", "/head-only").head_from_get);
}

TEST_CASE("router: allow lists") {
    Router r;
    r.add("GET", "/a");
    r.add("POST", "/a");
    r.add("POST", "/b");
    r.add("DELETE", "/items/:id");
    r.add("GET", "/items/*");
    CHECK(r.allow("/a") == "GET, HEAD, POST, OPTIONS");
    CHECK(r.allow("/b") == "POST, OPTIONS");
    CHECK(r.allow("/items/3") == "DELETE, GET, HEAD, OPTIONS");
    CHECK(r.allow("/items") == "GET, HEAD, OPTIONS");
    CHECK(r.allow("/none") == "");
    CHECK(r.allow("*") == "GET, HEAD, POST, DELETE, OPTIONS");
}

TEST_CASE("router: first added wins between equals") {
    Router r;
    r.add("GET", "/x/:a");
    r.add("GET", "/x/:b");
    auto m = r.match("GET", "/x/1");
    CHECK(m.route == 0);
    CHECK(join(m.params) == "a=1;");
}

TEST_CASE("router: percent_decode and parse_query") {
    std::string out;
    CHECK(socklite::http::percent_decode("a%20b%2F%41", out));
    CHECK(out == "a b/A");
    CHECK(socklite::http::percent_decode("a+b", out));
    CHECK(out == "a+b");
    CHECK(socklite::http::percent_decode("a+b", out, true));
    CHECK(out == "a b");
    CHECK(!socklite::http::percent_decode("%", out));
    CHECK(!socklite::http::percent_decode("%4", out));
    CHECK(!socklite::http::percent_decode("%g0", out));
    CHECK(socklite::http::percent_decode("%00", out));
    CHECK(out == std::string(1, '\0'));

    CHECK(join(socklite::http::parse_query("a=1&b=two+words&c&&d=%41%zz&e=x=y")) ==
          "a=1;b=two words;c=;d=%41%zz;e=x=y;");
    CHECK(join(socklite::http::parse_query("")) == "");
    Params p = socklite::http::parse_query("k=1&k=2");
    CHECK(socklite::http::param_value(p, "k") == "1");
    CHECK(socklite::http::param_value(p, "z") == "");
}
