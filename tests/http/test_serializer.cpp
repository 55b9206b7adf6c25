// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/http/parser.hpp>
#include <socklite/http/serializer.hpp>

#include "support/doctest_ext.hpp"

#include <string>

using socklite::errc;
using socklite::http::Request;
using socklite::http::serialize_head;
using socklite::http::serialize_request;
using socklite::http::Url;

namespace {
const std::string ua = std::string("User-Agent: socklite/") + SOCKLITE_VERSION_STRING + "\r\n";

Request make(const char* method, const char* target) {
    Request r;
    r.method = method;
    r.target = target;
    return r;
}
}  // namespace

TEST_CASE("serializer: GET with Host and User-Agent") {
    CHECK(serialize_request(make("GET", "/index.html"), Url::parse("http://example.com/")) ==
          "GET /index.html HTTP/1.1\r\nHost: example.com\r\n" + ua + "\r\n");
    CHECK(std::string(socklite::http::user_agent) == std::string("socklite/") + socklite::version);
}

TEST_CASE("serializer: Host carries the port unless default, IPv6 in brackets") {
    struct C {
        const char* url;
        const char* host;
    };
    const C cases[] = {
        {"http://127.0.0.1:8080/", "127.0.0.1:8080"},
        {"http://127.0.0.1:80/", "127.0.0.1"},
        {"http://[::1]/", "[::1]"},
        {"http://[::1]:8080/", "[::1]:8080"},
        {"https://h/", "h"},
        {"https://h:80/", "h:80"},
        {"http://h:443/", "h:443"},
        {"http://[fe80::1%25lo]:81/", "[fe80::1%25lo]:81"},
    };
    for (const C& c : cases) {
        CAPTURE(c.url);
        CHECK(serialize_request(make("GET", "/"), Url::parse(c.url)) ==
              std::string("GET / HTTP/1.1\r\nHost: ") + c.host + "\r\n" + ua + "\r\n");
    }
}

TEST_CASE("serializer: custom headers in order, body with Content-Length") {
    Request r = make("POST", "/submit?x=1");
    r.headers.add("Accept", "*/*");
    r.headers.add("X-Tab", "a\tb");
    r.headers.add("X-Obs", "caf\xc3\xa9");
    r.headers.add("X-Empty", "");
    r.body = "hello";
    CHECK(serialize_request(r, Url::parse("http://h/")) ==
          "POST /submit?x=1 HTTP/1.1\r\nHost: h\r\n" + ua +
              "Accept: */*\r\nX-Tab: a\tb\r\nX-Obs: caf\xc3\xa9\r\nX-Empty: \r\n"
              "Content-Length: 5\r\n\r\nhello");
    std::string head;
    serialize_head(r, "h", head);
    CHECK(head.size() + 5 == serialize_request(r, Url::parse("http://h/")).size());
    CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
}

