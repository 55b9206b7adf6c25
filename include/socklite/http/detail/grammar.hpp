// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
#define SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP

/** @file
 *  Private: the character classes of HTTP (RFC 9110) and URIs (RFC 3986) as one 256-entry
 *  table, fast scanners over them (SSE2 on x86-64, portable elsewhere), and the field-line
 *  scanner shared by the message parser (both directions) and the chunked trailer parser. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../error.hpp"
#include "../message.hpp"

#if defined(__SSE2__) && !defined(SOCKLITE_HTTP_NO_SIMD)
#include <emmintrin.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
/** Forces inlining of the per-line scanner into the parser loops (a measurable gain). */
#define SOCKLITE_HTTP_ALWAYS_INLINE __attribute__((always_inline))
#else
#define SOCKLITE_HTTP_ALWAYS_INLINE
#endif

namespace socklite {
namespace http {
namespace detail {

/** Character classes, one bit each: the HTTP grammar (RFC 9110) and the URI grammar (RFC 3986)
 *  in one table, used by the message parser, the serializers and the URL parser. */
enum CharClass : std::uint16_t {
    cc_tchar = 1,        ///< token character (RFC 9110 section 5.6.2)
    cc_field = 2,        ///< field-value / reason-phrase character: VCHAR, SP, HTAB, obs-text
    cc_hex = 4,          ///< hexadecimal digit
    cc_ows = 8,          ///< SP or HTAB
    cc_alpha = 16,       ///< ASCII letter
    cc_digit = 32,       ///< decimal digit
    cc_unreserved = 64,  ///< RFC 3986 unreserved: ALPHA, DIGIT, `-._~`
    cc_sub_delim = 128,  ///< RFC 3986 sub-delims: `!$&'()*+,;=`
    cc_pchar = 256,      ///< a path character without `%`: unreserved, sub-delims, `:`, `@`
    cc_query = 512,      ///< a query (or path) character without `%`: pchar, `/`, `?`
    cc_scheme = 1024,    ///< a URI scheme character after the first: ALPHA, DIGIT, `+-.`
    cc_target = 2048,    ///< an origin-form request-target character: query characters, `%`
    cc_reg_name = 4096,  ///< a reg-name character: unreserved, sub-delims, `%`
};

/** The 256-entry table of CharClass bits. */
struct CharTable {
    std::uint16_t v[256];  ///< bits per byte value
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
        bool unreserved = alpha || digit || c == '-' || c == '.' || c == '_' || c == '~';
        bool sub_delim = c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' ||
                         c == '*' || c == '+' || c == ',' || c == ';' || c == '=';
        bool pchar = unreserved || sub_delim || c == ':' || c == '@';
        t.v[c] = static_cast<std::uint16_t>(
            (alpha || digit || symbol ? cc_tchar : 0) |
            ((c > 0x20 && c < 0x7f) || c >= 0x80 || c == ' ' || c == '\t' ? cc_field : 0) |
            (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ? cc_hex : 0) |
            (c == ' ' || c == '\t' ? cc_ows : 0) | (alpha ? cc_alpha : 0) | (digit ? cc_digit : 0) |
            (unreserved ? cc_unreserved : 0) | (sub_delim ? cc_sub_delim : 0) |
            (pchar ? cc_pchar : 0) | (pchar || c == '/' || c == '?' ? cc_query : 0) |
            (alpha || digit || c == '+' || c == '-' || c == '.' ? cc_scheme : 0) |
            (pchar || c == '/' || c == '?' || c == '%' ? cc_target : 0) |
            (unreserved || sub_delim || c == '%' ? cc_reg_name : 0));
    }
    return t;
}

/** The character-class table. */
inline constexpr CharTable char_table = make_char_table();

/** Whether @p c has any of the class bits @p cls. */
inline bool is(char c, unsigned cls) noexcept {
    return (char_table.v[static_cast<unsigned char>(c)] & cls) != 0;
}

/** The value of hex digit @p c (which must be one). */
inline int hex_value(char c) noexcept {
    unsigned char u = static_cast<unsigned char>(c);
    return u <= '9' ? u - '0' : (u | 0x20) - 'a' + 10;
}

/** Lower-cases an ASCII letter; any other byte is returned as is. */
inline char to_lower(char c) noexcept {
    return static_cast<unsigned>(static_cast<unsigned char>(c) - 'A') < 26u
               ? static_cast<char>(c | 0x20)
               : c;
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

// The hot scans come in two builds: 16 bytes at a time with SSE2 (part of every x86-64, so no
// runtime detection), or 8 at a time in a 64-bit word (SWAR) anywhere else.
// SOCKLITE_HTTP_NO_SIMD forces the portable one (the tests build both).
#if defined(__SSE2__) && !defined(SOCKLITE_HTTP_NO_SIMD)
#define SOCKLITE_HTTP_SIMD 1
#else
#define SOCKLITE_HTTP_SIMD 0
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

/** Skips field-value characters (VCHAR, SP, HTAB, obs-text) from @p p; returns the first
 *  position that is not one (CR, LF, NUL, another CTL or DEL) or @p end. Never reads at or past
 *  @p end. */
SOCKLITE_HTTP_ALWAYS_INLINE inline const char* scan_field_value(const char* p,
                                                                const char* end) noexcept {
#if SOCKLITE_HTTP_SIMD
    const __m128i last_ctl = _mm_set1_epi8(0x1f);
    const __m128i zero = _mm_setzero_si128();
    const __m128i del = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        // A CTL is a byte that 0x1f saturates to zero when subtracted from it; DEL is 0x7f.
        // (16 bytes a round measured faster than 32 on the typical values of a head.)
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i ctl = _mm_cmpeq_epi8(_mm_subs_epu8(x, last_ctl), zero);
        unsigned mask =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(x, del))));
        if (mask == 0) {
            p += 16;
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
    const __m128i colon = _mm_set1_epi8(':');
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const __m128i to_alpha = _mm_set1_epi8(static_cast<char>(0x80 - 'a'));
    const __m128i alpha_end = _mm_set1_epi8(static_cast<char>(-128 + 26));
    const __m128i to_digit = _mm_set1_epi8(static_cast<char>(0x80 - '0'));
    const __m128i digit_end = _mm_set1_epi8(static_cast<char>(-128 + 10));
    const __m128i dash = _mm_set1_epi8('-');
    unsigned other = 0;  // bytes seen that are not letters, digits or '-'
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // (b - lo) mod 256 < n, as a signed compare after moving lo to -128.
        __m128i alpha =
            _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, case_bit), to_alpha), alpha_end);
        __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, to_digit), digit_end);
        __m128i ok = _mm_or_si128(_mm_or_si128(alpha, digit), _mm_cmpeq_epi8(x, dash));
        unsigned good = static_cast<unsigned>(_mm_movemask_epi8(ok));
        unsigned found = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, colon)));
        if (found != 0) {
            unsigned before = (found & (0u - found)) - 1;  // the bytes before the first ':'
            simple = other == 0 && (~good & before) == 0;
            return p + __builtin_ctz(found);
        }
        other |= ~good & 0xffffu;
        p += 16;
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
    const __m128i bang = _mm_set1_epi8(0x21);
    const __m128i del = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        // Signed-below 0x21: CTL, SP and every byte >= 0x80.
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        unsigned mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, bang), _mm_cmpeq_epi8(x, del))));
        if (mask != 0) return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c <= 0x20 || c >= 0x7f) break;
        ++p;
    }
    return p;
}

