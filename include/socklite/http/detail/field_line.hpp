// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP
#define SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP

/** @file
 *  Private: the field-line scanner (RFC 9112 section 5) shared by the message parser (both
 *  directions) and the chunked trailer parser, and the fixed storage of the fields it finds. */

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "../message.hpp"
#include "scan.hpp"

namespace socklite {
namespace http {
namespace detail {

/** One parsed field: offsets relative to the block's base. */
struct FieldSlot {
    std::uint32_t name_off;   ///< offset of the name
    std::uint32_t name_len;   ///< length of the name
    std::uint32_t value_off;  ///< offset of the value (after leading OWS)
    std::uint32_t value_len;  ///< length of the value (without trailing OWS)
};

/** The outcome of scanning one field line. */
enum class LineStatus {
    field,         ///< a field line was parsed into the slot
    end_of_block,  ///< the empty line (CRLF) that ends the block
    incomplete,    ///< the window ended before the line did
    error,         ///< invalid (http::errc::bad_header)
};

#if SOCKLITE_HTTP_SIMD
/** The bytes a field line's first look covers: 32, one AVX2 round or two SSE2 rounds loaded side
 *  by side (their loads do not wait on each other), so that most lines are found whole in one
 *  step. (Measured: 64 bytes, two AVX2 rounds, was slower; so was one SSE2 round.) */
constexpr std::size_t line_window = 32;

/** The usual field line in one step: loads the line_window bytes at @p p (all before @p e) and,
 *  when they hold a name of letters, digits and '-', its colon, and a CRLF as the first CTL after
 *  it (or no CTL at all: the value then goes on past the window), fills @p slot and returns the
 *  position after the line. Returns nullptr for anything else (the caller's general scan
 *  decides). The line end comes from one load and one bit scan: the next line can start
 *  without waiting on the colon, the name check or the whitespace around the value. */
SOCKLITE_HTTP_ALWAYS_INLINE inline const char* scan_field_line_window(const char* base,
                                                                      const char* p, const char* e,
                                                                      FieldSlot& slot) noexcept {
    const SimdBytes x0 = simd_load(p);
#if SOCKLITE_HTTP_AVX2
    const std::uint32_t ctl = simd_ctl(x0);
    const std::uint32_t colon = simd_bits(simd_eq(x0, simd_set(':')));
#else
    const SimdBytes x1 = simd_load(p + simd_width);
    const std::uint32_t ctl = simd_ctl(x0) | simd_ctl(x1) << 16;
    const std::uint32_t colon =
        simd_bits(simd_eq(x0, simd_set(':'))) | simd_bits(simd_eq(x1, simd_set(':'))) << 16;
#endif
    // With the top bit as a sentinel: a window without CTL looks like one ending in CR at 31.
    const std::size_t c = static_cast<std::size_t>(__builtin_ctz(colon | 0x80000000u));
    const std::size_t k = static_cast<std::size_t>(__builtin_ctz(ctl | 0x80000000u));
    // A colon first (not at 0), then a CTL that is CR: k is CR, or no CTL in the window.
    if (c == 0 || c >= k) return nullptr;
#if SOCKLITE_HTTP_AVX2
    const std::uint32_t name = simd_name(x0);
#else
    const std::uint32_t name = simd_name(x0) | simd_name(x1) << 16;
#endif
    if ((~name & ((1u << c) - 1)) != 0) return nullptr;
    const char* value = p + c + 1;
    const char* cr = p + k;
    if (ctl == 0) {
        cr = scan_field_value(p + line_window, e);
        if (cr >= e) return nullptr;
    }
    if (*cr != '\r' || cr + 1 >= e || cr[1] != '\n') return nullptr;
    if (*value == ' ') ++value;  // the usual single space, then any other whitespace
    while (*value == ' ' || *value == '\t') ++value;
    const char* value_end = cr;
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;
    slot.name_off = static_cast<std::uint32_t>(p - base);
    slot.name_len = static_cast<std::uint32_t>(c);
    slot.value_off = static_cast<std::uint32_t>(value - base);
    slot.value_len = static_cast<std::uint32_t>(value_end - value);
    return cr + 2;
}
#endif

/** Scans one field line (RFC 9112 section 5) at `base + pos`, within `base + end`.
 *
 *  `field-name ":" OWS field-value OWS CRLF`: the name is a non-empty token, directly followed
 *  by the colon; the value holds no CTL other than HTAB; a line that starts with SP or HTAB
 *  (obs-fold, or whitespace before the first field) is an error; bare CR or bare LF is an error.
 *  On field or end_of_block, @p pos moves past the line. */
SOCKLITE_HTTP_ALWAYS_INLINE inline LineStatus scan_field_line(const char* base, std::size_t end,
                                                              std::size_t& pos,
                                                              FieldSlot& slot) noexcept {
    const char* p = base + pos;
    const char* e = base + end;
    if (p >= e) return LineStatus::incomplete;
#if SOCKLITE_HTTP_SIMD
    if (e - p >= static_cast<std::ptrdiff_t>(line_window) && *p != '\r') {
        if (const char* next = scan_field_line_window(base, p, e, slot)) {
            pos = static_cast<std::size_t>(next - base);
            return LineStatus::field;
        }
    }
#endif
    if (*p == '\r') {
        if (p + 1 >= e) return LineStatus::incomplete;
        if (p[1] != '\n') return LineStatus::error;
        pos += 2;
        return LineStatus::end_of_block;
    }
    const char* name = p;
    // Fast path: find the colon, then check the name's bytes all at once (when the colon
    // search has not already seen that they are letters, digits and '-').
    bool simple;
    p = find_colon(p, e, simple);
    if (p == e || p == name || (!simple && !all_tchar(name, p))) {
        // Slow path, to tell an error from a line that has not fully arrived.
        p = scan_token(name, e);
        if (p >= e) return LineStatus::incomplete;
        return LineStatus::error;  // a non-token byte before the colon, or an empty name
    }
    const char* name_end = p;
    ++p;
    if (p < e && *p == ' ') ++p;  // the usual single space, then any other whitespace
    while (p < e && (*p == ' ' || *p == '\t')) ++p;
    const char* value = p;
    p = scan_field_value(p, e);
    if (p >= e) return LineStatus::incomplete;
    if (*p != '\r') return LineStatus::error;
    if (p + 1 >= e) return LineStatus::incomplete;
    if (p[1] != '\n') return LineStatus::error;
    const char* value_end = p;
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;
    slot.name_off = static_cast<std::uint32_t>(name - base);
    slot.name_len = static_cast<std::uint32_t>(name_end - name);
    slot.value_off = static_cast<std::uint32_t>(value - base);
    slot.value_len = static_cast<std::uint32_t>(value_end - value);
    pos = static_cast<std::size_t>(p + 2 - base);
    return LineStatus::field;
}

/** Fixed storage for parsed fields (sized once, so a parse never allocates) plus the base
 *  their offsets refer to. */
struct FieldBlock {
    std::vector<FieldSlot> slots;  ///< room for the most fields storable (its size)
    std::size_t count = 0;         ///< fields parsed so far
    const char* base = nullptr;    ///< the buffer start the offsets refer to

    /** Allocates room for @p n fields. */
    void allocate(std::size_t n) {
        slots.assign(n, FieldSlot{});
        count = 0;
    }
    /** The most fields storable. */
    std::size_t capacity() const noexcept { return slots.size(); }
    /** The @p i-th field as views. */
    FieldView field(std::size_t i) const noexcept {
        const FieldSlot& s = slots[i];
        return {std::string_view(base + s.name_off, s.name_len),
                std::string_view(base + s.value_off, s.value_len)};
    }
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP
