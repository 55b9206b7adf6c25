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
#include <limits>
#include <string_view>
#include <system_error>

#include "../address.hpp"
#include "../error.hpp"
#include "chunked.hpp"
#include "detail/grammar.hpp"
#include "error.hpp"
#include "message.hpp"
#include "parse_result.hpp"

namespace socklite {
namespace http {

/** Limits of the parser, enforced while bytes arrive (an endless header section is rejected as
 *  soon as it passes the limit, not when it ends). The status a server answers each with is
 *  status_for() of the error. */
struct ParserLimits {
    /** Largest header section in bytes: start line, fields and the empty line.
     *  More is http::errc::header_too_large (431). */
    std::size_t max_header_bytes = 64 * 1024;
    /** Most header fields; more is http::errc::too_many_headers (431). */
    std::size_t max_fields = 100;
    /** Longest request line without its CRLF (requests only); longer is
     *  http::errc::target_too_long (414). */
    std::size_t max_request_line = 8 * 1024;
    /** Largest body (Content-Length, or the bytes of a chunked or until-close body); more is
     *  http::errc::body_too_large (413), reported by parse_head() as soon as Content-Length is
     *  known, else by parse_body() before the body bytes that pass it. */
    std::uint64_t max_body_size = std::numeric_limits<std::uint64_t>::max();
    /** Most empty lines (CRLF) skipped before a start line (RFC 9112 section 2.2; some servers
     *  send one after a 100 Continue); more is an error of the start line. */
    std::size_t max_empty_lines = 8;
    /** Most interim (1xx) responses before the final one (responses only); more is
     *  http::errc::header_too_large (each interim head is also held to max_header_bytes and
     *  max_fields). */
    std::size_t max_interim = 64;
    /** Limits of the chunked decoder used for chunked bodies. */
    ChunkedLimits chunked;
};

/** How the body of a message is delimited (RFC 9112 section 6.3). */
enum class BodyKind {
    none,            ///< no body: a request without Content-Length or Transfer-Encoding; a
                     ///< response to HEAD, 1xx, 204, 304, 101 or a CONNECT tunnel
    content_length,  ///< exactly content_length() bytes
    chunked,         ///< the chunked transfer coding (Transfer-Encoding ends in `chunked`)
    until_close,     ///< everything until the server closes the connection (responses only)
};

/** The form of a request target (RFC 9112 section 3.2). */
enum class TargetForm {
    origin,     ///< `/path?query`, the usual one
    absolute,   ///< `http://host/path`, to a proxy
    authority,  ///< `host:port`, for CONNECT only
    asterisk,   ///< `*`, for OPTIONS only
};

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
     *  http::errc::body_too_large (reported by the call after the one that delivered the
     *  bytes up to ParserLimits::max_body_size). */
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
    int version() const noexcept { return version_; }
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
    std::uint64_t content_length() const noexcept { return content_length_; }
    /** Whether a Content-Length field was present. */
    bool has_content_length() const noexcept { return cl_seen_; }
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
        return std::string_view(head_.base, method_len_);
    }
    /** Requests: the request target as received (a view). */
    std::string_view target() const noexcept {
        static_assert(IsRequest, "target() is for requests");
        return std::string_view(head_.base + target_off_, target_len_);
    }
    /** Requests: the form of the target. */
    TargetForm target_form() const noexcept {
        static_assert(IsRequest, "target_form() is for requests");
        return target_form_;
    }
    /** Requests: the `Host` value (a view; empty when absent, as HTTP/1.0 allows). */
    std::string_view host() const noexcept {
        static_assert(IsRequest, "host() is for requests");
        return host_field_ ? head_.field(host_field_ - 1).value : std::string_view();
    }
    /** Requests: whether an HTTP/1.1 client waits for `100 Continue` before sending the body
     *  (`Expect: 100-continue`, RFC 9110 section 10.1.1). */
    bool expect_continue() const noexcept {
        static_assert(IsRequest, "expect_continue() is for requests");
        return expect_continue_;
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
        return status_;
    }
    /** Responses: the reason phrase (a view, may be empty). */
    std::string_view reason() const noexcept {
        static_assert(!IsRequest, "reason() is for responses");
        return std::string_view(head_.base + reason_off_, reason_len_);
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
    // What the bytes after an incomplete line would continue (see parse_head()).
    enum class Scan : unsigned char { none, token, target, value };

    ParseResult fail(std::size_t consumed, std::error_code e) noexcept {
        phase_ = Phase::error;
        keep_alive_ = false;
        return error_.fail(consumed, e);
    }
    void clear_head() noexcept;
    detail::LineStatus scan_version(const char* v, std::size_t have, errc line_error,
                                    errc& e) noexcept;
    detail::LineStatus scan_status_line(const char* base, std::size_t end, errc& e) noexcept;
    detail::LineStatus scan_request_line(const char* base, std::size_t end, errc& e) noexcept;
    bool check_target(std::string_view method, std::string_view target) noexcept;
    bool on_field(std::string_view name, std::string_view value, errc& e) noexcept;
    bool parse_content_length(std::string_view value) noexcept;
    bool parse_transfer_encoding(std::string_view value, errc& e) noexcept;
    bool frame(errc& e) noexcept;

    // For each name length, the first letter (lower case) of the one field name of that length
    // that on_field() looks at, or 0.
    static constexpr char name_key[18] = {0,
                                          0,
                                          0,
                                          0,
                                          IsRequest ? 'h' : 0,
                                          0,
                                          IsRequest ? 'e' : 0,
                                          IsRequest ? 'u' : 0,
                                          0,
                                          0,
                                          'c',
                                          0,
                                          0,
                                          0,
                                          'c',
                                          0,
                                          0,
                                          't'};

    ParserLimits limits_;
    detail::FieldBlock head_;
    ChunkedDecoder chunked_;
    detail::StickyError error_;
    Phase phase_ = Phase::head;
    // head scanning
    bool start_done_ = false;
    bool pending_ = false;  // the last call ended inside a line
    Scan pending_scan_ = Scan::none;
    Scan start_scan_ = Scan::none;  // where an incomplete start line stopped
    std::size_t pos_ = 0;           // next line to scan (offset in the head)
    std::size_t search_ = 0;        // the end of the bytes already checked while pending_
    std::size_t empty_lines_ = 0;   // empty lines skipped before this start line
    static constexpr std::size_t rescan_limit = 256;
    // start line
    int version_ = 11;
    std::uint32_t method_len_ = 0;
    std::uint32_t target_off_ = 0;
    std::uint32_t target_len_ = 0;
    TargetForm target_form_ = TargetForm::origin;
    int status_ = 0;
    std::uint32_t reason_off_ = 0;
    std::uint32_t reason_len_ = 0;
    std::size_t head_size_ = 0;
    // the request this response answers
    bool head_request_ = false;
    bool connect_request_ = false;
    // fields that matter
    bool cl_seen_ = false;
    bool te_seen_ = false;
    bool te_chunked_ = false;  // the last transfer coding so far is chunked
    bool conn_close_ = false;
    bool conn_keep_alive_ = false;
    bool conn_upgrade_ = false;
    bool upgrade_field_ = false;
    bool expect_continue_ = false;
    std::size_t host_field_ = 0;  // 1 + index of the Host field, 0 when none
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
    pending_scan_ = Scan::none;
    start_scan_ = Scan::none;
    pos_ = 0;
    search_ = 0;
    empty_lines_ = 0;
    version_ = 11;
    method_len_ = 0;
    target_off_ = 0;
    target_len_ = 0;
    target_form_ = TargetForm::origin;
    status_ = 0;
    reason_off_ = 0;
    reason_len_ = 0;
    head_size_ = 0;
    cl_seen_ = false;
    te_seen_ = false;
    te_chunked_ = false;
    conn_close_ = false;
    conn_keep_alive_ = false;
    conn_upgrade_ = false;
    upgrade_field_ = false;
    expect_continue_ = false;
    host_field_ = 0;
    content_length_ = 0;
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

// "HTTP/" DIGIT "." DIGIT at v, of which `have` bytes arrived: field when it is HTTP/1.0 or
// HTTP/1.1, incomplete when what arrived may still become one. Decided left to right, so that a
// prefix gives the same answer as the whole line.
template <bool IsRequest>
inline detail::LineStatus BasicParser<IsRequest>::scan_version(const char* v, std::size_t have,
                                                               errc line_error, errc& e) noexcept {
    using detail::LineStatus;
    static const char proto[] = "HTTP/1.";
    if (have >= 8) {  // the usual case: one comparison of the first seven bytes
        std::uint64_t got = 0, want = 0;
        std::memcpy(&got, v, 7);
        std::memcpy(&want, proto, 7);
        if (got == want && (v[7] == '1' || v[7] == '0')) {
            version_ = v[7] == '1' ? 11 : 10;
            return LineStatus::field;
        }
    }
    for (std::size_t i = 0; i < 5 && i < have; ++i) {
        if (v[i] != proto[i]) {
            e = line_error;
            return LineStatus::error;
        }
    }
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    // 505 is what a server answers; a response in another version is just not one we read.
    const errc unsupported =
        IsRequest ? http::errc::version_not_supported : http::errc::bad_version;
    if (have > 5 && (!digit(v[5]) || (!IsRequest && v[5] != '1'))) {
        e = http::errc::bad_version;
        return LineStatus::error;
    }
    if (have > 6 && v[6] != '.') {  // also "HTTP/01.1": not a version, so not an unknown one
        e = http::errc::bad_version;
        return LineStatus::error;
    }
    if (have > 7) {  // another major version, a minor digit other than 0 and 1, or no digit
        e = digit(v[7]) ? unsupported : http::errc::bad_version;
        return LineStatus::error;
    }
    return LineStatus::incomplete;
}

template <bool IsRequest>
inline detail::LineStatus BasicParser<IsRequest>::scan_status_line(const char* base,
                                                                   std::size_t end,
                                                                   errc& e) noexcept {
    using detail::LineStatus;
    // "HTTP/1.x SP DDD SP reason CRLF"; check whatever prefix is here so garbage fails early.
    LineStatus ls = scan_version(base, end, http::errc::bad_status_line, e);
    if (ls != LineStatus::field) return ls;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (end > 8 && base[8] != ' ') {
        e = digit(base[8]) ? http::errc::bad_version : http::errc::bad_status_line;
        return LineStatus::error;
    }
    for (std::size_t i = 9; i < end && i < 12; ++i) {
        if (!digit(base[i])) {
            e = http::errc::bad_status_line;
            return LineStatus::error;
        }
    }
    if (end > 12 && base[12] != ' ') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (end < 13) return LineStatus::incomplete;
    int code = (base[9] - '0') * 100 + (base[10] - '0') * 10 + (base[11] - '0');
    if (code < 100 || code > 599) {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    const char* reason = base + 13;
    const char* e_ptr = base + end;
    const char* p = detail::scan_field_value(reason, e_ptr);
    if (p >= e_ptr) {
        start_scan_ = Scan::value;
        return LineStatus::incomplete;
    }
    if (*p != '\r') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    if (p + 1 >= e_ptr) return LineStatus::incomplete;
    if (p[1] != '\n') {
        e = http::errc::bad_status_line;
        return LineStatus::error;
    }
    status_ = code;
    reason_off_ = 13;
    reason_len_ = static_cast<std::uint32_t>(p - reason);
    pos_ = static_cast<std::size_t>(p + 2 - base);
    return LineStatus::field;
}

template <bool IsRequest>
inline detail::LineStatus BasicParser<IsRequest>::scan_request_line(const char* base,
                                                                    std::size_t end,
                                                                    errc& e) noexcept {
    using detail::LineStatus;
    // "method SP request-target SP HTTP/1.x CRLF", single spaces; decided left to right.
    const char* e_ptr = base + end;
    const char* m = detail::scan_token(base, e_ptr);
    if (m == e_ptr) {
        start_scan_ = Scan::token;
        return LineStatus::incomplete;
    }
    if (m == base || *m != ' ') {
        e = http::errc::bad_request_line;
        return LineStatus::error;
    }
    const char* t = m + 1;
    const char* te = detail::scan_visible(t, e_ptr);
    if (te == e_ptr) {
        start_scan_ = Scan::target;
        return LineStatus::incomplete;
    }
    if (te == t || *te != ' ') {  // an empty target, a second space, a CTL, a bare CR or LF
        e = te != t && static_cast<unsigned char>(*te) >= 0x7f ? http::errc::bad_target
                                                               : http::errc::bad_request_line;
        return LineStatus::error;
    }
    start_scan_ = Scan::none;
    const char* v = te + 1;
    const std::size_t have = static_cast<std::size_t>(e_ptr - v);
    LineStatus ls = scan_version(v, have, http::errc::bad_request_line, e);
    if (ls != LineStatus::field) return ls;
    if (have > 8 && v[8] != '\r') {
        e = v[8] >= '0' && v[8] <= '9' ? http::errc::bad_version : http::errc::bad_request_line;
        return LineStatus::error;
    }
    if (have > 9 && v[9] != '\n') {
        e = http::errc::bad_request_line;
        return LineStatus::error;
    }
    if (have < 10) return LineStatus::incomplete;
    method_len_ = static_cast<std::uint32_t>(m - base);
    target_off_ = static_cast<std::uint32_t>(t - base);
    target_len_ = static_cast<std::uint32_t>(te - t);
    if (!check_target(std::string_view(base, method_len_), std::string_view(t, target_len_))) {
        e = http::errc::bad_target;
        return LineStatus::error;
    }
    pos_ = static_cast<std::size_t>(v + 10 - base);
    return LineStatus::field;
}

// The request-target forms of RFC 9112 section 3.2 (RFC 3986 characters).
template <bool IsRequest>
inline bool BasicParser<IsRequest>::check_target(std::string_view method,
                                                 std::string_view target) noexcept {
    using namespace detail;
    const char* p = target.data();
    const char* e = p + target.size();
    if (target == "*") {
        target_form_ = TargetForm::asterisk;
        return method == "OPTIONS";
    }
    if (method == "CONNECT") {  // authority-form: uri-host ":" port, nothing else
        target_form_ = TargetForm::authority;
        std::size_t colon = target.rfind(':');
        std::uint16_t port = 0;
        return colon != std::string_view::npos && colon > 0 &&
               socklite::detail::parse_port(target.substr(colon + 1), port) &&
               is_uri_host(target.substr(0, colon));
    }
    if (*p == '/') {  // origin-form: absolute-path [ "?" query ]
        target_form_ = TargetForm::origin;
        return all_in(p, e, cc_target) && valid_percent(p, e);
    }
    // absolute-form: scheme ":" hier-part [ "?" query ]
    target_form_ = TargetForm::absolute;
    if (!is(*p, cc_alpha)) return false;
    const char* q = p + 1;
    while (q < e && is(*q, cc_scheme)) ++q;
    if (q == e || *q != ':') return false;
    std::string_view scheme(p, static_cast<std::size_t>(q - p));
    ++q;
    for (const char* c = q; c < e; ++c) {
        if (!is(*c, cc_target) && *c != '[' && *c != ']') return false;
    }
    if (!valid_percent(q, e)) return false;
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) return true;
    // An http(s) URI has an authority with a non-empty host (RFC 9110 section 4.2.1).
    std::string_view rest(q, static_cast<std::size_t>(e - q));
    if (rest.substr(0, 2) != "//") return false;
    rest.remove_prefix(2);
    std::string_view auth = rest.substr(0, rest.find_first_of("/?"));
    std::size_t at = auth.rfind('@');
    if (at != std::string_view::npos) auth.remove_prefix(at + 1);
    std::size_t colon = auth.rfind(':');
    if (colon != std::string_view::npos && auth.find(']', colon) == std::string_view::npos) {
        std::uint16_t port = 0;
        std::string_view port_text = auth.substr(colon + 1);
        if (!port_text.empty() && !socklite::detail::parse_port(port_text, port)) return false;
        auth = auth.substr(0, colon);
    }
    return !auth.empty() && is_uri_host(auth);
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
                case Scan::token: stop = detail::scan_token(from, to); break;
                case Scan::target: stop = detail::scan_visible(from, to); break;
                case Scan::value: stop = detail::scan_field_value(from, to); break;
                case Scan::none: stop = from; break;
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
            start_scan_ = Scan::none;
            if constexpr (IsRequest) {
                // The request line is scanned within its own limit, so that a line that is
                // too long gives the same error however its bytes arrive.
                if (line_window > limits_.max_request_line + 2)
                    line_window = limits_.max_request_line + 2;
            }
            if (window == 0) {
                ls = LineStatus::incomplete;
            } else {
                ls = IsRequest ? scan_request_line(base, line_window, e)
                               : scan_status_line(base, line_window, e);
                if (ls == LineStatus::field) start_done_ = true;
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
                const std::size_t key = slot.name_len < sizeof name_key ? slot.name_len : 0;
                if (name_key[key] == (base[slot.name_off] | 0x20)) {
                    head_.count = count;
                    if (!on_field(std::string_view(base + slot.name_off, slot.name_len),
                                  std::string_view(base + slot.value_off, slot.value_len), e)) {
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
                pending_scan_ = start_scan_;
            } else {
                // An incomplete field line without a colon yet is still in its name (a line
                // with its colon is in its value: the scan would have failed otherwise).
                pending_scan_ =
                    window > pos_ && std::memchr(base + pos_, ':', window - pos_) == nullptr
                        ? Scan::token
                        : Scan::value;
            }
            r.consumed = skipped;
            return r;
        }
        // end of the header section
        if constexpr (!IsRequest) {
            if (status_ < 200 && status_ != 101) {
                if (interim_count_ == limits_.max_interim)
                    return fail(skipped, http::errc::header_too_large);
                ++interim_count_;
                last_interim_status_ = status_;
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
                         (body_kind_ == BodyKind::content_length && content_length_ == 0)
                     ? Phase::done
                     : Phase::body;
        r.status = ParseStatus::complete;
        r.consumed = skipped + pos_;
        return r;
    }
}

template <bool IsRequest>
inline bool BasicParser<IsRequest>::on_field(std::string_view name, std::string_view value,
                                             errc& e) noexcept {
    // Few names matter: the caller has matched the length and first letter (name_key).
    auto is_name = [&name](std::string_view lit) {
        return (name[0] | 0x20) == lit[0] && iequals(name, lit);
    };
    const std::size_t n = name.size();
    if (n == 14) {
        if (is_name("content-length")) {
            e = http::errc::bad_content_length;
            return parse_content_length(value);
        }
    } else if (n == 10) {
        if (is_name("connection")) {
            e = http::errc::bad_header;
            return detail::for_each_token(value, [this](std::string_view t) {
                       if (iequals(t, "close")) conn_close_ = true;
                       if (iequals(t, "keep-alive")) conn_keep_alive_ = true;
                       if (iequals(t, "upgrade")) conn_upgrade_ = true;
                       return true;
                   }) >= 0;
        }
    } else if (n == 17) {
        if (is_name("transfer-encoding")) return parse_transfer_encoding(value, e);
    } else if constexpr (IsRequest) {
        if (n == 4) {
            if (is_name("host")) {
                // RFC 9112 section 3.2: exactly one, `uri-host [ ":" port ]`.
                e = http::errc::bad_host;
                if (host_field_ != 0) return false;
                host_field_ = head_.count;
                std::string_view host = value;
                std::size_t colon = value.rfind(':');
                if (colon != std::string_view::npos &&
                    value.find(']', colon) == std::string_view::npos) {
                    std::uint16_t port = 0;
                    std::string_view port_text = value.substr(colon + 1);
                    if (!port_text.empty() && !socklite::detail::parse_port(port_text, port))
                        return false;
                    host = value.substr(0, colon);
                }
                return detail::is_uri_host(host);
            }
        } else if (n == 6) {
            if (is_name("expect") && iequals(value, "100-continue")) expect_continue_ = true;
        } else if (n == 7) {
            if (is_name("upgrade")) upgrade_field_ = true;
        }
    }
    return true;
}

template <bool IsRequest>
inline bool BasicParser<IsRequest>::parse_content_length(std::string_view v) noexcept {
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

template <bool IsRequest>
inline bool BasicParser<IsRequest>::parse_transfer_encoding(std::string_view v, errc& e) noexcept {
    // #transfer-coding, tokens only; chunked at most once and last; on a request, only the
    // codings this side of the connection may meet (RFC 9112 section 6.1: else 501).
    e = http::errc::bad_transfer_encoding;
    int n = detail::for_each_token(v, [this, &e](std::string_view t) {
        if (te_chunked_) return false;  // something after chunked
        te_chunked_ = iequals(t, "chunked");
        if (IsRequest && !te_chunked_ && !iequals(t, "gzip") && !iequals(t, "x-gzip") &&
            !iequals(t, "deflate") && !iequals(t, "compress") && !iequals(t, "x-compress")) {
            e = http::errc::unknown_transfer_coding;
            return false;
        }
        return true;
    });
    if (n <= 0) return false;
    te_seen_ = true;
    return true;
}

template <bool IsRequest>
inline bool BasicParser<IsRequest>::frame(errc& e) noexcept {
    if (te_seen_ && version_ == 10) {
        e = http::errc::bad_transfer_encoding;  // RFC 9112 section 6.1: faulty framing
        return false;
    }
    upgrade_ = false;
    if constexpr (IsRequest) {
        if (version_ == 11 && host_field_ == 0) {
            e = http::errc::missing_host;
            return false;
        }
        if (te_seen_ && (cl_seen_ || !te_chunked_)) {
            e = http::errc::bad_transfer_encoding;  // RFC 9112 sections 6.1 and 6.3
            return false;
        }
        body_kind_ = te_seen_   ? BodyKind::chunked
                     : cl_seen_ ? BodyKind::content_length
                                : BodyKind::none;
        keep_alive_ = !conn_close_ && (version_ == 11 || conn_keep_alive_);
        upgrade_ = conn_upgrade_ && upgrade_field_;
        expect_continue_ = expect_continue_ && version_ == 11;
    } else {
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
        keep_alive_ = version_ == 11 && !conn_close_ && !upgrade_ &&
                      body_kind_ != BodyKind::until_close && !(te_seen_ && cl_seen_);
    }
    if (body_kind_ == BodyKind::content_length && content_length_ > limits_.max_body_size) {
        e = http::errc::body_too_large;
        return false;
    }
    body_remaining_ = body_kind_ == BodyKind::content_length ? content_length_ : 0;
    return true;  // (the chunked decoder was reset with the parser)
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
    if (r.body.size() > limits_.max_body_size - body_received_) {
        // Deliver the bytes up to the limit, then fail: the same bytes come out however the
        // input is split.
        r.body = r.body.substr(0, static_cast<std::size_t>(limits_.max_body_size - body_received_));
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
    out.status = status_;
    out.version = version_;
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
