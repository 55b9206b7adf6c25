// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// compare_parser: parses a typical ~600-byte response and a typical ~650-byte request with
// socklite's parser, with Node's old http_parser (Debian libhttp-parser-dev) and, when built
// with -DSOCKLITE_PICOHTTPPARSER_DIR=..., with picohttpparser, in the same run, interleaved, and
// prints the throughput of each in GB/s and the ratios (best of ROUNDS short interleaved runs).
// Usage: compare_parser [ROUNDS]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "http/parser_peers.hpp"
#include "http/request_sample.hpp"
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

struct Peer {
    const char* name;
    std::function<std::size_t()> parse;
    double best = 1e30;
};

// Short measurements (~5 ms for the slowest parser), many of them, interleaved, best of each:
// on a shared machine, the best of many short runs is the one nobody interrupted.
bool compare(const char* what, std::size_t size, std::vector<Peer>& peers, int rounds) {
    const std::size_t want = peers[0].parse();
    for (Peer& p : peers) {
        if (p.parse() == 0 || p.parse() != want) {
            std::fprintf(stderr, "compare_parser: %s: %s disagrees (%zu vs %zu)\n", what, p.name,
                         p.parse(), want);
            return false;
        }
    }
    std::size_t iters = 256;
    while (seconds_for(iters, peers.back().parse) < 0.005) iters *= 2;
    for (int r = 0; r < rounds; ++r) {
        for (Peer& p : peers) p.best = std::min(p.best, seconds_for(iters, p.parse));
    }
    const double bytes = static_cast<double>(size) * static_cast<double>(iters);
    std::printf("%s parse, %zu bytes, %zu iterations, best of %d\n", what, size, iters, rounds);
    std::printf("%-28s %8s %10s %10s\n", "parser", "GB/s", "ns/msg", "vs first");
    for (const Peer& p : peers) {
        std::printf("%-28s %8.3f %10.1f %10.2f\n", p.name, bytes / p.best / 1e9,
                    p.best / static_cast<double>(iters) * 1e9, peers[0].best / p.best);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::atoi(argv[1]) : 41;
    if (rounds < 1) rounds = 1;
    const std::string response(socklite_bench::typical_response);
    const std::string request(socklite_bench::typical_request);
    socklite::http::ResponseParser sp;
    socklite::http::RequestParser rq;
    const http_parser_settings settings = socklite_bench::hp_settings();
    socklite_bench::HttpParserSink sink;

    // The first peer is the reference of the ratios; http_parser, the slowest, sizes the batch.
    std::vector<Peer> res;
#if SOCKLITE_BENCH_HAVE_PICO
    res.push_back({"picohttpparser", [&] { return socklite_bench::parse_pico(response); }});
#endif
    res.push_back(
        {"socklite ResponseParser", [&] { return socklite_bench::parse_socklite(sp, response); }});
    res.push_back({"http_parser (libhttp-parser)",
                   [&] { return socklite_bench::parse_http_parser(settings, sink, response); }});
    std::vector<Peer> req;
#if SOCKLITE_BENCH_HAVE_PICO
    req.push_back({"picohttpparser", [&] { return socklite_bench::parse_pico_request(request); }});
#endif
    req.push_back({"socklite RequestParser",
                   [&] { return socklite_bench::parse_socklite_request(rq, request); }});
    req.push_back({"http_parser (libhttp-parser)", [&] {
                       return socklite_bench::parse_http_parser_request(settings, sink, request);
                   }});
    if (!compare("response", response.size(), res, rounds)) return 1;
    std::printf("\n");
    if (!compare("request", request.size(), req, rounds)) return 1;
    return 0;
}
