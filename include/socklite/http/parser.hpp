// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_PARSER_HPP
#define SOCKLITE_HTTP_PARSER_HPP

/** @file
 *  http::BasicParser: one strict, incremental, zero-copy HTTP/1.1 parser for both directions
 *  (http::RequestParser, http::ResponseParser; RFC 9112, RFC 9110) that does no I/O and
 *  allocates nothing while parsing. */

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "chunked.hpp"
#include "detail/field_line.hpp"
#include "detail/head_fields.hpp"
#include "detail/scan.hpp"
#include "detail/start_line.hpp"
#include "error.hpp"
#include "message.hpp"
#include "parse_result.hpp"
#include "parser_types.hpp"

namespace socklite {
namespace http {

/** A strict incremental parser of one HTTP/1.x message at a time: a request when @p IsRequest,
 *  else a response. Use RequestParser and ResponseParser.
 *
 *  Two phases: parse_head() until it reports complete, then parse_body() (and finish() when the
 *  connection closes). Each call takes the bytes received so far that were not consumed yet;
 *  the caller may drop the `consumed` bytes and must present the rest again, with any new
 *  bytes appended. The head is consumed whole or not at all, so the start line and the fields
 *  are views into the caller's buffer: valid as long as the buffer passed to the parse_head()
 *  call that completed is neither changed nor freed (copy_head() copies them). Both directions
 *  share one field scanner, one list parser, one framing state machine and the chunked decoder.
 *
 *  Strictness, both directions (RFC 9112): every line ends in CRLF, a bare CR and also a bare
 *  LF are errors (section 2.2 allows accepting a bare LF; this parser does not). Up to
 *  ParserLimits::max_empty_lines empty lines before the start line are skipped (section 2.2).
 *  The version is `HTTP/` DIGIT `.` DIGIT (else http::errc::bad_version); 1.0 and 1.1 are
 *  accepted; other versions are http::errc::version_not_supported in a request (505) and
 *  http::errc::bad_version in a response. Field names are tokens
 *  directly followed by `:`; values hold no CTL but HTAB; obs-fold and whitespace before the
 *  first field are rejected (http::errc::bad_header; RFC 9112 section 5.2 lets a recipient
 *  unfold instead, we reject to close the door on smuggling). `Content-Length` is digits only
 *  (a list of identical values like `5, 5` is accepted, RFC 9110 section 8.6), below 2^63, and
 *  repeated fields must agree (http::errc::bad_content_length). `Transfer-Encoding` is a list
 *  of tokens without parameters; `chunked` must be the last coding and appear once, otherwise
 *  http::errc::bad_transfer_encoding; in an HTTP/1.0 message it is an error too (section 6.1).
 *
 *  Requests (RFC 9112 sections 3 and 6): `method SP request-target SP HTTP-version CRLF` with a
 *  token method and single spaces (else http::errc::bad_request_line); the request line is at
 *  most ParserLimits::max_request_line bytes (http::errc::target_too_long). The target is in
 *  origin-form (`/path?query`), absolute-form (`scheme:...`; an http(s) URI needs a host),
 *  authority-form (`host:port`, and only for CONNECT) or asterisk-form (`*`, only for
 *  OPTIONS), with RFC 3986 characters and valid percent escapes only; anything else is
 *  http::errc::bad_target. An HTTP/1.1 request needs exactly one `Host` (none:
 *  http::errc::missing_host; two, or an invalid value: http::errc::bad_host). Framing: no
 *  Content-Length nor Transfer-Encoding means no body; Content-Length and Transfer-Encoding
 *  together, or a Transfer-Encoding whose last coding is not `chunked`, are
 *  http::errc::bad_transfer_encoding (section 6.1 lets a server process such a request and then
 *  close; being strict, we refuse it); a coding other than chunked, gzip, x-gzip, deflate,
 *  compress, x-compress is http::errc::unknown_transfer_coding (501). A Content-Length above
 *  ParserLimits::max_body_size is http::errc::body_too_large at once. Keep-alive: HTTP/1.1
 *  unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
 *
 *  Responses: the status line is `HTTP-version SP 3DIGIT SP reason CRLF` (a code in 100-599, a
 *  reason of VCHAR/SP/HTAB/obs-text; else http::errc::bad_status_line). Framing (section 6.3):
 *  no body after HEAD, for 1xx, 204, 304, 101 and 2xx to CONNECT; else a Transfer-Encoding
 *  ending in `chunked` wins over Content-Length (and the connection is then not reused); a
 *  Transfer-Encoding without `chunked` means read until close; else Content-Length; else read
 *  until close. Interim 1xx responses (but 101) are skipped by parse_head(): their bytes are
 *  consumed and counted in interim_count() (at most ParserLimits::max_interim of them).
 *  Keep-alive: HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 always
 *  closes; a body read until close, a 101 / CONNECT tunnel, or Transfer-Encoding with
 *  Content-Length also close it.
 *
 *  @par Example
 *  @code
 *  socklite::http::RequestParser p;
 *  std::string buf;                       // bytes received and not consumed yet
 *  socklite::http::ParseResult r;
 *  do {
 *      buf += read_some();                // your I/O
 *      r = p.parse_head(buf);
 *      if (r.error()) return answer(socklite::http::status_for(r.ec));  // 400, 414, 431, ...
 *  } while (!r.complete());
 *  route(p.method(), p.target());         // views into buf: use them before changing it
 *  buf.erase(0, r.consumed);
 *  @endcode */
template <bool IsRequest>
class BasicParser {
public:
    /** A parser with the given limits (field storage is allocated here, once). */
    explicit BasicParser(const ParserLimits& limits = {});

