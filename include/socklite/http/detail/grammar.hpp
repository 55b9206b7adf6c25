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
#include <string_view>

#include "../error.hpp"
#include "../message.hpp"

#if defined(__GNUC__) || defined(__clang__)
/** Forces inlining of the per-line scanner into the parser loops (a measurable gain). */
#define SOCKLITE_HTTP_ALWAYS_INLINE __attribute__((always_inline))
#else
#define SOCKLITE_HTTP_ALWAYS_INLINE
#endif

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

/** Builds the table at compile time. One expression per byte value, no inner loop: GCC's
 *  constant evaluator took 70 M instructions over the loop over the 15 symbols, 16 M this way. */
constexpr CharTable make_char_table() {
    CharTable t{};
    for (int c = 0; c < 256; ++c) {
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        bool symbol = c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
                      c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
                      c == '`' || c == '|' || c == '~';  // tchar's symbols: !#$%&'*+-.^_`|~
        t.v[c] = static_cast<unsigned char>(
            (alpha || digit || symbol ? cc_tchar : 0) |
            ((c > 0x20 && c < 0x7f) || c >= 0x80 || c == ' ' || c == '\t' ? cc_field : 0) |
            (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ? cc_hex : 0) |
            (c == ' ' || c == '\t' ? cc_ows : 0));
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

/** The index of the lowest byte whose high bit is set in @p mask (on a little-endian load; the
 *  bytes were loaded with memcpy, so on big-endian machines the order is reversed). */
inline std::size_t lowest_byte(std::uint64_t mask) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return static_cast<std::size_t>(__builtin_clzll(mask)) / 8;
#else
    return static_cast<std::size_t>(__builtin_ctzll(mask)) / 8;
#endif
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
 *  (SWAR: a word is checked for bytes that may be CTL or DEL, and the lowest one is found with a
 *  bit scan); never reads at or past @p end. */
inline const char* scan_field_value(const char* p, const char* end) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    // Flags, per byte and without carries between bytes, every b whose low seven bits are below
    // 0x20 or equal to 0x7f: w = (b & 0x7f) + 1 is then <= 0x20 (w + 0x5f has no high bit) or
    // 0x80. That is every CTL and DEL, plus HTAB and a few obs-text bytes (0x80-0x9f, 0xff),
    // which the caller lets through one by one.
    auto special = [](std::uint64_t x) {
        std::uint64_t w = (x & (ones * 0x7f)) + ones;
        std::uint64_t v = w + ones * 0x5f;
        return (w | ~v) & highs;
    };
    while (end - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        std::uint64_t mask = special(x);
        if (mask == 0) {
            if (end - p < 16) {
                p += 8;
                continue;
            }
            std::memcpy(&x, p + 8, 8);  // two words per round: fewer loop branches
            mask = special(x);
            p += 8;
            if (mask == 0) {
                p += 8;
                continue;
            }
        }
        p += lowest_byte(mask);
        if (!is(*p, cc_field)) return p;
        ++p;  // HTAB or obs-text: allowed, go on after it
    }
    while (p < end && is(*p, cc_field)) ++p;
    return p;
}

/** Finds the first ':' in [@p p, @p end) eight bytes at a time, or returns @p end. */
inline const char* find_colon(const char* p, const char* end) noexcept {
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

/** Whether every byte of [@p p, @p end) is a token character (branch-free over the bytes). */
inline bool all_tchar(const char* p, const char* end) noexcept {
    const unsigned char* t = char_table.v;
    unsigned acc = cc_tchar;
    if (end - p >= 4) {
        // Four at a time; the last four (overlapping) instead of a tail loop: fewer branches.
        const char* last = end - 4;
        for (; p < last; p += 4) {
            acc &= t[static_cast<unsigned char>(p[0])] & t[static_cast<unsigned char>(p[1])] &
                   t[static_cast<unsigned char>(p[2])] & t[static_cast<unsigned char>(p[3])];
        }
        acc &= t[static_cast<unsigned char>(last[0])] & t[static_cast<unsigned char>(last[1])] &
               t[static_cast<unsigned char>(last[2])] & t[static_cast<unsigned char>(last[3])];
    } else {
        while (p < end) acc &= t[static_cast<unsigned char>(*p++)];
    }
    return (acc & cc_tchar) != 0;
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
    error,         ///< invalid (http::errc::bad_header)
};

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
    if (*p == '\r') {
        if (p + 1 >= e) return LineStatus::incomplete;
        if (p[1] != '\n') return LineStatus::error;
        pos += 2;
        return LineStatus::end_of_block;
    }
    const char* name = p;
    // Fast path: find the colon, then check the name's bytes all at once.
    p = find_colon(p, e);
    if (p == e || p == name || !all_tchar(name, p)) {
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

/** Fixed storage for parsed fields (allocated once) plus the base their offsets refer to.
 *  Movable, not copyable (it owns @p slots; a plain pointer spares `<memory>`). */
struct FieldBlock {
    FieldSlot* slots = nullptr;  ///< capacity entries, owned
    std::size_t capacity = 0;    ///< the most fields storable
    std::size_t count = 0;       ///< fields parsed so far
    const char* base = nullptr;  ///< the buffer start the offsets refer to

    /** No storage. */
    FieldBlock() noexcept = default;
    FieldBlock(const FieldBlock&) = delete;
    FieldBlock& operator=(const FieldBlock&) = delete;
    /** Takes @p o's storage; @p o is left without any. */
    FieldBlock(FieldBlock&& o) noexcept
        : slots(o.slots), capacity(o.capacity), count(o.count), base(o.base) {
        o.slots = nullptr;
        o.capacity = 0;
        o.count = 0;
    }
    /** Takes @p o's storage, freeing this one's. */
    FieldBlock& operator=(FieldBlock&& o) noexcept {
        if (this != &o) {
            delete[] slots;
            slots = o.slots;
            capacity = o.capacity;
            count = o.count;
            base = o.base;
            o.slots = nullptr;
            o.capacity = 0;
            o.count = 0;
        }
        return *this;
    }
    /** Frees the storage. */
    ~FieldBlock() { delete[] slots; }

    /** Allocates room for @p n fields. */
    void allocate(std::size_t n) {
        FieldSlot* fresh = n ? new FieldSlot[n] : nullptr;
        delete[] slots;
        slots = fresh;
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

/** Whether the token @p s equals the lower-case literal @p lit (letters and '-' only)
 *  ASCII-case-insensitively. Eight bytes at a time: for token bytes, OR-ing 0x20 maps exactly
 *  the upper-case letters onto the lower-case ones and leaves '-' alone. */
inline bool iequals_lower(std::string_view s, std::string_view lit) noexcept {
    const std::size_t n = s.size();
    if (n != lit.size()) return false;
    if (n >= 8) {
        constexpr std::uint64_t case_bits = 0x2020202020202020ull;
        std::uint64_t diff = 0;
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t a, b;
            std::memcpy(&a, s.data() + i, 8);
            std::memcpy(&b, lit.data() + i, 8);
            diff |= (a | case_bits) ^ b;
        }
        if (i < n) {  // the last 8 bytes, overlapping
            std::uint64_t a, b;
            std::memcpy(&a, s.data() + n - 8, 8);
            std::memcpy(&b, lit.data() + n - 8, 8);
            diff |= (a | case_bits) ^ b;
        }
        return diff == 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (lower(s[i]) != static_cast<unsigned char>(lit[i])) return false;
    }
    return true;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
