// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_PARSE_RESULT_HPP
#define SOCKLITE_HTTP_PARSE_RESULT_HPP

/** @file
 *  The result of every step of the HTTP parsers (http::ParseResult, http::ParseStatus), and the
 *  HTTP status that answers a request that failed to parse (http::status_for()). No I/O. */

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "error.hpp"

namespace socklite {
namespace http {

/** What a parse step achieved. */
enum class ParseStatus {
    complete,   ///< the element (head, body, message) is complete
    need_more,  ///< more input is needed (after the consumed bytes, if any)
    error,      ///< the input is invalid; ParseResult::ec says why; the parser stays in error
};

/** The outcome of one parse step: how many input bytes were used, body bytes found, and the
 *  status.
 *
 *  The contract of every parser here: the caller may drop the first `consumed` bytes of the
 *  input; the rest must be presented again, at the start of the next call, followed by any new
 *  bytes. */
struct ParseResult {
    ParseStatus status = ParseStatus::need_more;  ///< complete, need_more or error
    std::size_t consumed = 0;                     ///< input bytes used (the caller may drop them)
    std::string_view body;  ///< body bytes found in the input (a view into it), may be empty
    std::error_code ec;     ///< the reason when status is ParseStatus::error

    /** Whether status is ParseStatus::complete. */
    bool complete() const noexcept { return status == ParseStatus::complete; }
    /** Whether status is ParseStatus::need_more. */
    bool need_more() const noexcept { return status == ParseStatus::need_more; }
    /** Whether status is ParseStatus::error. */
    bool error() const noexcept { return status == ParseStatus::error; }
};

/** The HTTP status a server should answer a request with when reading it failed with @p ec
 *  (RFC 9110 section 15, RFC 6585 section 5).
 *  @return 414 for http::errc::target_too_long; 431 for header_too_large, too_many_headers and
 *  trailer_too_large; 413 for body_too_large; 501 for unknown_transfer_coding; 505 for
 *  version_not_supported; 400 for the other errors of a malformed request (request line,
 *  target, version, Host, header fields, framing, chunked coding, and a request cut short:
 *  socklite::errc::unexpected_eof); 500 for any other code, which is not about the request.
 *  No allocation. */
inline int status_for(const std::error_code& ec) noexcept {
    if (ec.category() != error_category()) return ec == socklite::errc::unexpected_eof ? 400 : 500;
    switch (static_cast<errc>(ec.value())) {
        case errc::target_too_long: return 414;
        case errc::header_too_large:
        case errc::too_many_headers:
        case errc::trailer_too_large: return 431;
        case errc::body_too_large: return 413;
        case errc::unknown_transfer_coding: return 501;
        case errc::version_not_supported: return 505;
        case errc::bad_request_line:
        case errc::bad_version:
        case errc::bad_header:
        case errc::bad_content_length:
        case errc::bad_transfer_encoding:
        case errc::bad_chunk:
        case errc::bad_target:
        case errc::missing_host:
        case errc::bad_host: return 400;
        default: return 500;
    }
}

namespace detail {

/** The sticky error of a parser: once set, every later call reports it again (until reset).
 *  The one failure path of the message parser and the chunked decoder. */
struct StickyError {
    std::error_code ec;  ///< the error, or none

    /** Whether an error has been recorded. */
    bool set() const noexcept { return static_cast<bool>(ec); }
    /** Records @p e and returns it as an error result that used @p consumed bytes. */
    ParseResult fail(std::size_t consumed, std::error_code e) noexcept {
        ec = e;
        return again(consumed);
    }
    /** The recorded error as a result. */
    ParseResult again(std::size_t consumed = 0) const noexcept {
        ParseResult r;
        r.status = ParseStatus::error;
        r.consumed = consumed;
        r.ec = ec;
        return r;
    }
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_PARSE_RESULT_HPP
