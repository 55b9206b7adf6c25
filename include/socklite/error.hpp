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

/** Failures of the core layer that the library itself detects (closed peers, addresses, limits).
 *
 *  Each module has its own codes and category, as in Beast: HTTP's are socklite::http::errc
 *  (`socklite/http/error.hpp`). The values are stable; they live in socklite::error_category(). */
enum class errc {
    unexpected_eof = 1,  ///< the peer closed before the expected bytes arrived
    bad_address,         ///< text that is not a valid address (`host:port`, `[v6]:port`, path)
    no_address,          ///< name resolution returned no usable address
    line_too_long,       ///< a line exceeded the framing limit before its `\n`
    queue_full,          ///< an output queue would exceed its byte bound
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
        const char* text = "unknown socklite error";
        switch (static_cast<errc>(value)) {
            case errc::unexpected_eof:
                text = "connection closed by peer before the data was complete";
                break;
            case errc::bad_address: text = "invalid address"; break;
            case errc::no_address: text = "no usable address for host"; break;
            case errc::line_too_long: text = "line too long"; break;
            case errc::queue_full: text = "output queue full"; break;
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
