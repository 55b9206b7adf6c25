// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_SERIALIZER_HPP
#define SOCKLITE_HTTP_SERIALIZER_HPP

/** @file
 *  The HTTP/1.1 request serializer: turns an http::Request into bytes for the wire, refusing
 *  anything that could inject a line (CR, LF, NUL, other invalid characters). No I/O. */

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "error.hpp"
#include "../version.hpp"
#include "detail/grammar.hpp"
#include "message.hpp"
#include "url.hpp"

namespace socklite {
namespace http {

/** The `User-Agent` value the serializer adds: `socklite/<version>`. */
inline constexpr const char* user_agent = "socklite/" SOCKLITE_VERSION_STRING;

/** Whether @p s is a valid token (RFC 9110 section 5.6.2): a method or a field name. */
inline bool is_token(std::string_view s) noexcept {
    return detail::is_token(s);
}
/** Whether @p s may be sent as a field value: VCHAR, SP, HTAB and obs-text only (no CR, LF,
 *  NUL or other control character). */
inline bool is_field_value(std::string_view s) noexcept {
    return detail::scan_field_value(s.data(), s.data() + s.size()) == s.data() + s.size();
}
/** Whether @p s may be sent as a request target: one or more visible ASCII characters. */
inline bool is_request_target(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return false;
    }
    return true;
}

/** Appends the head of @p req (request line, header fields, empty line) to @p out.
 *
 *  Written in this order: `METHOD SP target SP HTTP/1.1`, `Host: @p host` (unless @p req has a
 *  `Host` field), `User-Agent: socklite/<version>` (unless @p req has one), the fields of @p req
 *  in order, then `Content-Length: <body size>` when the body is not empty or the method is
 *  POST, PUT or PATCH (unless @p req has a `Content-Length`, which must then equal the body
 *  size).
 *  @param req the request: method (a token), target (visible ASCII), headers, body
 *  @param host the `Host` value, e.g. Url::authority(): `example.com`, `[::1]:8080`
 *  @param out the string to append to; left unchanged on error
 *  @param ec http::errc::bad_field when the method, target, a field name or value, or @p host holds a
 *  CR, LF, NUL or another invalid character, when there is no host at all, when a given
 *  `Content-Length` disagrees with the body, or when @p req has `Transfer-Encoding` (request
 *  bodies are always sent with Content-Length). Nothing is appended then. */
inline void serialize_head(const Request& req, std::string_view host, std::string& out,
                           std::error_code& ec) noexcept;
/** As serialize_head(const Request&, std::string_view, std::string&, std::error_code&), but
 *  @throws Error with http::errc::bad_field. */
inline void serialize_head(const Request& req, std::string_view host, std::string& out);

/** Appends the whole request, head and body, to @p out (see serialize_head()).
 *  @param req the request
 *  @param host the `Host` value (used unless @p req has a `Host` field)
 *  @param out the string to append to; left unchanged on error
 *  @param ec http::errc::bad_field as for serialize_head(); nothing is appended then. */
inline void serialize_request(const Request& req, std::string_view host, std::string& out,
                              std::error_code& ec) noexcept;
/** Returns the whole request for @p url: `Host` is `url.authority()`.
 *  @throws Error with http::errc::bad_field.
 *
 *  @par Example
 *  @code
 *  socklite::http::Request req;
 *  req.target = "/index.html";
 *  req.headers.add("Accept", "text/html");
 *  std::string wire = socklite::http::serialize_request(req, socklite::http::Url::parse(
 *      "http://127.0.0.1:8080/"));
 *  // "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: socklite/0.1.0\r\n"
 *  // "Accept: text/html\r\n\r\n"
 *  @endcode */
inline std::string serialize_request(const Request& req, const Url& url);

// ---------------------------------------------------------------------------------------------
// Implementation

inline void serialize_head(const Request& req, std::string_view host, std::string& out,
                           std::error_code& ec) noexcept {
    ec = http::errc::bad_field;
    if (!is_token(req.method) || !is_request_target(req.target)) return;
    bool has_host = false;
    bool has_agent = false;
    const Headers::Field* length = nullptr;
    for (std::size_t i = 0; i < req.headers.size(); ++i) {
        const Headers::Field& f = req.headers[i];
        if (!is_token(f.name) || !is_field_value(f.value)) return;
        if (iequals(f.name, "Host")) has_host = true;
        if (iequals(f.name, "User-Agent")) has_agent = true;
        if (iequals(f.name, "Transfer-Encoding")) return;
        if (iequals(f.name, "Content-Length")) {
            if (length != nullptr && length->value != f.value) return;
            length = &f;
        }
    }
    if (!has_host && (host.empty() || !is_field_value(host))) return;
    std::string size = std::to_string(req.body.size());
    if (length != nullptr && length->value != size) return;
    bool send_length = length == nullptr && (!req.body.empty() || req.method == "POST" ||
                                             req.method == "PUT" || req.method == "PATCH");
    ec.clear();

    out.append(req.method);
    out += ' ';
    out.append(req.target);
    out.append(" HTTP/1.1\r\n");
    if (!has_host) {
        out.append("Host: ");
        out.append(host.data(), host.size());
        out.append("\r\n");
    }
    if (!has_agent) {
        out.append("User-Agent: ");
        out.append(user_agent);
        out.append("\r\n");
    }
    for (std::size_t i = 0; i < req.headers.size(); ++i) {
        const Headers::Field& f = req.headers[i];
        out.append(f.name);
        out.append(": ");
        out.append(f.value);
        out.append("\r\n");
    }
    if (send_length) {
        out.append("Content-Length: ");
        out.append(size);
        out.append("\r\n");
    }
    out.append("\r\n");
}

inline void serialize_head(const Request& req, std::string_view host, std::string& out) {
    std::error_code ec;
    serialize_head(req, host, out, ec);
    if (ec) socklite::detail::throw_error(ec, "serialize request", std::string());
}

inline void serialize_request(const Request& req, std::string_view host, std::string& out,
                              std::error_code& ec) noexcept {
    serialize_head(req, host, out, ec);
    if (!ec) out.append(req.body);
}

inline std::string serialize_request(const Request& req, const Url& url) {
    std::string out;
    std::error_code ec;
    serialize_request(req, url.authority(), out, ec);
    if (ec) socklite::detail::throw_error(ec, "serialize request", url.str());
    return out;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_SERIALIZER_HPP
