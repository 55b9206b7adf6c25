// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: http::ChunkedDecoder. The first input byte chooses limits and a split
// point; the rest is a chunked body. Whole, split and per-byte feeding must agree, and
// decode_in_place() must produce the same body as decode().
#include <socklite/http/chunked.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "http/feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static socklite_test::GuardPage guard(1 << 20);
    const unsigned sel = data[0];
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (in.size() > guard.capacity()) return 0;
    socklite::http::ChunkedLimits limits;
    if (sel & 1) {
        limits.max_chunk_line = 16;
        limits.max_trailer_bytes = 48;
        limits.max_trailer_fields = 2;
    }
    const std::size_t n = in.size();
    auto whole = socklite_test::feed_chunked(in, socklite_test::cuts_whole(n), guard, limits);
    std::size_t at = n ? (sel >> 1) % (n + 1) : 0;
    auto two = socklite_test::feed_chunked(in, socklite_test::cuts_split(n, at), guard, limits);
    if (two.ec != whole.ec) std::abort();
    if (!whole.ec && !(two == whole)) std::abort();
    if (n <= 300) {
        auto bytes = socklite_test::feed_chunked(in, socklite_test::cuts_bytes(n), guard, limits);
        if (bytes.ec != whole.ec) std::abort();
        if (!whole.ec && !(bytes == whole)) std::abort();
    }

    // In place, on an exact-size heap copy.
    std::unique_ptr<char[]> buf(new char[n ? n : 1]);
    if (n) std::memcpy(buf.get(), in.data(), n);
    socklite::http::ChunkedDecoder d(limits);
    std::size_t body = 0;
    socklite::http::ParseResult r = d.decode_in_place(buf.get(), n, body);
    if (r.consumed > n || body > r.consumed) std::abort();
    if (r.complete()) {
        if (whole.ec || std::string_view(buf.get(), body) != whole.body) std::abort();
    } else if (r.error()) {
        if (r.ec != whole.ec) std::abort();
    }
    return 0;
}
