// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_CHUNKED_HPP
#define SOCKLITE_HTTP_CHUNKED_HPP

/** @file
 *  The incremental chunked transfer-coding decoder (http::ChunkedDecoder, RFC 9112 section 7.1),
 *  used by the message parser for both directions. No I/O. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "detail/field_line.hpp"
#include "detail/grammar.hpp"
#include "error.hpp"
#include "message.hpp"
#include "parse_result.hpp"

namespace socklite {
namespace http {

/** Limits of the chunked decoder; exceeding one is an error, detected as soon as the bytes
 *  arrive. */
struct ChunkedLimits {
    /** Longest chunk-size line (size, extensions and whitespace, without CRLF); longer is
     *  http::errc::bad_chunk. This also bounds the chunk extensions. */
    std::size_t max_chunk_line = 4096;
    /** Largest trailer section in bytes, including its final CRLF; more is
     *  http::errc::trailer_too_large. */
    std::size_t max_trailer_bytes = 16 * 1024;
    /** Most trailer fields; more is http::errc::trailer_too_large. */
    std::size_t max_trailer_fields = 64;
};

/** An incremental decoder of the chunked transfer coding (RFC 9112 section 7.1).
 *
 *  Feed it the bytes that follow the header section; each call to decode() consumes framing
 *  and returns the next run of body bytes as a view into the input (zero copy). Strict:
 *  chunk sizes are hex digits only (no sign, no `0x`, no whitespace before them), checked for
 *  overflow; each chunk's data must end in CRLF; bare CR or LF are errors
 *  (http::errc::bad_chunk); the trailer section is parsed with the header rules and exposed
 *  through trailer(); the final CRLF is required. No allocation after construction, no I/O.
 *
 *  Chunk extensions are checked against RFC 9112 section 7.1.1 and skipped:
 *  `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )`. So a `;` without a name
 *  (`2;` CRLF, `2;;a`), a name followed by `=` without a value, a control character (but HTAB
 *  in whitespace and quoted strings), a bad quoted string, and whitespace where the grammar has
 *  none (after the size or a value with no `;` following, e.g. `5 ` CRLF) are
 *  http::errc::bad_chunk: a known request-smuggling vector, where two parsers disagree on where
 *  a chunk ends. BWS (spaces and tabs) is accepted exactly where the grammar puts it. The whole
 *  line, extensions included, is bounded by ChunkedLimits::max_chunk_line.
 *
 *  @par Example
 *  @code
 *  socklite::http::ChunkedDecoder dec;
 *  std::string_view in = received;  // bytes after the head
 *  for (;;) {
 *      auto r = dec.decode(in);
 *      if (r.error()) throw socklite::Error(r.ec, "chunked");
 *      sink(r.body);                  // possibly empty
 *      in.remove_prefix(r.consumed);
 *      if (r.complete()) break;       // in: bytes after the message
 *      if (r.body.empty()) break;     // need more: keep `in`, append new bytes, call again
 *  }
 *  @endcode */
class ChunkedDecoder {
public:
    /** A decoder with the given limits (storage for trailer fields is allocated here). */
    explicit ChunkedDecoder(const ChunkedLimits& limits = {});

    /** Decodes from the start of @p in.
     *
     *  Returns as soon as it has body bytes to deliver (`body`, a view into @p in), or when the
     *  body is complete, or when it needs more input, or on error. With need_more and an empty
     *  `body`, all usable input was taken: keep the unconsumed rest (a partial trailer section
     *  is never consumed) and call again when more bytes arrived. With need_more and a non-empty
     *  `body`, call again with the rest. With complete, `consumed` ends right after the final
     *  CRLF; the trailers are available until the input buffer changes.
     *  @return status, consumed, body, ec (http::errc::bad_chunk, http::errc::trailer_too_large,
     *  http::errc::bad_header for a malformed trailer field). No allocation. */
    ParseResult decode(std::string_view in) noexcept;

    /** Decodes the chunked input in @p buf in place: the body bytes found are moved to the
     *  front of @p buf, over the framing already read.
     *  @param buf the input, overwritten from its start with the decoded body
     *  @param size the input length
     *  @param body_size set to the number of decoded body bytes now at the start of @p buf
     *  @return status, consumed (input bytes used; the unconsumed rest, e.g. a partial trailer
     *  section or the bytes after the message, is still at `buf + consumed`), ec. No
     *  allocation. */
    ParseResult decode_in_place(char* buf, std::size_t size, std::size_t& body_size) noexcept;

    /** Whether the whole chunked body, trailers and final CRLF included, has been decoded. */
    bool done() const noexcept { return state_ == State::done; }
    /** The total number of body bytes delivered so far. */
    std::uint64_t body_size() const noexcept { return body_size_; }
    /** The data bytes of the current chunk not delivered yet: more than 0 only inside chunk
     *  data, where only body bytes can come next. */
    std::uint64_t chunk_remaining() const noexcept {
        return state_ == State::data ? remaining_ : 0;
    }
    /** The number of trailer fields (valid after completion). */
    std::size_t trailer_count() const noexcept { return trailers_.count; }
    /** The @p i-th trailer field (`i < trailer_count()`), views into the input buffer of the
     *  last decode() call; valid until that buffer changes. */
    FieldView trailer(std::size_t i) const noexcept { return trailers_.field(i); }
    /** Copies the trailer fields into @p out (appending). */
    void copy_trailers(Headers& out) const;

