// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_SCAN_HPP
#define SOCKLITE_HTTP_DETAIL_SCAN_HPP

/** @file
 *  Private: the hot scans of the HTTP parser (field values, field names, request targets, a
 *  byte), in three builds chosen at compile time from the target flags: 32 bytes at a time with
 *  AVX2, 16 with SSE2 (every x86-64), or 8 in a 64-bit word (SWAR) anywhere else or with
 *  SOCKLITE_HTTP_NO_SIMD. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "grammar.hpp"

#if defined(__SSE2__) && !defined(SOCKLITE_HTTP_NO_SIMD)
#include <emmintrin.h>
#if defined(__AVX2__) && !defined(SOCKLITE_HTTP_NO_AVX2)
#include <immintrin.h>
#endif
#endif

#if (defined(__GNUC__) || defined(__clang__)) && defined(__OPTIMIZE__)
/** Forces inlining of the per-line scanner into the parser loops (a measurable gain); not at -O0,
 *  where it would only copy the scanners into every caller. */
#define SOCKLITE_HTTP_ALWAYS_INLINE __attribute__((always_inline))
#else
#define SOCKLITE_HTTP_ALWAYS_INLINE
#endif

namespace socklite {
namespace http {
namespace detail {

/** The index of the lowest byte whose high bit is set in @p mask (on a little-endian load; the
 *  bytes were loaded with memcpy, so on big-endian machines the order is reversed). */
inline std::size_t lowest_byte(std::uint64_t mask) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return static_cast<std::size_t>(__builtin_clzll(mask)) / 8;
#else
    return static_cast<std::size_t>(__builtin_ctzll(mask)) / 8;
#endif
}

// The hot scans come in three builds, chosen from the target flags (no runtime detection): 32
// bytes at a time with AVX2 (-mavx2, -march=native on a CPU that has it), 16 with SSE2 (part of
// every x86-64), or 8 at a time in a 64-bit word (SWAR) anywhere else. SOCKLITE_HTTP_NO_SIMD
// forces the portable one, SOCKLITE_HTTP_NO_AVX2 the SSE2 one in an AVX2 build (the tests build
// all three: test_http_parser, test_http_parser_avx2, test_http_parser_portable).
#if defined(__SSE2__) && !defined(SOCKLITE_HTTP_NO_SIMD)
#define SOCKLITE_HTTP_SIMD 1
#else
#define SOCKLITE_HTTP_SIMD 0
#endif
#if SOCKLITE_HTTP_SIMD && defined(__AVX2__) && !defined(SOCKLITE_HTTP_NO_AVX2)
#define SOCKLITE_HTTP_AVX2 1
#else
#define SOCKLITE_HTTP_AVX2 0
#endif

/** Word-at-a-time flags of the bytes of @p x that may end a field value: every CTL and DEL,
 *  plus HTAB and a few obs-text bytes (0x80-0x9f, 0xff), which the caller lets through one by
 *  one. Per byte and without carries between bytes: w = (b & 0x7f) + 1 is then <= 0x20 (w + 0x5f
 *  has no high bit) or 0x80. */
inline std::uint64_t swar_special(std::uint64_t x) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    std::uint64_t w = (x & (ones * 0x7f)) + ones;
    std::uint64_t v = w + ones * 0x5f;
    return (w | ~v) & highs;
}

#if SOCKLITE_HTTP_SIMD
#if SOCKLITE_HTTP_AVX2
/** The bytes of one SIMD round (AVX2: 32). */
using SimdBytes = __m256i;
/** The number of bytes in a SIMD round. */
constexpr std::size_t simd_width = 32;
/** Loads one round from @p p (unaligned). */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_load(const char* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
/** One byte repeated. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_set(char c) noexcept {
    return _mm256_set1_epi8(c);
}
/** One bit per byte (bit i = byte i): the high bits of @p x. */
SOCKLITE_HTTP_ALWAYS_INLINE inline std::uint32_t simd_bits(SimdBytes x) noexcept {
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(x));
}
/** Bytewise equality. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_eq(SimdBytes a, SimdBytes b) noexcept {
    return _mm256_cmpeq_epi8(a, b);
}
/** Bytewise signed a < b. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_lt(SimdBytes a, SimdBytes b) noexcept {
    return _mm256_cmpgt_epi8(b, a);
}
/** Bytewise or. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_or(SimdBytes a, SimdBytes b) noexcept {
    return _mm256_or_si256(a, b);
}
/** Bytewise wrapping add. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_add(SimdBytes a, SimdBytes b) noexcept {
    return _mm256_add_epi8(a, b);
}
/** Bytewise unsigned saturating a - b. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_subs(SimdBytes a, SimdBytes b) noexcept {
    return _mm256_subs_epu8(a, b);
}
#else
/** The bytes of one SIMD round (SSE2: 16). */
using SimdBytes = __m128i;
/** The number of bytes in a SIMD round. */
constexpr std::size_t simd_width = 16;
/** Loads one round from @p p (unaligned). */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_load(const char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
/** One byte repeated. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_set(char c) noexcept { return _mm_set1_epi8(c); }
/** One bit per byte (bit i = byte i): the high bits of @p x. */
SOCKLITE_HTTP_ALWAYS_INLINE inline std::uint32_t simd_bits(SimdBytes x) noexcept {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(x));
}
/** Bytewise equality. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_eq(SimdBytes a, SimdBytes b) noexcept {
    return _mm_cmpeq_epi8(a, b);
}
/** Bytewise signed a < b. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_lt(SimdBytes a, SimdBytes b) noexcept {
    return _mm_cmplt_epi8(a, b);
}
/** Bytewise or. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_or(SimdBytes a, SimdBytes b) noexcept {
    return _mm_or_si128(a, b);
}
/** Bytewise wrapping add. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_add(SimdBytes a, SimdBytes b) noexcept {
    return _mm_add_epi8(a, b);
}
/** Bytewise unsigned saturating a - b. */
SOCKLITE_HTTP_ALWAYS_INLINE inline SimdBytes simd_subs(SimdBytes a, SimdBytes b) noexcept {
    return _mm_subs_epu8(a, b);
}
#endif

/** The mask with one bit per byte of a round. */
constexpr std::uint32_t simd_all = simd_width == 32 ? 0xffffffffu : 0xffffu;

/** The bytes of @p x that may end a field value: every CTL (HTAB too) and DEL. A CTL is a byte
 *  that 0x1f saturates to zero when subtracted from it. */
SOCKLITE_HTTP_ALWAYS_INLINE inline std::uint32_t simd_ctl(SimdBytes x) noexcept {
    return simd_bits(
        simd_or(simd_eq(simd_subs(x, simd_set(0x1f)), simd_set(0)), simd_eq(x, simd_set(0x7f))));
}

/** The bytes of @p x that are letters, digits or '-' (the usual field-name bytes); (b - lo) mod
 *  256 < n is a signed compare once lo is moved to -128. */
SOCKLITE_HTTP_ALWAYS_INLINE inline std::uint32_t simd_name(SimdBytes x) noexcept {
    SimdBytes alpha = simd_lt(simd_add(simd_or(x, simd_set(0x20)), simd_set(char(0x80 - 'a'))),
                              simd_set(char(-128 + 26)));
    SimdBytes digit = simd_lt(simd_add(x, simd_set(char(0x80 - '0'))), simd_set(char(-128 + 10)));
    return simd_bits(simd_or(simd_or(alpha, digit), simd_eq(x, simd_set('-'))));
}
#endif

/** Skips field-value characters (VCHAR, SP, HTAB, obs-text) from @p p; returns the first
 *  position that is not one (CR, LF, NUL, another CTL or DEL) or @p end. Never reads at or past
 *  @p end. */
SOCKLITE_HTTP_ALWAYS_INLINE inline const char* scan_field_value(const char* p,
                                                                const char* end) noexcept {
#if SOCKLITE_HTTP_SIMD
    while (end - p >= static_cast<std::ptrdiff_t>(simd_width)) {
        std::uint32_t mask = simd_ctl(simd_load(p));
        if (mask == 0) {
            p += simd_width;
            continue;
        }
        p += __builtin_ctz(mask);
        if (*p != '\t') return p;
        ++p;  // HTAB: allowed, go on after it
    }
#endif
    while (end - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        std::uint64_t mask = swar_special(x);
        if (mask == 0) {
            p += 8;
            continue;
        }
        p += lowest_byte(mask);
        if (!is(*p, cc_field)) return p;
        ++p;  // HTAB or obs-text: allowed, go on after it
    }
    while (p < end && is(*p, cc_field)) ++p;
    return p;
}

/** Finds the first ':' in [@p p, @p end), or returns @p end. Sets @p simple when every byte
 *  before it is known to be a letter, a digit or '-' (the usual field name: no need to check it
 *  against the token table); false says nothing. */
SOCKLITE_HTTP_ALWAYS_INLINE inline const char* find_colon(const char* p, const char* end,
                                                          bool& simple) noexcept {
    simple = false;
#if SOCKLITE_HTTP_SIMD
    std::uint32_t other = 0;  // bytes seen that are not letters, digits or '-'
    while (end - p >= static_cast<std::ptrdiff_t>(simd_width)) {
        SimdBytes x = simd_load(p);
        std::uint32_t good = simd_name(x);
        std::uint32_t found = simd_bits(simd_eq(x, simd_set(':')));
        if (found != 0) {
            std::uint32_t before = (found & (0u - found)) - 1;  // the bytes before the first ':'
            simple = other == 0 && (~good & before) == 0;
            return p + __builtin_ctz(found);
        }
        other |= ~good & simd_all;
        p += simd_width;
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        std::uint64_t y = x ^ (ones * ':');
        std::uint64_t mask = (y - ones) & ~y & highs;
        if (mask != 0) return p + lowest_byte(mask);
        p += 8;
    }
    while (p < end && *p != ':') ++p;
    return p;
}

/** Finds the first ':' in [@p p, @p end), or returns @p end. */
inline const char* find_colon(const char* p, const char* end) noexcept {
    bool simple;
    return find_colon(p, end, simple);
}

/** Skips visible ASCII (0x21-0x7e) from @p p: the bytes of a request target. Returns the first
 *  other byte (SP ends a target; anything else is an error) or @p end. */
inline const char* scan_visible(const char* p, const char* end) noexcept {
#if SOCKLITE_HTTP_SIMD
    while (end - p >= static_cast<std::ptrdiff_t>(simd_width)) {
        // Signed-below 0x21: CTL, SP and every byte >= 0x80.
        SimdBytes x = simd_load(p);
        std::uint32_t mask =
            simd_bits(simd_or(simd_lt(x, simd_set(0x21)), simd_eq(x, simd_set(0x7f))));
        if (mask != 0) return p + __builtin_ctz(mask);
        p += simd_width;
    }
#endif
    while (p < end) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c <= 0x20 || c >= 0x7f) break;
        ++p;
    }
    return p;
}

