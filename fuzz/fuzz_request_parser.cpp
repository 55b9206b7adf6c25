// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: http::RequestParser (head, body, chunked, finish). The first two input bytes
// choose the limits, the end of input and a split point; the rest is the request. The outcome
// must be the same whether the bytes arrive whole, split in two, or (for short inputs) one at a
// time; every call's input ends at a guard page; every error maps to a 4xx/5xx status a server
// can answer with.
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

    socklite::http::ParserLimits limits;
    if (sel & 4) {  // small limits, so that the fuzzer reaches them
        limits.max_header_bytes = 128;
        limits.max_fields = 4;
        limits.max_request_line = 40;
        limits.max_body_size = 16;
        limits.max_empty_lines = 2;
        limits.chunked.max_chunk_line = 16;
        limits.chunked.max_trailer_bytes = 48;
        limits.chunked.max_trailer_fields = 2;
    }
    const bool eof = (sel & 8) == 0;
    const std::size_t n = in.size();

    auto whole = socklite_test::feed_request(in, socklite_test::cuts_whole(n), guard, limits, eof);
    std::size_t at = n ? (split * 257u + sel) % (n + 1) : 0;
    auto two =
        socklite_test::feed_request(in, socklite_test::cuts_split(n, at), guard, limits, eof);
    if (!(two == whole)) std::abort();
    if (n <= 300) {
        auto bytes =
            socklite_test::feed_request(in, socklite_test::cuts_bytes(n), guard, limits, eof);
        if (!(bytes == whole)) std::abort();
    }
    if (whole.ec && whole.ec != std::errc::resource_unavailable_try_again) {
        int status = socklite::http::status_for(whole.ec);
        if (status != 400 && status != 413 && status != 414 && status != 431 && status != 501 &&
            status != 505)
            std::abort();
    }
    if (!whole.ec) {
        if (whole.body.size() + whole.rest.size() > n) std::abort();
        if (whole.version == 11 && whole.fields.empty()) std::abort();  // Host is required
    }
    return 0;
}
