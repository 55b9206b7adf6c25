// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/http/chunked.hpp>

#include "support/doctest_ext.hpp"

#include <string>
#include <vector>

#include "http/feed.hpp"

using socklite::errc;
using socklite::http::ChunkedDecoder;
using socklite::http::ChunkedLimits;
using socklite_test::Outcome;

namespace {

const std::string nul("\0", 1);
// The feed helpers report "input ended before the body did" with this code.
const std::error_code incomplete = std::make_error_code(std::errc::resource_unavailable_try_again);

struct Case {
    const char* name;
    std::string input;
    std::error_code ec;
    std::string body;
    std::vector<std::pair<std::string, std::string>> trailers;
    std::string rest;
};

std::vector<Case> cases() {
    return {
        {"one chunk", "5\r\nhello\r\n0\r\n\r\n", {}, "hello", {}, ""},
        {"empty body", "0\r\n\r\n", {}, "", {}, ""},
        {"zeros", "0000\r\n\r\n", {}, "", {}, ""},
        {"several chunks, upper and lower hex",
         "1\r\na\r\nA\r\n0123456789\r\nf\r\nabcdefghijklmno\r\n0\r\n\r\n",
         {},
         "a0123456789abcdefghijklmno",
         {},
         ""},
        {"leading zeros", "005\r\nhello\r\n0\r\n\r\n", {}, "hello", {}, ""},
        {"data holds CRLF and NUL",
         "6\r\n\r\n" + nul + "\r\n\n\r\n0\r\n\r\n",
         {},
         "\r\n" + nul + "\r\n\n",
         {},
         ""},
        {"extensions", "5;a=b;c\r\nhello\r\n0;last\r\n\r\n", {}, "hello", {}, ""},
        {"extension with BWS and quoted value",
         "5 ; a = \"x y;z\"\r\nhello\r\n0\t;x\r\n\r\n",
         {},
         "hello",
         {},
         ""},
        {"trailers",
         "5\r\nhello\r\n0\r\nX-Sum: abc\r\nX-Other:  v \r\n\r\n",
         {},
         "hello",
         {{"X-Sum", "abc"}, {"X-Other", "v"}},
         ""},
        {"rest after the body",
         "1\r\nx\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n",
         {},
         "x",
         {},
         "HTTP/1.1 200 OK\r\n"},
        {"huge size accepted, data pending", "7fffffffffffffff\r\nabc", incomplete, "abc", {}, ""},

        {"negative size", "-5\r\nhello\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"plus sign", "+5\r\nhello\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"leading space", " 5\r\nhello\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"empty size", "\r\nhello\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"not hex", "g\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"space inside size", "5 5\r\nhello\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"overflow 2^64", "10000000000000000\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"overflow 2^63", "8000000000000000\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"overflow long",
         "ffffffffffffffffffffffff\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"bare LF after size",
         "5\nhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"bare CR after size",
         "5\rhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"missing CRLF after data",
         "5\r\nhelloX\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "hello",
         {},
         ""},
        {"bare LF after data",
         "5\r\nhello\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "hello",
         {},
         ""},
        {"bare CR after data",
         "5\r\nhello\r0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "hello",
         {},
         ""},
        {"data longer than size",
         "3\r\nhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "hel",
         {},
         ""},
        {"CTL in extension", "5;a\x01\r\nhello\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"NUL in extension",
         "5;a" + nul + "\r\nhello\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"bare LF in extension",
         "5;a\nb\r\nhello\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"garbage before extension",
         "5x;a\r\nhello\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"word after BWS", "5 a\r\nhello\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"BWS without extension",
         "5 \r\nhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        // chunk-ext (RFC 9112 section 7.1.1): a ';' needs a name, '=' needs a value, BWS only
        // where the grammar puts it
        {"extension without name",
         "2;\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"bare ; after an extension",
         "2;a;\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"two ;", "2;;a\r\nhi\r\n0\r\n\r\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"extension name= without value",
         "2;a=\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension name = BWS without value",
         "2;a = \r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension =value without name",
         "2;=v\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension two =",
         "2;a==v\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension BWS before CRLF",
         "2;a \r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension value BWS before CRLF",
         "2;a=b\t\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension space inside name",
         "2;a b\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension space inside value",
         "2;a=b c\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension unterminated quote",
         "2;a=\"b\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension text after quote",
         "2;a=\"b\"c\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension CTL in quote",
         "2;a=\"b\x01\"\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension NUL after escape",
         "2;a=\"\\" + nul + "\"\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension non-token name",
         "2;a/b=c\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension non-token value",
         "2;a=b@c\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension with LF in quote",
         "2;a=\"x\ny\"\r\nhi\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"extension on the last chunk without name",
         "2\r\nhi\r\n0;\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "hi",
         {},
         ""},
        {"extensions: every allowed shape",
         "2;a;b=c;d=\"e f\";g = h ; i\t=\t\"\\\"\\\\\\\x80\"\r\nhi\r\n0;z\r\n\r\n",
         {},
         "hi",
         {},
         ""},
        {"extension too long",
         "5;" + std::string(5000, 'x') + "\r\nhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"size line too long",
         std::string(5000, '0') + "5\r\nhello\r\n0\r\n\r\n",
         socklite::http::errc::bad_chunk,
         "",
         {},
         ""},
        {"final CRLF wrong", "0\r\n\rX", socklite::http::errc::bad_chunk, "", {}, ""},
        {"final bare LF", "0\r\n\n", socklite::http::errc::bad_chunk, "", {}, ""},
        {"trailer without colon", "0\r\nX\r\n\r\n", socklite::http::errc::bad_header, "", {}, ""},
        {"trailer space before colon",
         "0\r\nX : y\r\n\r\n",
         socklite::http::errc::bad_header,
         "",
         {},
         ""},
        {"trailer obs-fold",
         "0\r\nX: y\r\n z\r\n\r\n",
         socklite::http::errc::bad_header,
         "",
         {},
         ""},
        {"trailer NUL",
         "0\r\nX: y" + nul + "\r\n\r\n",
         socklite::http::errc::bad_header,
         "",
         {},
         ""},
        {"trailer bare LF", "0\r\nX: y\n\r\n", socklite::http::errc::bad_header, "", {}, ""},

        {"truncated: nothing", "", incomplete, "", {}, ""},
        {"truncated: in size", "5", incomplete, "", {}, ""},
        {"truncated: in data", "5\r\nhel", incomplete, "hel", {}, ""},
        {"truncated: no last chunk", "5\r\nhello\r\n", incomplete, "hello", {}, ""},
        {"truncated: no final CRLF", "0\r\n", incomplete, "", {}, ""},
        {"truncated: in trailer", "0\r\nX: y\r\n", incomplete, "", {}, ""},
    };
}

}  // namespace

TEST_CASE("chunked: every case fed whole, per byte and split at every offset, at a guard page") {
    socklite_test::GuardPage guard(16384);
    for (const Case& c : cases()) {
        CAPTURE(std::string(c.name));
        const std::size_t n = c.input.size();
        Outcome whole = socklite_test::feed_chunked(c.input, socklite_test::cuts_whole(n), guard);
        CHECK(whole.ec == c.ec);
        if (!whole.ec || whole.ec == incomplete) {
            CHECK(whole.body == c.body);
            CHECK(whole.trailers == c.trailers);
        }
        if (!whole.ec) CHECK(whole.rest == c.rest);
        if (n > 600) continue;
        Outcome bytes = socklite_test::feed_chunked(c.input, socklite_test::cuts_bytes(n), guard);
        CHECK(bytes.ec == whole.ec);
        if (!c.ec) CHECK(bytes == whole);
        for (std::size_t at = 1; at < n; ++at) {
            CAPTURE(at);
            Outcome split =
                socklite_test::feed_chunked(c.input, socklite_test::cuts_split(n, at), guard);
            CHECK(split.ec == whole.ec);
            if (!c.ec) CHECK(split == whole);
        }
    }
}

TEST_CASE("chunked: body pieces are views into the input, never copies") {
    std::string in = "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n";
    ChunkedDecoder d;
    auto r = d.decode(in);
    CHECK(r.need_more());
    CHECK(r.body == "hello");
    CHECK(r.body.data() == in.data() + 3);
    CHECK(r.consumed == 8);
    r = d.decode(std::string_view(in).substr(8));
    CHECK(r.body == "abc");
    CHECK(r.body.data() == in.data() + 13);
    CHECK(r.consumed == 8);
    r = d.decode(std::string_view(in).substr(16));
    CHECK(r.complete());
    CHECK(r.body.empty());
    CHECK(r.consumed == in.size() - 16);
    CHECK(d.done());
    CHECK(d.body_size() == 8);
    // once done, it stays done and consumes nothing
    r = d.decode("more");
    CHECK(r.complete());
    CHECK(r.consumed == 0);
}

TEST_CASE("chunked: decode_in_place moves the body to the front") {
    socklite_test::GuardPage guard;
    std::string in = "5\r\nhello\r\n1;x=y\r\n \r\n6\r\nworld!\r\n0\r\nT: v\r\n\r\nNEXT";
    char* buf = guard.place_mutable(in);
    ChunkedDecoder d;
    std::size_t body = 0;
    auto r = d.decode_in_place(buf, in.size(), body);
    REQUIRE(r.complete());
    CHECK(std::string(buf, body) == "hello world!");
    CHECK(r.consumed == in.size() - 4);
    CHECK(std::string(buf + r.consumed, 4) == "NEXT");
    REQUIRE(d.trailer_count() == 1);
    CHECK(d.trailer(0).name == "T");
    CHECK(d.trailer(0).value == "v");
    socklite::http::Headers h;
    d.copy_trailers(h);
    CHECK(h.get("t") == "v");

    // in pieces: a partial trailer stays unconsumed
    d.reset();
    std::string part = "3\r\nabc\r\n0\r\nX: 1\r\n";
    buf = guard.place_mutable(part);
    r = d.decode_in_place(buf, part.size(), body);
    CHECK(r.need_more());
    CHECK(std::string(buf, body) == "abc");
    CHECK(std::string(buf + r.consumed, part.size() - r.consumed) == "X: 1\r\n");

    d.reset();
    std::string badin = "3\r\nabc\r\nzz\r\n";
    buf = guard.place_mutable(badin);
    r = d.decode_in_place(buf, badin.size(), body);
    CHECK(r.ec == socklite::http::errc::bad_chunk);
    CHECK(std::string(buf, body) == "abc");
}

TEST_CASE("chunked: limits") {
    socklite_test::GuardPage guard(65536);
    ChunkedLimits lim;
    lim.max_chunk_line = 16;
    std::string at_limit = "5;" + std::string(14, 'x') + "\r\nhello\r\n0\r\n\r\n";
    CHECK_FALSE(socklite_test::feed_chunked(at_limit, {at_limit.size()}, guard, lim).ec);
    std::string over = "5;" + std::string(15, 'x') + "\r\nhello\r\n0\r\n\r\n";
    CHECK(socklite_test::feed_chunked(over, {over.size()}, guard, lim).ec ==
          socklite::http::errc::bad_chunk);
    CHECK(
        socklite_test::feed_chunked(over, socklite_test::cuts_bytes(over.size()), guard, lim).ec ==
        socklite::http::errc::bad_chunk);

    lim = ChunkedLimits();
    lim.max_trailer_bytes = 64;
    std::string trailer = "0\r\nX: " + std::string(57, 'v') + "\r\n\r\n";  // 64 bytes after "0\r\n"
    CHECK_FALSE(socklite_test::feed_chunked(trailer, {trailer.size()}, guard, lim).ec);
    trailer = "0\r\nX: " + std::string(58, 'v') + "\r\n\r\n";
    CHECK(socklite_test::feed_chunked(trailer, {trailer.size()}, guard, lim).ec ==
          socklite::http::errc::trailer_too_large);
    // an endless trailer fails at the limit
    std::string endless = "0\r\nX: " + std::string(1000, 'v');
    CHECK(socklite_test::feed_chunked(endless, {endless.size()}, guard, lim).ec ==
          socklite::http::errc::trailer_too_large);

    lim = ChunkedLimits();
    lim.max_trailer_fields = 2;
    std::string two = "0\r\nA: 1\r\nB: 2\r\n\r\n";
    CHECK_FALSE(socklite_test::feed_chunked(two, {two.size()}, guard, lim).ec);
    std::string three = "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    CHECK(socklite_test::feed_chunked(three, {three.size()}, guard, lim).ec ==
          socklite::http::errc::trailer_too_large);
}

TEST_CASE("chunked: an error sticks until reset()") {
    ChunkedDecoder d;
    CHECK(d.decode("x").ec == socklite::http::errc::bad_chunk);
    CHECK(d.decode("0\r\n\r\n").ec == socklite::http::errc::bad_chunk);
    d.reset();
    CHECK(d.decode("0\r\n\r\n").complete());
}
