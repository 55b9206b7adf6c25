// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_SERIALIZER_HPP
#define SOCKLITE_HTTP_SERIALIZER_HPP

/** @file
 *  The HTTP/1.1 serializers for both directions: http::Request and http::Response into bytes for
 *  the wire, and the chunk framing of a streamed body; they refuse anything that could inject a
 *  line (CR, LF, NUL, other invalid characters). No I/O. */

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../version.hpp"
#include "detail/grammar.hpp"
#include "detail/scan.hpp"
#include "error.hpp"
#include "message.hpp"
#include "url.hpp"

namespace socklite {
namespace http {

/** The `User-Agent` value the serializer adds: `socklite/<version>`. */
inline constexpr const char* user_agent = "socklite/" SOCKLITE_VERSION_STRING;

/** Whether @p s is a valid token (RFC 9110 section 5.6.2): a method or a field name. */
inline bool is_token(std::string_view s) noexcept { return detail::is_token(s); }
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

/** Appends the head of @p res (status line, header fields, empty line) to @p out.
 *
 *  Written in this order: `HTTP/1.1 SP status SP reason` (`HTTP/1.0` when `res.version` is 10),
 *  the fields of @p res in order, then the framing (RFC 9112 section 6, RFC 9110 section 8.6):
 *  - status 1xx, 204: no body, no Content-Length, no Transfer-Encoding; 304: no body (a given
 *    Content-Length is sent as is);
 *  - a `Transfer-Encoding` field whose last coding is `chunked`: the body is sent chunked
 *    (serialize_response() frames it; after serialize_head(), send serialize_chunk() pieces and
 *    serialize_last_chunk()); not with Content-Length, nor in HTTP/1.0;
 *  - otherwise `Content-Length: <body size>` is added, unless @p res has a Content-Length: it
 *    must then equal the body size, or the body must be empty (a response to HEAD announces
 *    the length of the body it does not send).
 *  @param res the response: status 100-599, reason (field-value characters), headers, body
 *  @param out the string to append to; left unchanged on error
 *  @param ec http::errc::bad_field when the status, reason, a field name or value holds an
 *  invalid character or breaks the rules above; nothing is appended then. */
inline void serialize_head(const Response& res, std::string& out, std::error_code& ec) noexcept;
/** As serialize_head(const Response&, std::string&, std::error_code&), but
 *  @throws Error with http::errc::bad_field. */
inline void serialize_head(const Response& res, std::string& out);

/** Appends the whole response to @p out: the head (see serialize_head()), then the body, framed
 *  as one chunk, the last chunk and `res.trailers` when the response is chunked. Trailers
 *  without chunked framing are http::errc::bad_field.
 *  @param res the response
 *  @param out the string to append to; left unchanged on error
 *  @param ec http::errc::bad_field; nothing is appended then. */
inline void serialize_response(const Response& res, std::string& out, std::error_code& ec) noexcept;
/** Returns the whole response (see serialize_response(const Response&, std::string&,
 *  std::error_code&)).
 *  @throws Error with http::errc::bad_field.
 *
 *  @par Example
 *  @code
 *  socklite::http::Response res;
 *  res.status = 200;
 *  res.reason = "OK";
 *  res.headers.add("Content-Type", "text/plain");
 *  res.body = "hello";
 *  std::string wire = socklite::http::serialize_response(res);
 *  // "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
 *  @endcode */
inline std::string serialize_response(const Response& res);

/** Appends one chunk of a chunked body to @p out: the size in hex, CRLF, @p data, CRLF. An
 *  empty @p data appends nothing (an empty chunk would end the body). No validation needed:
 *  chunk data is opaque. */
inline void serialize_chunk(std::string_view data, std::string& out);
/** Appends the end of a chunked body to @p out: the last chunk `0` CRLF, the @p trailers
 *  fields, and the final CRLF.
 *  @param trailers trailer fields (names tokens, values field-value characters)
 *  @param out the string to append to; left unchanged on error
 *  @param ec http::errc::bad_field for an invalid trailer; nothing is appended then. */
inline void serialize_last_chunk(const Headers& trailers, std::string& out,
                                 std::error_code& ec) noexcept;
/** Appends the end of a chunked body without trailers (`0` CRLF CRLF) to @p out. */
inline void serialize_last_chunk(std::string& out) { out.append("0\r\n\r\n"); }

// ---------------------------------------------------------------------------------------------
// Implementation

namespace detail {

/** Whether every field of @p h has a token name and a field-value value. */
inline bool valid_fields(const Headers& h) noexcept {
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (!is_token(h[i].name) || !http::is_field_value(h[i].value)) return false;
    }
    return true;
}

/** Appends `name: value` CRLF for each field of @p h. */
inline void append_fields(const Headers& h, std::string& out) {
    for (std::size_t i = 0; i < h.size(); ++i) {
        out.append(h[i].name);
        out.append(": ");
        out.append(h[i].value);
        out.append("\r\n");
    }
}

/** Whether the last coding of a Transfer-Encoding value is `chunked`. */
inline bool ends_chunked(std::string_view te) noexcept {
    bool last_chunked = false;
    return for_each_token(te,
                          [&](std::string_view t) {
                              last_chunked = iequals(t, "chunked");
                              return true;
                          }) > 0 &&
           last_chunked;
}

}  // namespace detail

inline void serialize_head(const Request& req, std::string_view host, std::string& out,
                           std::error_code& ec) noexcept {
    ec = http::errc::bad_field;
    if (!is_token(req.method) || !is_request_target(req.target)) return;
    bool has_host = false;
    bool has_agent = false;
    const Headers::Field* length = nullptr;
    if (!detail::valid_fields(req.headers)) return;
    for (std::size_t i = 0; i < req.headers.size(); ++i) {
        const Headers::Field& f = req.headers[i];
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
    detail::append_fields(req.headers, out);
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

inline void serialize_head(const Response& res, std::string& out, std::error_code& ec) noexcept {
    ec = http::errc::bad_field;
    if (res.status < 100 || res.status > 599 || (res.version != 10 && res.version != 11) ||
        !is_field_value(res.reason) || !detail::valid_fields(res.headers))
        return;
    const Headers::Field* length = nullptr;
    const Headers::Field* coding = nullptr;
    for (std::size_t i = 0; i < res.headers.size(); ++i) {
        const Headers::Field& f = res.headers[i];
        if (iequals(f.name, "Content-Length")) {
            if (length != nullptr && length->value != f.value) return;
            length = &f;
        } else if (iequals(f.name, "Transfer-Encoding")) {
            if (coding != nullptr) return;  // one field: its last coding is the one that frames
            coding = &f;
        }
    }
    const bool no_body = res.status < 200 || res.status == 204 || res.status == 304;
    std::string size;
    if (no_body) {
        if (!res.body.empty()) return;
        if (res.status != 304 && (length != nullptr || coding != nullptr)) return;
    } else if (coding != nullptr) {
        if (length != nullptr || res.version == 10 || !detail::ends_chunked(coding->value)) return;
    } else {
        size = std::to_string(res.body.size());
        if (length != nullptr && length->value != size && !res.body.empty()) return;
    }
    ec.clear();

    out.append(res.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.append(std::to_string(res.status));
    out += ' ';
    out.append(res.reason);
    out.append("\r\n");
    detail::append_fields(res.headers, out);
    if (!no_body && coding == nullptr && length == nullptr) {
        out.append("Content-Length: ");
        out.append(size);
        out.append("\r\n");
    }
    out.append("\r\n");
}

inline void serialize_head(const Response& res, std::string& out) {
    std::error_code ec;
    serialize_head(res, out, ec);
    if (ec) socklite::detail::throw_error(ec, "serialize response", std::string());
}

inline void serialize_response(const Response& res, std::string& out,
                               std::error_code& ec) noexcept {
    const std::size_t start = out.size();
    serialize_head(res, out, ec);
    if (ec) return;
    bool chunked = false;
    for (std::size_t i = 0; i < res.headers.size(); ++i)
        chunked = chunked || iequals(res.headers[i].name, "Transfer-Encoding");
    chunked = chunked && res.status >= 200 && res.status != 204 && res.status != 304;
    if (!chunked) {
        if (!res.trailers.empty()) {
            out.resize(start);
            ec = http::errc::bad_field;
            return;
        }
        out.append(res.body);
        return;
    }
    serialize_chunk(res.body, out);
    serialize_last_chunk(res.trailers, out, ec);
    if (ec) out.resize(start);
}

inline std::string serialize_response(const Response& res) {
    std::string out;
    std::error_code ec;
    serialize_response(res, out, ec);
    if (ec) socklite::detail::throw_error(ec, "serialize response", std::string());
    return out;
}

inline void serialize_chunk(std::string_view data, std::string& out) {
    if (data.empty()) return;
    static const char hex[] = "0123456789abcdef";
    char size[16];
    std::size_t n = 0;
    for (std::size_t v = data.size(); v != 0; v >>= 4) size[n++] = hex[v & 15];
    while (n > 0) out += size[--n];
    out.append("\r\n");
    out.append(data.data(), data.size());
    out.append("\r\n");
}

inline void serialize_last_chunk(const Headers& trailers, std::string& out,
                                 std::error_code& ec) noexcept {
    ec = http::errc::bad_field;
    if (!detail::valid_fields(trailers)) return;
    ec.clear();
    out.append("0\r\n");
    detail::append_fields(trailers, out);
    out.append("\r\n");
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_SERIALIZER_HPP
