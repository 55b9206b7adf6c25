// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_PARSER_TYPES_HPP
#define SOCKLITE_HTTP_PARSER_TYPES_HPP

/** @file
 *  The vocabulary of http::BasicParser (http/parser.hpp): its limits (ParserLimits), how a body
 *  is delimited (BodyKind) and the form of a request target (TargetForm). */

#include <cstddef>
#include <cstdint>
#include <limits>

#include "chunked.hpp"

namespace socklite {
namespace http {

/** Limits of the parser, enforced while bytes arrive (an endless header section is rejected as
 *  soon as it passes the limit, not when it ends). The status a server answers each with is
 *  status_for() of the error. */
struct ParserLimits {
    /** Largest header section in bytes: start line, fields and the empty line.
     *  More is http::errc::header_too_large (431). */
    std::size_t max_header_bytes = 64 * 1024;
    /** Most header fields; more is http::errc::too_many_headers (431). */
    std::size_t max_fields = 100;
    /** Longest request line without its CRLF (requests only); longer is
     *  http::errc::target_too_long (414). */
    std::size_t max_request_line = 8 * 1024;
    /** Largest body (Content-Length, or the bytes of a chunked or until-close body); more is
     *  http::errc::body_too_large (413), reported by parse_head() as soon as Content-Length is
     *  known, else by parse_body() before the body bytes that pass it. */
    std::uint64_t max_body_size = std::numeric_limits<std::uint64_t>::max();
    /** Most empty lines (CRLF) skipped before a start line (RFC 9112 section 2.2; some servers
     *  send one after a 100 Continue); more is an error of the start line. */
    std::size_t max_empty_lines = 8;
    /** Most interim (1xx) responses before the final one (responses only); more is
     *  http::errc::header_too_large (each interim head is also held to max_header_bytes and
     *  max_fields). */
    std::size_t max_interim = 64;
    /** Limits of the chunked decoder used for chunked bodies. */
    ChunkedLimits chunked;
};

/** How the body of a message is delimited (RFC 9112 section 6.3). */
enum class BodyKind {
    none,            ///< no body: a request without Content-Length or Transfer-Encoding; a
                     ///< response to HEAD, 1xx, 204, 304, 101 or a CONNECT tunnel
    content_length,  ///< exactly content_length() bytes
    chunked,         ///< the chunked transfer coding (Transfer-Encoding ends in `chunked`)
    until_close,     ///< everything until the server closes the connection (responses only)
};

/** The form of a request target (RFC 9112 section 3.2). */
enum class TargetForm {
    origin,     ///< `/path?query`, the usual one
    absolute,   ///< `http://host/path`, to a proxy
    authority,  ///< `host:port`, for CONNECT only
    asterisk,   ///< `*`, for OPTIONS only
};

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_PARSER_TYPES_HPP
