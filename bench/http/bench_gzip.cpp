// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// http::Inflater next to zlib's own inflate loop (the floor: the same 16 KiB output buffer, the
// output dropped) on 1 MiB of text gzipped at level 6, fed whole and in 16 KiB pieces as the
// client feeds it; and the encoder at levels 1 and 6. Needs zlib (SOCKLITE_WITH_ZLIB). Run by
// hand, e.g.  bench/http/bench_gzip --benchmark-samples 30

#include <catch2/catch.hpp>
#include <socklite/http/content_coding.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

std::string text(std::size_t n) {
    std::string s;
    for (int i = 0; s.size() < n; ++i)
        s += "{\"id\": " + std::to_string(i) + ", \"name\": \"item " + std::to_string(i * 7919) +
             "\", \"tags\": [\"a\", \"b\"]}\n";
    s.resize(n);
    return s;
}

// zlib alone: inflate into a 16 KiB buffer until the stream ends; returns the decoded size.
std::uint64_t zlib_floor(const std::string& gz) {
    z_stream zs{};
    inflateInit2(&zs, 16 + MAX_WBITS);
    unsigned char out[16 * 1024];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    zs.avail_in = static_cast<uInt>(gz.size());
    std::uint64_t total = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = out;
        zs.avail_out = sizeof out;
        rc = inflate(&zs, Z_NO_FLUSH);
        total += sizeof out - zs.avail_out;
    }
    inflateEnd(&zs);
    return total;
}

std::uint64_t socklite_inflate(const std::string& gz, std::size_t piece) {
    socklite::http::Inflater inf(socklite::http::ContentCoding::gzip);
    std::uint64_t total = 0;
    std::error_code ec;
    auto sink = [&](std::string_view d) {
        total += d.size();
        return true;
    };
    for (std::size_t at = 0; at < gz.size(); at += piece)
        inf.write(std::string_view(gz).substr(at, piece), sink, ec);
    inf.finish(ec);
    return ec ? 0 : total;
}

}  // namespace

TEST_CASE("gzip") {
    const std::string input = text(1 << 20);
    const std::string gz = socklite::http::gzip(input, 6);
    REQUIRE(zlib_floor(gz) == input.size());
    REQUIRE(socklite_inflate(gz, gz.size()) == input.size());
    REQUIRE(socklite_inflate(gz, 16 * 1024) == input.size());

    BENCHMARK("zlib inflate loop: 1 MiB of text (floor)") { return zlib_floor(gz); };
    BENCHMARK("socklite Inflater: 1 MiB of text, whole") {
        return socklite_inflate(gz, gz.size());
    };
    BENCHMARK("socklite Inflater: 1 MiB of text, 16 KiB pieces") {
        return socklite_inflate(gz, 16 * 1024);
    };
    BENCHMARK("socklite gzip(): 1 MiB of text, level 1") {
        return socklite::http::gzip(input, 1).size();
    };
    BENCHMARK("socklite gzip(): 1 MiB of text, level 6") {
        return socklite::http::gzip(input, 6).size();
    };
}
