// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: ws::Utf8Validator. The first input byte chooses two split points; the rest
// is the text. The verdict must match a plain code-point decoder written independently here,
// whether the text arrives whole, in three pieces or byte by byte, and the byte-by-byte run must
// fail exactly where the decoder finds the first invalid byte.
#include <socklite/ws/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

// The index of the first byte that makes the input invalid (size when only the end does, e.g.
// a truncated sequence), or -1 when valid.
long reference(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        std::size_t len;
        std::uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c == 0xC0 || c == 0xC1 || c >= 0xF5) {
            return static_cast<long>(i);  // always overlong, or always above U+10FFFF
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return static_cast<long>(i);
        }
        for (std::size_t k = 1; k < len; ++k) {
            if (i + k >= n) return static_cast<long>(n);
            unsigned d = p[i + k];
            if ((d & 0xC0) != 0x80) return static_cast<long>(i + k);
            cp = (cp << 6) | (d & 0x3F);
            // The smallest prefix that rules out every completion: overlong, surrogate or too
            // large values are known once the bits so far fix them.
            const std::size_t rest = len - 1 - k;
            const std::uint32_t lo = cp << (6 * rest);
            const std::uint32_t hi = lo | ((1u << (6 * rest)) - 1);
            const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
            if (hi < min || lo > 0x10FFFF || (lo >= 0xD800 && hi <= 0xDFFF))
                return static_cast<long>(i + k);
        }
        i += len;
    }
    return -1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const unsigned sel = data[0];
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const long want = reference(in);
    const bool valid = want < 0;

    if (socklite::ws::Utf8Validator::valid(in) != valid) std::abort();

    const std::size_t a = in.empty() ? 0 : (sel & 0x0F) * in.size() / 15;
    const std::size_t b = in.empty() ? 0 : a + ((sel >> 4) * (in.size() - a)) / 15;
    socklite::ws::Utf8Validator v;
    bool ok = v.feed(in.substr(0, a)) && v.feed(in.substr(a, b - a)) && v.feed(in.substr(b));
    if ((ok && v.complete()) != valid) std::abort();

    if (in.size() <= 4096) {
        socklite::ws::Utf8Validator w;
        long got = -1;
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (!w.feed(in.substr(i, 1))) {
                got = static_cast<long>(i);
                break;
            }
        }
        if (got < 0 && !w.complete()) got = static_cast<long>(in.size());
        if (got != want) std::abort();
    }
    return 0;
}
