// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_ERROR_HPP
#define SOCKLITE_HTTP_ERROR_HPP

/** @file
 *  The HTTP module's error codes (socklite::http::errc) and their category. */

#include <string>
#include <system_error>
#include <type_traits>

namespace socklite {
namespace http {

/** Failures that the HTTP layer detects: malformed URLs and messages, limits, redirects.
 *
 *  The values are stable; they live in socklite::http::error_category(), named `"socklite.http"`.
 *  Core failures (an early end of stream, a bad address) stay socklite::errc values. */
enum class errc {
    bad_url = 1,              ///< a URL that does not parse
    unsupported_scheme,       ///< a URL scheme other than `http` (or `https`)
    tls_not_enabled,          ///< `https://` requested, but TLS support is not built in
    bad_status_line,          ///< an HTTP status line that breaks RFC 9112 section 4
    bad_request_line,         ///< an HTTP request line that breaks RFC 9112 section 3
    bad_version,              ///< a malformed HTTP version (not `HTTP/` DIGIT `.` DIGIT)
    bad_header,               ///< a header field that breaks RFC 9110/9112 (name, value, folding)
    header_too_large,         ///< the header section exceeds its size limit
    too_many_headers,         ///< the header section exceeds its field-count limit
    bad_content_length,       ///< a `Content-Length` that is not digits, overflows, or conflicts
    bad_transfer_encoding,    ///< a `Transfer-Encoding` the parser cannot frame
    bad_chunk,                ///< a chunk size, extension, or chunk terminator that is invalid
    trailer_too_large,        ///< the chunked trailer section exceeds its limits
    body_too_large,           ///< a message body exceeds its size limit
    bad_field,                ///< CR, LF, NUL or a bad character in a field to be sent
    too_many_redirects,       ///< a redirect chain longer than the configured limit
    bad_redirect,             ///< a redirect without a usable `Location`
    bad_target,               ///< a request target of the wrong form or with invalid characters
    target_too_long,          ///< a request line longer than its limit
    missing_host,             ///< an HTTP/1.1 request without a `Host` field
    bad_host,                 ///< a `Host` field repeated or with an invalid value
    unknown_transfer_coding,  ///< a request `Transfer-Encoding` naming a coding not known
    version_not_supported,    ///< a well-formed HTTP version other than 1.0 and 1.1 (`HTTP/2.0`)
    body_length_mismatch,     ///< a BodySource that ended before, or ran past, its stated length
    bad_content_encoding,     ///< a gzip/deflate body that is corrupt or has bytes after its end
    truncated_content_encoding,  ///< a gzip/deflate body that ends before its stream does
    decoded_body_too_large,      ///< a gzip/deflate body that decodes to more than its limit
};

/** The category of socklite::http::errc codes; its name is `"socklite.http"`. */
const std::error_category& error_category() noexcept;

/** Makes an error code from an http::errc value (found by ADL: `ec = http::errc::bad_url`). */
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

namespace detail {

class ErrcCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite.http"; }
    std::string message(int value) const override {
        const char* text = "unknown socklite.http error";
        switch (static_cast<errc>(value)) {
            case errc::bad_url: text = "invalid URL"; break;
            case errc::unsupported_scheme: text = "unsupported URL scheme"; break;
            case errc::tls_not_enabled:
                text = "TLS not enabled (https:// needs TLS support)";
                break;
            case errc::bad_status_line: text = "invalid HTTP status line"; break;
            case errc::bad_request_line: text = "invalid HTTP request line"; break;
            case errc::bad_version: text = "invalid HTTP version"; break;
            case errc::bad_header: text = "invalid HTTP header field"; break;
            case errc::header_too_large: text = "HTTP header section too large"; break;
            case errc::too_many_headers: text = "too many HTTP header fields"; break;
            case errc::bad_content_length: text = "invalid Content-Length"; break;
            case errc::bad_transfer_encoding: text = "unsupported Transfer-Encoding"; break;
            case errc::bad_chunk: text = "invalid chunked encoding"; break;
            case errc::trailer_too_large: text = "chunked trailer section too large"; break;
            case errc::body_too_large: text = "message body too large"; break;
            case errc::bad_field:
                text = "CR, LF, NUL or invalid character in a field to be sent";
                break;
            case errc::too_many_redirects: text = "too many redirects"; break;
            case errc::bad_redirect: text = "redirect without a usable Location"; break;
            case errc::bad_target: text = "invalid HTTP request target"; break;
            case errc::target_too_long: text = "HTTP request line too long"; break;
            case errc::missing_host: text = "HTTP/1.1 request without Host"; break;
            case errc::bad_host: text = "invalid or repeated Host field"; break;
            case errc::unknown_transfer_coding: text = "unknown transfer coding"; break;
            case errc::version_not_supported: text = "HTTP version not supported"; break;
            case errc::body_length_mismatch:
                text = "request body source does not match its length";
                break;
            case errc::bad_content_encoding: text = "invalid gzip/deflate content coding"; break;
            case errc::truncated_content_encoding:
                text = "gzip/deflate content coding truncated";
                break;
            case errc::decoded_body_too_large: text = "decoded message body too large"; break;
        }
        return text;
    }
};

}  // namespace detail

inline const std::error_category& error_category() noexcept {
    static const detail::ErrcCategory category;
    return category;
}

}  // namespace http
}  // namespace socklite

namespace std {
/** Lets socklite::http::errc convert implicitly to `std::error_code`. */
template <>
struct is_error_code_enum<socklite::http::errc> : true_type {};
}  // namespace std

#endif  // SOCKLITE_HTTP_ERROR_HPP
