// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for the request side of socklite/http/parser.hpp (http::RequestParser): every case fed
// whole, byte by byte and split at every offset, each call's input ending at a guard page.
#include <socklite/http/parser.hpp>

#include "support/doctest_ext.hpp"

#include <string>
#include <vector>

#include "http/feed.hpp"

using socklite::http::BodyKind;
using socklite::http::ParserLimits;
using socklite::http::RequestParser;
using socklite::http::TargetForm;
using socklite_test::Outcome;
namespace errc = socklite::http;

namespace {

const std::string nul("\0", 1);
const std::string get = "GET / HTTP/1.1\r\nHost: a\r\n";

struct Case {
    const char* name;
    std::string input;
    std::error_code ec;  // expected error, or none
    int status = 0;      // status_for(ec) expected for a bad case
    std::string method;
    std::string target;
    BodyKind kind = BodyKind::none;
    bool keep_alive = true;
    std::string body;
    std::string rest;
};

Case good(const char* name, std::string input, std::string method, std::string target,
          BodyKind kind = BodyKind::none, bool keep_alive = true, std::string body = {},
          std::string rest = {}) {
    Case c;
    c.name = name;
    c.input = std::move(input);
    c.method = std::move(method);
    c.target = std::move(target);
    c.kind = kind;
    c.keep_alive = keep_alive;
    c.body = std::move(body);
    c.rest = std::move(rest);
    return c;
}

Case bad(const char* name, std::string input, socklite::http::errc e, int status) {
    Case c;
    c.name = name;
    c.input = std::move(input);
    c.ec = e;
    c.status = status;
    return c;
}

std::vector<Case> cases() {
    using E = socklite::http::errc;
    using K = BodyKind;
    const std::string te = "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n";
    const std::string post = "POST /u HTTP/1.1\r\nHost: a\r\n";
    return {
        // ---- good requests
        good("simple GET", get + "\r\n", "GET", "/"),
        good("GET with query and fields",
             "GET /a/b%20c?x=1&y=%2F HTTP/1.1\r\nHost: example.com\r\n"
             "Accept: */*\r\n\r\n",
             "GET", "/a/b%20c?x=1&y=%2F"),
        good("pipelined: the next request stays", get + "\r\nGET /2 HTTP/1.1\r\n", "GET", "/",
             K::none, true, "", "GET /2 HTTP/1.1\r\n"),
        good("POST with Content-Length", post + "Content-Length: 5\r\n\r\nhello", "POST", "/u",
             K::content_length, true, "hello"),
        good("POST chunked", te + "\r\n5\r\nhello\r\n0\r\n\r\n", "POST", "/u", K::chunked, true,
             "hello"),
        good("chunked with trailer and rest", te + "\r\n1;a=b\r\nx\r\n0\r\nT: v\r\n\r\nNEXT",
             "POST", "/u", K::chunked, true, "x", "NEXT"),
        good("gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "POST",
             "/u", K::chunked),
        good("no CL nor TE: no body", post + "\r\nGET", "POST", "/u", K::none, true, "", "GET"),
        good("CL list of equal values", post + "Content-Length: 2, 2\r\n\r\nok", "POST", "/u",
             K::content_length, true, "ok"),
        good("HTTP/1.0 without Host closes", "GET / HTTP/1.0\r\n\r\n", "GET", "/", K::none, false),
        good("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET", "/",
             K::none, true),
        good("Connection: close", get + "Connection: close\r\n\r\n", "GET", "/", K::none, false),
        good("absolute-form",
             "GET http://example.com:8080/x?y HTTP/1.1\r\nHost: example.com:8080"
             "\r\n\r\n",
             "GET", "http://example.com:8080/x?y"),
        good("absolute-form with userinfo and IPv6",
             "GET http://u@[::1]:80/ HTTP/1.1\r\nHost: "
             "[::1]:80\r\n\r\n",
             "GET", "http://u@[::1]:80/"),
        good("absolute-form, another scheme", "GET urn:isbn:123 HTTP/1.1\r\nHost: a\r\n\r\n", "GET",
             "urn:isbn:123"),
        good("authority-form CONNECT",
             "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443"
             "\r\n\r\n",
             "CONNECT", "example.com:443"),
        good("asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "OPTIONS", "*"),
        good("other token methods", "M-SEARCH! /x HTTP/1.1\r\nHost: a\r\n\r\n", "M-SEARCH!", "/x"),
        good("Host forms: IPv4 and port", "GET / HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n", "GET",
             "/"),
        good("Host forms: empty", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET", "/"),
        good("Host forms: IPv6", "GET / HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n", "GET", "/"),
        good("Host forms: percent-encoded", "GET / HTTP/1.1\r\nHost: a%41b\r\n\r\n", "GET", "/"),
        good("leading empty lines skipped", "\r\n\r\n" + get + "\r\n", "GET", "/"),
        good("Expect and Upgrade",
             get + "Expect: 100-continue\r\nConnection: Upgrade\r\n"
                   "Upgrade: websocket\r\n\r\n",
             "GET", "/", K::none, true),

        // ---- request line (400)
        bad("lower-case method is a token, but two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            E::bad_request_line, 400),
        bad("tab as separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_request_line, 400),
        bad("tab before version", "GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", E::bad_request_line, 400),
        bad("no target", "GET HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_request_line, 400),
        bad("HTTP/0.9 request", "GET /\r\n\r\n", E::bad_request_line, 400),
        bad("leading space", " GET / HTTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("method with a slash", "GE/T / HTTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("NUL in method", "GE" + nul + "T / HTTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("NUL in target", "GET /a" + nul + "b HTTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("bare LF ends request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", E::bad_request_line,
            400),
        bad("bare CR in request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", E::bad_request_line, 400),
        bad("space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", E::bad_request_line, 400),
        bad("not HTTP", "GET / FTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("lower-case version", "GET / http/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("leading bare LF", "\nGET / HTTP/1.1\r\n\r\n", E::bad_request_line, 400),
        bad("too many empty lines", "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n" + get,
            E::bad_request_line, 400),
        // ---- version (400 malformed, 505 unsupported)
        bad("HTTP/1.10", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", E::bad_version, 400),
        bad("HTTP/1.x", "GET / HTTP/1.x\r\nHost: a\r\n\r\n", E::bad_version, 400),
        bad("HTTP/11", "GET / HTTP/11\r\nHost: a\r\n\r\n", E::bad_version, 400),
        bad("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", E::version_not_supported, 505),
        bad("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", E::version_not_supported, 505),
        bad("HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", E::version_not_supported, 505),
        bad("HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", E::version_not_supported, 505),
        // ---- targets (400)
        bad("relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("bad percent escape", "GET /a%2x HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("cut percent escape", "GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("quote in target", "GET /\"x\" HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("backslash in target", "GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("braces in target", "GET /{x} HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("obs-text in target", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("DEL in target", "GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("asterisk for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("a host name as target", "GET example.com HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target,
            400),
        bad("origin-form for CONNECT", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("CONNECT without port", "CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n",
            E::bad_target, 400),
        bad("CONNECT with path", "CONNECT a:80/x HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("CONNECT port too big", "CONNECT a:65536 HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target,
            400),
        bad("http URI without host", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target,
            400),
        bad("http URI without //", "GET http:x HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("http URI bad port", "GET http://a:x/ HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target, 400),
        bad("scheme with a bad character", "GET h_t:x HTTP/1.1\r\nHost: a\r\n\r\n", E::bad_target,
            400),
        // ---- Host (400)
        bad("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", E::missing_host, 400),
        bad("two Host fields", get + "Host: a\r\n\r\n", E::bad_host, 400),
        bad("two Host fields, case", get + "host: b\r\n\r\n", E::bad_host, 400),
        bad("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", E::bad_host, 400),
        bad("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", E::bad_host, 400),
        bad("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", E::bad_host, 400),
        bad("Host port too big", "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", E::bad_host, 400),
        bad("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", E::bad_host, 400),
        bad("Host unclosed IPv6", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", E::bad_host, 400),
        bad("Host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", E::bad_host, 400),
        bad("HTTP/1.0 with two Host", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", E::bad_host,
            400),
        // ---- fields (400)
        bad("space before colon", get + "X-A : b\r\n\r\n", E::bad_header, 400),
        bad("obs-fold", get + "X-A: b\r\n c\r\n\r\n", E::bad_header, 400),
        bad("whitespace before the first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
            E::bad_header, 400),
        bad("bare LF after a field", get + "X: y\n\r\n", E::bad_header, 400),
        bad("bare CR in a value", get + "X: y\rz\r\n\r\n", E::bad_header, 400),
        bad("NUL in a value", get + "X: y" + nul + "\r\n\r\n", E::bad_header, 400),
        bad("bad Connection list", get + "Connection: close;x\r\n\r\n", E::bad_header, 400),
        // ---- request smuggling (400, 501)
        bad("CL and TE", te + "Content-Length: 5\r\n\r\n0\r\n\r\n", E::bad_transfer_encoding, 400),
        bad("TE and CL", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            E::bad_transfer_encoding, 400),
        bad("duplicate CL, different", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
            E::bad_content_length, 400),
        bad("CL list, different", post + "Content-Length: 5, 6\r\n\r\n", E::bad_content_length,
            400),
        bad("CL with sign", post + "Content-Length: +5\r\n\r\n", E::bad_content_length, 400),
        bad("CL hex", post + "Content-Length: 0x5\r\n\r\n", E::bad_content_length, 400),
        bad("CL empty", post + "Content-Length:\r\n\r\n", E::bad_content_length, 400),
        bad("CL overflow", post + "Content-Length: 18446744073709551616\r\n\r\n",
            E::bad_content_length, 400),
        bad("TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n",
            E::bad_transfer_encoding, 400),
        bad("TE chunked twice",
            post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
                   "\r\n\r\n",
            E::bad_transfer_encoding, 400),
        bad("TE gzip only", post + "Transfer-Encoding: gzip\r\n\r\n", E::bad_transfer_encoding,
            400),
        bad("TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n", E::unknown_transfer_coding,
            501),
        bad("TE identity", post + "Transfer-Encoding: identity\r\n\r\n", E::unknown_transfer_coding,
            501),
        bad("TE unknown before chunked", post + "Transfer-Encoding: br, chunked\r\n\r\n",
            E::unknown_transfer_coding, 501),
        bad("TE with parameter", post + "Transfer-Encoding: chunked;q=1\r\n\r\n",
            E::bad_transfer_encoding, 400),
        bad("TE quoted", post + "Transfer-Encoding: \"chunked\"\r\n\r\n", E::bad_transfer_encoding,
            400),
        bad("TE empty", post + "Transfer-Encoding:\r\n\r\n", E::bad_transfer_encoding, 400),
        bad("TE with obs-fold", post + "Transfer-Encoding: gzip\r\n chunked\r\n\r\n", E::bad_header,
            400),
        bad("TE with space before colon", post + "Transfer-Encoding : chunked\r\n\r\n",
            E::bad_header, 400),
        bad("TE with a vertical tab",
            post + "Transfer-Encoding: \x0b"
                   "chunked\r\n\r\n",
            E::bad_header, 400),
        bad("TE after a bare LF", post + "X: y\nTransfer-Encoding: chunked\r\n\r\n", E::bad_header,
            400),
        bad("TE with NUL", post + "Transfer-Encoding: chunked" + nul + "\r\n\r\n", E::bad_header,
            400),
        bad("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            E::bad_transfer_encoding, 400),
        bad("chunk size with sign", te + "\r\n+5\r\nhello\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk size 0x", te + "\r\n0x5\r\nhello\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk size overflow", te + "\r\nfffffffffffffffff\r\n", E::bad_chunk, 400),
        bad("chunk size with space", te + "\r\n5 \r\nhello\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk size bare LF", te + "\r\n5\nhello\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk extension without name", te + "\r\n2;\r\nhi\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk extension with CTL", te + "\r\n2;a\x01\r\nhi\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk extension with LF", te + "\r\n2;a\nhi\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunk data too long", te + "\r\n2\r\nhello\r\n0\r\n\r\n", E::bad_chunk, 400),
        bad("chunked: bad trailer", te + "\r\n0\r\nBad Name: x\r\n\r\n", E::bad_header, 400),
        // ---- cut short
        bad("truncated head", get, socklite::http::errc{}, 400),
        bad("truncated body", post + "Content-Length: 5\r\n\r\nhel", socklite::http::errc{}, 400),
    };
}

void check_expected(const Case& c, const Outcome& o) {
    if (c.status != 0 && !c.ec) {  // cut short: the peer closed
        CHECK(o.ec == socklite::errc::unexpected_eof);
        CHECK(socklite::http::status_for(o.ec) == c.status);
        return;
    }
    CHECK(o.ec == c.ec);
    if (c.ec) {
        CHECK(socklite::http::status_for(o.ec) == c.status);
        return;
    }
    CHECK(o.method == c.method);
    CHECK(o.target == c.target);
    CHECK(o.kind == c.kind);
    CHECK(o.keep_alive == c.keep_alive);
    CHECK(o.body == c.body);
    CHECK(o.rest == c.rest);
}

}  // namespace

TEST_CASE(
    "request parser: every case fed whole, per byte and split at every offset, at a guard "
    "page") {
    socklite_test::GuardPage guard(8192);
    for (const Case& c : cases()) {
        CAPTURE(std::string(c.name));
        const std::size_t n = c.input.size();
        Outcome whole = socklite_test::feed_request(c.input, socklite_test::cuts_whole(n), guard);
        check_expected(c, whole);
        Outcome bytes = socklite_test::feed_request(c.input, socklite_test::cuts_bytes(n), guard);
        CHECK(bytes == whole);
        for (std::size_t at = 1; at < n; ++at) {
            CAPTURE(at);
            Outcome split =
                socklite_test::feed_request(c.input, socklite_test::cuts_split(n, at), guard);
            CHECK(split == whole);
        }
    }
}

TEST_CASE("request parser: method, target, version, fields are views; host, forms, flags") {
    std::string in =
        "POST /submit?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nExpect: 100-continue\r\n"
        "Content-Length: 3\r\nConnection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n\r\nabc";
    RequestParser p;
    auto r = p.parse_head(in);
    REQUIRE(r.complete());
    CHECK(r.consumed == in.size() - 3);
    CHECK(p.method() == "POST");
    CHECK(p.method().data() == in.data());
    CHECK(p.target() == "/submit?x=1");
    CHECK(p.target().data() == in.data() + 5);
    CHECK(p.target_form() == TargetForm::origin);
    CHECK(p.version() == 11);
    CHECK(p.host() == "example.com:8080");
    CHECK(p.expect_continue());
    CHECK(p.upgrade());
    CHECK(p.keep_alive());
    CHECK(p.field_count() == 5);
    CHECK(p.header("content-length") == "3");
    CHECK(p.body_kind() == BodyKind::content_length);
    socklite::http::Request req;
    p.copy_head(req);
    CHECK(req.method == "POST");
    CHECK(req.target == "/submit?x=1");
    CHECK(req.headers.size() == 5);
    auto b = p.parse_body(std::string_view(in).substr(r.consumed));
    CHECK(b.complete());
    CHECK(b.body == "abc");

    RequestParser q;
    REQUIRE(q.parse_head("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n").complete());
    CHECK(q.target_form() == TargetForm::authority);
    q.reset();
    REQUIRE(q.parse_head("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").complete());
    CHECK(q.target_form() == TargetForm::asterisk);
    q.reset();
    REQUIRE(q.parse_head("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n").complete());
    CHECK(q.target_form() == TargetForm::absolute);
    q.reset();
    // Expect is ignored in HTTP/1.0 (RFC 9110 section 10.1.1); Upgrade needs Connection: upgrade
    REQUIRE(
        q.parse_head("GET / HTTP/1.0\r\nExpect: 100-continue\r\nUpgrade: x\r\n\r\n").complete());
    CHECK_FALSE(q.expect_continue());
    CHECK_FALSE(q.upgrade());
    CHECK(q.host().empty());
}

TEST_CASE("request parser: limits give 414, 431 and 413 as the bytes arrive") {
    socklite_test::GuardPage guard(128 * 1024);
    ParserLimits lim;
    lim.max_request_line = 64;
    SUBCASE("a request line of exactly the limit passes, one byte more is 414") {
        std::string head = "GET /";
        std::string tail = " HTTP/1.1";
        std::string exact = head + std::string(64 - head.size() - tail.size(), 'a') + tail;
        REQUIRE(exact.size() == 64);
        std::string in = exact + "\r\nHost: a\r\n\r\n";
        CHECK_FALSE(socklite_test::feed_request(in, {in.size()}, guard, lim).ec);
        std::string over =
            head + std::string(65 - head.size() - tail.size(), 'a') + tail + "\r\nHost: a\r\n\r\n";
        for (auto cuts :
             {socklite_test::cuts_whole(over.size()), socklite_test::cuts_bytes(over.size())}) {
            Outcome o = socklite_test::feed_request(over, cuts, guard, lim);
            CHECK(o.ec == socklite::http::errc::target_too_long);
            CHECK(socklite::http::status_for(o.ec) == 414);
        }
        // an endless target fails without waiting for its end
        RequestParser p(lim);
        std::string endless = "GET /" + std::string(100, 'a');
        CHECK(p.parse_head(guard.place(endless)).ec == socklite::http::errc::target_too_long);
    }
    SUBCASE("header section too big, too many fields: 431") {
        ParserLimits l2;
        l2.max_header_bytes = 100;
        std::string in = get + "X: " + std::string(100, 'v') + "\r\n\r\n";
        Outcome o = socklite_test::feed_request(in, {in.size()}, guard, l2);
        CHECK(o.ec == socklite::http::errc::header_too_large);
        CHECK(socklite::http::status_for(o.ec) == 431);
        ParserLimits l3;
        l3.max_fields = 2;
        in = get + "A: 1\r\nB: 2\r\n\r\n";
        o = socklite_test::feed_request(in, socklite_test::cuts_bytes(in.size()), guard, l3);
        CHECK(o.ec == socklite::http::errc::too_many_headers);
        CHECK(socklite::http::status_for(o.ec) == 431);
    }
    SUBCASE("body above the limit: 413 as soon as Content-Length is known") {
        ParserLimits l4;
        l4.max_body_size = 4;
        RequestParser p(l4);
        auto r = p.parse_head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n");
        CHECK(r.ec == socklite::http::errc::body_too_large);
        CHECK(socklite::http::status_for(r.ec) == 413);
        std::string ok = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd";
        CHECK_FALSE(socklite_test::feed_request(ok, {ok.size()}, guard, l4).ec);
        // chunked: when the bytes pass the limit
        std::string ch =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        for (auto cuts :
             {socklite_test::cuts_whole(ch.size()), socklite_test::cuts_bytes(ch.size()),
              socklite_test::cuts_split(ch.size(), ch.size() - 12)}) {
            Outcome o = socklite_test::feed_request(ch, cuts, guard, l4);
            CHECK(o.ec == socklite::http::errc::body_too_large);
            CHECK(o.body == "abcd");  // the bytes up to the limit, however the input is split
        }
        // fuzz regression: one chunk larger than the limit, whole or in pieces
        std::string big =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            "11\r\n" +
            std::string(17, 'y') + "\r\n0\r\n\r\n";
        Outcome whole = socklite_test::feed_request(big, {big.size()}, guard, l4);
        CHECK(whole.ec == socklite::http::errc::body_too_large);
        for (std::size_t at = 1; at < big.size(); ++at)
            CHECK(socklite_test::feed_request(big, socklite_test::cuts_split(big.size(), at), guard,
                                              l4) == whole);
        l4.max_body_size = 5;
        CHECK_FALSE(socklite_test::feed_request(ch, {ch.size()}, guard, l4).ec);
    }
}

TEST_CASE("request parser: 413 as soon as known when the limit falls at the end of the input") {
    ParserLimits limits;
    limits.max_body_size = 4;
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    SUBCASE("inside a chunk: the bytes up to the limit, then the error without more input") {
        RequestParser p(limits);
        const std::string in = head + "5\r\nabcd";  // the input ends at the limit, mid-chunk
        auto r = p.parse_head(in);
        REQUIRE(r.complete());
        std::string_view rest = std::string_view(in).substr(r.consumed);
        r = p.parse_body(rest);
        CHECK(r.status == socklite::http::ParseStatus::need_more);
        CHECK(r.body == "abcd");
        rest.remove_prefix(r.consumed);
        CHECK(rest.empty());
        r = p.parse_body(rest);  // no new byte needed to learn it
        CHECK(r.error());
        CHECK(r.ec == socklite::http::errc::body_too_large);
        CHECK(p.finish().ec == socklite::http::errc::body_too_large);
        CHECK_FALSE(p.keep_alive());
    }
    SUBCASE("a chunk announced once the limit is reached: the error at once") {
        RequestParser p(limits);
        const std::string in = head + "4\r\nabcd\r\n1\r\n";
        auto r = p.parse_head(in);
        REQUIRE(r.complete());
        std::string_view rest = std::string_view(in).substr(r.consumed);
        r = p.parse_body(rest);
        CHECK(r.body == "abcd");
        CHECK(r.status == socklite::http::ParseStatus::need_more);
        rest.remove_prefix(r.consumed);
        r = p.parse_body(rest);
        CHECK(r.ec == socklite::http::errc::body_too_large);
        CHECK(r.body.empty());
    }
    SUBCASE("at a chunk boundary it is not known yet: the last chunk may come") {
        RequestParser p(limits);
        const std::string in = head + "4\r\nabcd\r\n";
        auto r = p.parse_head(in);
        REQUIRE(r.complete());
        std::string_view rest = std::string_view(in).substr(r.consumed);
        r = p.parse_body(rest);
        CHECK(r.body == "abcd");
        rest.remove_prefix(r.consumed);
        r = p.parse_body(rest);
        CHECK_FALSE(r.error());
        rest.remove_prefix(r.consumed);
        std::string more(rest);
        more += "0\r\n\r\n";
        r = p.parse_body(more);
        CHECK(r.complete());
        CHECK(p.body_received() == 4);
    }
}

TEST_CASE("request parser: an error sticks until reset(); keep-alive is then off") {
    RequestParser p;
    auto r = p.parse_head("GET / HTTP/1.1\r\n\r\n");
    CHECK(r.ec == socklite::http::errc::missing_host);
    CHECK(p.parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").ec ==
          socklite::http::errc::missing_host);
    CHECK(p.parse_body("x").ec == socklite::http::errc::missing_host);
    CHECK(p.finish().ec == socklite::http::errc::missing_host);
    CHECK_FALSE(p.keep_alive());
    p.reset();
    CHECK(p.parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").complete());
}

TEST_CASE("request parser: garbage fails early, before a whole line arrived") {
    RequestParser p;
    CHECK(p.parse_head("GET  ").ec == socklite::http::errc::bad_request_line);
    p.reset();
    CHECK(p.parse_head("GET / HTTP/2.0").ec == socklite::http::errc::version_not_supported);
    p.reset();
    CHECK(p.parse_head("GET / HTTP/01").ec == socklite::http::errc::bad_version);  // not 505
    p.reset();
    CHECK(p.parse_head("\x16\x03\x01").ec == socklite::http::errc::bad_request_line);  // TLS
    p.reset();
    CHECK(p.parse_head("GET /x HTTP/1.1\r\nHost: a\r\nBad Name").ec ==
          socklite::http::errc::bad_header);
    p.reset();
    CHECK(p.parse_head("GET /x HTT").need_more());
}

TEST_CASE("request parser: long lines arriving in pieces give the same outcome as when whole") {
    socklite_test::GuardPage guard(65536);
    const std::string longt(700, 't');
    const std::string longm(700, 'M');
    const std::vector<std::string> inputs = {
        "GET /" + longt + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /" + longt + "<" + longt + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /" + longt + "\x01",
        "GET /" + longt,
        longm + " / HTTP/1.1\r\nHost: a\r\n\r\n",
        longm + "(",
        get + "X: " + longt + "\r\n\r\n",
    };
    for (const std::string& in : inputs) {
        CAPTURE(in.size());
        for (bool eof : {true, false}) {
            const std::size_t n = in.size();
            Outcome whole =
                socklite_test::feed_request(in, socklite_test::cuts_whole(n), guard, {}, eof);
            Outcome bytes =
                socklite_test::feed_request(in, socklite_test::cuts_bytes(n), guard, {}, eof);
            CHECK(bytes == whole);
            for (std::size_t step : {7u, 100u, 257u, 300u}) {
                std::vector<std::size_t> cuts;
                for (std::size_t at = step; at < n; at += step) cuts.push_back(at);
                cuts.push_back(n);
                CHECK(socklite_test::feed_request(in, cuts, guard, {}, eof) == whole);
            }
        }
    }
}

TEST_CASE("status_for: the status a server answers each error with") {
    using E = socklite::http::errc;
    CHECK(socklite::http::status_for(E::target_too_long) == 414);
    CHECK(socklite::http::status_for(E::header_too_large) == 431);
    CHECK(socklite::http::status_for(E::too_many_headers) == 431);
    CHECK(socklite::http::status_for(E::trailer_too_large) == 431);
    CHECK(socklite::http::status_for(E::body_too_large) == 413);
    CHECK(socklite::http::status_for(E::unknown_transfer_coding) == 501);
    CHECK(socklite::http::status_for(E::version_not_supported) == 505);
    CHECK(socklite::http::status_for(E::bad_target) == 400);
    CHECK(socklite::http::status_for(E::missing_host) == 400);
    CHECK(socklite::http::status_for(E::bad_host) == 400);
    CHECK(socklite::http::status_for(E::bad_request_line) == 400);
    CHECK(socklite::http::status_for(socklite::errc::unexpected_eof) == 400);
    CHECK(socklite::http::status_for(E::bad_url) == 500);
    CHECK(socklite::http::status_for(std::make_error_code(std::errc::timed_out)) == 500);
}

TEST_CASE("parser: the scanners of this build") {
#if defined(SOCKLITE_HTTP_NO_SIMD)
    CHECK(SOCKLITE_HTTP_SIMD == 0);  // the portable ones, forced
#elif defined(__SSE2__)
    CHECK(SOCKLITE_HTTP_SIMD == 1);
#endif
#if defined(__AVX2__) && !defined(SOCKLITE_HTTP_NO_SIMD)
    CHECK(SOCKLITE_HTTP_AVX2 == 1);  // test_http_parser_avx2
#else
    CHECK(SOCKLITE_HTTP_AVX2 == 0);
#endif
}
