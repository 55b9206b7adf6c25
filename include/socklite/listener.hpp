// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_LISTENER_HPP
#define SOCKLITE_LISTENER_HPP

/** @file
 *  socklite::Listener: a bound, listening stream socket that accepts connections. */

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "address.hpp"
#include "detail/syscall.hpp"
#include "error.hpp"
#include "socket.hpp"

namespace socklite {

/** How Listener::bind() sets up the listening socket. */
struct ListenOptions {
    /** The backlog passed to `listen` (the kernel caps it at `net.core.somaxconn`). */
    int backlog = SOMAXCONN;
    /** `SO_REUSEADDR`: lets a restarted server bind while old connections sit in TIME_WAIT. */
    bool reuse_address = true;
    /** `SO_REUSEPORT`: lets several listeners share the port (the kernel balances accepts). */
    bool reuse_port = false;
    /** For an IPv6 address: also accept IPv4 clients (as IPv4-mapped IPv6 addresses), i.e. clear
     *  `IPV6_V6ONLY`. Set false for an IPv6-only socket. */
    bool dual_stack = true;
    /** Accepted sockets start in non-blocking mode (saves a system call per connection when an
     *  event loop serves them). */
    bool accept_non_blocking = false;
    /** `TCP_NODELAY` on every accepted socket (see Socket::nodelay()). Set on the listening
     *  socket, which Linux's accepted sockets inherit: no system call per connection. */
    bool nodelay = false;
    /** `TCP_NOTSENT_LOWAT` on every accepted socket (see Socket::unsent_limit()); 0 leaves the
     *  system's default. Inherited from the listening socket as nodelay is. */
    int unsent_limit = 0;
};

/** What Listener::accept() returns: the connected socket and the peer's address, so that
 *  `auto [sock, addr] = listener.accept();` reads like Python's `server.accept()`. */
struct Accepted {
    Socket socket;  ///< the connection, owned by the caller
    Address peer;   ///< the client's address
};

/** A listening stream socket (TCP over IPv4/IPv6, or Unix-domain): the move-only owner of one
 *  descriptor.
 *
 *  @par Example
 *  @code
 *  auto listener = socklite::Listener::bind("0.0.0.0", 8000);
 *  auto [sock, addr] = listener.accept();
 *  std::string data = sock.recv(1024);
 *  sock.send_all("hello");
 *  @endcode */
class Listener {
public:
    /** A listener that owns nothing. */
    Listener() noexcept = default;
    /** Adopts @p fd, a socket that is already listening (blocking or `O_NONBLOCK`: either way
     *  accept() waits unless non_blocking(true) is set). When @p fd is blocking, an accept with a
     *  timeout polls first, and can still block past the timeout if the connection vanishes in
     *  between; bind() avoids this (see release()). */
    explicit Listener(int fd) noexcept : fd_(fd) {}
    /** Takes over @p other's descriptor. */
    Listener(Listener&& other) noexcept
        : fd_(other.release()),
          non_blocking_(other.non_blocking_),
          fd_nonblock_(other.fd_nonblock_),
          accept_flags_(other.accept_flags_) {}
    /** Closes the current descriptor, then takes over @p other's. */
    Listener& operator=(Listener&& other) noexcept {
        if (this != &other) {
            close();
            non_blocking_ = other.non_blocking_;
            fd_nonblock_ = other.fd_nonblock_;
            accept_flags_ = other.accept_flags_;
            fd_ = other.release();
        }
        return *this;
    }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    /** Closes the descriptor, if any. */
    ~Listener() { close(); }

    /** Binds to @p host and @p port and listens. @p host may be a name, a numeric address,
     *  `""` or `"*"` (every local address); port 0 picks a free ephemeral port (see
     *  local_address()). Each resolved address is tried until one binds.
     *  @throws Error, e.g. `bind 127.0.0.1:8000: Address already in use`. */
    static Listener bind(std::string_view host, std::uint16_t port,
                         const ListenOptions& options = {});
    /** As bind(std::string_view, std::uint16_t, const ListenOptions&), reporting through @p ec. */
    static Listener bind(std::string_view host, std::uint16_t port, const ListenOptions& options,
                         std::error_code& ec) noexcept;
    /** Binds to @p address (IPv4, IPv6 or a Unix path, which must not exist yet) and listens.
     *  @throws Error. */
    static Listener bind(const Address& address, const ListenOptions& options = {});
    /** As bind(const Address&, const ListenOptions&), reporting through @p ec. */
    static Listener bind(const Address& address, const ListenOptions& options,
                         std::error_code& ec) noexcept;

