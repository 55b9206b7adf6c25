// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_START_LINE_HPP
#define SOCKLITE_HTTP_DETAIL_START_LINE_HPP

/** @file
 *  Private: the start-line scanners of http::BasicParser (RFC 9112 sections 3 and 4): the
 *  request line with its target forms, the status line, and the HTTP version of both. Each
 *  decides left to right, so that a prefix of a line gives the same answer as the whole line
 *  (incomplete, or the same error). */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../../address.hpp"
#include "../error.hpp"
#include "../message.hpp"
#include "../parser_types.hpp"
#include "field_line.hpp"
#include "grammar.hpp"
#include "scan.hpp"

namespace socklite {
namespace http {
namespace detail {

/** What the bytes after an incomplete line would continue: the class of bytes that cannot
 *  change the outcome of the line (see BasicParser::parse_head()). */
enum class Scan : unsigned char {
    none,    ///< anything may change it: rescan the line
    token,   ///< a method or a field name: token bytes
    target,  ///< a request target: visible ASCII
    value,   ///< a field value or reason phrase: field-value bytes
};

/** What a start line holds, as offsets from the start of the head, and where an incomplete
 *  one stopped. */
struct StartLine {
    int version = 11;                             ///< 10 or 11
    std::uint32_t method_len = 0;                 ///< requests: the method's length (at 0)
    std::uint32_t target_off = 0;                 ///< requests: the target's offset
    std::uint32_t target_len = 0;                 ///< requests: the target's length
    TargetForm target_form = TargetForm::origin;  ///< requests: the target's form
    int status = 0;                               ///< responses: the status code
    std::uint32_t reason_off = 0;                 ///< responses: the reason's offset
    std::uint32_t reason_len = 0;                 ///< responses: the reason's length
    std::uint32_t end = 0;                        ///< the offset after the line's CRLF
    Scan scan = Scan::none;                       ///< where an incomplete line stopped
};

/** Scans `"HTTP/" DIGIT "." DIGIT` at @p v, of which @p have bytes arrived: field (and
 *  @p version set) when it is HTTP/1.0 or HTTP/1.1, incomplete when what arrived may still
 *  become one, else error with @p e set: @p line_error when it is not a version at all,
 *  http::errc::bad_version, or @p unsupported for a well-formed version other than 1.x. */
inline LineStatus scan_version(const char* v, std::size_t have, errc line_error, errc unsupported,
                               int& version, errc& e) noexcept {
    static const char proto[] = "HTTP/1.";
    if (have >= 8) {  // the usual case: one comparison of the first seven bytes
        std::uint64_t got = 0, want = 0;
        std::memcpy(&got, v, 7);
        std::memcpy(&want, proto, 7);
        if (got == want && (v[7] == '1' || v[7] == '0')) {
            version = v[7] == '1' ? 11 : 10;
            return LineStatus::field;
        }
    }
    for (std::size_t i = 0; i < 5 && i < have; ++i) {
        if (v[i] != proto[i]) {
            e = line_error;
            return LineStatus::error;
        }
    }
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    // Where no other version is readable (a response: unsupported is bad_version), a major
    // version other than 1 fails at once; a request waits for the '.' to tell `HTTP/2.0` (505)
    // from `HTTP/01.1` (not a version at all: 400).
    const bool only_one = unsupported == http::errc::bad_version;
    if (have > 5 && (!digit(v[5]) || (only_one && v[5] != '1'))) {
        e = http::errc::bad_version;
        return LineStatus::error;
    }
    if (have > 6 && v[6] != '.') {
        e = http::errc::bad_version;
        return LineStatus::error;
    }
    if (have > 7) {  // another major version, a minor digit other than 0 and 1, or no digit
        e = digit(v[7]) ? unsupported : http::errc::bad_version;
        return LineStatus::error;
    }
    return LineStatus::incomplete;
}

/** Scans the status line `HTTP-version SP 3DIGIT SP reason CRLF` in [@p base, @p base + @p end)
 *  into @p s (a code in 100-599, a reason of field-value bytes). On an error, @p e is
 *  http::errc::bad_status_line or http::errc::bad_version. */
inline LineStatus scan_status_line(const char* base, std::size_t end, StartLine& s,
                                   errc& e) noexcept {
    // A version other than 1.x is not a response we read: bad_version, not 505.
    LineStatus ls =
        scan_version(base, end, http::errc::bad_status_line, http::errc::bad_version, s.version, e);
    if (ls != LineStatus::field) return ls;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (end > 8 && base[8] != ' ') {
        e = digit(base[8]) ? http::errc::bad_version : http::errc::bad_status_line;
        return LineStatus::error;
    }
    for (std::size_t i = 9; i < end && i < 12; ++i) {
        if (!digit(base[i])) {
            e = http::errc::bad_status_line;
            return LineStatus::error;
        }
    }
    if (end > 12 && base[12] != ' ') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (end < 13) return LineStatus::incomplete;
    int code = (base[9] - '0') * 100 + (base[10] - '0') * 10 + (base[11] - '0');
    if (code < 100 || code > 599) {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    const char* reason = base + 13;
    const char* e_ptr = base + end;
    const char* p = scan_field_value(reason, e_ptr);
    if (p >= e_ptr) {
        s.scan = Scan::value;
        return LineStatus::incomplete;
    }
    if (*p != '\r' || (p + 1 < e_ptr && p[1] != '\n')) {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (p + 1 >= e_ptr) return LineStatus::incomplete;
    s.status = code;
    s.reason_off = 13;
    s.reason_len = static_cast<std::uint32_t>(p - reason);
    s.end = static_cast<std::uint32_t>(p + 2 - base);
    return LineStatus::field;
}

/** Checks a request target against the forms of RFC 9112 section 3.2 (RFC 3986 characters and
 *  percent escapes) and sets @p form. */
inline bool check_target(std::string_view method, std::string_view target,
                         TargetForm& form) noexcept {
    const char* p = target.data();
    const char* e = p + target.size();
    if (target == "*") {
        form = TargetForm::asterisk;
        return method == "OPTIONS";
    }
    if (method == "CONNECT") {  // authority-form: uri-host ":" port, nothing else
        form = TargetForm::authority;
        std::size_t colon = target.rfind(':');
        std::uint16_t port = 0;
        return colon != std::string_view::npos && colon > 0 &&
               socklite::detail::parse_port(target.substr(colon + 1), port) &&
               is_uri_host(target.substr(0, colon));
    }
    if (*p == '/') {  // origin-form: absolute-path [ "?" query ]
        form = TargetForm::origin;
        return all_in(p, e, cc_target) && valid_percent(p, e);
    }
    // absolute-form: scheme ":" hier-part [ "?" query ]
    form = TargetForm::absolute;
    if (!is(*p, cc_alpha)) return false;
    const char* q = p + 1;
    while (q < e && is(*q, cc_scheme)) ++q;
    if (q == e || *q != ':') return false;
    std::string_view scheme(p, static_cast<std::size_t>(q - p));
    ++q;
    for (const char* c = q; c < e; ++c) {
        if (!is(*c, cc_target) && *c != '[' && *c != ']') return false;
    }
    if (!valid_percent(q, e)) return false;
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) return true;
    // An http(s) URI has an authority with a non-empty host (RFC 9110 section 4.2.1).
    std::string_view rest(q, static_cast<std::size_t>(e - q));
    if (rest.substr(0, 2) != "//") return false;
    rest.remove_prefix(2);
    std::string_view auth = rest.substr(0, rest.find_first_of("/?"));
    std::size_t at = auth.rfind('@');
    if (at != std::string_view::npos) auth.remove_prefix(at + 1);
    std::size_t colon = auth.rfind(':');
    if (colon != std::string_view::npos && auth.find(']', colon) == std::string_view::npos) {
        std::uint16_t port = 0;
        std::string_view port_text = auth.substr(colon + 1);
        if (!port_text.empty() && !socklite::detail::parse_port(port_text, port)) return false;
        auth = auth.substr(0, colon);
    }
    return !auth.empty() && is_uri_host(auth);
}

/** Scans the request line `method SP request-target SP HTTP-version CRLF` (single spaces) in
 *  [@p base, @p base + @p end) into @p s. On an error, @p e is http::errc::bad_request_line,
 *  http::errc::bad_target, http::errc::bad_version or http::errc::version_not_supported. */
inline LineStatus scan_request_line(const char* base, std::size_t end, StartLine& s,
                                    errc& e) noexcept {
    const char* e_ptr = base + end;
    const char* m = scan_token(base, e_ptr);
    if (m == e_ptr) {
        s.scan = Scan::token;
        return LineStatus::incomplete;
    }
    if (m == base || *m != ' ') {
        e = http::errc::bad_request_line;
        return LineStatus::error;
    }
    const char* t = m + 1;
    bool plain;
    const char* te = scan_target(t, e_ptr, plain);
    if (te == e_ptr) {
        s.scan = Scan::target;
        return LineStatus::incomplete;
    }
    if (te == t || *te != ' ') {  // an empty target, a second space, a CTL, a bare CR or LF
        e = te != t && static_cast<unsigned char>(*te) >= 0x7f ? http::errc::bad_target
                                                               : http::errc::bad_request_line;
        return LineStatus::error;
    }
    s.scan = Scan::none;
    const char* v = te + 1;
    const std::size_t have = static_cast<std::size_t>(e_ptr - v);
    LineStatus ls = scan_version(v, have, http::errc::bad_request_line,
                                 http::errc::version_not_supported, s.version, e);
    if (ls != LineStatus::field) return ls;
    if (have > 8 && v[8] != '\r') {
        e = v[8] >= '0' && v[8] <= '9' ? http::errc::bad_version : http::errc::bad_request_line;
        return LineStatus::error;
    }
    if (have > 9 && v[9] != '\n') {
        e = http::errc::bad_request_line;
        return LineStatus::error;
    }
    if (have < 10) return LineStatus::incomplete;
    s.method_len = static_cast<std::uint32_t>(m - base);
    s.target_off = static_cast<std::uint32_t>(t - base);
    s.target_len = static_cast<std::uint32_t>(te - t);
    if (plain && *t == '/' && !(s.method_len == 7 && std::memcmp(base, "CONNECT", 7) == 0)) {
        s.target_form = TargetForm::origin;  // the usual one, already checked by scan_target()
    } else if (!check_target(std::string_view(base, s.method_len),
                             std::string_view(t, s.target_len), s.target_form)) {
        e = http::errc::bad_target;
        return LineStatus::error;
    }
    s.end = static_cast<std::uint32_t>(v + 10 - base);
    return LineStatus::field;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_START_LINE_HPP
