// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_MESSAGE_HPP
#define SOCKLITE_WS_MESSAGE_HPP

/** @file
 *  The WebSocket protocol without I/O (socklite::ws::Protocol): frames to messages, UTF-8
 *  validation, automatic pongs and the close handshake, for either role. A client or server
 *  session moves bytes between a transport and a Protocol. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "../detail/random.hpp"
#include "error.hpp"
#include "frame.hpp"
#include "utf8.hpp"

namespace socklite {
namespace ws {

/** Size limits on what is received; more is errc::frame_too_large or errc::message_too_large,
 *  answered with close code 1009. */
struct Limits {
    std::uint64_t max_frame_size = 64u << 20;    ///< largest frame payload (64 MiB)
    std::uint64_t max_message_size = 64u << 20;  ///< largest message, all fragments (64 MiB)
};

/** What Protocol::feed() found. */
enum class EventKind {
    need_more,  ///< nothing complete yet: feed more bytes
    text,       ///< a whole text message (valid UTF-8) is in Protocol::message()
    binary,     ///< a whole binary message is in Protocol::message()
    ping,       ///< a ping, its payload in Protocol::control(); a pong is already queued
    pong,       ///< a pong, its payload in Protocol::control()
    close,      ///< the peer's close: Protocol::close_code() and close_reason()
    error,      ///< a protocol error, Event::ec; a close frame with its code is queued
};

/** The outcome of Protocol::feed(): the caller drops the first `consumed` bytes of its input. */
struct Event {
    EventKind kind = EventKind::need_more;  ///< what was found
    std::size_t consumed = 0;               ///< input bytes used
    std::error_code ec;                     ///< the reason when kind is EventKind::error
};

/** The close code that says no status was given (RFC 6455 section 7.4.1); never sent. */
inline constexpr std::uint16_t close_no_status = 1005;

/** Whether @p code may be sent in a close frame (RFC 6455 section 7.4, IANA registry): 1000-1003,
 *  1007-1014 and 3000-4999. 1004 is reserved, 1005, 1006 and 1015 are never sent, the rest
 *  below 3000 are unassigned. */
