// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_PARSER_HPP
#define SOCKLITE_HTTP_PARSER_HPP

/** @file
 *  http::ResponseParser: a strict, incremental, zero-copy HTTP/1.1 response parser (RFC 9112)
 *  that does no I/O and allocates nothing while parsing. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "error.hpp"
#include "chunked.hpp"
#include "detail/grammar.hpp"
#include "message.hpp"

namespace socklite {
namespace http {

/** Limits of the response parser, enforced while bytes arrive (an endless header section is
 *  rejected as soon as it passes the limit, not when it ends). */
struct ParserLimits {
    /** Largest header section in bytes: status line, fields and the empty line.
     *  More is http::errc::header_too_large. */
    std::size_t max_header_bytes = 64 * 1024;
    /** Most header fields; more is http::errc::too_many_headers. */
    std::size_t max_fields = 100;
    /** Most interim (1xx) responses before the final one; more is http::errc::header_too_large (each
     *  interim head is also held to max_header_bytes and max_fields). */
    std::size_t max_interim = 64;
    /** Limits of the chunked decoder used for chunked bodies. */
    ChunkedLimits chunked;
};

/** How the body of a response is delimited (RFC 9112 section 6.3). */
enum class BodyKind {
    none,            ///< no body: HEAD request, 1xx, 204, 304, 101 or a CONNECT tunnel
    content_length,  ///< exactly content_length() bytes
    chunked,         ///< the chunked transfer coding (Transfer-Encoding ends in `chunked`)
    until_close,     ///< everything until the server closes the connection
};

/** A strict incremental parser of one HTTP/1.x response at a time.
 *
 *  Two phases: parse_head() until it reports complete, then parse_body() (and finish() when the
 *  connection closes). Each call takes the bytes received so far that were not consumed yet;
 *  the caller may drop the `consumed` bytes and must present the rest again, with any new
 *  bytes appended. The head is consumed whole or not at all, so the status line and the fields
 *  are views into the caller's buffer: valid as long as the buffer passed to the parse_head()
 *  call that completed is neither changed nor freed (copy_head() copies them).
 *
 *  Strictness (RFC 9112): the status line is `HTTP/1.0` or `HTTP/1.1` (anything else is
 *  http::errc::bad_version, a malformed line http::errc::bad_status_line), SP, a 3-digit code in 100-599,
 *  SP, and a reason of VCHAR/SP/HTAB/obs-text. Every line ends in CRLF: a bare CR and also a
 *  bare LF are errors (RFC 9112 section 2.2 allows accepting a bare LF; this parser does not).
 *  Field names are tokens directly followed by `:`; values hold no CTL but HTAB; obs-fold and
 *  whitespace before the first field are rejected (http::errc::bad_header; RFC 9112 section 5.2 lets a
 *  user agent unfold instead, we reject to close the door on smuggling). `Content-Length` is
 *  digits only (a list of identical values like `5, 5` is accepted, RFC 9110 section 8.6),
 *  below 2^63, and repeated fields must agree (http::errc::bad_content_length). `Transfer-Encoding` is
 *  a list of tokens without parameters; `chunked` must be the last coding and appear once,
 *  otherwise http::errc::bad_transfer_encoding; in an HTTP/1.0 response it is an error too.
 *
 *  Framing (RFC 9112 section 6.3): no body after HEAD, for 1xx, 204, 304, 101 and 2xx to
 *  CONNECT; else a Transfer-Encoding ending in `chunked` wins over Content-Length (and the
 *  connection is then not reused); a Transfer-Encoding without `chunked` means read until close;
 *  else Content-Length; else read until close. Interim 1xx responses (but 101) are skipped by
 *  parse_head(): their bytes are consumed and counted in interim_count() (at most
 *  ParserLimits::max_interim of them).
 *
 *  Keep-alive: HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 always closes;
 *  a body read until close, a 101 / CONNECT tunnel, or Transfer-Encoding with Content-Length
 *  also close it.
 *
 *  @par Example
 *  @code
 *  socklite::http::ResponseParser p;
 *  std::string buf;                       // bytes received and not consumed yet
 *  socklite::http::ParseResult r;
 *  do {
 *      buf += read_some();                // your I/O
 *      r = p.parse_head(buf);
 *      if (r.error()) throw socklite::Error(r.ec, "parse response");
 *      buf.erase(0, r.consumed);          // only after using the views (here: none yet)
 *  } while (!r.complete());
 *  @endcode
 *  (With the head complete, copy what you need before erasing: erase invalidates the views.) */
