// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: http::ResponseParser (head, body, chunked, finish). The first two input
// bytes choose the request method, the limits and a split point; the rest is the response. The
// outcome must be the same whether the bytes arrive whole, split in two, or (for short inputs)
// one at a time, and every call's input ends at a guard page.
#include <socklite/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    static socklite_test::GuardPage guard(1 << 20);
    const unsigned sel = data[0];
    const unsigned split = data[1];
    std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
    if (in.size() > guard.capacity()) return 0;

    const char* method = (sel & 3) == 1 ? "HEAD" : (sel & 3) == 2 ? "CONNECT" : "GET";
    socklite::http::ParserLimits limits;
    if (sel & 4) {  // small limits, so that the fuzzer reaches them
        limits.max_header_bytes = 128;
        limits.max_fields = 4;
        limits.chunked.max_chunk_line = 16;
        limits.chunked.max_trailer_bytes = 48;
        limits.chunked.max_trailer_fields = 2;
    }
    const bool eof = (sel & 8) == 0;
    const std::size_t n = in.size();

    auto whole =
        socklite_test::feed_response(in, socklite_test::cuts_whole(n), guard, limits, method, eof);
    std::size_t at = n ? (split * 257u + sel) % (n + 1) : 0;
    auto two = socklite_test::feed_response(in, socklite_test::cuts_split(n, at), guard, limits,
                                            method, eof);
    if (!(two == whole)) std::abort();
    if (n <= 300) {
        auto bytes = socklite_test::feed_response(in, socklite_test::cuts_bytes(n), guard, limits,
                                                  method, eof);
        if (!(bytes == whole)) std::abort();
    }
    if (!whole.ec && whole.body.size() + whole.rest.size() > n) std::abort();
    return 0;
}