    /** Parses the head (start line and header fields) from the start of @p data.
     *  @return complete (consumed = empty lines and interim responses skipped + this head),
     *  need_more (consumed = the bytes skipped, often 0), or error with ec one of the
     *  http::errc codes named in the class description. No allocation, no I/O. */
    ParseResult parse_head(std::string_view data) noexcept;

    /** Parses body bytes from the start of @p data (call after the head is complete).
     *  @return `body`: the next body bytes, a view into @p data (decoded from chunked); complete
     *  when the body is finished (consumed ends there: later bytes belong to the next
     *  message); need_more otherwise (with a non-empty `body`, call again with the rest; with
     *  an empty one, wait for more bytes). Errors: those of ChunkedDecoder::decode(), and
     *  http::errc::body_too_large, as soon as the body is known to pass
     *  ParserLimits::max_body_size (bytes past it, or the limit reached inside a chunk): the
     *  call that delivers the bytes up to the limit then returns them (need_more) and records
     *  the error, which every later call (parse_body(), finish()) reports at once. */
    ParseResult parse_body(std::string_view data) noexcept;

    /** Reports that the connection was closed by the peer (end of input).
     *  @return complete when the message is complete (a body read until close ends here);
     *  error with socklite::errc::unexpected_eof otherwise. */
    ParseResult finish() noexcept;

    /** Starts over for the next message (keeps limits and storage; request method = GET). */
    void reset() noexcept;

    /** Whether the head has been parsed. */
    bool head_complete() const noexcept { return phase_ == Phase::body || phase_ == Phase::done; }
    /** Whether the whole message (head and body) has been parsed. */
    bool complete() const noexcept { return phase_ == Phase::done; }

    /** The HTTP version: 10 or 11. */
    int version() const noexcept { return start_.version; }
    /** The number of header fields. */
    std::size_t field_count() const noexcept { return head_.count; }
    /** The @p i-th header field (`i < field_count()`), in received order. */
    FieldView field(std::size_t i) const noexcept { return head_.field(i); }
    /** The value of the first field named @p name (case-insensitive), or an empty view. */
    std::string_view header(std::string_view name) const noexcept;
    /** Whether a field named @p name is present. */
    bool has_header(std::string_view name) const noexcept;
    /** The size in bytes of the head (start line to the empty line). */
    std::size_t head_size() const noexcept { return head_size_; }

