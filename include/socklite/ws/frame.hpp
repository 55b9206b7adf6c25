// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_FRAME_HPP
#define SOCKLITE_WS_FRAME_HPP

/** @file
 *  The WebSocket frame codec (RFC 6455 section 5): an incremental frame parser and frame
 *  builders for either role, fixed at compile time, and the masking transform. Pure code: no
 *  I/O, no allocation but in append_frame(). */

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"

namespace socklite {
namespace ws {

/** The endpoint that the code runs on: a client masks what it sends and receives unmasked
 *  frames; a server the reverse (RFC 6455 section 5.1). */
enum class Role { client, server };

/** Frame opcodes (RFC 6455 section 5.2); the others are reserved. */
enum class Opcode : std::uint8_t {
    continuation = 0x0,  ///< a later fragment of a text or binary message
    text = 0x1,          ///< the first frame of a text (UTF-8) message
    binary = 0x2,        ///< the first frame of a binary message
    close = 0x8,         ///< close: optional status code and reason
    ping = 0x9,          ///< ping: the peer answers with a pong carrying the same payload
    pong = 0xA,          ///< pong: the answer to a ping (or an unsolicited heartbeat)
};

/** Whether @p op is a control opcode (close, ping, pong). */
constexpr bool is_control(Opcode op) noexcept { return (static_cast<unsigned>(op) & 0x8) != 0; }

/** A masking key: four bytes XORed over the payload in turn (RFC 6455 section 5.3). */
using MaskKey = std::array<std::uint8_t, 4>;

/** The largest frame header: 2 bytes, an 8-byte length and a 4-byte masking key. */
inline constexpr std::size_t max_frame_header_size = 14;

/** The largest payload of a control frame (RFC 6455 section 5.5). */
inline constexpr std::size_t max_control_payload = 125;

/** A frame header as received. */
struct FrameHeader {
    bool fin = false;                      ///< the last frame of its message
    Opcode opcode = Opcode::continuation;  ///< what the frame carries
    bool masked = false;                   ///< whether a masking key is present
    MaskKey mask{};                        ///< the masking key (zeros when not masked)
    std::uint64_t payload_size = 0;        ///< the payload length in bytes
};

/** What one FrameParser::parse() call achieved. */
enum class FrameStatus {
    need_more,  ///< the frame is not complete: present the unconsumed bytes again with more
    complete,   ///< the frame ended in this call (its last payload bytes are in `payload`)
    error,      ///< the input is invalid; FrameResult::ec says why; the parser stays in error
};

/** The outcome of one FrameParser::parse() call.
 *
 *  As with every parser here, the caller may drop the first `consumed` bytes of the input and
 *  must present the rest again, followed by any new bytes. */
struct FrameResult {
    FrameStatus status = FrameStatus::need_more;  ///< need_more, complete or error
    std::size_t consumed = 0;                     ///< input bytes used
    std::string_view payload;          ///< payload bytes found, as on the wire (still masked)
    std::uint64_t payload_offset = 0;  ///< where `payload` starts in the frame's payload
    std::error_code ec;                ///< the reason when status is FrameStatus::error

    /** Whether status is FrameStatus::complete. */
    bool complete() const noexcept { return status == FrameStatus::complete; }
    /** Whether status is FrameStatus::need_more. */
    bool need_more() const noexcept { return status == FrameStatus::need_more; }
    /** Whether status is FrameStatus::error. */
    bool error() const noexcept { return status == FrameStatus::error; }
};

/** Parses the frames that an endpoint of role @p R receives, one at a time, in pieces of any
 *  size.
 *
 *  A header is consumed whole or not at all; payload bytes are handed out as they arrive, as
 *  views into the input (zero-copy, still masked: unmask them with unmask() or unmask_copy()
 *  and FrameResult::payload_offset). Checked per frame, each as soon as its bytes are in
 *  (errors in ws::errc): no RSV bit (no extension is negotiated), no reserved opcode, the
 *  mask present exactly when the sender is a client, the length in minimal form and below
 *  2^63, control frames final and at most 125 bytes, continuation frames only inside a
 *  fragmented message and no new message inside one (control frames may come between
 *  fragments), and the payload within the frame size limit (errc::frame_too_large, 1009).
 *  No allocation, no I/O.
 *
 *  @par Example
 *  @code
 *  socklite::ws::FrameParser<socklite::ws::Role::client> p;
 *  auto r = p.parse(bytes);                   // bytes received and not consumed yet
 *  if (r.error()) fail(close_code_for(r.ec));
 *  use(p.header(), r.payload);                // a view into bytes
 *  bytes.erase(0, r.consumed);
 *  @endcode */
template <Role R>
class FrameParser {
public:
    /** A parser that rejects frames of more than @p max_frame_size payload bytes. */
    explicit FrameParser(std::uint64_t max_frame_size = UINT64_MAX) noexcept
        : max_frame_size_(max_frame_size) {}

