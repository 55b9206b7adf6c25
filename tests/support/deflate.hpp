// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_DEFLATE_HPP
#define SOCKLITE_TESTS_SUPPORT_DEFLATE_HPP

// zlib's own encoder, the reference the library's decoders are checked against (include it only
// where zlib is linked).

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <zlib.h>

namespace socklite_test {

/** @p data compressed by zlib at @p level in the format @p window_bits names: 15 the zlib
 *  format, -15 raw deflate, 31 gzip. */
inline std::string zlib_deflate(std::string_view data, int window_bits, int level = 6) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, data.size()) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_DEFLATE_HPP