TEST_CASE("serializer: Content-Length for POST/PUT/PATCH even when empty, not for GET") {
    for (const char* m : {"POST", "PUT", "PATCH"}) {
        CAPTURE(m);
        std::string out = serialize_request(make(m, "/"), Url::parse("http://h/"));
        CHECK(out.find("Content-Length: 0\r\n") != std::string::npos);
    }
    for (const char* m : {"GET", "HEAD", "DELETE", "OPTIONS"}) {
        CAPTURE(m);
        std::string out = serialize_request(make(m, "/"), Url::parse("http://h/"));
        CHECK(out.find("Content-Length") == std::string::npos);
    }
    Request del = make("DELETE", "/x");
    del.body = "{}";
    CHECK(serialize_request(del, Url::parse("http://h/")).find("Content-Length: 2\r\n\r\n{}") !=
          std::string::npos);
    CHECK(serialize_request(make("OPTIONS", "*"), Url::parse("http://h/"))
              .rfind("OPTIONS * HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("serializer: the caller's Host, User-Agent and matching Content-Length win") {
    Request r = make("PUT", "/");
    r.headers.add("host", "virtual.example");
    r.headers.add("User-Agent", "me/1");
    r.headers.add("Content-Length", "3");
    r.body = "abc";
    CHECK(serialize_request(r, Url::parse("http://h:81/")) ==
          "PUT / HTTP/1.1\r\nhost: virtual.example\r\nUser-Agent: me/1\r\nContent-Length: 3\r\n\r\n"
          "abc");
    // with a Host of its own, the request needs no host argument
    std::string out;
    std::error_code ec;
    serialize_request(r, "", out, ec);
    CHECK_FALSE(ec);
}

TEST_CASE("serializer: injection and invalid characters are refused, nothing produced") {
    struct Bad {
        std::string method, target, name, value, host;
    };
    const std::string nul("\0", 1);
    const Bad cases[] = {
        {"GET\r\n", "/", "A", "b", "h"},
        {"GE T", "/", "A", "b", "h"},
        {"", "/", "A", "b", "h"},
        {"G" + nul, "/", "A", "b", "h"},
        {"GET(", "/", "A", "b", "h"},
        {"GET", "", "A", "b", "h"},
        {"GET", "/ HTTP/1.1\r\nX: y", "A", "b", "h"},
        {"GET", "/a b", "A", "b", "h"},
        {"GET", "/\n", "A", "b", "h"},
        {"GET", "/\r", "A", "b", "h"},
        {"GET", "/" + nul, "A", "b", "h"},
        {"GET", "/\x7f", "A", "b", "h"},
        {"GET", "/caf\xc3\xa9", "A", "b", "h"},
        {"GET", "/\t", "A", "b", "h"},
        {"GET", "/", "", "b", "h"},
        {"GET", "/", "A B", "b", "h"},
        {"GET", "/", "A:", "b", "h"},
        {"GET", "/", "A\r\nB", "b", "h"},
        {"GET", "/", "A" + nul, "b", "h"},
        {"GET", "/", "A\t", "b", "h"},
        {"GET", "/", "A", "b\r\nEvil: 1", "h"},
        {"GET", "/", "A", "b\r", "h"},
        {"GET", "/", "A", "b\n", "h"},
        {"GET", "/", "A", "b" + nul + "c", "h"},
        {"GET", "/", "A", "\x01", "h"},
        {"GET", "/", "A", "\x1f", "h"},
        {"GET", "/", "A", "\x7f", "h"},
        {"GET", "/", "A", "b", "h\r\nX: y"},
        {"GET", "/", "A", "b", "h" + nul},
        {"GET", "/", "A", "b", ""},
        {"GET", "/", "Transfer-Encoding", "chunked", "h"},
        {"GET", "/", "Content-Length", "4", "h"},   // body is 3 bytes
        {"GET", "/", "Content-Length", " 3", "h"},  // not exactly the size
    };
    for (const Bad& c : cases) {
        CAPTURE(c.method);
        CAPTURE(c.target);
        CAPTURE(c.name);
        CAPTURE(c.value);
        CAPTURE(c.host);
        Request r;
        r.method = c.method;
        r.target = c.target;
        r.headers.add("Accept", "*/*");
        r.headers.add(c.name, c.value);
        r.body = "abc";
        std::string out = "previous bytes";
        std::error_code ec;
        serialize_request(r, c.host, out, ec);
        CHECK(ec == socklite::http::errc::bad_field);
        CHECK(out == "previous bytes");
        serialize_head(r, c.host, out, ec);
        CHECK(ec == socklite::http::errc::bad_field);
        CHECK(out == "previous bytes");
        CHECK_THROWS_AS(serialize_head(r, c.host, out), socklite::Error);
        CHECK(out == "previous bytes");
    }
    // two Content-Length fields that disagree
    Request r = make("POST", "/");
    r.body = "abc";
    r.headers.add("Content-Length", "3");
    r.headers.add("Content-Length", "4");
    std::string out;
    std::error_code ec;
    serialize_request(r, "h", out, ec);
    CHECK(ec == socklite::http::errc::bad_field);
    CHECK(out.empty());
}

TEST_CASE("serializer: predicates follow the RFC 9110 grammar") {
    using namespace socklite::http;
    CHECK(is_token("!#$%&'*+-.^_`|~09AZaz"));
    CHECK_FALSE(is_token(""));
    CHECK_FALSE(is_token("a b"));
    CHECK_FALSE(is_token("a\"b"));
    CHECK_FALSE(is_token("(x)"));
    CHECK(is_field_value(""));
    CHECK(is_field_value("a b\tc\x80\xff"));
    CHECK_FALSE(is_field_value(std::string_view("\0", 1)));
    CHECK_FALSE(is_field_value("a\x7f"));
    CHECK(is_request_target("*"));
    CHECK_FALSE(is_request_target(""));
}

// ---- responses

namespace {
socklite::http::Response response(int status, std::string reason, std::string body = {}) {
    socklite::http::Response r;
    r.status = status;
    r.reason = reason;
    r.body = std::move(body);
    return r;
}
}  // namespace

TEST_CASE("response serializer: status line, fields in order, Content-Length") {
    using socklite::http::serialize_response;
    auto r = response(200, "OK", "hello");
    r.headers.add("Content-Type", "text/plain");
    r.headers.add("X-Tab", "a\tb");
    CHECK(serialize_response(r) ==
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Tab: a\tb\r\nContent-Length: "
          "5\r\n\r\nhello");
    auto e = response(404, "");
    e.version = 10;
    CHECK(serialize_response(e) == "HTTP/1.0 404 \r\nContent-Length: 0\r\n\r\n");
    // a given Content-Length that matches, or one announced by a bodiless answer to HEAD
    auto h = response(200, "OK", "abc");
    h.headers.add("Content-Length", "3");
    CHECK(serialize_response(h) == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    h.body.clear();
    h.headers.set("Content-Length", "1000");
    CHECK(serialize_response(h) == "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
}

TEST_CASE("response serializer: bodiless statuses get no framing") {
    using socklite::http::serialize_response;
    CHECK(serialize_response(response(204, "No Content")) == "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK(serialize_response(response(100, "Continue")) == "HTTP/1.1 100 Continue\r\n\r\n");
    auto nm = response(304, "Not Modified");
    nm.headers.add("Content-Length", "42");  // the length of the representation: allowed
    CHECK(serialize_response(nm) == "HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n");
}

TEST_CASE("response serializer: chunked framing and trailers") {
    using socklite::http::serialize_response;
    auto r = response(200, "OK", std::string(26, 'x'));
    r.headers.add("Transfer-Encoding", "gzip, chunked");
    r.trailers.add("X-Sum", "abc");
    CHECK(serialize_response(r) ==
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
          "1a\r\n" +
              std::string(26, 'x') + "\r\n0\r\nX-Sum: abc\r\n\r\n");
    std::string out;
    socklite::http::serialize_chunk("hello", out);
    socklite::http::serialize_chunk("", out);  // nothing: an empty chunk would end the body
    socklite::http::serialize_chunk(std::string(256, 'y'), out);
    socklite::http::serialize_last_chunk(out);
    CHECK(out == "5\r\nhello\r\n100\r\n" + std::string(256, 'y') + "\r\n0\r\n\r\n");
    // what the serializer writes, the parser reads back
    socklite::http::ResponseParser p;
    std::string wire = serialize_response(r);
    auto h = p.parse_head(wire);
    REQUIRE(h.complete());
    auto b = p.parse_body(std::string_view(wire).substr(h.consumed));
    CHECK(b.body == std::string(26, 'x'));
}

TEST_CASE("response serializer: CR, LF, NUL and framing conflicts are refused, nothing appended") {
    using socklite::http::serialize_head;
    using socklite::http::serialize_response;
    std::vector<socklite::http::Response> bad;
    bad.push_back(response(200, "O\r\nK"));
    bad.push_back(response(200, std::string("O\0K", 3)));
    bad.push_back(response(99, "X"));
    bad.push_back(response(600, "X"));
    auto v = response(200, "OK");
    v.version = 20;
    bad.push_back(v);
    auto n = response(200, "OK");
    n.headers.add("Bad Name", "v");
    bad.push_back(n);
    auto val = response(200, "OK");
    val.headers.add("X", "a\r\nInjected: 1");
    bad.push_back(val);
    auto nul = response(200, "OK");
    nul.headers.add("X", std::string("a\0b", 3));
    bad.push_back(nul);
    auto cl = response(200, "OK", "abc");
    cl.headers.add("Content-Length", "4");
    bad.push_back(cl);
    auto two = response(200, "OK");
    two.headers.add("Content-Length", "1");
    two.headers.add("Content-Length", "2");
    bad.push_back(two);
    auto both = response(200, "OK");
    both.headers.add("Content-Length", "0");
    both.headers.add("Transfer-Encoding", "chunked");
    bad.push_back(both);
    auto gz = response(200, "OK");
    gz.headers.add("Transfer-Encoding", "chunked, gzip");
    bad.push_back(gz);
    auto te10 = response(200, "OK");
    te10.version = 10;
    te10.headers.add("Transfer-Encoding", "chunked");
    bad.push_back(te10);
    auto body204 = response(204, "No Content", "x");
    bad.push_back(body204);
    auto cl204 = response(204, "No Content");
    cl204.headers.add("Content-Length", "0");
    bad.push_back(cl204);
    auto tr = response(200, "OK", "x");
    tr.trailers.add("X", "y");  // trailers without chunked
    bad.push_back(tr);
    auto badtr = response(200, "OK", "x");
    badtr.headers.add("Transfer-Encoding", "chunked");
    badtr.trailers.add("X", "y\nz");
    bad.push_back(badtr);
    for (const auto& r : bad) {
        CAPTURE(r.status);
        CAPTURE(r.reason);
        std::string out = "kept";
        std::error_code ec;
        serialize_response(r, out, ec);
        CHECK(ec == socklite::http::errc::bad_field);
        CHECK(out == "kept");
        CHECK_THROWS_AS(serialize_response(r), socklite::Error);
    }
    std::string out;
    CHECK_THROWS_AS(serialize_head(response(200, "O\nK"), out), socklite::Error);
    socklite::http::Headers t;
    t.add("X", "a\rb");
    std::error_code ec;
    socklite::http::serialize_last_chunk(t, out, ec);
    CHECK(ec == socklite::http::errc::bad_field);
    CHECK(out.empty());
}