    /** How the body is delimited. */
    BodyKind body_kind() const noexcept { return body_kind_; }
    /** The Content-Length value when one was given (0 otherwise). */
    std::uint64_t content_length() const noexcept { return fields_.content_length; }
    /** Whether a Content-Length field was present. */
    bool has_content_length() const noexcept { return fields_.cl_seen; }
    /** Body bytes delivered by parse_body() so far (decoded). */
    std::uint64_t body_received() const noexcept { return body_received_; }
    /** Whether the connection may carry another message after this one. */
    bool keep_alive() const noexcept { return keep_alive_; }
    /** Whether the connection now belongs to another protocol: a response 101 or a CONNECT
     *  tunnel; a request with `Connection: upgrade` and an `Upgrade` field (the server decides). */
    bool upgrade() const noexcept { return upgrade_; }
    /** The chunked decoder (for trailer() after a chunked body). */
    const ChunkedDecoder& chunked() const noexcept { return chunked_; }
    /** The limits this parser was built with. */
    const ParserLimits& limits() const noexcept { return limits_; }

    /** Requests: the method, a token, case-sensitive (`GET`). */
    std::string_view method() const noexcept {
        static_assert(IsRequest, "method() is for requests");
        return std::string_view(head_.base, start_.method_len);
    }
    /** Requests: the request target as received (a view). */
    std::string_view target() const noexcept {
        static_assert(IsRequest, "target() is for requests");
        return std::string_view(head_.base + start_.target_off, start_.target_len);
    }
    /** Requests: the form of the target. */
    TargetForm target_form() const noexcept {
        static_assert(IsRequest, "target_form() is for requests");
        return start_.target_form;
    }
    /** Requests: the `Host` value (a view; empty when absent, as HTTP/1.0 allows). */
    std::string_view host() const noexcept {
        static_assert(IsRequest, "host() is for requests");
        return fields_.host_field ? head_.field(fields_.host_field - 1).value : std::string_view();
    }
    /** Requests: whether an HTTP/1.1 client waits for `100 Continue` before sending the body
     *  (`Expect: 100-continue`, RFC 9110 section 10.1.1). */
    bool expect_continue() const noexcept {
        static_assert(IsRequest, "expect_continue() is for requests");
        return fields_.expect_continue;
    }
    /** Requests: copies method, target and header fields into @p out (headers appended;
     *  allocates). */
    void copy_head(Request& out) const;

    /** Responses: tells the parser the method of the request this response answers: after
     *  `HEAD` there is no body; a 2xx answer to `CONNECT` opens a tunnel. Call before
     *  parse_head(); reset() forgets it (back to `GET`). */
    void request_method(std::string_view method) noexcept {
        static_assert(!IsRequest, "request_method() is for responses");
        head_request_ = method == "HEAD";
        connect_request_ = method == "CONNECT";
    }
    /** Responses: the status code (100-599). */
    int status() const noexcept {
        static_assert(!IsRequest, "status() is for responses");
        return start_.status;
    }
    /** Responses: the reason phrase (a view, may be empty). */
    std::string_view reason() const noexcept {
        static_assert(!IsRequest, "reason() is for responses");
        return std::string_view(head_.base + start_.reason_off, start_.reason_len);
    }
    /** Responses: how many interim (1xx, not 101) responses parse_head() skipped. */
    std::size_t interim_count() const noexcept { return interim_count_; }
    /** Responses: the status of the last interim response skipped (0 if none). */
    int last_interim_status() const noexcept { return last_interim_status_; }
    /** Responses: copies status, reason, version and header fields into @p out (headers
     *  appended; allocates). */
    void copy_head(Response& out) const;

private:
    enum class Phase : unsigned char { head, body, done, error };

    ParseResult fail(std::size_t consumed, std::error_code e) noexcept {
        phase_ = Phase::error;
        keep_alive_ = false;
        return error_.fail(consumed, e);
    }
    void clear_head() noexcept;
    bool frame(errc& e) noexcept;