    /** Starts over for a new body (keeps the limits and storage). */
    void reset() noexcept;
    /** The limits this decoder was built with. */
    const ChunkedLimits& limits() const noexcept { return limits_; }

private:
    enum class State : unsigned char {
        size_first,       // expecting the first hex digit of a chunk size
        size,             // more hex digits, BWS, ';' or CR
        ext_ws,           // BWS that only a ';' may follow
        ext_name_start,   // after ';': BWS, then the first character of a name
        ext_name,         // in a name: '=', ';', BWS or CR may end it
        ext_after_name,   // BWS after a name: '=' or ';' next
        ext_value_start,  // after '=': BWS, then a token or a quoted string
        ext_token,        // in a token value
        ext_quoted,       // in a quoted-string value
        ext_escape,       // after a backslash in a quoted string
        ext_after_value,  // after the closing quote: ';', BWS or CR
        size_lf,          // CR seen after the size line, expecting LF
        data,             // chunk data: remaining_ bytes to deliver
        data_cr,          // expecting CR after chunk data
        data_lf,          // expecting LF after chunk data
        trailer,          // trailer section (not consumed until complete)
        done,
    };

    bool extension_byte(char c) noexcept;

    ChunkedLimits limits_;
    State state_ = State::size_first;
    std::uint64_t remaining_ = 0;  // chunk size being read, then bytes left in the chunk
    std::uint64_t body_size_ = 0;
    std::size_t line_bytes_ = 0;   // bytes of the current size line so far
    std::size_t trailer_pos_ = 0;  // next trailer line, relative to the trailer start
    detail::StickyError error_;    // once set, every call reports it
    detail::FieldBlock trailers_;  // trailer scanning state and field slots
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline ChunkedDecoder::ChunkedDecoder(const ChunkedLimits& limits) : limits_(limits) {
    trailers_.allocate(limits_.max_trailer_fields);
}

inline void ChunkedDecoder::reset() noexcept {
    state_ = State::size_first;
    remaining_ = 0;
    body_size_ = 0;
    line_bytes_ = 0;
    trailer_pos_ = 0;
    if (error_.set()) error_ = {};
    trailers_.count = 0;
    trailers_.base = nullptr;
}

// One byte of a size line after the size digits, by the chunk-ext grammar of RFC 9112 section
// 7.1.1 (see the class comment). False on a byte the grammar does not allow there; the caller
// handles CR (allowed where a size, name or value has just ended).
inline bool ChunkedDecoder::extension_byte(char c) noexcept {
    using detail::cc_ows;
    using detail::cc_tchar;
    using detail::is;
    const bool ws = is(c, cc_ows);
    switch (state_) {
        case State::size:  // the first byte after the digits
        case State::ext_after_value:
        case State::ext_ws:
            if (c == ';') {
                state_ = State::ext_name_start;
                return true;
            }
            state_ = State::ext_ws;
            return ws;
        case State::ext_name_start:
            if (is(c, cc_tchar)) state_ = State::ext_name;
            return ws || state_ == State::ext_name;
        case State::ext_name:
        case State::ext_after_name:
            if (state_ == State::ext_name && is(c, cc_tchar)) return true;
            if (c == '=') {
                state_ = State::ext_value_start;
            } else if (c == ';') {
                state_ = State::ext_name_start;
            } else if (ws) {
                state_ = State::ext_after_name;
            } else {
                return false;
            }
            return true;
        case State::ext_value_start:
            if (c == '"') {
                state_ = State::ext_quoted;
            } else if (is(c, cc_tchar)) {
                state_ = State::ext_token;
            } else {
                return ws;
            }
            return true;
        case State::ext_token:
            if (is(c, cc_tchar)) return true;
            if (c == ';') {
                state_ = State::ext_name_start;
            } else if (ws) {
                state_ = State::ext_ws;
            } else {
                return false;
            }
            return true;
        case State::ext_quoted:
            // qdtext: HTAB, SP, VCHAR but '"' and '\', obs-text
            if (c == '"') {
                state_ = State::ext_after_value;
            } else if (c == '\\') {
                state_ = State::ext_escape;
            } else {
                return is(c, detail::cc_field);
            }
            return true;
        case State::ext_escape: state_ = State::ext_quoted; return is(c, detail::cc_field);
        default: return false;
    }
}

inline void ChunkedDecoder::copy_trailers(Headers& out) const {
    for (std::size_t i = 0; i < trailers_.count; ++i) {
        FieldView f = trailers_.field(i);
        out.add(f.name, f.value);
    }
}

inline ParseResult ChunkedDecoder::decode(std::string_view in) noexcept {
    using detail::cc_hex;
    using detail::is;
    // Sizes stay below 2^63 so that they fit a signed 64-bit offset too.
    constexpr std::uint64_t max_before_shift = (std::uint64_t(1) << 59) - 1;
    ParseResult r;
    if (error_.set()) return error_.again();
    if (state_ == State::done) {
        r.status = ParseStatus::complete;
        return r;
    }
    const char* p = in.data();
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        char c = p[i];
        switch (state_) {
            case State::size_first:
                if (!is(c, cc_hex)) return error_.fail(i, http::errc::bad_chunk);
                remaining_ = static_cast<std::uint64_t>(detail::hex_value(c));
                line_bytes_ = 1;
                state_ = State::size;
                ++i;
                break;
            case State::size:
                // The common case: the rest of the digits and the CR in one tight loop.
                while (is(c, cc_hex)) {
                    if (remaining_ > max_before_shift) return error_.fail(i, http::errc::bad_chunk);
                    remaining_ =
                        (remaining_ << 4) | static_cast<std::uint64_t>(detail::hex_value(c));
                    if (++line_bytes_ > limits_.max_chunk_line)
                        return error_.fail(i, http::errc::bad_chunk);
                    if (++i == n) break;
                    c = p[i];
                }
                if (i == n) break;
                [[fallthrough]];
            case State::ext_ws:
            case State::ext_name_start:
            case State::ext_name:
            case State::ext_after_name:
            case State::ext_value_start:
            case State::ext_token:
            case State::ext_quoted:
            case State::ext_escape:
            case State::ext_after_value:
                if (c == '\r' && (state_ == State::size || state_ == State::ext_name ||
                                  state_ == State::ext_token || state_ == State::ext_after_value)) {
                    state_ = State::size_lf;
                } else if (!extension_byte(c) || ++line_bytes_ > limits_.max_chunk_line) {
                    return error_.fail(i, http::errc::bad_chunk);
                }
                ++i;
                break;
            case State::size_lf:
                if (c != '\n') return error_.fail(i, http::errc::bad_chunk);
                ++i;
                if (remaining_ == 0) {
                    state_ = State::trailer;
                    trailer_pos_ = 0;
                    trailers_.count = 0;
                } else {
                    state_ = State::data;
                }
                break;
            case State::data: {
                std::size_t avail = n - i;
                std::size_t take =
                    remaining_ < avail ? static_cast<std::size_t>(remaining_) : avail;
                r.body = std::string_view(p + i, take);
                i += take;
                remaining_ -= take;
                body_size_ += take;
                if (remaining_ == 0) state_ = State::data_cr;
                r.consumed = i;
                return r;
            }
            case State::data_cr:
                if (c != '\r') return error_.fail(i, http::errc::bad_chunk);
                state_ = State::data_lf;
                ++i;
                break;
            case State::data_lf:
                if (c != '\n') return error_.fail(i, http::errc::bad_chunk);
                state_ = State::size_first;
                ++i;
                break;
            case State::trailer: {
                // Not consumed until the whole section is here: the fields are views into it.
                const char* base = p + i;
                std::size_t avail = n - i;
                std::size_t window =
                    avail < limits_.max_trailer_bytes ? avail : limits_.max_trailer_bytes;
                for (;;) {
                    detail::FieldSlot slot;
                    std::size_t line = trailer_pos_;
                    switch (detail::scan_field_line(base, window, trailer_pos_, slot)) {
                        case detail::LineStatus::field:
                            if (trailers_.count == trailers_.capacity())
                                return error_.fail(i, http::errc::trailer_too_large);
                            trailers_.slots[trailers_.count++] = slot;
                            continue;
                        case detail::LineStatus::end_of_block:
                            trailers_.base = base;
                            state_ = State::done;
                            r.status = ParseStatus::complete;
                            r.consumed = i + trailer_pos_;
                            return r;
                        case detail::LineStatus::incomplete:
                            if (avail >= limits_.max_trailer_bytes)
                                return error_.fail(i, http::errc::trailer_too_large);
                            r.consumed = i;
                            return r;
                        case detail::LineStatus::error:
                            return error_.fail(i, base[line] == '\r' || base[line] == '\n'
                                                      ? http::errc::bad_chunk
                                                      : http::errc::bad_header);
                    }
                }
            }
            case State::done: break;  // not reached: handled before the loop
        }
    }
    r.consumed = i;
    return r;
}

inline ParseResult ChunkedDecoder::decode_in_place(char* buf, std::size_t size,
                                                   std::size_t& body_size) noexcept {
    std::size_t out = 0;
    std::size_t pos = 0;
    ParseResult r;
    for (;;) {
        r = decode(std::string_view(buf + pos, size - pos));
        if (r.error()) {
            r.consumed += pos;
            break;
        }
        if (!r.body.empty()) {
            std::memmove(buf + out, r.body.data(), r.body.size());
            out += r.body.size();
        }
        pos += r.consumed;
        if (r.complete() || r.body.empty()) {
            r.consumed = pos;
            break;
        }
    }
    r.body = std::string_view(buf, out);
    body_size = out;
    return r;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_CHUNKED_HPP