    /** Waits for and accepts one connection. The accepted socket is `CLOEXEC`.
     *  @throws Error (`EMFILE` when out of descriptors). */
    Accepted accept();
    /** As accept(), reporting through @p ec; in non-blocking mode an empty backlog is
     *  `std::errc::operation_would_block`. */
    Accepted accept(std::error_code& ec) noexcept;
    /** Accepts one connection, waiting at most @p timeout (then `std::errc::timed_out`;
     *  socklite::no_timeout waits as long as it takes, zero or less takes only a connection
     *  already waiting); in non-blocking mode it does not wait
     *  (`std::errc::operation_would_block`).
     *  @throws Error. */
    Accepted accept(std::chrono::milliseconds timeout);
    /** As accept(std::chrono::milliseconds), reporting through @p ec. */
    Accepted accept(std::chrono::milliseconds timeout, std::error_code& ec) noexcept;

    /** The bound address (with the actual port after binding port 0). @throws Error. */
    Address local_address() const;
    /** As local_address(), reporting through @p ec. */
    Address local_address(std::error_code& ec) const noexcept;

    /** Switches non-blocking mode, for use with an event loop. @throws Error. */
    void non_blocking(bool on);
    /** As non_blocking(bool), reporting through @p ec. */
    void non_blocking(bool on, std::error_code& ec) noexcept;
    /** Whether the listener is in non-blocking mode (as set through this object). */
    bool non_blocking() const noexcept { return non_blocking_; }

