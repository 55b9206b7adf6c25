// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_BODY_READER_HPP
#define SOCKLITE_HTTP_DETAIL_BODY_READER_HPP

// Private to HttpClient: reads one response (head, then body) from a pooled connection through
// the parser. Every byte goes through Socket::read_some with the request's deadline.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "../../deadline.hpp"
#include "../../detail/function.hpp"
#include "../../error.hpp"
#include "../error.hpp"
#include "../message.hpp"
#include "../parser.hpp"
#include "pool.hpp"

namespace socklite {
namespace http {
namespace detail {

/** Where a response body goes: the callbacks when set, else @c into (nullptr: dropped, as the
 *  body of a redirect that is followed). */
struct BodySink {
    std::string* into = nullptr;
    Headers* trailers = nullptr;  // where the trailer fields of a chunked body go
    const socklite::detail::Function<bool(std::string_view)>* on_body = nullptr;
    const socklite::detail::Function<void(std::uint64_t, std::optional<std::uint64_t>)>*
        on_progress = nullptr;
};

/** Empties @p res (status 0), keeping the capacity of its strings and lists. */
inline void clear(Response& res) noexcept {
    res.status = 0;
    res.reason.clear();
    res.version = 11;
    res.headers.clear();
    res.body.clear();
    res.trailers.clear();
    res.url.clear();
    res.decoded = false;
}

/** The parser limits for a response head of at most @p bytes and @p fields. */
inline ParserLimits parser_limits(std::size_t bytes, std::size_t fields) noexcept {
    ParserLimits l;
    l.max_header_bytes = bytes;
    l.max_fields = fields;
    return l;
}

/** Reads one response from a connection: head(), then body(). */
class BodyReader {
public:
    /** A reader of the response to a @p method request on @p c; @p p starts over. */
    BodyReader(PooledConnection& c, ResponseParser& p, std::string_view method,
               const Deadline& deadline) noexcept
        : c_(c), p_(p), deadline_(deadline) {
        p_.reset();
        p_.request_method(method);
    }

    /** Reads the final head (skipping interim 1xx responses) and copies it into @p res. */
    bool head(Response& res, std::error_code& ec);
    /** Reads the body into @p sink, refusing more than @p limit bytes. Exceptions thrown by the
     *  callbacks propagate. */
    bool body(const BodySink& sink, std::uint64_t limit, std::error_code& ec);
    /** Whether any byte of the response arrived (before that, a failure may mean a stale
     *  connection). */
    bool got_bytes() const noexcept { return received_ > 0; }

private:
    bool read_more(std::size_t want, std::error_code& ec);
    bool into_string(std::string& out, std::size_t size, const BodySink& sink, std::error_code& ec);
    bool pieces(const BodySink& sink, std::uint64_t limit, std::error_code& ec);
    bool deliver(const BodySink& sink, std::string_view data, std::error_code& ec);
    void progress(const BodySink& sink);