class ResponseParser {
public:
    /** A parser with the given limits (field storage is allocated here, once). */
    explicit ResponseParser(const ParserLimits& limits = {});

    /** Tells the parser the method of the request this response answers: after `HEAD` there is
     *  no body; a 2xx answer to `CONNECT` opens a tunnel. Call before parse_head(); reset()
     *  forgets it (back to `GET`). */
    void request_method(std::string_view method) noexcept;

    /** Parses the head (status line and header fields) from the start of @p data.
     *  @return complete (consumed = interim responses skipped + this head), need_more (consumed
     *  = the bytes of interim responses skipped, often 0), or error with ec one of
     *  http::errc::bad_status_line, bad_version, bad_header, header_too_large, too_many_headers,
     *  bad_content_length, bad_transfer_encoding. No allocation, no I/O. */
    ParseResult parse_head(std::string_view data) noexcept;

    /** Parses body bytes from the start of @p data (call after the head is complete).
     *  @return `body`: the next body bytes, a view into @p data (decoded from chunked); complete
     *  when the body is finished (consumed ends there: later bytes belong to the next
     *  response); need_more otherwise (with a non-empty `body`, call again with the rest; with
     *  an empty one, wait for more bytes). Errors: those of ChunkedDecoder::decode(). */
    ParseResult parse_body(std::string_view data) noexcept;

    /** Reports that the connection was closed by the peer (end of input).
     *  @return complete when the message is complete (a body read until close ends here);
     *  error with socklite::errc::unexpected_eof otherwise. */
    ParseResult finish() noexcept;

    /** Starts over for the next response (keeps limits and storage; request method = GET). */
    void reset() noexcept;

    /** Whether the head has been parsed. */
    bool head_complete() const noexcept { return phase_ == Phase::body || phase_ == Phase::done; }
    /** Whether the whole message (head and body) has been parsed. */
    bool complete() const noexcept { return phase_ == Phase::done; }

    /** The status code (100-599). */
    int status() const noexcept { return status_; }
    /** The reason phrase (a view, may be empty). */
    std::string_view reason() const noexcept {
        return std::string_view(head_.base + reason_off_, reason_len_);
    }
    /** The HTTP version: 10 or 11. */
    int version() const noexcept { return version_; }
    /** The number of header fields. */
    std::size_t field_count() const noexcept { return head_.count; }
    /** The @p i-th header field (`i < field_count()`), in received order. */
    FieldView field(std::size_t i) const noexcept { return head_.field(i); }
    /** The value of the first field named @p name (case-insensitive), or an empty view. */
    std::string_view header(std::string_view name) const noexcept;
    /** Whether a field named @p name is present. */
    bool has_header(std::string_view name) const noexcept;
    /** The size in bytes of the final head (status line to the empty line). */
    std::size_t head_size() const noexcept { return head_size_; }

    /** How the body is delimited. */
    BodyKind body_kind() const noexcept { return body_kind_; }
    /** The Content-Length value when one was given (0 otherwise). */
    std::uint64_t content_length() const noexcept { return content_length_; }
    /** Whether a Content-Length field was present. */
    bool has_content_length() const noexcept { return cl_seen_; }
    /** Body bytes delivered by parse_body() so far (decoded). */
    std::uint64_t body_received() const noexcept { return body_received_; }
    /** Whether the connection may carry another request after this response. */
    bool keep_alive() const noexcept { return keep_alive_; }
    /** Whether the connection now belongs to another protocol (101, or a CONNECT tunnel). */
    bool upgrade() const noexcept { return upgrade_; }
    /** How many interim (1xx, not 101) responses parse_head() skipped. */
    std::size_t interim_count() const noexcept { return interim_count_; }
    /** The status of the last interim response skipped (0 if none). */
    int last_interim_status() const noexcept { return last_interim_status_; }
    /** The chunked decoder (for trailer() after a chunked body). */
    const ChunkedDecoder& chunked() const noexcept { return chunked_; }

    /** Copies status, reason, version and header fields into @p out (headers appended;
     *  allocates). */
    void copy_head(Response& out) const;
    /** The limits this parser was built with. */
    const ParserLimits& limits() const noexcept { return limits_; }

private:
    enum class Phase : unsigned char { head, body, done, error };

