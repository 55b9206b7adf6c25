// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// http/content_coding.hpp: the field readers (always), and with zlib the streaming decoder fed
// whole, byte by byte and split at every offset, its errors, the bomb limit, and the encoder.

#include "support/doctest_ext.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include <socklite/http/content_coding.hpp>

namespace http = socklite::http;
using http::ContentCoding;

TEST_CASE("content coding: Content-Encoding values") {
    CHECK(http::content_coding("") == ContentCoding::identity);
    CHECK(http::content_coding("identity") == ContentCoding::identity);
    CHECK(http::content_coding("gzip") == ContentCoding::gzip);
    CHECK(http::content_coding(" GZip ") == ContentCoding::gzip);
    CHECK(http::content_coding("x-gzip") == ContentCoding::gzip);
    CHECK(http::content_coding("deflate") == ContentCoding::deflate);
    CHECK(http::content_coding("identity, deflate") == ContentCoding::deflate);
    CHECK(http::content_coding("br") == ContentCoding::other);
    CHECK(http::content_coding("zstd") == ContentCoding::other);
    CHECK(http::content_coding("gzip, gzip") == ContentCoding::other);
    CHECK(http::content_coding("deflate, br") == ContentCoding::other);
    CHECK(http::content_coding(",gzip,,") == ContentCoding::gzip);
}

