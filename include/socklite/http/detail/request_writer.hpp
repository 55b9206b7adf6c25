// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_REQUEST_WRITER_HPP
#define SOCKLITE_HTTP_DETAIL_REQUEST_WRITER_HPP

// Private to HttpClient: the fields the client adds to a serialized head, and sending bodies.
// Every byte goes through Socket::write_some with the request's deadline.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "../../deadline.hpp"
#include "../encoding.hpp"
#include "../error.hpp"
#include "../message.hpp"
#include "pool.hpp"

namespace socklite {
namespace http {
namespace detail {

/** The largest body sent in the same buffer (one send) as the head: copying more costs more
 *  than a second system call. */
inline constexpr std::size_t inline_body = 64 * 1024;

/** Completes a head from serialize_head(): the framing of a streamed body, Basic credentials
 *  from the URL's @p userinfo (unless the request has its own), `Connection: close` when
 *  @p close, then the empty line. */
inline void finish_head(const Request& req, std::string_view userinfo, bool close,
                        std::string& head) {
    head.resize(head.size() - 2);  // reopened: the empty line comes last
    if (req.body_source.read) {
        // The serializer writes `Content-Length: 0` last for an empty POST/PUT/PATCH body.
        static constexpr std::string_view zero = "Content-Length: 0\r\n";
        if (head.size() >= zero.size() &&
            head.compare(head.size() - zero.size(), zero.size(), zero.data(), zero.size()) == 0)
            head.resize(head.size() - zero.size());
        if (req.body_source.length) {
            head += "Content-Length: ";
            head += std::to_string(*req.body_source.length);
        } else {
            head += "Transfer-Encoding: chunked";  // RFC 9112 section 7.1
        }
        head += "\r\n";
    }
    if (!userinfo.empty() && !req.headers.contains("Authorization")) {
        head += "Authorization: ";
        head += basic_authorization(userinfo);
        head += "\r\n";
    }
    if (close && !req.headers.contains("Connection")) head += "Connection: close\r\n";
    head += "\r\n";
}

/** Sends all of @p data on @p c's socket by @p deadline. */
inline bool write_all(PooledConnection& c, std::string_view data, const Deadline& deadline,
                      std::error_code& ec) noexcept {
    while (!data.empty()) {
        std::size_t n = c.socket.write_some(data.data(), data.size(), deadline, ec);
        if (ec) return false;
        data.remove_prefix(n);
    }
    ec.clear();
    return true;
}

/** Sends the body of @p source, `Content-Length` framed when its length is known (the head
 *  said so), chunked otherwise (RFC 9112 section 7.1: size in hex, CRLF, data, CRLF; a zero
 *  size ends it). Exceptions of the source propagate. */
inline bool send_source(PooledConnection& c, const BodySource& source, const Deadline& deadline,
                        std::error_code& ec) {
    static constexpr std::size_t piece = 64 * 1024;
    static constexpr std::size_t room = 16;  // hex size and CRLF in front of a chunk
    std::string buf(room + piece + 2, '\0');
    std::uint64_t sent = 0;
    for (;;) {
        const std::size_t n = source.read(&buf[room], piece);
        if (source.length && (n == 0 ? sent != *source.length : *source.length - sent < n)) {
            ec = errc::body_length_mismatch;
            return false;
        }
        sent += n;
        std::string_view out(buf.data() + room, n);
        if (!source.length) {
            char size[room];
            const int len = std::snprintf(size, sizeof size, "%zx\r\n", n);
            char* start = &buf[room - static_cast<std::size_t>(len)];
            std::memcpy(start, size, static_cast<std::size_t>(len));
            std::memcpy(&buf[room + n], "\r\n", 2);
            out = std::string_view(start, static_cast<std::size_t>(len) + n + 2);
        }
        if (!out.empty() && !write_all(c, out, deadline, ec)) return false;
        if (n == 0) return true;
    }
}

/** Sends a request: @p head (with a small body in it already), then a large body or the
 *  body source. */
inline bool send_request(PooledConnection& c, std::string_view head, const Request& req,
                         const Deadline& deadline, std::error_code& ec) {
    if (!write_all(c, head, deadline, ec)) return false;
    if (req.body_source.read) return send_source(c, req.body_source, deadline, ec);
    if (req.body.size() > inline_body) return write_all(c, req.body, deadline, ec);
    return true;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_REQUEST_WRITER_HPP