    /** Parses from the start of @p data: the rest of the current frame, or the next frame.
     *  Stops at the end of a frame, so that one call returns at most one frame's payload. */
    FrameResult parse(std::string_view data) noexcept;

    /** The header of the current frame (or of the last one, after a complete result). */
    const FrameHeader& header() const noexcept { return header_; }
    /** Whether a header was read and its payload is not complete yet. */
    bool in_frame() const noexcept { return in_frame_; }
    /** Whether a fragmented message is in progress (its final frame not seen yet). */
    bool in_message() const noexcept { return in_message_; }
    /** Starts over, before a new stream (keeps the limit). */
    void reset() noexcept { *this = FrameParser(max_frame_size_); }

private:
    FrameResult fail(errc e) noexcept {
        ec_ = e;
        FrameResult r;
        r.status = FrameStatus::error;
        r.ec = ec_;
        return r;
    }

    std::uint64_t max_frame_size_;
    FrameHeader header_;
    std::uint64_t received_ = 0;  // payload bytes of the current frame handed out
    bool in_frame_ = false;
    bool in_message_ = false;
    std::error_code ec_;
};

/** XORs @p key over @p size bytes at @p data, the first being byte @p offset of a payload
 *  (masking and unmasking are the same transform). No allocation. */
inline void unmask(char* data, std::size_t size, const MaskKey& key,
                   std::uint64_t offset = 0) noexcept;

/** As unmask(), writing the result to @p out (which may be @p data itself). */
inline void unmask_copy(const char* data, std::size_t size, char* out, const MaskKey& key,
                        std::uint64_t offset = 0) noexcept;

/** Writes the header of a frame sent by an endpoint of role @p R into @p out (at least
 *  max_frame_header_size bytes): a client's frame carries @p key (send a fresh random one per
 *  frame, RFC 6455 section 10.3), a server's has none and @p key is ignored. The length takes
 *  its minimal form. The caller keeps control frames final and within 125 bytes.
 *  @return the header size (2 to 14). No allocation. */
template <Role R>
std::size_t write_frame_header(char* out, Opcode op, std::uint64_t payload_size, bool fin = true,
                               const MaskKey& key = {}) noexcept;

/** Appends a whole frame sent by an endpoint of role @p R to @p out: the header from
 *  write_frame_header() and @p payload, masked with @p key when @p R is Role::client. */
template <Role R>
void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin = true,
                  const MaskKey& key = {});

// ---------------------------------------------------------------------------------------------

template <Role R>
inline FrameResult FrameParser<R>::parse(std::string_view data) noexcept {
    if (ec_) {
        FrameResult r;
        r.status = FrameStatus::error;
        r.ec = ec_;
        return r;
    }
    FrameResult r;
    if (!in_frame_) {
        if (data.size() < 2) return r;
        const auto b0 = static_cast<std::uint8_t>(data[0]);
        const auto b1 = static_cast<std::uint8_t>(data[1]);
        if (b0 & 0x70) return fail(errc::reserved_bits);  // no extension negotiated
        const unsigned op = b0 & 0x0Fu;
        if ((op >= 3 && op <= 7) || op >= 11) return fail(errc::bad_opcode);
        const bool fin = (b0 & 0x80) != 0;
        const bool masked = (b1 & 0x80) != 0;
        if (R == Role::server && !masked) return fail(errc::unmasked_frame);
        if (R == Role::client && masked) return fail(errc::masked_frame);
        const unsigned len7 = b1 & 0x7Fu;
        const bool control = op >= 8;
        if (control && (!fin || len7 > max_control_payload)) return fail(errc::bad_control_frame);
        if (op == 0 && !in_message_) return fail(errc::unexpected_continuation);
        if ((op == 1 || op == 2) && in_message_) return fail(errc::expected_continuation);
        const std::size_t length_bytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        const std::size_t size = 2 + length_bytes + (masked ? 4 : 0);
        std::uint64_t length = len7;
        if (length_bytes != 0) {
            if (data.size() < 2 + length_bytes) return r;
            length = 0;
            for (std::size_t i = 0; i < length_bytes; ++i)
                length = (length << 8) | static_cast<std::uint8_t>(data[2 + i]);
            // Section 5.2: the minimal number of bytes must be used; the 64-bit form has its
            // most significant bit 0.
            if (len7 == 126 && length < 126) return fail(errc::bad_length);
            if (len7 == 127 && (length <= 0xFFFF || (length >> 63) != 0))
                return fail(errc::bad_length);
        }
        if (length > max_frame_size_) return fail(errc::frame_too_large);
        if (data.size() < size) return r;
        header_ = FrameHeader{};
        header_.fin = fin;
        header_.opcode = static_cast<Opcode>(op);
        header_.masked = masked;
        if (masked) std::memcpy(header_.mask.data(), data.data() + size - 4, 4);
        header_.payload_size = length;
        if (!control) in_message_ = !fin;
        in_frame_ = true;
        received_ = 0;
        r.consumed = size;
    }
    const std::uint64_t left = header_.payload_size - received_;
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, data.size() - r.consumed));
    r.payload = data.substr(r.consumed, take);
    r.payload_offset = received_;
    received_ += take;
    r.consumed += take;
    if (received_ == header_.payload_size) {
        in_frame_ = false;
        r.status = FrameStatus::complete;
    }
    return r;
}

