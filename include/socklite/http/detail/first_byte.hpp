// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_FIRST_BYTE_HPP
#define SOCKLITE_HTTP_DETAIL_FIRST_BYTE_HPP

/** @file
 *  Private to HttpServer: the wait of an HTTPS server's new connections for their first byte
 *  (detail::FirstByteWait). Not part of the API. */

#include <chrono>
#include <cstddef>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <sys/socket.h>

#include "../../detail/function.hpp"
#include "../../detail/syscall.hpp"
#include "../../event_loop.hpp"
#include "../../socket.hpp"

namespace socklite {
namespace http {
namespace detail {

// Holds the accepted sockets of an HTTPS server until their first byte has come, which tells
// the protocol: a TLS record (22, a handshake) goes on to on_tls; anything else is plain HTTP
// sent to the HTTPS port, answered with a plain 400 and closed (as nginx does) rather than
// failing in the handshake with a reset. No TLS state exists before then, so a client that
// connects and sends nothing costs a descriptor and a timer, closed after `timeout`.
class FirstByteWait {
public:
    // on_tls takes a socket whose first byte is a TLS record; on_drop is told when a socket
    // leaves otherwise (closed).
    FirstByteWait(EventLoop& loop, std::chrono::milliseconds timeout,
                  socklite::detail::Function<void(Socket)> on_tls,
                  socklite::detail::Function<void()> on_drop)
        : loop_(loop),
          timeout_(timeout),
          on_tls_(std::move(on_tls)),
          on_drop_(std::move(on_drop)) {}
    FirstByteWait(const FirstByteWait&) = delete;
    FirstByteWait& operator=(const FirstByteWait&) = delete;
    ~FirstByteWait() { clear(); }

    void add(Socket socket) {
        const int fd = socket.native_handle();
        std::error_code ec;
        loop_.add(
            fd, EventLoop::readable, [this, fd](EventLoop::Events) { readable(fd); }, ec);
        if (ec) return on_drop_();  // (the socket closes)
        EventLoop::TimerId timer = 0;
        try {
            timer = loop_.call_after(timeout_, [this, fd] {
                auto it = waiting_.find(fd);
                if (it == waiting_.end()) return;
                it->second.timer = 0;
                drop(it);
            });
            waiting_.emplace(fd, Waiting{std::move(socket), timer});
        } catch (...) {
            if (timer) loop_.cancel(timer);
            loop_.remove(fd, ec);
            on_drop_();
        }
    }
    std::size_t size() const noexcept { return waiting_.size(); }
    // Closes every waiting socket (a server stopping).
    void clear() noexcept {
        while (!waiting_.empty()) {
            auto it = waiting_.begin();
            if (it->second.timer) loop_.cancel(it->second.timer);
            std::error_code ignored;
            loop_.remove(it->first, ignored);
            waiting_.erase(it);
        }
    }

private:
    struct Waiting {
        Socket socket;
        EventLoop::TimerId timer;
    };
    using Map = std::unordered_map<int, Waiting>;

    Socket take(Map::iterator it) {
        if (it->second.timer) loop_.cancel(it->second.timer);
        std::error_code ignored;
        loop_.remove(it->first, ignored);
        Socket socket = std::move(it->second.socket);
        waiting_.erase(it);
        return socket;
    }
    void drop(Map::iterator it) {
        take(it);  // closed here
        on_drop_();
    }
    void readable(int fd) {
        auto it = waiting_.find(fd);
        if (it == waiting_.end()) return;
        unsigned char first = 0;
        ssize_t n = socklite::detail::sys.recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n <= 0) return drop(it);  // gone before a byte
        Socket socket = take(it);
        if (first == 22) return on_tls_(std::move(socket));
        refuse(socket);
        on_drop_();
    }
    // A plain answer, then the end of stream; the request is read off first (it has come with
    // its first byte, in practice), so that closing does not reset the connection.
    static void refuse(Socket& socket) noexcept {
        static const char answer[] =
            "HTTP/1.1 400 Bad Request\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 45\r\n"
            "Connection: close\r\n"
            "\r\n"
            "This port speaks HTTPS: use an https:// URL.\n";
        std::error_code ec;
        char sink[4096];
        for (int i = 0; i < 16; ++i) {
            if (socket.recv(sink, sizeof sink, ec) == 0 || ec) break;
        }
        ec.clear();
        socket.send(answer, sizeof answer - 1, ec);
        if (!ec) socket.shutdown(Shutdown::write, ec);
    }

    EventLoop& loop_;
    std::chrono::milliseconds timeout_;
    socklite::detail::Function<void(Socket)> on_tls_;
    socklite::detail::Function<void()> on_drop_;
    Map waiting_;
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_FIRST_BYTE_HPP
