// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// http::next_hop(), the redirect rule, as a table: status x method x Location, and what the next
// request looks like (method, target, body, fields). No I/O.

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <vector>

#include <socklite/http/redirect.hpp>

using socklite::http::next_hop;
using socklite::http::Request;
using socklite::http::Url;

namespace {

Request make(const std::string& method, const std::string& body = "") {
    Request r;
    r.method = method;
    r.target = "/start";
    r.body = body;
    if (!body.empty()) r.headers.add("Content-Type", "text/plain");
    r.headers.add("Authorization", "Basic eDp5");
    r.headers.add("Cookie", "a=1");
    r.headers.add("Accept", "*/*");
    return r;
}

}  // namespace

TEST_CASE("next_hop: method and body per status (RFC 9110 section 15.4)") {
    struct Row {
        int status;
        const char* method;
        const char* next_method;  // nullptr: not followed
        bool keeps_body;
    };
    const std::vector<Row> table = {
        {301, "GET", "GET", false},   {301, "POST", "GET", false},
        {301, "PUT", "PUT", true},    {302, "GET", "GET", false},
        {302, "POST", "GET", false},  {302, "DELETE", "DELETE", false},
        {303, "GET", "GET", false},   {303, "POST", "GET", false},
        {303, "PUT", "GET", false},   {303, "HEAD", "HEAD", false},
        {307, "POST", "POST", true},  {307, "GET", "GET", false},
        {308, "POST", "POST", true},  {308, "PATCH", "PATCH", true},
        {300, "GET", nullptr, false}, {304, "GET", nullptr, false},
        {200, "GET", nullptr, false}, {404, "POST", nullptr, false},
    };
    const Url url = Url::parse("http://example.com/start");
    for (const Row& row : table) {
        CAPTURE(row.status);
        CAPTURE(row.method);
        const bool has_body = row.keeps_body || std::string(row.method) == "POST";
        Request req = make(row.method, has_body ? "data" : "");
        std::error_code ec;
        auto hop = next_hop(req, row.status, "/next?x=1", url, ec);
        CHECK(!ec);
        if (row.next_method == nullptr) {
            CHECK(!hop);
            continue;
        }
        REQUIRE(hop);
        CHECK(hop->request.method == row.next_method);
        CHECK(hop->url.str() == "http://example.com/next?x=1");
        CHECK(hop->request.target == "/next?x=1");
        CHECK(hop->request.body == (row.keeps_body ? "data" : ""));
        CHECK(hop->request.headers.contains("Content-Type") == (row.keeps_body && has_body));
        // Same origin: the credentials stay.
        CHECK(hop->request.headers.get("Authorization") == "Basic eDp5");
        CHECK(hop->request.headers.get("Accept") == "*/*");
    }
}

TEST_CASE("next_hop: Location resolution, credentials across origins, errors") {
    const Url url = Url::parse("http://example.com/a/b?q=1");
    Request req = make("GET");
    std::error_code ec;
    SUBCASE("relative references resolve against the URL (RFC 3986 section 5)") {
        CHECK(next_hop(req, 302, "c", url, ec)->url.str() == "http://example.com/a/c");
        CHECK(next_hop(req, 302, "../d", url, ec)->url.str() == "http://example.com/d");
        CHECK(next_hop(req, 302, "?r=2", url, ec)->url.str() == "http://example.com/a/b?r=2");
        CHECK(next_hop(req, 302, "//other.org/x", url, ec)->url.str() == "http://other.org/x");
    }
    SUBCASE("another origin drops Authorization and Cookie, keeps the rest") {
        for (const char* to :
             {"http://other.org/x", "http://example.com:8080/x", "https://example.com/x"}) {
            CAPTURE(to);
            auto hop = next_hop(req, 301, to, url, ec);
            REQUIRE(hop);
            CHECK_FALSE(hop->request.headers.contains("Authorization"));
            CHECK_FALSE(hop->request.headers.contains("Cookie"));
            CHECK(hop->request.headers.get("Accept") == "*/*");
        }
    }
    SUBCASE("no Location: not followed") { CHECK(!next_hop(req, 302, "", url, ec)); }
    SUBCASE("a Location that is not a URL: bad_redirect") {
        CHECK(!next_hop(req, 302, "ftp://x/", url, ec));
        CHECK(ec == socklite::http::errc::bad_redirect);
        CHECK(!next_hop(req, 302, "http://[bad/", url, ec));
        CHECK(ec == socklite::http::errc::bad_redirect);
    }
    SUBCASE("a streamed body cannot be sent twice: 307/308 are not followed for it") {
        Request up = make("PUT");
        up.body_source.read = [](char*, std::size_t) -> std::size_t { return 0; };
        CHECK(!next_hop(up, 307, "/again", url, ec));
        CHECK(!next_hop(up, 308, "/again", url, ec));
        auto hop = next_hop(up, 303, "/done", url, ec);  // 303 turns it into a GET
        REQUIRE(hop);
        CHECK(hop->request.method == "GET");
        CHECK(!hop->request.body_source.read);
    }
}
