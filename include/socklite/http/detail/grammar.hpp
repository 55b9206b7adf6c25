// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
#define SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP

/** @file
 *  Private: the character classes of HTTP (RFC 9110) and URIs (RFC 3986) as one 256-entry
 *  table, and the small grammar checks built on it (tokens, token lists) shared by the parser,
 *  the serializers and the URL parser. The fast scanners (and the URI host check) are in
 *  detail/scan.hpp, the field-line scanner in detail/field_line.hpp. */

#include <cstddef>
#include <cstdint>
#include <string_view>

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
    cc_host = 8192,      ///< a reg-name character but `%`: unreserved, sub-delims
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
            (unreserved || sub_delim || c == '%' ? cc_reg_name : 0) |
            (unreserved || sub_delim ? cc_host : 0));
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

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_GRAMMAR_HPP