    ParserLimits limits_;
    detail::FieldBlock head_;
    ChunkedDecoder chunked_;
    detail::StickyError error_;
    Phase phase_ = Phase::head;
    // head scanning
    bool start_done_ = false;
    bool pending_ = false;  // the last call ended inside a line
    detail::Scan pending_scan_ = detail::Scan::none;
    std::size_t pos_ = 0;          // next line to scan (offset in the head)
    std::size_t search_ = 0;       // the end of the bytes already checked while pending_
    std::size_t empty_lines_ = 0;  // empty lines skipped before this start line
    static constexpr std::size_t rescan_limit = 256;
    detail::StartLine start_;
    detail::HeadFields<IsRequest> fields_;  // the fields that matter
    std::size_t head_size_ = 0;
    // the request this response answers
    bool head_request_ = false;
    bool connect_request_ = false;
    // outcome
    BodyKind body_kind_ = BodyKind::none;
    bool keep_alive_ = false;
    bool upgrade_ = false;
    std::uint64_t body_remaining_ = 0;
    std::uint64_t body_received_ = 0;
    std::size_t interim_count_ = 0;
    int last_interim_status_ = 0;
};

/** The request parser: method, target, version, fields, body. */
using RequestParser = BasicParser<true>;
/** The response parser: status, reason, version, fields, body. */
using ResponseParser = BasicParser<false>;

// ---------------------------------------------------------------------------------------------
// Implementation

template <bool IsRequest>
inline BasicParser<IsRequest>::BasicParser(const ParserLimits& limits)
    : limits_(limits), chunked_(limits.chunked) {
    head_.allocate(limits_.max_fields);
}

template <bool IsRequest>
inline void BasicParser<IsRequest>::clear_head() noexcept {
    head_.count = 0;
    head_.base = nullptr;
    start_done_ = false;
    pending_ = false;
    pending_scan_ = detail::Scan::none;
    pos_ = 0;
    search_ = 0;
    empty_lines_ = 0;
    start_ = {};
    fields_ = {};
    head_size_ = 0;
}

template <bool IsRequest>
inline void BasicParser<IsRequest>::reset() noexcept {
    clear_head();
    chunked_.reset();
    if (error_.set()) error_ = {};  // (a default error_code costs a call: only when needed)
    phase_ = Phase::head;
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

template <bool IsRequest>
inline ParseResult BasicParser<IsRequest>::parse_head(std::string_view data) noexcept {
    using detail::LineStatus;
    if (error_.set()) return error_.again();
    ParseResult r;
    if (phase_ != Phase::head) {
        r.status = ParseStatus::complete;
        return r;
    }
    const errc start_error = IsRequest ? http::errc::bad_request_line : http::errc::bad_status_line;
    std::size_t skipped = 0;  // bytes of empty lines and interim responses consumed in this call
    for (;;) {
        const char* base = data.data();
        const std::size_t size = data.size();
        const std::size_t window =
            size < limits_.max_header_bytes ? size : limits_.max_header_bytes;
        if (pending_ && search_ - pos_ >= rescan_limit && size < limits_.max_header_bytes) {
            // The last call ended inside a long line. Rather than rescanning it from its start
            // on every call (quadratic when bytes trickle in), look at the new bytes only: while
            // they cannot end the line, change its phase or be an error (token bytes in a
            // name or method, visible bytes in a target, field-value bytes in a value), the
            // line stays incomplete. Otherwise rescan it once. A short line is always rescanned,
            // so garbage fails at once; at the size limit, the scan decides between a bad byte
            // and too large.
            const char* from = base + search_;
            const char* to = base + window;
            const char* stop = to;
            switch (pending_scan_) {
                case detail::Scan::token: stop = detail::scan_token(from, to); break;
                case detail::Scan::target: stop = detail::scan_visible(from, to); break;
                case detail::Scan::value: stop = detail::scan_field_value(from, to); break;
                case detail::Scan::none: stop = from; break;
            }
            if (stop == to) {
                search_ = window;
                r.consumed = skipped;
                return r;
            }
        }
        pending_ = false;
        LineStatus ls = LineStatus::field;
        errc e = http::errc::bad_header;
        std::size_t line_window = window;
        if (!start_done_) {
            if (window > 0 && base[0] == '\r') {  // an empty line before the start line
                if (window == 1) {
                    r.consumed = skipped;
                    return r;
                }
                if (base[1] != '\n' || empty_lines_ == limits_.max_empty_lines)
                    return fail(skipped, start_error);
                ++empty_lines_;
                skipped += 2;
                data.remove_prefix(2);
                continue;
            }
            start_.scan = detail::Scan::none;
            if constexpr (IsRequest) {
                // The request line is scanned within its own limit, so that a line that is
                // too long gives the same error however its bytes arrive.
                if (line_window > limits_.max_request_line + 2)
                    line_window = limits_.max_request_line + 2;
            }
            if (window == 0) {
                ls = LineStatus::incomplete;
            } else {
                ls = IsRequest ? detail::scan_request_line(base, line_window, start_, e)
                               : detail::scan_status_line(base, line_window, start_, e);
                if (ls == LineStatus::field) {
                    start_done_ = true;
                    pos_ = start_.end;
                }
            }
        }
        if (ls == LineStatus::field) {
            // The line position and the field count live in registers through the loop: as
            // members, every line would wait on the store of the one before.
            std::size_t pos = pos_;
            std::size_t count = head_.count;
            detail::FieldSlot* const slots = head_.slots.data();
            const std::size_t capacity = head_.capacity();
            for (;;) {
                detail::FieldSlot slot;
                ls = detail::scan_field_line(base, window, pos, slot);
                if (ls != LineStatus::field) {
                    e = http::errc::bad_header;  // for an error: a malformed field line
                    break;
                }
                if (count == capacity) {
                    ls = LineStatus::error;
                    e = http::errc::too_many_headers;
                    break;
                }
                slots[count++] = slot;
                // Only a few names matter (see on_field()): their length and first letter
                // rule most fields out at once.
                if (fields_.wanted(slot.name_len, base[slot.name_off])) {
                    if (!fields_.on_field(std::string_view(base + slot.name_off, slot.name_len),
                                          std::string_view(base + slot.value_off, slot.value_len),
                                          count - 1, e)) {
                        ls = LineStatus::error;
                        break;
                    }
                }
            }
            pos_ = pos;
            head_.count = count;
        }
        if (ls == LineStatus::error) return fail(skipped, e);
        if (ls == LineStatus::incomplete) {
            if (IsRequest && !start_done_ && line_window == limits_.max_request_line + 2)
                return fail(skipped, http::errc::target_too_long);
            if (size >= limits_.max_header_bytes)
                return fail(skipped, http::errc::header_too_large);
            pending_ = true;
            search_ = window;
            if (window > 0 && base[window - 1] == '\r') --search_;  // LF or bare CR decides
            if (!start_done_) {
                pending_scan_ = start_.scan;
            } else {
                // An incomplete field line without a colon yet is still in its name (a line
                // with its colon is in its value: the scan would have failed otherwise).
                pending_scan_ =
                    window > pos_ && std::memchr(base + pos_, ':', window - pos_) == nullptr
                        ? detail::Scan::token
                        : detail::Scan::value;
            }
            r.consumed = skipped;
            return r;
        }
        // end of the header section
        if constexpr (!IsRequest) {
            if (start_.status < 200 && start_.status != 101) {
                if (interim_count_ == limits_.max_interim)
                    return fail(skipped, http::errc::header_too_large);
                ++interim_count_;
                last_interim_status_ = start_.status;
                skipped += pos_;
                data.remove_prefix(pos_);
                clear_head();
                continue;
            }
        }
        head_.base = base;
        head_size_ = pos_;
        if (!frame(e)) return fail(skipped, e);
        phase_ = body_kind_ == BodyKind::none ||
                         (body_kind_ == BodyKind::content_length && fields_.content_length == 0)
                     ? Phase::done
                     : Phase::body;
        r.status = ParseStatus::complete;
        r.consumed = skipped + pos_;
        return r;
    }
}

template <bool IsRequest>
inline bool BasicParser<IsRequest>::frame(errc& e) noexcept {
    detail::Framing f{body_kind_, keep_alive_, upgrade_};
    const bool ok = fields_.frame(start_.version, start_.status, head_request_, connect_request_,
                                  limits_.max_body_size, f, e);
    body_kind_ = f.body;
    keep_alive_ = f.keep_alive;
    upgrade_ = f.upgrade;
    body_remaining_ = ok && body_kind_ == BodyKind::content_length ? fields_.content_length : 0;
    return ok;  // (the chunked decoder was reset with the parser)
}

template <bool IsRequest>
inline ParseResult BasicParser<IsRequest>::parse_body(std::string_view data) noexcept {
    ParseResult r;
    switch (phase_) {
        case Phase::error: return error_.again();
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
            if (r.error()) return fail(r.consumed, r.ec);
            break;
        case BodyKind::until_close:
            r.body = data;
            r.consumed = data.size();
            break;
    }
    // Fail as soon as the body is known to pass the limit: bytes past it, or the limit reached
    // inside a chunk whose data goes on (nothing but data bytes can come next there, so the
    // outcome is the same however the input is split).
    const std::uint64_t room = limits_.max_body_size - body_received_;
    if (r.body.size() > room || (r.body.size() == room && body_kind_ == BodyKind::chunked &&
                                 !r.complete() && chunked_.chunk_remaining() != 0)) {
        // Deliver the bytes up to the limit, then fail: the same bytes come out however the
        // input is split.
        if (r.body.size() > room) r.body = r.body.substr(0, static_cast<std::size_t>(room));
        body_received_ += r.body.size();
        ParseResult e = fail(0, http::errc::body_too_large);
        if (r.body.empty()) return e;
        r.status = ParseStatus::need_more;  // the next call reports the error
        return r;
    }
    body_received_ += r.body.size();
    if (r.complete()) phase_ = Phase::done;
    return r;
}

template <bool IsRequest>
inline ParseResult BasicParser<IsRequest>::finish() noexcept {
    ParseResult r;
    if (error_.set()) return error_.again();
    if (phase_ == Phase::done || (phase_ == Phase::body && body_kind_ == BodyKind::until_close)) {
        phase_ = Phase::done;
        r.status = ParseStatus::complete;
        return r;
    }
    return fail(0, socklite::errc::unexpected_eof);
}

template <bool IsRequest>
inline std::string_view BasicParser<IsRequest>::header(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < head_.count; ++i) {
        FieldView f = head_.field(i);
        if (iequals(f.name, name)) return f.value;
    }
    return {};
}

template <bool IsRequest>
inline bool BasicParser<IsRequest>::has_header(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < head_.count; ++i) {
        if (iequals(head_.field(i).name, name)) return true;
    }
    return false;
}

template <bool IsRequest>
inline void BasicParser<IsRequest>::copy_head(Response& out) const {
    static_assert(!IsRequest, "copy_head(Response&) is for responses");
    out.status = start_.status;
    out.version = start_.version;
    out.reason.assign(reason().data(), reason().size());
    for (std::size_t i = 0; i < head_.count; ++i) {
        FieldView f = head_.field(i);
        out.headers.add(f.name, f.value);
    }
}

template <bool IsRequest>
inline void BasicParser<IsRequest>::copy_head(Request& out) const {
    static_assert(IsRequest, "copy_head(Request&) is for requests");
    out.method.assign(method().data(), method().size());
    out.target.assign(target().data(), target().size());
    for (std::size_t i = 0; i < head_.count; ++i) {
        FieldView f = head_.field(i);
        out.headers.add(f.name, f.value);
    }
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_PARSER_HPP