    /** Stops listening and closes the descriptor (idempotent). A Unix socket's path is left
     *  in the file system. */
    void close() noexcept {
        if (fd_ >= 0) detail::sys.close(fd_);
        fd_ = -1;
    }
    /** The descriptor, still owned by this Listener (-1 when empty). */
    int native_handle() const noexcept { return fd_; }
    /** Gives up ownership of the descriptor and returns it. A descriptor from bind() is
     *  `O_NONBLOCK` even when non_blocking() is false: blocking accepts wait with `poll`. */
    int release() noexcept {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    /** Whether this Listener owns a descriptor. */
    bool is_open() const noexcept { return fd_ >= 0; }
    /** Same as is_open(). */
    explicit operator bool() const noexcept { return is_open(); }

private:
    Accepted accept_until(const Deadline& deadline, std::error_code& ec) noexcept;
    std::string local_text() const;

    int fd_ = -1;
    bool non_blocking_ = false;
    bool fd_nonblock_ = false;  // the descriptor is O_NONBLOCK whatever non_blocking_ says
    int accept_flags_ = SOCK_CLOEXEC;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline Listener Listener::bind(const Address& address, const ListenOptions& options,
                               std::error_code& ec) noexcept {
    if (address.empty()) {
        ec = errc::bad_address;
        return {};
    }
    int family = address.data()->sa_family;
    // O_NONBLOCK from the start, so that accept4 never blocks: blocking accepts wait in poll
    // (see accept_until).
    int fd = detail::sys.socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        ec = detail::last_error();
        return {};
    }
    Listener l(fd);
    l.fd_nonblock_ = true;
    l.accept_flags_ = SOCK_CLOEXEC | (options.accept_non_blocking ? SOCK_NONBLOCK : 0);
    auto set = [&](int level, int name, int value) {
        return ::setsockopt(fd, level, name, &value, sizeof value) == 0;
    };
    bool ok = true;
    if (family != AF_UNIX) {
        if (options.reuse_address) ok = ok && set(SOL_SOCKET, SO_REUSEADDR, 1);
        if (options.reuse_port) ok = ok && set(SOL_SOCKET, SO_REUSEPORT, 1);
        if (options.nodelay) ok = ok && set(IPPROTO_TCP, TCP_NODELAY, 1);
        if (options.unsent_limit > 0)
            ok = ok && set(IPPROTO_TCP, TCP_NOTSENT_LOWAT, options.unsent_limit);
    }
    if (family == AF_INET6) ok = ok && set(IPPROTO_IPV6, IPV6_V6ONLY, options.dual_stack ? 0 : 1);
    if (!ok || ::bind(fd, address.data(), address.size()) != 0 ||
        ::listen(fd, options.backlog) != 0) {
        ec = detail::last_error();
        return {};
    }
    ec.clear();
    return l;
}

inline Listener Listener::bind(const Address& address, const ListenOptions& options) {
    std::error_code ec;
    Listener l = bind(address, options, ec);
    if (ec) detail::throw_error(ec, "bind", address.to_string());
    return l;
}

inline Listener Listener::bind(std::string_view host, std::uint16_t port,
                               const ListenOptions& options, std::error_code& ec) noexcept {
    if (host == "*") host = {};
    auto addresses = detail::resolve_stream(host, port, true, ec);
    if (ec) return {};
    for (const Address& a : addresses) {
        Listener l = bind(a, options, ec);
        if (!ec) return l;
    }
    return {};
}

inline Listener Listener::bind(std::string_view host, std::uint16_t port,
                               const ListenOptions& options) {
    std::error_code ec;
    Listener l = bind(host, port, options, ec);
    if (ec) detail::throw_error(ec, "bind", detail::join_host_port(host, port));
    return l;
}

inline Accepted Listener::accept_until(const Deadline& deadline, std::error_code& ec) noexcept {
    // In blocking mode a connection can vanish between poll and accept (reset while queued, or
    // taken by another thread). bind() makes the descriptor O_NONBLOCK, so accept4 then says
    // EAGAIN and we wait again, instead of blocking in accept4 past the deadline (or forever).
    // An adopted blocking descriptor must be polled before accept4 when there is a deadline.
    // (An adopted descriptor may be O_NONBLOCK too, unknown to us: EAGAIN then means wait.)
    bool waits = !non_blocking_;
    bool poll_first = waits && deadline.is_set() && !fd_nonblock_;
    for (;;) {
        if (poll_first) {
            int w = detail::wait_fd(fd_, POLLIN, deadline);
            if (w != 0) {
                ec = w == ETIMEDOUT ? std::make_error_code(std::errc::timed_out)
                                    : std::error_code(w, std::system_category());
                return {};
            }
        }
        Address peer;
        socklen_t len = Address::capacity();
        int flags = accept_flags_;
        int fd = detail::sys.accept4(fd_, peer.data(), &len, flags);
        if (fd >= 0) {
            peer.resize(len);
            ec.clear();
            Accepted out{Socket(fd, peer), peer};
            out.socket.non_blocking_ = (flags & SOCK_NONBLOCK) != 0;
            return out;
        }
        int e = errno;
        // EINTR, and a connection that was reset while it waited in the backlog: try again.
        if (e == EINTR || e == ECONNABORTED) continue;
        if ((e == EAGAIN || e == EWOULDBLOCK) && waits) {
            poll_first = true;
            continue;
        }
        ec = {e, std::system_category()};
        return {};
    }
}

inline Accepted Listener::accept(std::error_code& ec) noexcept {
    return accept_until(Deadline::none(), ec);
}

inline Accepted Listener::accept() {
    std::error_code ec;
    Accepted a = accept(ec);
    if (ec) detail::throw_error(ec, "accept", local_text());
    return a;
}

inline Accepted Listener::accept(std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
    return accept_until(Deadline::after(timeout), ec);
}

inline Accepted Listener::accept(std::chrono::milliseconds timeout) {
    std::error_code ec;
    Accepted a = accept(timeout, ec);
    if (ec) detail::throw_error(ec, "accept", local_text());
    return a;
}

inline Address Listener::local_address(std::error_code& ec) const noexcept {
    return detail::socket_name(fd_, false, ec);
}

inline Address Listener::local_address() const {
    std::error_code ec;
    Address a = local_address(ec);
    if (ec) detail::throw_error(ec, "getsockname", "");
    return a;
}

inline std::string Listener::local_text() const {
    std::error_code ec;
    Address a = local_address(ec);
    return ec ? "fd " + std::to_string(fd_) : a.to_string();
}

inline void Listener::non_blocking(bool on, std::error_code& ec) noexcept {
    int value = on || fd_nonblock_ ? 1 : 0;  // bind()'s descriptors stay O_NONBLOCK
    if (::ioctl(fd_, FIONBIO, &value) != 0) {
        ec = detail::last_error();
        return;
    }
    non_blocking_ = on;
    ec.clear();
}

inline void Listener::non_blocking(bool on) {
    std::error_code ec;
    non_blocking(on, ec);
    if (ec) detail::throw_error(ec, "set non-blocking", local_text());
}

}  // namespace socklite

#endif  // SOCKLITE_LISTENER_HPP
