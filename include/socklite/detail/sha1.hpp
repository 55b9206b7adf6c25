// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_SHA1_HPP
#define SOCKLITE_DETAIL_SHA1_HPP

// SHA-1 (FIPS 180-4, RFC 3174), for the WebSocket handshake's Sec-WebSocket-Accept only: it is
// no longer a secure hash and must not be used as one.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace socklite {
namespace detail {

/** An incremental SHA-1: update() any number of times, then digest() once. */
class Sha1 {
public:
    /** Adds @p data to the hashed message. */
    void update(std::string_view data) noexcept {
        for (char c : data) {
            block_[used_++] = static_cast<std::uint8_t>(c);
            if (used_ == 64) {
                compress();
                used_ = 0;
            }
        }
        length_ += data.size();
    }
    /** Pads the message and returns its 20-byte digest. */
    std::array<std::uint8_t, 20> digest() noexcept {
        const std::uint64_t bits = length_ * 8;
        block_[used_++] = 0x80;
        if (used_ > 56) {
            while (used_ < 64) block_[used_++] = 0;
            compress();
            used_ = 0;
        }
        while (used_ < 56) block_[used_++] = 0;
        for (int i = 7; i >= 0; --i) block_[used_++] = static_cast<std::uint8_t>(bits >> (8 * i));
        compress();
        std::array<std::uint8_t, 20> out{};
        for (std::size_t i = 0; i < 5; ++i)
            for (std::size_t j = 0; j < 4; ++j)
                out[4 * i + j] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * j));
        return out;
    }

private:
    static std::uint32_t rotl(std::uint32_t x, int n) noexcept {
        return (x << n) | (x >> (32 - n));
    }

    void compress() noexcept {
        std::uint32_t w[80];
        for (std::size_t i = 0; i < 16; ++i)
            w[i] = (std::uint32_t{block_[4 * i]} << 24) | (std::uint32_t{block_[4 * i + 1]} << 16) |
                   (std::uint32_t{block_[4 * i + 2]} << 8) | std::uint32_t{block_[4 * i + 3]};
        for (std::size_t i = 16; i < 80; ++i)
            w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
        for (std::size_t i = 0; i < 80; ++i) {
            std::uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotl(b, 30);
            b = a;
            a = t;
        }
        h_[0] += a;
        h_[1] += b;
        h_[2] += c;
        h_[3] += d;
        h_[4] += e;
    }

    std::uint32_t h_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::uint8_t block_[64] = {};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

/** The SHA-1 digest of @p data. */
inline std::array<std::uint8_t, 20> sha1(std::string_view data) noexcept {
    Sha1 s;
    s.update(data);
    return s.digest();
}

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_SHA1_HPP
