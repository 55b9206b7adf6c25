// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_BASE64_HPP
#define SOCKLITE_DETAIL_BASE64_HPP

// Private: base64 with the standard alphabet and padding (RFC 4648 section 4), as HTTP Basic
// authentication (RFC 7617) and the WebSocket handshake (RFC 6455 section 4.2.2) use it.

#include <cstddef>
#include <string>
#include <string_view>

namespace socklite {
namespace detail {

/** Appends the base64 encoding of @p in to @p out (padded with `=`). */
inline void base64_append(std::string_view in, std::string& out) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(out.size() + (in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {  // every 3 bytes become 4 characters of 6 bits
        unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                     static_cast<unsigned char>(in[i + 1]) << 8 |
                     static_cast<unsigned char>(in[i + 2]);
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest == 0) return;
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) v |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
}

/** The base64 encoding of @p in. */
inline std::string base64_encode(std::string_view in) {
    std::string out;
    base64_append(in, out);
    return out;
}

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_BASE64_HPP