TEST_CASE("content coding: Accept-Encoding and its weights") {
    CHECK(http::accepts_gzip("gzip"));
    CHECK(http::accepts_gzip("gzip, deflate, br"));
    CHECK(http::accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    CHECK(http::accepts_gzip("x-gzip"));
    CHECK(http::accepts_gzip("gzip ; q=1"));
    CHECK(http::accepts_gzip("gzip;q=0.001"));
    CHECK(http::accepts_gzip("*"));
    CHECK(http::accepts_gzip("br, *;q=0.1"));
    CHECK_FALSE(http::accepts_gzip(""));
    CHECK_FALSE(http::accepts_gzip("identity"));
    CHECK_FALSE(http::accepts_gzip("br, deflate"));
    CHECK_FALSE(http::accepts_gzip("gzip;q=0"));
    CHECK_FALSE(http::accepts_gzip("gzip;Q=0.000"));
    CHECK_FALSE(http::accepts_gzip("*;q=0"));
    CHECK_FALSE(http::accepts_gzip("gzip;q=0, *"));  // named: the star does not override
    CHECK(http::accepts_gzip("*;q=0, gzip"));
    CHECK_FALSE(http::accepts_gzip("gzip;q=x"));  // a malformed weight is not acceptance
    CHECK_FALSE(http::accepts_gzip("gzipx"));
}

TEST_CASE("content coding: compressible media types") {
    CHECK(http::compressible_type("text/html; charset=utf-8"));
    CHECK(http::compressible_type("text/plain"));
    CHECK(http::compressible_type("Application/JSON"));
    CHECK(http::compressible_type("application/javascript"));
    CHECK(http::compressible_type("application/xml"));
    CHECK(http::compressible_type("application/problem+json"));
    CHECK(http::compressible_type("application/atom+xml"));
    CHECK(http::compressible_type("image/svg+xml"));
    CHECK_FALSE(http::compressible_type(""));
    CHECK_FALSE(http::compressible_type("image/png"));
    CHECK_FALSE(http::compressible_type("application/octet-stream"));
    CHECK_FALSE(http::compressible_type("application/zip"));
    CHECK_FALSE(http::compressible_type("video/mp4"));
}

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB

#include "support/deflate.hpp"

namespace {

std::string sample(std::size_t n) {
    std::string s;
    std::mt19937 rng(42);
    static const char* const words[] = {"alpha ", "beta ", "gamma\n", "delta ", "{\"k\": 1} "};
    while (s.size() < n) s += words[rng() % 5];
    s.resize(n);
    return s;
}

struct Decoded {
    std::string out;
    std::error_code ec;
};

// Feeds `in` in pieces of `step` bytes (0: whole), then finishes.
Decoded decode(ContentCoding coding, std::string_view in, std::size_t step = 0,
               std::uint64_t limit = UINT64_MAX) {
    http::Inflater inf(coding, limit);
    Decoded d;
    auto sink = [&](std::string_view piece) {
        d.out.append(piece.data(), piece.size());
        return true;
    };
    if (step == 0) step = in.size() > 0 ? in.size() : 1;
    for (std::size_t at = 0; at < in.size(); at += step) {
        if (!inf.write(in.substr(at, step), sink, d.ec)) return d;
    }
    inf.finish(d.ec);
    return d;
}

// Decodes `in` whole, byte by byte, and split in two at every offset (when short enough).
void check_all_ways(ContentCoding coding, const std::string& in, const std::string& want) {
    Decoded whole = decode(coding, in);
    REQUIRE(whole.ec == std::error_code());
    CHECK(whole.out == want);
    Decoded bytes = decode(coding, in, 1);
    REQUIRE(bytes.ec == std::error_code());
    CHECK(bytes.out == want);
    if (in.size() > 600) return;
    for (std::size_t cut = 0; cut <= in.size(); ++cut) {
        http::Inflater inf(coding);
        std::string out;
        std::error_code ec;
        auto sink = [&](std::string_view p) {
            out.append(p.data(), p.size());
            return true;
        };
        CAPTURE(cut);
        REQUIRE(inf.write(std::string_view(in).substr(0, cut), sink, ec));
        REQUIRE(inf.write(std::string_view(in).substr(cut), sink, ec));
        REQUIRE(inf.finish(ec));
        CHECK(out == want);
    }
}

}  // namespace

TEST_CASE("content coding: gzip, zlib-format and raw deflate, whole, per byte, at every split") {
    const std::string small = "hello, world!\n";
    const std::string big = sample(200 * 1024);
    SUBCASE("gzip") {
        check_all_ways(ContentCoding::gzip, http::gzip(small), small);
        check_all_ways(ContentCoding::gzip, http::gzip(big), big);
        check_all_ways(ContentCoding::gzip, socklite_test::zlib_deflate(big, 31, 9), big);
    }
    SUBCASE("deflate as RFC 9110 says: the zlib format") {
        check_all_ways(ContentCoding::deflate, socklite_test::zlib_deflate(small, 15), small);
        check_all_ways(ContentCoding::deflate, socklite_test::zlib_deflate(big, 15, 1), big);
    }
    SUBCASE("deflate as some servers send it: raw") {
        check_all_ways(ContentCoding::deflate, socklite_test::zlib_deflate(small, -15), small);
        check_all_ways(ContentCoding::deflate, socklite_test::zlib_deflate(big, -15), big);
        check_all_ways(ContentCoding::deflate, socklite_test::zlib_deflate("", -15), "");
    }
    SUBCASE("an empty body decodes to nothing") {
        check_all_ways(ContentCoding::gzip, "", "");
        check_all_ways(ContentCoding::deflate, "", "");
    }
}

TEST_CASE("content coding: several gzip members decode as their concatenation") {
    const std::string a = sample(3000), b = "second member\n", c = sample(70000);
    const std::string in = http::gzip(a) + http::gzip(b) + http::gzip("") + http::gzip(c, 1);
    check_all_ways(ContentCoding::gzip, in, a + b + c);
}

TEST_CASE("content coding: truncated streams and trailing garbage are errors") {
    const std::string text = sample(5000);
    const std::string gz = http::gzip(text);
    const std::string zl = socklite_test::zlib_deflate(text, 15);
    const std::string raw = socklite_test::zlib_deflate(text, -15);
    for (std::size_t step : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
        CAPTURE(step);
        // Cut anywhere: never a success.
        for (std::size_t cut : {std::size_t(1), std::size_t(2), std::size_t(10), gz.size() / 2,
                                gz.size() - 4, gz.size() - 1}) {
            CAPTURE(cut);
            CHECK(decode(ContentCoding::gzip, gz.substr(0, cut), step).ec ==
                  http::errc::truncated_content_encoding);
        }
        CHECK(decode(ContentCoding::deflate, zl.substr(0, zl.size() - 1), step).ec ==
              http::errc::truncated_content_encoding);
        CHECK(decode(ContentCoding::deflate, raw.substr(0, raw.size() / 2), step).ec ==
              http::errc::truncated_content_encoding);
        CHECK(decode(ContentCoding::deflate, raw.substr(0, 1), step).ec ==
              http::errc::truncated_content_encoding);
        // Bytes after the end.
        CHECK(decode(ContentCoding::gzip, gz + "garbage", step).ec ==
              http::errc::bad_content_encoding);
        CHECK(decode(ContentCoding::gzip, gz + std::string(1, '\0'), step).ec != std::error_code());
        CHECK(decode(ContentCoding::deflate, zl + "x", step).ec ==
              http::errc::bad_content_encoding);
        CHECK(decode(ContentCoding::deflate, raw + "x", step).ec ==
              http::errc::bad_content_encoding);
        // Corrupt data, and the wrong format for the coding.
        std::string broken = gz;
        broken[broken.size() - 6] ^= 0x55;  // the CRC-32 of the trailer
        CHECK(decode(ContentCoding::gzip, broken, step).ec == http::errc::bad_content_encoding);
        CHECK(decode(ContentCoding::gzip, zl, step).ec == http::errc::bad_content_encoding);
        CHECK(decode(ContentCoding::gzip, "plain text, not gzip", step).ec ==
              http::errc::bad_content_encoding);
    }
}

TEST_CASE("content coding: the limit applies to the decoded size (a decompression bomb)") {
    // 64 MiB of zeros in some 64 KiB: the decoder must stop at the limit, in 16 KiB pieces.
    std::string zeros(64u << 20, '\0');
    const std::string bomb = http::gzip(zeros, 9);
    std::string().swap(zeros);
    CHECK(bomb.size() < 100 * 1024);
    http::Inflater inf(ContentCoding::gzip, 1u << 20);
    std::uint64_t got = 0;
    std::size_t largest = 0;
    std::error_code ec;
    CHECK_FALSE(inf.write(
        bomb,
        [&](std::string_view p) {
            got += p.size();
            largest = p.size() > largest ? p.size() : largest;
            return true;
        },
        ec));
    CHECK(ec == http::errc::decoded_body_too_large);
    CHECK(got <= (1u << 20));
    CHECK(largest <= 16 * 1024);
    CHECK(inf.encoded() < bomb.size());  // stopped early
    // Exactly at the limit is fine.
    const std::string text = sample(100000);
    CHECK(decode(ContentCoding::gzip, http::gzip(text), 0, text.size()).out == text);
    CHECK(decode(ContentCoding::gzip, http::gzip(text), 1, text.size() - 1).ec ==
          http::errc::decoded_body_too_large);
    // The error stays: a spent decoder refuses more.
    CHECK_FALSE(inf.write(
        "x", [](std::string_view) { return true; }, ec));
    CHECK_FALSE(inf.finish(ec));
}

TEST_CASE("content coding: a callback that returns false cancels") {
    http::Inflater inf(ContentCoding::gzip);
    std::error_code ec;
    CHECK_FALSE(inf.write(
        http::gzip(sample(1000)), [](std::string_view) { return false; }, ec));
    CHECK(ec == std::errc::operation_canceled);
}

TEST_CASE("content coding: GzipEncoder streams, at every level, what zlib decodes") {
    const std::string text = sample(300 * 1024);
    for (int level = 0; level <= 9; level += 3) {
        CAPTURE(level);
        http::GzipEncoder enc(level);
        std::string out;
        for (std::size_t at = 0; at < text.size(); at += 10000)
            enc.write(std::string_view(text).substr(at, 10000), out);
        enc.finish(out);
        CHECK(out.compare(0, 2, "\x1f\x8b") == 0);
        CHECK(decode(ContentCoding::gzip, out).out == text);
    }
    CHECK(http::gzip(text).size() < text.size() / 3);
    CHECK(decode(ContentCoding::gzip, http::gzip("")).out.empty());
    CHECK_THROWS_AS(http::GzipEncoder{10}, std::invalid_argument);
    CHECK_THROWS_AS(http::Inflater{ContentCoding::other}, std::invalid_argument);
}

#endif  // SOCKLITE_WITH_ZLIB
