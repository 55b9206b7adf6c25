// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Micro benchmarks of the pure HTTP layer: the response parser next to http_parser on a typical
// ~600-byte response, a chunked body, and URL parsing. Run by hand, e.g.
//   bench/http/bench_parser --benchmark-samples 50
// compare_parser prints the same comparison as GB/s and a ratio.

#include <catch2/catch.hpp>
#include <socklite/http/chunked.hpp>
#include <socklite/http/url.hpp>

#include <string>

#include "http/parser_peers.hpp"
#include "http/response_sample.hpp"

TEST_CASE("http parser") {
    const std::string input(socklite_bench::typical_response);
    socklite::http::ResponseParser sp;
    const http_parser_settings settings = socklite_bench::hp_settings();
    socklite_bench::HttpParserSink sink;
    REQUIRE(socklite_bench::parse_socklite(sp, input) ==
            socklite_bench::parse_http_parser(settings, sink, input));

    BENCHMARK("socklite: parse ~600-byte response") {
        return socklite_bench::parse_socklite(sp, input);
    };
    BENCHMARK("http_parser: parse ~600-byte response") {
        return socklite_bench::parse_http_parser(settings, sink, input);
    };

    std::string chunked;
    for (int i = 0; i < 64; ++i) chunked += "100\r\n" + std::string(256, 'x') + "\r\n";
    chunked += "0\r\n\r\n";
    socklite::http::ChunkedDecoder dec;
    BENCHMARK("socklite: decode 16 KiB chunked body (64 x 256 B)") {
        dec.reset();
        std::string_view in = chunked;
        std::size_t total = 0;
        for (;;) {
            auto r = dec.decode(in);
            total += r.body.size();
            in.remove_prefix(r.consumed);
            if (r.complete() || r.error() || r.body.empty()) break;
        }
        return total;
    };

    BENCHMARK("socklite: parse URL") {
        return socklite::http::Url::parse("http://user@example.com:8080/a/b/../c?x=1&y=2#frag")
            .port();
    };
}