    ParseResult fail(std::size_t consumed, std::error_code e) noexcept;
    void clear_head() noexcept;
    detail::LineStatus scan_status_line(const char* base, std::size_t end, errc& e) noexcept;
    bool on_field(std::string_view name, std::string_view value, errc& e) noexcept;
    bool parse_content_length(std::string_view value) noexcept;
    bool parse_transfer_encoding(std::string_view value) noexcept;
    bool parse_connection(std::string_view value) noexcept;
    bool frame(errc& e) noexcept;

    ParserLimits limits_;
    detail::FieldBlock head_;
    ChunkedDecoder chunked_;
    Phase phase_ = Phase::head;
    std::error_code error_ = http::errc::bad_status_line;
    // head scanning
    bool status_done_ = false;
    bool pending_ = false;          // the last call ended inside a line
    bool pending_in_name_ = false;  // ... inside the name of a field line
    std::size_t pos_ = 0;           // next line to scan (offset in the head)
    std::size_t search_ = 0;        // the end of the bytes already checked while pending_
    static constexpr std::size_t rescan_limit = 256;
    // request
    bool head_request_ = false;
    bool connect_request_ = false;
    // status line
    int status_ = 0;
    int version_ = 11;
    std::uint32_t reason_off_ = 0;
    std::uint32_t reason_len_ = 0;
    std::size_t head_size_ = 0;
    // framing fields
    bool cl_seen_ = false;
    bool te_seen_ = false;
    bool te_chunked_ = false;  // the last transfer coding so far is chunked
    bool conn_close_ = false;
    bool conn_upgrade_ = false;
    std::uint64_t content_length_ = 0;
    // outcome
    BodyKind body_kind_ = BodyKind::none;
    bool keep_alive_ = false;
    bool upgrade_ = false;
    std::uint64_t body_remaining_ = 0;
    std::uint64_t body_received_ = 0;
    std::size_t interim_count_ = 0;
    int last_interim_status_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline ResponseParser::ResponseParser(const ParserLimits& limits)
    : limits_(limits), chunked_(limits.chunked) {
    head_.allocate(limits_.max_fields);
}

inline void ResponseParser::request_method(std::string_view method) noexcept {
    head_request_ = method == "HEAD";
    connect_request_ = method == "CONNECT";
}

inline void ResponseParser::clear_head() noexcept {
    head_.count = 0;
    head_.base = nullptr;
    status_done_ = false;
    pending_ = false;
    pending_in_name_ = false;
    pos_ = 0;
    search_ = 0;
    status_ = 0;
    version_ = 11;
    reason_off_ = 0;
    reason_len_ = 0;
    head_size_ = 0;
    cl_seen_ = false;
    te_seen_ = false;
    te_chunked_ = false;
    conn_close_ = false;
    conn_upgrade_ = false;
    content_length_ = 0;
}

inline void ResponseParser::reset() noexcept {
    clear_head();
    chunked_.reset();
    phase_ = Phase::head;
    error_ = http::errc::bad_status_line;
    head_request_ = false;
    connect_request_ = false;
    body_kind_ = BodyKind::none;
    keep_alive_ = false;
    upgrade_ = false;
    body_remaining_ = 0;
    body_received_ = 0;
    interim_count_ = 0;
    last_interim_status_ = 0;
}

inline ParseResult ResponseParser::fail(std::size_t consumed, std::error_code e) noexcept {
    phase_ = Phase::error;
    error_ = e;
    keep_alive_ = false;
    ParseResult r;
    r.status = ParseStatus::error;
    r.consumed = consumed;
    r.ec = e;
    return r;
}

inline detail::LineStatus ResponseParser::scan_status_line(const char* base, std::size_t end,
                                                           errc& e) noexcept {
    using detail::LineStatus;
    // "HTTP/1.x SP DDD SP reason CRLF"; check whatever prefix is here so garbage fails early.
    static const char proto[] = "HTTP/1.";
    std::size_t have = end < 7 ? end : 7;
    bool match;
    if (have == 7) {
        std::uint64_t got = 0, want = 0;
        std::memcpy(&got, base, 7);
        std::memcpy(&want, proto, 7);
        match = got == want;
    } else {
        match = std::memcmp(base, proto, have) == 0;
    }
    if (!match) {
        e = (have >= 5 && std::memcmp(base, "HTTP/", 5) == 0) ? http::errc::bad_version
                                                              : http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (end < 13) {
        // Validate the fixed-position bytes that did arrive.
        if (end > 7 && base[7] != '0' && base[7] != '1') {
            e = http::errc::bad_version;
            return LineStatus::error;
        }
        if (end > 8 && base[8] != ' ') {
            e = detail::is(base[8], detail::cc_hex) ? http::errc::bad_version : http::errc::bad_status_line;
            return LineStatus::error;
        }
        for (std::size_t i = 9; i < end && i < 12; ++i) {
            if (base[i] < '0' || base[i] > '9') {
                e = http::errc::bad_status_line;
                return LineStatus::error;
            }
        }
        return LineStatus::incomplete;
    }
    if (base[7] != '0' && base[7] != '1') {
        e = http::errc::bad_version;
        return LineStatus::error;
    }
    if (base[8] != ' ') {
        e = detail::is(base[8], detail::cc_hex) ? http::errc::bad_version : http::errc::bad_status_line;
        return LineStatus::error;
    }
    unsigned d0 = static_cast<unsigned char>(base[9]) - '0';
    unsigned d1 = static_cast<unsigned char>(base[10]) - '0';
    unsigned d2 = static_cast<unsigned char>(base[11]) - '0';
    if (d0 > 9 || d1 > 9 || d2 > 9 || base[12] != ' ') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    int code = static_cast<int>(d0 * 100 + d1 * 10 + d2);
    if (code < 100 || code > 599) {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    const char* reason = base + 13;
    const char* e_ptr = base + end;
    const char* p = detail::scan_field_value(reason, e_ptr);
    if (p >= e_ptr) return LineStatus::incomplete;
    if (*p != '\r') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (p + 1 >= e_ptr) return LineStatus::incomplete;
    if (p[1] != '\n') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    version_ = base[7] == '1' ? 11 : 10;
    status_ = code;
    reason_off_ = 13;
    reason_len_ = static_cast<std::uint32_t>(p - reason);
    pos_ = static_cast<std::size_t>(p + 2 - base);
    return LineStatus::field;
}

inline ParseResult ResponseParser::parse_head(std::string_view data) noexcept {
    using detail::LineStatus;
    if (phase_ == Phase::error) return fail(0, error_);
    ParseResult r;
    if (phase_ != Phase::head) {
        r.status = ParseStatus::complete;
        return r;
    }
    std::size_t skipped = 0;  // bytes of interim responses consumed in this call
    for (;;) {
        const char* base = data.data();
        const std::size_t size = data.size();
        const std::size_t window =
            size < limits_.max_header_bytes ? size : limits_.max_header_bytes;
        if (pending_ && search_ - pos_ >= rescan_limit && size < limits_.max_header_bytes) {
            // The last call ended inside a long line. Rather than rescanning it from its start
            // on every call (quadratic when bytes trickle in), look at the new bytes only: while
            // they cannot end the line, change its phase or be an error (token bytes in a
            // name, field-value bytes in a value), the line stays incomplete. Otherwise rescan
            // it once. A short line is always rescanned, so garbage fails at once; at the size
            // limit, the scan decides between a bad byte and too large.
            const char* from = base + search_;
            const char* to = base + window;
            const char* stop = pending_in_name_ ? detail::scan_token(from, to)
                                                : detail::scan_field_value(from, to);
            if (stop == to) {
                search_ = window;
                r.consumed = skipped;
                return r;
            }
        }
        pending_ = false;
        LineStatus ls = LineStatus::field;
        errc e = http::errc::bad_header;
        if (!status_done_) {
            if (window == 0) {
                ls = LineStatus::incomplete;
            } else {
                ls = scan_status_line(base, window, e);
                if (ls == LineStatus::field) status_done_ = true;
            }
        }
        while (ls == LineStatus::field) {
            detail::FieldSlot slot;
            ls = detail::scan_field_line(base, window, pos_, slot);
            if (ls == LineStatus::error) return fail(skipped, http::errc::bad_header);
            if (ls != LineStatus::field) break;
            if (head_.count == head_.capacity) return fail(skipped, http::errc::too_many_headers);
            head_.slots[head_.count++] = slot;
            if (!on_field(std::string_view(base + slot.name_off, slot.name_len),
                          std::string_view(base + slot.value_off, slot.value_len), e)) {
                return fail(skipped, e);
            }
        }
        if (ls == LineStatus::error) return fail(skipped, e);
        if (ls == LineStatus::incomplete) {
            if (size >= limits_.max_header_bytes) return fail(skipped, http::errc::header_too_large);
            pending_ = true;
            search_ = window;
            if (window > 0 && base[window - 1] == '\r') --search_;  // LF or bare CR decides
            // An incomplete field line without a colon yet is still in its name (a status line,
            // or a line with its colon, is in its value: the scan would have failed otherwise).
            pending_in_name_ = status_done_ && window > pos_ &&
                               std::memchr(base + pos_, ':', window - pos_) == nullptr;
            r.consumed = skipped;
            return r;
        }
        // end of the header section
        if (status_ < 200 && status_ != 101) {
            if (interim_count_ == limits_.max_interim) return fail(skipped, http::errc::header_too_large);
            ++interim_count_;
            last_interim_status_ = status_;
            skipped += pos_;
            data.remove_prefix(pos_);
            clear_head();
            continue;
        }
        head_.base = base;
        head_size_ = pos_;
        if (!frame(e)) return fail(skipped, e);
        phase_ = body_kind_ == BodyKind::none ||
                         (body_kind_ == BodyKind::content_length && content_length_ == 0)
                     ? Phase::done
                     : Phase::body;
        r.status = ParseStatus::complete;
        r.consumed = skipped + pos_;
        return r;
    }
}

inline bool ResponseParser::on_field(std::string_view name, std::string_view value,
                                     errc& e) noexcept {
    // Only three names matter for framing; dispatch on length and first letter.
    switch (name.size()) {
        case 14:
            if (detail::iequals_lower(name, "content-length")) {
                e = http::errc::bad_content_length;
                return parse_content_length(value);
            }
            break;
        case 17:
            if (detail::iequals_lower(name, "transfer-encoding")) {
                e = http::errc::bad_transfer_encoding;
                return parse_transfer_encoding(value);
            }
            break;
        case 10:
            if (detail::iequals_lower(name, "connection")) {
                e = http::errc::bad_header;
                return parse_connection(value);
            }
            break;
        default: break;
    }
    return true;
}

inline bool ResponseParser::parse_content_length(std::string_view v) noexcept {
    // 1*DIGIT, or a list of identical values ("5, 5"); below 2^63; equal to earlier fields.
    constexpr std::uint64_t limit = (std::uint64_t(1) << 63) - 1;
    const char* p = v.data();
    const char* e = p + v.size();
    bool any = false;
    while (p < e) {
        if (*p < '0' || *p > '9') return false;
        std::uint64_t n = 0;
        do {
            std::uint64_t d = static_cast<std::uint64_t>(*p - '0');
            if (n > (limit - d) / 10) return false;
            n = n * 10 + d;
            ++p;
        } while (p < e && *p >= '0' && *p <= '9');
        if ((cl_seen_ || any) && n != content_length_) return false;
        content_length_ = n;
        any = true;
        while (p < e && detail::is(*p, detail::cc_ows)) ++p;
        if (p == e) break;
        if (*p != ',') return false;
        ++p;
        while (p < e && detail::is(*p, detail::cc_ows)) ++p;
        if (p == e) return false;  // a trailing comma
    }
    if (!any) return false;
    cl_seen_ = true;
    return true;
}

inline bool ResponseParser::parse_transfer_encoding(std::string_view v) noexcept {
    // #transfer-coding, tokens only; chunked at most once and last.
    const char* p = v.data();
    const char* e = p + v.size();
    bool any = false;
    while (p < e) {
        if (*p == ',' || detail::is(*p, detail::cc_ows)) {  // empty list elements are allowed
            ++p;
            continue;
        }
        const char* t = p;
        p = detail::scan_token(p, e);
        if (p == t) return false;
        if (te_chunked_) return false;  // something after chunked
        te_chunked_ =
            detail::iequals_lower(std::string_view(t, static_cast<std::size_t>(p - t)), "chunked");
        any = true;
        while (p < e && detail::is(*p, detail::cc_ows)) ++p;
        if (p < e && *p != ',') return false;  // parameters or garbage
    }
    if (!any) return false;
    te_seen_ = true;
    return true;
}

inline bool ResponseParser::parse_connection(std::string_view v) noexcept {
    const char* p = v.data();
    const char* e = p + v.size();
    while (p < e) {
        if (*p == ',' || detail::is(*p, detail::cc_ows)) {
            ++p;
            continue;
        }
        const char* t = p;
        p = detail::scan_token(p, e);
        if (p == t) return false;
        std::string_view tok(t, static_cast<std::size_t>(p - t));
        if (detail::iequals_lower(tok, "close")) conn_close_ = true;
        if (detail::iequals_lower(tok, "upgrade")) conn_upgrade_ = true;
        while (p < e && detail::is(*p, detail::cc_ows)) ++p;
        if (p < e && *p != ',') return false;
    }
    return true;
}

inline bool ResponseParser::frame(errc& e) noexcept {
    if (te_seen_ && version_ == 10) {
        e = http::errc::bad_transfer_encoding;  // RFC 9112 section 6.1: faulty framing
        return false;
    }
    upgrade_ = false;
    if (head_request_ || status_ < 200 || status_ == 204 || status_ == 304) {
        body_kind_ = BodyKind::none;
        upgrade_ = status_ == 101;
    } else if (connect_request_ && status_ < 300) {
        body_kind_ = BodyKind::none;
        upgrade_ = true;
    } else if (te_seen_) {
        body_kind_ = te_chunked_ ? BodyKind::chunked : BodyKind::until_close;
    } else if (cl_seen_) {
        body_kind_ = BodyKind::content_length;
    } else {
        body_kind_ = BodyKind::until_close;
    }
    body_remaining_ = body_kind_ == BodyKind::content_length ? content_length_ : 0;
    keep_alive_ = version_ == 11 && !conn_close_ && !upgrade_ &&
                  body_kind_ != BodyKind::until_close && !(te_seen_ && cl_seen_);
    chunked_.reset();
    return true;
}

inline ParseResult ResponseParser::parse_body(std::string_view data) noexcept {
    ParseResult r;
    switch (phase_) {
        case Phase::error: return fail(0, error_);
        case Phase::done: r.status = ParseStatus::complete; return r;
        case Phase::head: return r;  // misuse: the head is not complete
        case Phase::body: break;
    }
    switch (body_kind_) {
        case BodyKind::none:
            phase_ = Phase::done;
            r.status = ParseStatus::complete;
            return r;
        case BodyKind::content_length: {
            std::size_t take = body_remaining_ < data.size()
                                   ? static_cast<std::size_t>(body_remaining_)
                                   : data.size();
            r.body = data.substr(0, take);
            r.consumed = take;
            body_remaining_ -= take;
            body_received_ += take;
            if (body_remaining_ == 0) {
                phase_ = Phase::done;
                r.status = ParseStatus::complete;
            }
            return r;
        }
        case BodyKind::chunked:
            r = chunked_.decode(data);
            body_received_ += r.body.size();
            if (r.error()) {
                phase_ = Phase::error;
                error_ = static_cast<errc>(r.ec.value());
                keep_alive_ = false;
            } else if (r.complete()) {
                phase_ = Phase::done;
            }
            return r;
        case BodyKind::until_close:
            r.body = data;
            r.consumed = data.size();
            body_received_ += data.size();
            return r;
    }
    return r;
}

inline ParseResult ResponseParser::finish() noexcept {
    ParseResult r;
    if (phase_ == Phase::error) return fail(0, error_);
    if (phase_ == Phase::done || (phase_ == Phase::body && body_kind_ == BodyKind::until_close)) {
        phase_ = Phase::done;
        r.status = ParseStatus::complete;
        return r;
    }
    return fail(0, socklite::errc::unexpected_eof);
}

inline std::string_view ResponseParser::header(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < head_.count; ++i) {
        FieldView f = head_.field(i);
        if (iequals(f.name, name)) return f.value;
    }
    return {};
}

inline bool ResponseParser::has_header(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < head_.count; ++i) {
        if (iequals(head_.field(i).name, name)) return true;
    }
    return false;
}

inline void ResponseParser::copy_head(Response& out) const {
    out.status = status_;
    out.version = version_;
    out.reason.assign(reason().data(), reason().size());
    for (std::size_t i = 0; i < head_.count; ++i) {
        FieldView f = head_.field(i);
        out.headers.add(f.name, f.value);
    }
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_PARSER_HPP