constexpr bool valid_close_code(std::uint16_t code) noexcept {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

/** One WebSocket connection's protocol state for an endpoint of role @p R, without I/O.
 *
 *  Receiving: feed() takes the bytes that arrived and reports one event at a time: a whole
 *  text or binary message (fragments joined; text validated as UTF-8 across fragments and
 *  feeds, failing at the first invalid byte), a ping (its pong is queued at once), a pong, the
 *  peer's close (validated: a 1-byte payload or an invalid code is errc::bad_close_frame,
 *  1002; a reason that is not UTF-8 is errc::invalid_utf8, 1007; the close is echoed with the
 *  same code unless we closed first), or an error (a close frame with close_code_for() the
 *  error is queued). After a close or an error, feed() reports errc::closed.
 *
 *  Sending: send() and close() append frames to output(); the transport writes output() and
 *  erases what it wrote. A client masks every frame with a fresh key from the kernel's random
 *  source (detail::random_u32()).
 *
 *  @par Example
 *  @code
 *  socklite::ws::Protocol<socklite::ws::Role::client> ws;
 *  socklite::ws::Event e = ws.feed(input);
 *  input.erase(0, e.consumed);
 *  if (e.kind == socklite::ws::EventKind::text) print(ws.message());
 *  write_all(ws.output()); ws.output().clear();   // pongs, close echoes
 *  @endcode */
template <Role R>
class Protocol {
public:
    /** A protocol state with the given receive limits. */
    explicit Protocol(const Limits& limits = {})
        : limits_(limits), parser_(limits.max_frame_size) {}

    /** Processes received bytes from the start of @p data up to the first event. Allocates
     *  only to grow the message and output buffers. */
    Event feed(std::string_view data);

    /** The last text or binary message (the caller may move it out). */
    std::string& message() noexcept { return message_; }
    /** The payload of the last ping, pong or close. */
    const std::string& control() const noexcept { return control_; }
    /** The peer's close code (close_no_status when its close had no payload). */
    std::uint16_t close_code() const noexcept { return close_code_; }
    /** The peer's close reason (a view into control()). */
    std::string_view close_reason() const noexcept {
        return control_.size() > 2 ? std::string_view(control_).substr(2) : std::string_view();
    }

    /** Queues one frame: a whole message (text or binary) when @p fin, else a fragment (then
     *  Opcode::continuation for the next ones); ping and pong payloads of at most 125 bytes.
     *  Does nothing once a close was sent (RFC 6455 section 5.5.1). */
    void send(Opcode op, std::string_view payload, bool fin = true);
    /** Queues a close frame with @p code (a valid_close_code(), or close_no_status for an empty
     *  payload) and @p reason (UTF-8, at most 123 bytes); does nothing if a close was sent. */
    void close(std::uint16_t code = 1000, std::string_view reason = {});

    /** The bytes to send, in order; the transport erases what it wrote. */
    std::string& output() noexcept { return output_; }
    /** The bytes to write to the transport, read-only. */
    const std::string& output() const noexcept { return output_; }
    /** Whether our close frame was queued. */
    bool close_sent() const noexcept { return close_sent_; }
    /** Whether the peer's close frame arrived. */
    bool close_received() const noexcept { return close_received_; }
    /** Whether a protocol error ended the connection. */
    bool failed() const noexcept { return static_cast<bool>(error_); }
    /** Whether the close handshake is over (both closes exchanged) or an error ended it. */
    bool closed() const noexcept { return (close_sent_ && close_received_) || failed(); }

private:
    Event fail(std::error_code ec, std::size_t consumed);
    MaskKey next_key();
    void append_payload(std::string& to, const FrameResult& r);

    Limits limits_;
    FrameParser<R> parser_;
    Utf8Validator utf8_;
    Opcode message_opcode_ = Opcode::binary;
    std::string message_;
    std::string control_;
    std::string output_;
    std::uint16_t close_code_ = close_no_status;
    bool close_sent_ = false;
    bool close_received_ = false;
    std::error_code error_;
};

// ---------------------------------------------------------------------------------------------

template <Role R>
inline MaskKey Protocol<R>::next_key() {
    std::uint32_t v = socklite::detail::random_u32();
    MaskKey key;
    std::memcpy(key.data(), &v, 4);
    return key;
}

template <Role R>
inline void Protocol<R>::append_payload(std::string& to, const FrameResult& r) {
    const std::size_t at = to.size();
    to.append(r.payload.data(), r.payload.size());
    if (parser_.header().masked && !r.payload.empty())
        unmask(&to[at], r.payload.size(), parser_.header().mask, r.payload_offset);
}

template <Role R>
inline Event Protocol<R>::fail(std::error_code ec, std::size_t consumed) {
    error_ = ec;
    if (!close_sent_) {
        std::uint16_t code = close_code_for(ec);
        char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        send(Opcode::close, std::string_view(payload, 2));
        close_sent_ = true;
    }
    return Event{EventKind::error, consumed, ec};
}

template <Role R>
inline Event Protocol<R>::feed(std::string_view data) {
    if (error_ || close_received_) return Event{EventKind::error, 0, errc::closed};
    std::size_t used = 0;
    for (;;) {
        FrameResult r = parser_.parse(data.substr(used));
        if (r.error()) return fail(r.ec, used);
        used += r.consumed;
        const FrameHeader& h = parser_.header();
        const bool frame_start = r.payload_offset == 0 && (r.consumed != 0 || r.complete());
        if (is_control(h.opcode)) {
            if (frame_start) control_.clear();
            append_payload(control_, r);
        } else {
            if (frame_start && h.opcode != Opcode::continuation) {
                message_opcode_ = h.opcode;
                message_.clear();
                utf8_.reset();
            }
            if (frame_start && message_.size() + h.payload_size > limits_.max_message_size)
                return fail(errc::message_too_large, used);
            const std::size_t at = message_.size();
            append_payload(message_, r);
            if (message_opcode_ == Opcode::text &&
                !utf8_.feed(std::string_view(message_).substr(at)))
                return fail(errc::invalid_utf8, used);
        }
        if (!r.complete()) return Event{EventKind::need_more, used, {}};
        switch (h.opcode) {
            case Opcode::ping:
                if (!close_sent_) send(Opcode::pong, control_);
                return Event{EventKind::ping, used, {}};
            case Opcode::pong: return Event{EventKind::pong, used, {}};
            case Opcode::close: {
                close_code_ = close_no_status;
                if (control_.size() == 1) return fail(errc::bad_close_frame, used);
                if (control_.size() >= 2) {
                    close_code_ =
                        static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                                   static_cast<std::uint8_t>(control_[1]));
                    if (!valid_close_code(close_code_)) return fail(errc::bad_close_frame, used);
                    if (!Utf8Validator::valid(close_reason()))
                        return fail(errc::invalid_utf8, used);
                }
                close_received_ = true;
                if (!close_sent_) close(close_code_);  // echo the code (section 5.5.1)
                return Event{EventKind::close, used, {}};
            }
            default:
                if (!h.fin) break;
                if (message_opcode_ == Opcode::text) {
                    if (!utf8_.complete()) return fail(errc::invalid_utf8, used);
                    return Event{EventKind::text, used, {}};
                }
                return Event{EventKind::binary, used, {}};
        }
    }
}

template <Role R>
inline void Protocol<R>::send(Opcode op, std::string_view payload, bool fin) {
    if (close_sent_) return;
    append_frame<R>(output_, op, payload, fin, R == Role::client ? next_key() : MaskKey{});
}

template <Role R>
inline void Protocol<R>::close(std::uint16_t code, std::string_view reason) {
    if (close_sent_) return;
    if (code == close_no_status) {
        send(Opcode::close, {});
    } else {
        std::string payload;
        payload += static_cast<char>(code >> 8);
        payload += static_cast<char>(code & 0xFF);
        payload.append(reason.substr(0, max_control_payload - 2));
        send(Opcode::close, payload);
    }
    close_sent_ = true;
}

}  // namespace ws
}  // namespace socklite

#endif  // SOCKLITE_WS_MESSAGE_HPP