    PooledConnection& c_;
    ResponseParser& p_;
    Deadline deadline_;
    std::uint64_t received_ = 0;
    std::optional<std::uint64_t> total_;
    bool reported_all_ = false;  // the last progress call said received == total
};

// Reads what the socket has into the buffer (at most `want` bytes); end of stream is an error
// while the parser still needs bytes.
inline bool BodyReader::read_more(std::size_t want, std::error_code& ec) {
    c_.reserve(want);
    const std::size_t room = want < c_.room() ? want : c_.room();
    std::size_t n = c_.socket.read_some(c_.space(), room, deadline_, ec);
    if (!ec && n == 0) ec = socklite::errc::unexpected_eof;
    if (ec) return false;
    c_.end += n;
    received_ += n;
    return true;
}

inline bool BodyReader::head(Response& res, std::error_code& ec) {
    c_.begin = c_.end = 0;
    for (;;) {
        if (!read_more(16 * 1024, ec)) return false;
        ParseResult r = p_.parse_head(c_.pending());
        if (r.error()) {
            ec = r.ec;
            return false;
        }
        if (!r.complete()) {
            c_.begin += r.consumed;  // interim (1xx) responses skipped
            continue;
        }
        // The views point into the buffer: copy them before it moves. The strings of a reused
        // Response are overwritten in place (no allocation once grown).
        res.status = p_.status();
        res.version = p_.version();
        if (std::string_view(res.reason) != p_.reason())  // a reused Response: often the same
            res.reason.assign(p_.reason().data(), p_.reason().size());
        res.headers.clear();
        res.trailers.clear();
        res.headers.reserve(p_.field_count());
        for (std::size_t i = 0; i < p_.field_count(); ++i)
            res.headers.add(p_.field(i).name, p_.field(i).value);
        c_.begin += r.consumed;
        return true;
    }
}

inline bool BodyReader::body(const BodySink& sink, std::uint64_t limit, std::error_code& ec) {
    if (p_.body_kind() == BodyKind::content_length) {
        total_ = p_.content_length();
        if (*total_ > limit) {
            ec = http::errc::body_too_large;
            return false;
        }
    }
    bool ok;
    // A Content-Length body kept in memory goes straight into the string, sized once.
    const bool callback = sink.on_body != nullptr && *sink.on_body;
    if (sink.into != nullptr && !callback && total_ && *total_ > 0 && !p_.complete()) {
        ok = into_string(*sink.into, static_cast<std::size_t>(*total_), sink, ec);
    } else {
        if (sink.into != nullptr) sink.into->clear();
        ok = pieces(sink, limit, ec);
    }
    if (ok && !reported_all_ && sink.on_progress && *sink.on_progress) {
        // The last call says received == total, also when the total was not known before.
        (*sink.on_progress)(p_.body_received(), p_.body_received());
    }
    return ok;
}

inline bool BodyReader::into_string(std::string& out, std::size_t size, const BodySink& sink,
                                    std::error_code& ec) {
    // A reused Response whose body has this length already is refilled without zero-filling.
    out.resize(size);
    std::size_t filled = 0;
    while (!p_.complete()) {
        std::string_view in = c_.pending();
        if (in.empty()) {  // straight from the socket into the string
            std::size_t n = c_.socket.read_some(&out[filled], size - filled, deadline_, ec);
            if (!ec && n == 0) ec = socklite::errc::unexpected_eof;
            if (ec) {
                out.resize(filled);
                return false;
            }
            in = std::string_view(&out[filled], n);
        }
        ParseResult r = p_.parse_body(in);
        if (in.data() != &out[filled]) {
            std::memcpy(&out[filled], r.body.data(), r.body.size());
            c_.begin += r.consumed;
        }
        filled += r.body.size();
        progress(sink);
    }
    return true;
}

inline bool BodyReader::pieces(const BodySink& sink, std::uint64_t limit, std::error_code& ec) {
    for (;;) {
        while (!p_.complete()) {  // whatever the buffer holds first
            ParseResult r = p_.parse_body(c_.pending());
            if (r.error()) {
                ec = r.ec;
                return false;
            }
            c_.begin += r.consumed;
            if (p_.body_received() > limit) {
                ec = http::errc::body_too_large;
                return false;
            }
            if (!r.body.empty() && !deliver(sink, r.body, ec)) return false;
            if (r.body.empty() && !r.complete()) break;  // need more bytes
        }
        if (p_.complete()) {
            if (p_.body_kind() == BodyKind::chunked && sink.trailers != nullptr)
                p_.chunked().copy_trailers(*sink.trailers);
            return true;
        }
        std::size_t want = 64 * 1024;
        if (total_) {  // never read past this response
            const std::uint64_t left = *total_ - p_.body_received();
            want = static_cast<std::size_t>(left < 256 * 1024 ? left : 256 * 1024);
        }
        if (!read_more(want, ec)) {
            if (ec != socklite::errc::unexpected_eof) return false;
            ParseResult r = p_.finish();  // a body delimited by the end of the connection
            ec = r.ec;
            // Over TLS that end must be a close_notify, or the body may have been cut.
            if (!ec && c_.truncated != nullptr && c_.truncated(c_.socket))
                ec = socklite::errc::unexpected_eof;
            return !ec;
        }
    }
}

inline bool BodyReader::deliver(const BodySink& sink, std::string_view data, std::error_code& ec) {
    if (sink.on_body && *sink.on_body) {
        if (!(*sink.on_body)(data)) {
            ec = std::make_error_code(std::errc::operation_canceled);
            return false;
        }
    } else if (sink.into != nullptr) {
        sink.into->append(data.data(), data.size());
    }
    progress(sink);
    return true;
}

inline void BodyReader::progress(const BodySink& sink) {
    if (!sink.on_progress || !*sink.on_progress) return;
    (*sink.on_progress)(p_.body_received(), total_);
    reported_all_ = total_ && p_.body_received() == *total_;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_BODY_READER_HPP
