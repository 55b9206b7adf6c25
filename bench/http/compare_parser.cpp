// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// compare_parser: parses a typical ~600-byte response with socklite's ResponseParser and with
// Node's old http_parser (Debian libhttp-parser-dev) in the same run, interleaved, and prints
// the throughput of each in GB/s and their ratio (best of ROUNDS short interleaved runs).
// Usage: compare_parser [ROUNDS]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/parser_peers.hpp"
#include "http/response_sample.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

volatile std::size_t g_sink;

template <class Fn>
double seconds_for(std::size_t iterations, Fn&& fn) {
    std::size_t acc = 0;
    auto t0 = clock_type::now();
    for (std::size_t i = 0; i < iterations; ++i) acc += fn();
    auto t1 = clock_type::now();
    g_sink = acc;
    return std::chrono::duration<double>(t1 - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::atoi(argv[1]) : 41;
    if (rounds < 1) rounds = 1;
    const std::string input(socklite_bench::typical_response);
    socklite::http::ResponseParser sp;
    const http_parser_settings settings = socklite_bench::hp_settings();
    socklite_bench::HttpParserSink sink;

    std::size_t a = socklite_bench::parse_socklite(sp, input);
    std::size_t b = socklite_bench::parse_http_parser(settings, sink, input);
    if (a == 0 || a != b) {
        std::fprintf(stderr, "compare_parser: parsers disagree (%zu vs %zu)\n", a, b);
        return 1;
    }

    // Short measurements (~5 ms for the slower parser), many of them, interleaved, best of
    // each: on a shared machine, the best of many short runs is the one nobody interrupted.
    std::size_t iters = 256;
    while (seconds_for(iters, [&] {
               return socklite_bench::parse_http_parser(settings, sink, input);
           }) < 0.005)
        iters *= 2;

    double best_s = 1e30, best_h = 1e30;
    for (int r = 0; r < rounds; ++r) {
        best_s = std::min(
            best_s, seconds_for(iters, [&] { return socklite_bench::parse_socklite(sp, input); }));
        best_h = std::min(best_h, seconds_for(iters, [&] {
                              return socklite_bench::parse_http_parser(settings, sink, input);
                          }));
    }
    const double bytes = static_cast<double>(input.size()) * static_cast<double>(iters);
    const double gbs_s = bytes / best_s / 1e9;
    const double gbs_h = bytes / best_h / 1e9;
    std::printf("response parse, %zu-byte response, %zu iterations, best of %d\n", input.size(),
                iters, rounds);
    std::printf("%-28s %8s %10s %8s\n", "parser", "GB/s", "ns/resp", "ratio");
    std::printf("%-28s %8.3f %10.1f %8.2f\n", "http_parser (libhttp-parser)", gbs_h,
                best_h / static_cast<double>(iters) * 1e9, 1.0);
    std::printf("%-28s %8.3f %10.1f %8.2f\n", "socklite ResponseParser", gbs_s,
                best_s / static_cast<double>(iters) * 1e9, gbs_s / gbs_h);
    return 0;
}
