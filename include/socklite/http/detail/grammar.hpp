// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
#define SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP

/** @file
 *  Private: the RFC 9110 character classes as a 256-entry table, fast scanners over them, and
 *  the field-line scanner shared by the response parser and the chunked trailer parser. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "../../error.hpp"
#include "../message.hpp"

namespace socklite {
namespace http {
namespace detail {

/** Character classes, one bit each. */
enum CharClass : unsigned char {
    cc_tchar = 1,  ///< token character (RFC 9110 section 5.6.2)
    cc_field = 2,  ///< field-value / reason-phrase character: VCHAR, SP, HTAB, obs-text
    cc_hex = 4,    ///< hexadecimal digit
    cc_ows = 8,    ///< SP or HTAB
};

/** The 256-entry table of CharClass bits. */
struct CharTable {
    unsigned char v[256];  ///< bits per byte value
};

/** Builds the table at compile time. */
constexpr CharTable make_char_table() {
    CharTable t{};
    for (int c = 0; c < 256; ++c) {
        unsigned char bits = 0;
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        if (alpha || digit) bits |= cc_tchar;
        switch (c) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
            case '-': case '.': case '^': case '_': case '`': case '|': case '~':
                bits |= cc_tchar;
                break;
            default: break;
        }
        if ((c > 0x20 && c < 0x7f) || c >= 0x80 || c == ' ' || c == '\t') bits |= cc_field;
        if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= cc_hex;
        if (c == ' ' || c == '\t') bits |= cc_ows;
        t.v[c] = bits;
    }
    return t;
}

/** The character-class table. */
inline constexpr CharTable char_table = make_char_table();

/** Whether @p c has the class bits @p cls. */
inline bool is(char c, unsigned char cls) noexcept {
    return (char_table.v[static_cast<unsigned char>(c)] & cls) != 0;
}

/** The value of hex digit @p c (which must be one). */
inline int hex_value(char c) noexcept {
    unsigned char u = static_cast<unsigned char>(c);
    return u <= '9' ? u - '0' : (u | 0x20) - 'a' + 10;
}

/** Skips token characters from @p p; returns the first position that is not one (or @p end). */
inline const char* scan_token(const char* p, const char* end) noexcept {
    while (end - p >= 4) {
        if (!is(p[0], cc_tchar)) return p;
        if (!is(p[1], cc_tchar)) return p + 1;
        if (!is(p[2], cc_tchar)) return p + 2;
        if (!is(p[3], cc_tchar)) return p + 3;
        p += 4;
    }
    while (p < end && is(*p, cc_tchar)) ++p;
    return p;
}

/** Skips field-value characters (VCHAR, SP, HTAB, obs-text) from @p p; returns the first
 *  position that is not one (CR, LF, NUL, another CTL or DEL) or @p end. Eight bytes at a time
 *  while none of them is below 0x20 or DEL; never reads at or past @p end. */
inline const char* scan_field_value(const char* p, const char* end) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    for (;;) {
        while (end - p >= 8) {
            std::uint64_t x;
            std::memcpy(&x, p, 8);
            std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
            std::uint64_t y = x ^ (ones * 0x7f);
            std::uint64_t del = (y - ones) & ~y & highs;
            if ((below_space | del) != 0) break;
            p += 8;
        }
        const char* lim = end - p > 8 ? p + 8 : end;
        while (p < lim && is(*p, cc_field)) ++p;
        if (p < lim || p == end) return p;
    }
}

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
    error,         ///< invalid (errc::bad_header)
};

/** Scans one field line (RFC 9112 section 5) at `base + pos`, within `base + end`.
 *
 *  `field-name ":" OWS field-value OWS CRLF`: the name is a non-empty token, directly followed
 *  by the colon; the value holds no CTL other than HTAB; a line that starts with SP or HTAB
 *  (obs-fold, or whitespace before the first field) is an error; bare CR or bare LF is an error.
 *  On field or end_of_block, @p pos moves past the line. */
inline LineStatus scan_field_line(const char* base, std::size_t end, std::size_t& pos,
                                  FieldSlot& slot) noexcept {
    const char* p = base + pos;
    const char* e = base + end;
    if (p >= e) return LineStatus::incomplete;
    if (*p == '\r') {
        if (p + 1 >= e) return LineStatus::incomplete;
        if (p[1] != '\n') return LineStatus::error;
        pos += 2;
        return LineStatus::end_of_block;
    }
    const char* name = p;
    p = scan_token(p, e);
    if (p >= e) return LineStatus::incomplete;
    if (*p != ':' || p == name) return LineStatus::error;
    const char* name_end = p;
    ++p;
    while (p < e && is(*p, cc_ows)) ++p;
    const char* value = p;
    p = scan_field_value(p, e);
    if (p >= e) return LineStatus::incomplete;
    if (*p != '\r') return LineStatus::error;
    if (p + 1 >= e) return LineStatus::incomplete;
    if (p[1] != '\n') return LineStatus::error;
    const char* value_end = p;
    while (value_end > value && is(value_end[-1], cc_ows)) --value_end;
    slot.name_off = static_cast<std::uint32_t>(name - base);
    slot.name_len = static_cast<std::uint32_t>(name_end - name);
    slot.value_off = static_cast<std::uint32_t>(value - base);
    slot.value_len = static_cast<std::uint32_t>(value_end - value);
    pos = static_cast<std::size_t>(p + 2 - base);
    return LineStatus::field;
}

/** Fixed storage for parsed fields (allocated once) plus the base their offsets refer to. */
struct FieldBlock {
    std::unique_ptr<FieldSlot[]> slots;  ///< capacity entries
    std::size_t capacity = 0;            ///< the most fields storable
    std::size_t count = 0;               ///< fields parsed so far
    const char* base = nullptr;          ///< the buffer start the offsets refer to

    /** Allocates room for @p n fields. */
    void allocate(std::size_t n) {
        slots.reset(n ? new FieldSlot[n] : nullptr);
        capacity = n;
        count = 0;
    }
    /** The @p i-th field as views. */
    FieldView field(std::size_t i) const noexcept {
        const FieldSlot& s = slots[i];
        return {std::string_view(base + s.name_off, s.name_len),
                std::string_view(base + s.value_off, s.value_len)};
    }
};

/** Lower-cases an ASCII letter (token characters are left alone otherwise). */
inline unsigned char lower(char c) noexcept {
    unsigned char u = static_cast<unsigned char>(c);
    return static_cast<unsigned>(u - 'A') < 26u ? static_cast<unsigned char>(u | 0x20) : u;
}

/** Whether @p s equals the lower-case literal @p lit ASCII-case-insensitively. */
inline bool iequals_lower(std::string_view s, std::string_view lit) noexcept {
    if (s.size() != lit.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (lower(s[i]) != static_cast<unsigned char>(lit[i])) return false;
    }
    return true;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