/** Finds the first byte @p c in [@p p, @p end), or returns @p end (inline: the strings here
 *  are short, a library call costs more than the search). */
inline const char* find_byte(const char* p, const char* end, char c) noexcept {
#if SOCKLITE_HTTP_SIMD
    while (end - p >= static_cast<std::ptrdiff_t>(simd_width)) {
        std::uint32_t mask = simd_bits(simd_eq(simd_load(p), simd_set(c)));
        if (mask != 0) return p + __builtin_ctz(mask);
        p += simd_width;
    }
#endif
    while (p < end && *p != c) ++p;
    return p;
}

/** Skips visible ASCII (0x21-0x7e) from @p p like scan_visible(), and sets @p plain when every
 *  byte skipped is an origin-form target byte (cc_target) other than `%`: such a target needs
 *  no other check of its bytes. False says nothing. One pass over the target. */
inline const char* scan_target(const char* p, const char* end, bool& plain) noexcept {
#if SOCKLITE_HTTP_SIMD
    std::uint32_t odd = 0;  // bytes seen that are `%` or visible but not target bytes
    while (end - p >= static_cast<std::ptrdiff_t>(simd_width)) {
        SimdBytes x = simd_load(p);
        std::uint32_t stop =
            simd_bits(simd_or(simd_lt(x, simd_set(0x21)), simd_eq(x, simd_set(0x7f))));
        // Not target bytes: " # < > [ \ ] ^ ` { | } (and % for an escape to check).
        SimdBytes bad = simd_or(
            simd_or(simd_lt(simd_add(x, simd_set(char(0x80 - 0x22))), simd_set(char(-128 + 2))),
                    simd_eq(x, simd_set('%'))),
            simd_or(simd_or(simd_eq(x, simd_set('<')), simd_eq(x, simd_set('>'))),
                    simd_eq(x, simd_set('`'))));
        bad = simd_or(
            bad,
            simd_or(simd_lt(simd_add(x, simd_set(char(0x80 - 0x5b))), simd_set(char(-128 + 4))),
                    simd_lt(simd_add(x, simd_set(char(0x80 - 0x7b))), simd_set(char(-128 + 3)))));
        std::uint32_t odd_bits = simd_bits(bad);
        if (stop != 0) {
            odd |= odd_bits & ((stop & (0u - stop)) - 1);
            plain = odd == 0;
            return p + __builtin_ctz(stop);
        }
        odd |= odd_bits;
        p += simd_width;
    }
    const char* from = p;
    p = scan_visible(p, end);
    plain = odd == 0 && all_in(from, p, cc_target) && find_byte(from, p, '%') == p;
    return p;
#else
    plain = false;
    return scan_visible(p, end);
#endif
}

/** Whether every `%` in [@p p, @p end) starts a percent-encoded byte (`%` and two hex digits). */
inline bool valid_percent(const char* p, const char* end) noexcept {
    for (;;) {
        p = find_byte(p, end, '%');
        if (p == end) return true;
        if (end - p < 3 || !is(p[1], cc_hex) || !is(p[2], cc_hex)) return false;
        p += 3;
    }
}

/** Whether @p s is a URI host (RFC 3986 section 3.2.2): an IP-literal in brackets (IPv6 or
 *  IPvFuture characters), or a reg-name / IPv4 address (unreserved, sub-delims,
 *  percent-encoded), possibly empty. */
inline bool is_uri_host(std::string_view s) noexcept {
    const char* p = s.data();
    const char* e = p + s.size();
    if (p < e && *p == '[') {
        if (e - p < 3 || e[-1] != ']') return false;
        for (++p, --e; p < e; ++p) {
            if (!is(*p, cc_unreserved | cc_sub_delim) && *p != ':') return false;
        }
        return true;
    }
    return all_in(p, e, cc_reg_name) && valid_percent(p, e);
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_SCAN_HPP
