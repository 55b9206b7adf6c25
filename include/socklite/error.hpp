// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_ERROR_HPP
#define SOCKLITE_ERROR_HPP

/** @file
 *  The error model: socklite::Error, the library's own error codes (socklite::errc) and the
 *  category for name-resolution failures.
 *
 *  Every fallible operation comes in two overloads, as in `std::filesystem`: one throws
 *  socklite::Error, the other is `noexcept` and reports through a `std::error_code&`.
 *  Operating-system failures use `std::system_category()` (compare them with `std::errc`
 *  values: `ec == std::errc::connection_refused`); a timeout is always `std::errc::timed_out`
 *  and a non-blocking call that cannot proceed is `std::errc::operation_would_block`. */

#include <string>
#include <system_error>
#include <type_traits>

#include <netdb.h>

namespace socklite {

/** Failures that the library itself detects (protocol violations, limits, closed peers).
 *
 *  The values are stable; they live in socklite::error_category(). */
enum class errc {
    unexpected_eof = 1,     ///< the peer closed before the expected bytes arrived
    bad_address,            ///< text that is not a valid address (`host:port`, `[v6]:port`, path)
    no_address,             ///< name resolution returned no usable address
    line_too_long,          ///< a line exceeded the framing limit before its `\n`
    queue_full,             ///< an output queue would exceed its byte bound
    bad_url,                ///< a URL that does not parse
    unsupported_scheme,     ///< a URL scheme other than `http` (or `https`)
    tls_not_enabled,        ///< `https://` requested, but TLS support is not built in
    bad_status_line,        ///< an HTTP status line that breaks RFC 9112 section 4
    bad_request_line,       ///< an HTTP request line that breaks RFC 9112 section 3
    bad_version,            ///< an HTTP version other than `HTTP/1.0` or `HTTP/1.1`
    bad_header,             ///< a header field that breaks RFC 9110/9112 (name, value, folding)
    header_too_large,       ///< the header section exceeds its size limit
    too_many_headers,       ///< the header section exceeds its field-count limit
    bad_content_length,     ///< a `Content-Length` that is not digits, overflows, or conflicts
    bad_transfer_encoding,  ///< a `Transfer-Encoding` the parser cannot frame
    bad_chunk,              ///< a chunk size, extension, or chunk terminator that is invalid
    trailer_too_large,      ///< the chunked trailer section exceeds its limits
    body_too_large,         ///< a message body exceeds its size limit
    bad_field,              ///< CR, LF, NUL or a bad character in a field to be sent
    too_many_redirects,     ///< a redirect chain longer than the configured limit
    bad_redirect,           ///< a redirect without a usable `Location`
    websocket_handshake,    ///< a WebSocket opening handshake that fails RFC 6455 section 4
    websocket_protocol,     ///< a WebSocket frame or message that breaks RFC 6455
    websocket_message_too_big,  ///< a WebSocket message exceeds its size limit
};

/** The category of socklite::errc codes; its name is `"socklite"`. */
const std::error_category& error_category() noexcept;

/** The category of name-resolution failures: values are `getaddrinfo` `EAI_*` codes and
 *  messages come from `gai_strerror`. Its name is `"socklite.resolve"`. */
const std::error_category& resolve_category() noexcept;

/** Makes an error code from a socklite::errc value (found by ADL, so `ec = errc::bad_url` works). */
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/** The exception thrown by every throwing overload.
 *
 *  It is a `std::system_error`: code() gives the error code and what() reads
 *  `OPERATION PEER: MESSAGE`, e.g. `connect 127.0.0.1:8000: Connection refused`. */
class Error : public std::system_error {
public:
    /** Makes an error for @p ec; @p context names the operation and peer (`"connect 1.2.3.4:80"`). */
    Error(std::error_code ec, const std::string& context) : std::system_error(ec, context) {}
};

namespace detail {

/** Throws Error(@p ec, "@p op @p peer"), or "@p op" when @p peer is empty. */
[[noreturn]] inline void throw_error(std::error_code ec, const char* op, const std::string& peer) {
    std::string context(op);
    if (!peer.empty()) {
        context += ' ';
        context += peer;
    }
    throw Error(ec, context);
}

/** The current `errno` as a system error code. */
inline std::error_code last_error() noexcept;

}  // namespace detail
}  // namespace socklite

namespace std {
/** Lets socklite::errc convert implicitly to `std::error_code`. */
template <>
struct is_error_code_enum<socklite::errc> : true_type {};
}  // namespace std

// ---------------------------------------------------------------------------------------------
// Implementation

#include <cerrno>

namespace socklite {
namespace detail {

class ErrcCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite"; }
    std::string message(int value) const override {
        // One string built from a pointer: a return of a literal per case would expand to
        // a std::string construction per case in every program that uses the category.
        const char* text = "unknown socklite error";
        switch (static_cast<errc>(value)) {
            case errc::unexpected_eof:
                text = "connection closed by peer before the data was complete";
                break;
            case errc::bad_address: text = "invalid address"; break;
            case errc::no_address: text = "no usable address for host"; break;
            case errc::line_too_long: text = "line too long"; break;
            case errc::queue_full: text = "output queue full"; break;
            case errc::bad_url: text = "invalid URL"; break;
            case errc::unsupported_scheme: text = "unsupported URL scheme"; break;
            case errc::tls_not_enabled:
                text = "TLS not enabled (https:// needs TLS support)";
                break;
            case errc::bad_status_line: text = "invalid HTTP status line"; break;
            case errc::bad_request_line: text = "invalid HTTP request line"; break;
            case errc::bad_version: text = "unsupported HTTP version"; break;
            case errc::bad_header: text = "invalid HTTP header field"; break;
            case errc::header_too_large: text = "HTTP header section too large"; break;
            case errc::too_many_headers: text = "too many HTTP header fields"; break;
            case errc::bad_content_length: text = "invalid Content-Length"; break;
            case errc::bad_transfer_encoding: text = "unsupported Transfer-Encoding"; break;
            case errc::bad_chunk: text = "invalid chunked encoding"; break;
            case errc::trailer_too_large: text = "chunked trailer section too large"; break;
            case errc::body_too_large: text = "message body too large"; break;
            case errc::bad_field:
                text = "CR, LF, NUL or invalid character in a request field";
                break;
            case errc::too_many_redirects: text = "too many redirects"; break;
            case errc::bad_redirect: text = "redirect without a usable Location"; break;
            case errc::websocket_handshake: text = "WebSocket handshake failed"; break;
            case errc::websocket_protocol: text = "WebSocket protocol error"; break;
            case errc::websocket_message_too_big: text = "WebSocket message too big"; break;
        }
        return text;
    }
};

class ResolveCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite.resolve"; }
    std::string message(int value) const override { return ::gai_strerror(value); }
};

inline std::error_code last_error() noexcept { return {errno, std::system_category()}; }

}  // namespace detail

inline const std::error_category& error_category() noexcept {
    static const detail::ErrcCategory category;
    return category;
}

inline const std::error_category& resolve_category() noexcept {
    static const detail::ResolveCategory category;
    return category;
}

}  // namespace socklite

#endif  // SOCKLITE_ERROR_HPP
