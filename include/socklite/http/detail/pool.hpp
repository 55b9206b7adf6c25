// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_POOL_HPP
#define SOCKLITE_HTTP_DETAIL_POOL_HPP

// Private to HttpClient: one kept-alive connection (socket and receive buffer) and the pool of
// idle ones.

#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>  // Pool's idle list

#include "../../address.hpp"
#include "../../deadline.hpp"
#include "../../error.hpp"
#include "../../socket.hpp"
#include "../error.hpp"
#include "../url.hpp"

namespace socklite {
namespace http {
namespace detail {

/** One connection to an origin: the socket and the bytes received but not consumed yet. */
struct PooledConnection {
    std::string key;     // the origin, scheme://host[:port]: which requests may reuse it
    Socket socket;       //
    std::string buffer;  // [begin, end) received and not consumed yet
    std::size_t begin = 0;
    std::size_t end = 0;
    bool reused = false;  // has carried a request before this one
    // Set for TLS: whether the peer's end of stream came without close_notify, so that a body
    // delimited by the close may have been cut short (an attacker can forge a TCP FIN).
    bool (*truncated)(const Socket&) noexcept = nullptr;

    /** The bytes received and not consumed yet. */
    std::string_view pending() const noexcept {
        return std::string_view(buffer.data() + begin, end - begin);
    }
    /** Where the next bytes go, and how many fit there. */
    char* space() noexcept { return buffer.data() + end; }
    std::size_t room() const noexcept { return buffer.size() - end; }
    /** Room for at least @p n bytes after end, moving the pending bytes to the front first. */
    void reserve(std::size_t n) {
        if (begin == end) begin = end = 0;
        if (room() >= n) return;
        if (begin > 0) {
            std::memmove(buffer.data(), buffer.data() + begin, end - begin);
            end -= begin;
            begin = 0;
            if (room() >= n) return;
        }
        buffer.resize(buffer.size() * 2 > end + n ? buffer.size() * 2 : end + n);
    }
};

/** The idle connections of one client, all origins together, oldest first. A PooledConnection is
 *  moved in and out by value: one without a socket means none. */
class Pool {
public:
    /** Whether take() checks a connection before handing it out. */
    enum class Check { none, alive };

    /** The most recently used idle connection to @p key (marked reused), or one without a socket. With
     *  Check::alive, each candidate is first read without waiting (an expired deadline): end of
     *  stream, an error or stray bytes mean the server is done with it, and it is closed. */
    PooledConnection take(const std::string& key, Check check) noexcept {
        for (std::size_t i = idle_.size(); i-- > 0;) {
            if (idle_[i].key != key) continue;
            PooledConnection c = std::move(idle_[i]);
            idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
            if (check == Check::alive && !quiet(c)) continue;
            c.reused = true;
            return c;
        }
        return PooledConnection();
    }
    /** Keeps @p c for reuse; the oldest connection beyond @p max is closed. */
    void put(PooledConnection&& c, std::size_t max) {
        if (max == 0) return;
        c.begin = c.end = 0;
        if (idle_.size() >= max) idle_.erase(idle_.begin());
        idle_.push_back(std::move(c));
    }
    /** The number of idle connections. */
    std::size_t size() const noexcept { return idle_.size(); }
    /** Closes every idle connection. */
    void clear() noexcept { idle_.clear(); }

private:
    static bool quiet(PooledConnection& c) noexcept {
        char byte;
        std::error_code ec;
        c.socket.read_some(&byte, 1, Deadline::after(std::chrono::milliseconds::zero()), ec);
        return ec == std::errc::timed_out;
    }

    std::vector<PooledConnection> idle_;
};

/** Where a request goes: the resolved URL and what an exchange needs of it. */
struct Route {
    Route() = default;  // none: empty()
    explicit Route(http::Url u)
        : url(std::move(u)),
          target(url.target()),
          authority(url.authority()),
          key(url.origin()),
          text(url.str()) {}
    http::Url url;
    std::string target;     // the request target sent (origin-form: path and query)
    std::string authority;  // its Host field
    std::string key;        // its origin: which pooled connections fit
    std::string text;       // the whole URL, for messages and Response::url

    bool empty() const noexcept { return key.empty(); }
};

/** Whether @p target is an absolute URL: a scheme and `:` (RFC 3986 section 3.1). */
inline bool is_absolute(std::string_view target) noexcept {
    std::size_t colon = target.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    for (std::size_t i = 0; i < colon; ++i) {
        char c = target[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) return false;
    }
    return true;
}

/** Where @p target leads: an absolute URL, a reference resolved against @p base, or `*` (the
 *  server as a whole, for OPTIONS); http::errc::bad_url for a reference without a base. */
inline Url resolve(const Url& base, const std::string& target, std::error_code& ec) {
    ec.clear();
    if (target == "*" && !base.empty()) return base;
    if (is_absolute(target)) return Url::parse(target, ec);
    if (!base.empty()) return base.resolve(target, ec);
    ec = errc::bad_url;
    return Url();
}

/** Whether a request with @p method may be sent twice (RFC 9110 section 9.2.2): a retry on a
 *  fresh connection is safe for these. */
inline bool idempotent(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
           method == "OPTIONS" || method == "TRACE";
}

/** Errors that mean "the server closed a kept-alive connection before reading the request". */
inline bool stale(const std::error_code& ec) noexcept {
    return ec == std::errc::connection_reset || ec == std::errc::broken_pipe ||
           ec == std::errc::connection_aborted || ec == socklite::errc::unexpected_eof;
}

/** Opens a connection for @p route: to its host and port, or to the Unix-domain socket
 *  @p unix_socket when not empty; @p io_timeout bounds each read and write on it. */
inline PooledConnection connect(const Route& route, const std::string& unix_socket,
                                std::chrono::milliseconds connect_timeout,
                                std::chrono::milliseconds io_timeout, std::error_code& ec) {
    const bool local = !unix_socket.empty();
    Socket s;
    if (local) {
        Address a = Address::unix_path(unix_socket, ec);
        if (!ec) s = Socket::connect(a, connect_timeout, ec);
    } else {
        s = Socket::connect(route.url.host(), route.url.port(), connect_timeout, ec);
    }
    if (ec) return PooledConnection();
    if (!local) s.nodelay(true, ec);  // the request leaves in one send: no reason to wait
    if (!ec) s.read_timeout(io_timeout, ec);
    if (!ec) s.write_timeout(io_timeout, ec);
    if (ec) return PooledConnection();
    PooledConnection c;
    c.key = route.key;
    c.socket = std::move(s);
    return c;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_POOL_HPP