inline void unmask_copy(const char* data, std::size_t size, char* out, const MaskKey& key,
                        std::uint64_t offset) noexcept {
    unsigned char pattern[8];
    for (std::size_t i = 0; i < 8; ++i) pattern[i] = key[(offset + i) & 3];
    std::uint64_t word_key;
    std::memcpy(&word_key, pattern, 8);
    std::size_t i = 0;
    for (; size - i >= 8; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        w ^= word_key;
        std::memcpy(out + i, &w, 8);
    }
    for (; i < size; ++i) out[i] = static_cast<char>(data[i] ^ static_cast<char>(pattern[i & 7]));
}

inline void unmask(char* data, std::size_t size, const MaskKey& key,
                   std::uint64_t offset) noexcept {
    unmask_copy(data, size, data, key, offset);
}

template <Role R>
inline std::size_t write_frame_header(char* out, Opcode op, std::uint64_t payload_size, bool fin,
                                      const MaskKey& key) noexcept {
    const std::uint8_t mask_bit = R == Role::client ? 0x80 : 0x00;
    out[0] = static_cast<char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op));
    std::size_t n = 2;
    if (payload_size < 126) {
        out[1] = static_cast<char>(mask_bit | payload_size);
    } else if (payload_size <= 0xFFFF) {
        out[1] = static_cast<char>(mask_bit | 126);
        out[2] = static_cast<char>(payload_size >> 8);
        out[3] = static_cast<char>(payload_size & 0xFF);
        n = 4;
    } else {
        out[1] = static_cast<char>(mask_bit | 127);
        for (int i = 0; i < 8; ++i)
            out[2 + i] = static_cast<char>((payload_size >> (56 - 8 * i)) & 0xFF);
        n = 10;
    }
    if (R == Role::client) {
        std::memcpy(out + n, key.data(), 4);
        n += 4;
    }
    return n;
}

template <Role R>
inline void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin,
                         const MaskKey& key) {
    char header[max_frame_header_size];
    const std::size_t n = write_frame_header<R>(header, op, payload.size(), fin, key);
    const std::size_t at = out.size();
    out.resize(at + n + payload.size());
    std::memcpy(&out[at], header, n);
    if (payload.empty()) return;
    if (R == Role::client) {
        unmask_copy(payload.data(), payload.size(), &out[at + n], key);
    } else {
        std::memcpy(&out[at + n], payload.data(), payload.size());
    }
}

}  // namespace ws
}  // namespace socklite

#endif  // SOCKLITE_WS_FRAME_HPP
