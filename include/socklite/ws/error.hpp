// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_ERROR_HPP
#define SOCKLITE_WS_ERROR_HPP

/** @file
 *  The WebSocket module's error codes (socklite::ws::errc), their category and the close code
 *  (RFC 6455 section 7.4.1) that answers each protocol error. No I/O. */

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

namespace socklite {
namespace ws {

/** Failures that the WebSocket layer detects: bad frames, bad messages, bad handshakes.
 *
 *  The values are stable; they live in socklite::ws::error_category(), named `"socklite.ws"`.
 *  close_code_for() gives the close status that reports each one to the peer. */
enum class errc {
    reserved_bits = 1,        ///< RSV1-3 set while no extension was negotiated (section 5.2)
    bad_opcode,               ///< a reserved opcode, 3-7 or 11-15 (section 5.2)
    unmasked_frame,           ///< a client frame without mask, received by a server (section 5.1)
    masked_frame,             ///< a server frame with a mask, received by a client (section 5.1)
    bad_length,               ///< a payload length not in minimal form, or of 2^63 or more (5.2)
    bad_control_frame,        ///< a control frame fragmented or longer than 125 bytes (5.5)
    unexpected_continuation,  ///< a continuation frame with no message to continue (5.4)
    expected_continuation,    ///< a new text or binary frame inside a fragmented message (5.4)
    frame_too_large,          ///< a frame over the configured frame size limit (close 1009)
    message_too_large,        ///< a message over the configured message size limit (close 1009)
    invalid_utf8,             ///< a text message or close reason that is not UTF-8 (close 1007)
    bad_close_frame,          ///< a close payload of one byte, or an invalid status code (7.4)
    bad_handshake,            ///< an opening handshake that breaks section 4 (status, fields)
    bad_accept,               ///< a `Sec-WebSocket-Accept` that does not match the key sent
    bad_subprotocol,          ///< a subprotocol the client did not offer
    bad_version,              ///< a request without `Sec-WebSocket-Version: 13` (answer 426)
    unsupported_scheme,       ///< a URL scheme other than `ws` (or `wss`)
    tls_not_enabled,          ///< `wss://` requested, but TLS support is not built in
    closed,                   ///< the connection is closed: the close handshake is over or failed
};

/** The category of socklite::ws::errc codes; its name is `"socklite.ws"`. */
const std::error_category& error_category() noexcept;

/** Makes an error code from a ws::errc value (found by ADL: `ec = ws::errc::bad_opcode`). */
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/** The close status code (RFC 6455 section 7.4.1) that reports @p ec to the peer: 1009 for the
 *  size limits, 1007 for invalid UTF-8, 1002 for the other protocol errors, 1011 for anything
 *  else (not a WebSocket protocol error). No allocation. */
inline std::uint16_t close_code_for(const std::error_code& ec) noexcept {
    if (ec.category() != error_category()) return 1011;
    switch (static_cast<errc>(ec.value())) {
        case errc::frame_too_large:
        case errc::message_too_large: return 1009;
        case errc::invalid_utf8: return 1007;
        default: return 1002;
    }
}

namespace detail {

class ErrcCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite.ws"; }
    std::string message(int value) const override {
        const char* text = "unknown socklite.ws error";
        switch (static_cast<errc>(value)) {
            case errc::reserved_bits: text = "WebSocket frame with reserved bits set"; break;
            case errc::bad_opcode: text = "WebSocket frame with a reserved opcode"; break;
            case errc::unmasked_frame: text = "unmasked WebSocket frame from a client"; break;
            case errc::masked_frame: text = "masked WebSocket frame from a server"; break;
            case errc::bad_length: text = "invalid WebSocket payload length"; break;
            case errc::bad_control_frame:
                text = "WebSocket control frame fragmented or over 125 bytes";
                break;
            case errc::unexpected_continuation:
                text = "WebSocket continuation frame without a message";
                break;
            case errc::expected_continuation:
                text = "new WebSocket message inside a fragmented one";
                break;
            case errc::frame_too_large: text = "WebSocket frame too large"; break;
            case errc::message_too_large: text = "WebSocket message too large"; break;
            case errc::invalid_utf8: text = "invalid UTF-8 in WebSocket text"; break;
            case errc::bad_close_frame: text = "invalid WebSocket close frame"; break;
            case errc::bad_handshake: text = "invalid WebSocket handshake"; break;
            case errc::bad_accept: text = "wrong Sec-WebSocket-Accept"; break;
            case errc::bad_subprotocol: text = "WebSocket subprotocol not offered"; break;
            case errc::bad_version: text = "WebSocket version not supported (need 13)"; break;
            case errc::unsupported_scheme: text = "unsupported WebSocket URL scheme"; break;
            case errc::tls_not_enabled: text = "TLS not enabled (wss:// needs TLS support)"; break;
            case errc::closed: text = "WebSocket closed"; break;
        }
        return text;
    }
};

}  // namespace detail

inline const std::error_category& error_category() noexcept {
    static const detail::ErrcCategory category;
    return category;
}

}  // namespace ws
}  // namespace socklite

namespace std {
/** Lets socklite::ws::errc convert implicitly to `std::error_code`. */
template <>
struct is_error_code_enum<socklite::ws::errc> : true_type {};
}  // namespace std

#endif  // SOCKLITE_WS_ERROR_HPP