/** Whether every byte of [@p p, @p end) has one of the class bits @p cls (branch-free over the
 *  bytes). */
inline bool all_in(const char* p, const char* end, unsigned cls) noexcept {
    const std::uint16_t* t = char_table.v;
    unsigned acc = cls;
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
    return (acc & cls) == cls;
}

/** Whether every byte of [@p p, @p end) is a token character. */
inline bool all_tchar(const char* p, const char* end) noexcept { return all_in(p, end, cc_tchar); }

/** Whether @p s is a non-empty token. */
inline bool is_token(std::string_view s) noexcept {
    return !s.empty() && all_tchar(s.data(), s.data() + s.size());
}

/** Finds the first byte @p c in [@p p, @p end), or returns @p end (inline: the strings here
 *  are short, a library call costs more than the search). */
inline const char* find_byte(const char* p, const char* end, char c) noexcept {
#if SOCKLITE_HTTP_SIMD
    const __m128i v = _mm_set1_epi8(c);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)));
        if (mask != 0) return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end && *p != c) ++p;
    return p;
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

/** Walks a comma-separated list of tokens (RFC 9110 section 5.6.1: `#token`, empty elements
 *  and OWS around the commas allowed), calling @p on_token with each token in order.
 *  @return the number of tokens, or -1 when an element is not a single token (parameters,
 *  quoted strings, inner spaces) or @p on_token returned false. The one list parser of the
 *  library (Connection, Transfer-Encoding). */
template <class OnToken>
inline int for_each_token(std::string_view v, OnToken&& on_token) noexcept {
    const char* p = v.data();
    const char* e = p + v.size();
    int count = 0;
    while (p < e) {
        if (*p == ',' || is(*p, cc_ows)) {
            ++p;
            continue;
        }
        const char* t = p;
        p = scan_token(p, e);
        if (p == t || !on_token(std::string_view(t, static_cast<std::size_t>(p - t)))) return -1;
        ++count;
        while (p < e && is(*p, cc_ows)) ++p;
        if (p < e && *p != ',') return -1;
    }
    return count;
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

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
