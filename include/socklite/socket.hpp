// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_SOCKET_HPP
#define SOCKLITE_SOCKET_HPP

/** @file
 *  socklite::Socket: a connected stream socket (TCP or Unix-domain) that owns its descriptor. */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "address.hpp"
#include "deadline.hpp"
#include "detail/stream_layer.hpp"
#include "detail/syscall.hpp"
#include "error.hpp"

namespace socklite {

/** Which direction(s) Socket::shutdown() closes. */
enum class Shutdown {
    read = SHUT_RD,   ///< no more receiving
    write = SHUT_WR,  ///< no more sending: the peer reads end-of-stream after the queued bytes
    both = SHUT_RDWR  ///< both directions
};

/** A connected stream socket: the move-only owner of one descriptor, closed on destruction.
 *
 *  Every operation that can fail has a throwing overload (socklite::Error, whose what() names
 *  the operation and the peer) and a `noexcept` overload taking `std::error_code&`.
 *  No call raises SIGPIPE, every call retries on EINTR, and descriptors are opened `CLOEXEC`.
 *
 *  **Timeouts.** read_timeout() and write_timeout() bound each blocking call as a whole: recv(),
 *  recv_exact(), send() and send_all() either finish or fail with `std::errc::timed_out` within
 *  the timeout, however many system calls they make. socklite::no_timeout (the default) waits as
 *  long as it takes; zero or less never waits (`timed_out` unless the call completes at once).
 *  read_some() and write_some() also take a socklite::Deadline, for an operation that spans
 *  many calls (an HTTP exchange): each waits until the deadline at most, and no longer than the
 *  timeout. In non-blocking mode (non_blocking(true)) calls never wait and report
 *  `std::errc::operation_would_block` instead.
 *
 *  Every byte the library reads or writes goes through these calls (the HTTP client too), so
 *  that a layer under them (TLS) sees all of it.
 *
 *  A plain Socket may be used by two threads at once when one only sends and the other only
 *  receives (a TLS one may not: the layer's state is shared by both directions);
 *  changing options or closing while another thread uses the socket is not supported.
 *
 *  @par Example
 *  @code
 *  auto sock = socklite::Socket::connect("127.0.0.1", 8000, std::chrono::seconds(5));
 *  sock.send_all("allen");
 *  std::string reply = sock.recv(1024);  // "" means the peer closed
 *  @endcode */
class Socket {
public:
    /** A socket that owns nothing (is_open() is false). */
    Socket() noexcept = default;
    /** Adopts @p fd, a connected stream socket; the Socket closes it. */
    explicit Socket(int fd) noexcept : fd_(fd) {}
    /** Adopts @p fd and remembers @p peer for error messages (as Listener::accept() does). */
    Socket(int fd, const Address& peer) noexcept : fd_(fd), peer_(peer) {}
    /** Takes over @p other's descriptor and settings; @p other is left empty. */
    Socket(Socket&& other) noexcept { take(other); }
    /** Closes the current descriptor, then takes over @p other's. */
    Socket& operator=(Socket&& other) noexcept {
        if (this != &other) {
            close();
            take(other);
        }
        return *this;
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    /** Closes the descriptor, if any. */
    ~Socket() { close(); }

    /** Connects to @p host (a name or numeric address) and @p port.
     *
     *  Every address that resolve() returns is tried in order until one accepts. @p timeout is one
     *  deadline for the whole call, resolution included: when it passes the call fails with
     *  `std::errc::timed_out`, however many addresses remain (socklite::no_timeout: no limit;
     *  zero or less: only an address that connects at once). The error reported otherwise is the
     *  last address's. (`getaddrinfo` itself cannot be interrupted: a resolver slower than the
     *  timeout delays the failure, and then no address is tried.)
     *  @throws Error, e.g. `connect localhost:8000: Connection refused`. */
    static Socket connect(std::string_view host, std::uint16_t port,
                          std::chrono::milliseconds timeout = no_timeout);
    /** As connect(std::string_view, std::uint16_t, std::chrono::milliseconds), reporting through
     *  @p ec; the returned Socket is empty on failure. */
    static Socket connect(std::string_view host, std::uint16_t port,
                          std::chrono::milliseconds timeout, std::error_code& ec) noexcept;
    /** Connects to one address (IPv4, IPv6 or Unix-domain) within @p timeout.
     *  @throws Error, e.g. `connect 127.0.0.1:8000: Connection refused`. */
    static Socket connect(const Address& address, std::chrono::milliseconds timeout = no_timeout);
    /** As connect(const Address&, std::chrono::milliseconds), reporting through @p ec. */
    static Socket connect(const Address& address, std::chrono::milliseconds timeout,
                          std::error_code& ec) noexcept;

    /** Sends what one system call accepts of @p data (possibly less than @p len).
     *  @return the number of bytes sent. @throws Error (`EPIPE` once the peer is gone). */
    std::size_t send(const void* data, std::size_t len);
    /** As send(const void*, std::size_t), reporting through @p ec (0 bytes on error). */
    std::size_t send(const void* data, std::size_t len, std::error_code& ec) noexcept;
    /** Sends what one system call accepts of @p data. @throws Error. */
    std::size_t send(std::string_view data) { return send(data.data(), data.size()); }
    /** As send(std::string_view), reporting through @p ec. */
    std::size_t send(std::string_view data, std::error_code& ec) noexcept {
        return send(data.data(), data.size(), ec);
    }

    /** Sends all @p len bytes, looping over partial writes. @throws Error. */
    void send_all(const void* data, std::size_t len);
    /** As send_all(const void*, std::size_t), reporting through @p ec.
     *  @return the bytes sent before any error (all of them on success). */
    std::size_t send_all(const void* data, std::size_t len, std::error_code& ec) noexcept;
    /** Sends all of @p data. @throws Error. */
    void send_all(std::string_view data) { send_all(data.data(), data.size()); }
    /** As send_all(std::string_view), reporting through @p ec. @return the bytes sent. */
    std::size_t send_all(std::string_view data, std::error_code& ec) noexcept {
        return send_all(data.data(), data.size(), ec);
    }

    /** Receives what is available, up to @p len bytes, waiting for at least one.
     *  @return the bytes received; 0 means the peer closed its side (end of stream).
     *  @throws Error. */
    std::size_t recv(void* buffer, std::size_t len);
    /** As recv(void*, std::size_t), reporting through @p ec (0 bytes on error, so check @p ec
     *  before taking 0 as end of stream). */
    std::size_t recv(void* buffer, std::size_t len, std::error_code& ec) noexcept;
    /** Receives up to @p max bytes as a string, like Python's `sock.recv(1024)`; an empty
     *  string means the peer closed. @throws Error. */
    std::string recv(std::size_t max);
    /** As recv(std::size_t), reporting through @p ec (`not_enough_memory` if the string cannot
     *  be allocated). */
    std::string recv(std::size_t max, std::error_code& ec) noexcept;

    /** Receives exactly @p len bytes.
     *  @throws Error with errc::unexpected_eof when the peer closes first. */
    void recv_exact(void* buffer, std::size_t len);
    /** As recv_exact(void*, std::size_t), reporting through @p ec.
     *  @return the bytes received before any error (all @p len on success). */
    std::size_t recv_exact(void* buffer, std::size_t len, std::error_code& ec) noexcept;

    /** Receives what is available, up to @p len bytes, waiting for at least one until
     *  @p deadline at most, and no longer than read_timeout() (both bounds hold; the nearer
     *  ends the wait with `std::errc::timed_out`). With no deadline (Deadline::none()) and a
     *  blocking socket this is one `recv` system call.
     *  @return the bytes received; 0 means the peer closed its side. @throws Error. */
    std::size_t read_some(void* buffer, std::size_t len, const Deadline& deadline);
    /** As read_some(void*, std::size_t, const Deadline&), reporting through @p ec (0 bytes on
     *  error). An expired deadline makes this a check that never waits: `timed_out` when
     *  nothing is there. */
    std::size_t read_some(void* buffer, std::size_t len, const Deadline& deadline,
                          std::error_code& ec) noexcept;
    /** Sends what one system call accepts of @p data, waiting for room until @p deadline at
     *  most and no longer than write_timeout().
     *  @return the bytes sent (at least one on success). @throws Error. */
    std::size_t write_some(const void* data, std::size_t len, const Deadline& deadline);
    /** As write_some(const void*, std::size_t, const Deadline&), reporting through @p ec (0
     *  bytes on error). */
    std::size_t write_some(const void* data, std::size_t len, const Deadline& deadline,
                           std::error_code& ec) noexcept;

    /** Shuts down one or both directions; shutdown(Shutdown::write) sends end-of-stream while
     *  still receiving. @throws Error. */
    void shutdown(Shutdown how = Shutdown::both);
    /** As shutdown(Shutdown), reporting through @p ec. */
    void shutdown(Shutdown how, std::error_code& ec) noexcept;

    /** Closes the descriptor now (idempotent), and ends an attached layer (TLS) without a
     *  word to the peer: shutdown(Shutdown::write) first sends its end of stream. The kernel
     *  releases the descriptor even when close(2) reports an error, so there is nothing to
     *  report. */
    void close() noexcept {
        drop_layer();
        if (fd_ >= 0) detail::sys.close(fd_);
        fd_ = -1;
    }

    /** Disables (true) or enables Nagle's algorithm (`TCP_NODELAY`). @throws Error. */
    void nodelay(bool on) { set_flag(IPPROTO_TCP, TCP_NODELAY, on, "set TCP_NODELAY"); }
    /** As nodelay(bool), reporting through @p ec. */
    void nodelay(bool on, std::error_code& ec) noexcept {
        set_option(IPPROTO_TCP, TCP_NODELAY, on, ec);
    }
    /** Whether `TCP_NODELAY` is set. @throws Error. */
    bool nodelay() const { return get_option(IPPROTO_TCP, TCP_NODELAY, "get TCP_NODELAY") != 0; }
    /** As nodelay(), reporting through @p ec (false on error). */
    bool nodelay(std::error_code& ec) const noexcept {
        return get_option(IPPROTO_TCP, TCP_NODELAY, ec) != 0;
    }

    /** Enables TCP keep-alive probes (`SO_KEEPALIVE`). @throws Error. */
    void keepalive(bool on) { set_flag(SOL_SOCKET, SO_KEEPALIVE, on, "set SO_KEEPALIVE"); }
    /** As keepalive(bool), reporting through @p ec. */
    void keepalive(bool on, std::error_code& ec) noexcept {
        set_option(SOL_SOCKET, SO_KEEPALIVE, on, ec);
    }
    /** Whether `SO_KEEPALIVE` is set. @throws Error. */
    bool keepalive() const { return get_option(SOL_SOCKET, SO_KEEPALIVE, "get SO_KEEPALIVE") != 0; }
    /** As keepalive(), reporting through @p ec (false on error). */
    bool keepalive(std::error_code& ec) const noexcept {
        return get_option(SOL_SOCKET, SO_KEEPALIVE, ec) != 0;
    }

    /** Sets `SO_REUSEADDR`. @throws Error. */
    void reuse_address(bool on) { set_flag(SOL_SOCKET, SO_REUSEADDR, on, "set SO_REUSEADDR"); }
    /** As reuse_address(bool), reporting through @p ec. */
    void reuse_address(bool on, std::error_code& ec) noexcept {
        set_option(SOL_SOCKET, SO_REUSEADDR, on, ec);
    }
    /** Whether `SO_REUSEADDR` is set. @throws Error. */
    bool reuse_address() const {
        return get_option(SOL_SOCKET, SO_REUSEADDR, "get SO_REUSEADDR") != 0;
    }
    /** As reuse_address(), reporting through @p ec (false on error). */
    bool reuse_address(std::error_code& ec) const noexcept {
        return get_option(SOL_SOCKET, SO_REUSEADDR, ec) != 0;
    }

    /** Bounds the bytes the kernel holds that are not yet sent (`TCP_NOTSENT_LOWAT`): the
     *  socket reports writable, and a send accepts more, only while fewer than @p bytes wait
     *  unsent. Bytes in flight (sent, not yet acknowledged) do not count, so this does not
     *  slow a transfer whose sender keeps up; it keeps the rest in user space (or in the file,
     *  for sendfile) until the peer's window takes it. 0 restores the system's default
     *  (`net.ipv4.tcp_notsent_lowat`, unbounded unless set). @throws Error. */
    void unsent_limit(int bytes) {
        set_flag(IPPROTO_TCP, TCP_NOTSENT_LOWAT, bytes, "set TCP_NOTSENT_LOWAT");
    }
    /** As unsent_limit(int), reporting through @p ec. */
    void unsent_limit(int bytes, std::error_code& ec) noexcept {
        set_option(IPPROTO_TCP, TCP_NOTSENT_LOWAT, bytes, ec);
    }
    /** The bound set by unsent_limit(int); 0 when none was set (the system's default applies).
     *  @throws Error. */
    int unsent_limit() const {
        return get_option(IPPROTO_TCP, TCP_NOTSENT_LOWAT, "get TCP_NOTSENT_LOWAT");
    }
    /** As unsent_limit(), reporting through @p ec (0 on error). */
    int unsent_limit(std::error_code& ec) const noexcept {
        return get_option(IPPROTO_TCP, TCP_NOTSENT_LOWAT, ec);
    }

    /** Requests a kernel send buffer of @p bytes (`SO_SNDBUF`; Linux doubles it). @throws Error. */
    void send_buffer_size(int bytes) { set_flag(SOL_SOCKET, SO_SNDBUF, bytes, "set SO_SNDBUF"); }
    /** As send_buffer_size(int), reporting through @p ec. */
    void send_buffer_size(int bytes, std::error_code& ec) noexcept {
        set_option(SOL_SOCKET, SO_SNDBUF, bytes, ec);
    }
    /** The kernel send buffer size in bytes. @throws Error. */
    int send_buffer_size() const { return get_option(SOL_SOCKET, SO_SNDBUF, "get SO_SNDBUF"); }
    /** As send_buffer_size(), reporting through @p ec (0 on error). */
    int send_buffer_size(std::error_code& ec) const noexcept {
        return get_option(SOL_SOCKET, SO_SNDBUF, ec);
    }

    /** Requests a kernel receive buffer of @p bytes (`SO_RCVBUF`; Linux doubles it). @throws Error. */
    void recv_buffer_size(int bytes) { set_flag(SOL_SOCKET, SO_RCVBUF, bytes, "set SO_RCVBUF"); }
    /** As recv_buffer_size(int), reporting through @p ec. */
    void recv_buffer_size(int bytes, std::error_code& ec) noexcept {
        set_option(SOL_SOCKET, SO_RCVBUF, bytes, ec);
    }
    /** The kernel receive buffer size in bytes. @throws Error. */
    int recv_buffer_size() const { return get_option(SOL_SOCKET, SO_RCVBUF, "get SO_RCVBUF"); }
    /** As recv_buffer_size(), reporting through @p ec (0 on error). */
    int recv_buffer_size(std::error_code& ec) const noexcept {
        return get_option(SOL_SOCKET, SO_RCVBUF, ec);
    }

    /** Switches non-blocking mode: calls then report `std::errc::operation_would_block` instead
     *  of waiting (use this with an event loop). @throws Error. */
    void non_blocking(bool on);
    /** As non_blocking(bool), reporting through @p ec. */
    void non_blocking(bool on, std::error_code& ec) noexcept;
    /** Whether the socket is in non-blocking mode (as set through this object). */
    bool non_blocking() const noexcept { return non_blocking_; }

    /** Bounds each receiving call (recv(), recv_exact(), read_some()) by @p timeout;
     *  socklite::no_timeout (the default) waits forever, zero or less never waits.
     *  @throws Error. */
    void read_timeout(std::chrono::milliseconds timeout);
    /** As read_timeout(std::chrono::milliseconds), reporting through @p ec. */
    void read_timeout(std::chrono::milliseconds timeout, std::error_code& ec) noexcept;
    /** The current read timeout (no_timeout when unset). */
    std::chrono::milliseconds read_timeout() const noexcept { return read_timeout_; }

    /** Bounds each sending call (send(), send_all(), write_some()) by @p timeout;
     *  socklite::no_timeout (the default) waits forever, zero or less never waits.
     *  @throws Error. */
    void write_timeout(std::chrono::milliseconds timeout);
    /** As write_timeout(std::chrono::milliseconds), reporting through @p ec. */
    void write_timeout(std::chrono::milliseconds timeout, std::error_code& ec) noexcept;
    /** The current write timeout (no_timeout when unset). */
    std::chrono::milliseconds write_timeout() const noexcept { return write_timeout_; }

    /** The local end's address (`getsockname`). @throws Error. */
    Address local_address() const;
    /** As local_address(), reporting through @p ec. */
    Address local_address(std::error_code& ec) const noexcept;
    /** The peer's address (`getpeername`). @throws Error (`ENOTCONN` once reset). */
    Address peer_address() const;
    /** As peer_address(), reporting through @p ec. */
    Address peer_address(std::error_code& ec) const noexcept;

    /** The descriptor, still owned by this Socket (-1 when empty). */
    int native_handle() const noexcept { return fd_; }
    /** Gives up ownership: returns the descriptor, which the caller must close; the Socket is
     *  left empty (an attached layer is ended: its state cannot go with a bare descriptor). */
    int release() noexcept {
        drop_layer();
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

    /** Puts @p layer (TLS) between this Socket and its descriptor, taking ownership of it (it
     *  must come from `new`): from now on every call reads and writes through it, with the same
     *  deadlines and timeouts (but one thread at a time: the two directions of a layer share
     *  its state). A layer already attached is ended first. socklite::tls attaches
     *  one; user code rarely calls this. */
    void attach_layer(detail::StreamLayer* layer) noexcept {
        drop_layer();
        layer_ = layer;
    }
    /** The attached layer, or nullptr for a plain socket. */
    detail::StreamLayer* layer() const noexcept { return layer_; }
    /** Completes the attached layer's handshake (TLS) within @p deadline and the read and
     *  write timeouts; nothing to do without a layer. A non-blocking socket goes as far as it
     *  can and reports `std::errc::operation_would_block`, with wants() telling for what. */
    void handshake(const Deadline& deadline, std::error_code& ec) noexcept;
    /** After `std::errc::operation_would_block` in non-blocking mode through a layer (TLS),
     *  the readiness to wait for before trying again: `POLLIN` or `POLLOUT` (a TLS read may need
     *  the socket writable, a write readable). 0 for a plain socket, whose reads wait for
     *  `POLLIN` and writes for `POLLOUT`. */
    short wants() const noexcept { return wants_; }
    /** Input the layer (TLS) has taken off the descriptor but not yet returned: an event loop
     *  sees no readiness for it, so read before waiting again while this is not 0. Decoded
     *  bytes, or 1 for records read ahead and not yet decrypted (a read may then report
     *  would-block: they were part of a record, wait). Always 0 for a plain socket. */
    std::size_t buffered_input() const noexcept { return layer_ ? layer_->buffered() : 0; }
    /** Whether this Socket owns a descriptor. */
    bool is_open() const noexcept { return fd_ >= 0; }
    /** Same as is_open(). */
    explicit operator bool() const noexcept { return is_open(); }

private:
    friend class Listener;  // marks sockets accepted with SOCK_NONBLOCK without a system call

    void take(Socket& other) noexcept {
        layer_ = other.layer_;
        other.layer_ = nullptr;
        wants_ = other.wants_;
        fd_ = other.release();
        non_blocking_ = other.non_blocking_;
        read_timeout_ = other.read_timeout_;
        write_timeout_ = other.write_timeout_;
        peer_ = other.peer_;
    }
    // receive_all: MSG_WAITALL while the call may wait in the kernel (recv_exact).
    enum class Direction { receive, receive_all, send };
    // One receive or send step, bounded by the deadline and the direction's timeout.
    std::size_t transfer(Direction dir, void* buf, std::size_t len, Deadline deadline,
                         std::error_code& ec) noexcept;
    // The same through the attached layer: its steps never wait, Socket does.
    std::size_t layered_transfer(bool sending, void* buf, std::size_t len, Deadline deadline,
                                 std::error_code& ec) noexcept;
    // Waits for wants_ within deadline (blocking mode) or reports would-block; 0 to try again.
    bool wait_for_layer(Deadline deadline, std::error_code& ec) noexcept;
    void drop_layer() noexcept {
        delete layer_;
        layer_ = nullptr;
    }
    // Loops until all of len is transferred, end of stream or an error (recv_exact, send_all).
    std::size_t transfer_all(Direction dir, char* p, std::size_t len, std::error_code& ec) noexcept;
    void set_option(int level, int name, int value, std::error_code& ec) noexcept;
    void set_flag(int level, int name, int value, const char* op);
    int get_option(int level, int name, const char* op) const;
    int get_option(int level, int name, std::error_code& ec) const noexcept;
    void set_kernel_timeout(int name, std::chrono::milliseconds t, std::error_code& ec) noexcept;
    std::string peer_text() const;
    static Socket connect_one(const Address& address, const Deadline& deadline,
                              std::error_code& ec) noexcept;

    int fd_ = -1;
    short wants_ = 0;  // see wants()
    bool non_blocking_ = false;
    std::chrono::milliseconds read_timeout_ = no_timeout;
    std::chrono::milliseconds write_timeout_ = no_timeout;
    Address peer_;  // remembered for error messages: getpeername fails once a peer resets
    detail::StreamLayer* layer_ = nullptr;  // owned (a raw pointer: <memory> costs every user)
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline std::string Socket::peer_text() const {
    if (!peer_.empty()) return peer_.to_string();
    std::error_code ec;
    Address a = peer_address(ec);
    if (!ec && !a.empty()) return a.to_string();
    return "fd " + std::to_string(fd_);
}

inline Socket Socket::connect_one(const Address& address, const Deadline& deadline,
                                  std::error_code& ec) noexcept {
    // A Unix-domain connect is never "in progress": with O_NONBLOCK a full backlog is an instant
    // EAGAIN, and after EINTR the socket is simply not connected. So a Unix socket connects
    // blocking, retrying on EINTR, its wait bounded by SO_SNDTIMEO (which Linux applies to it)
    // when there is a deadline; a TCP socket with a deadline connects non-blocking and polls.
    bool is_unix = address.data()->sa_family == AF_UNIX;
    bool poll_for_it = deadline.is_set() && !is_unix;
    int type = SOCK_STREAM | SOCK_CLOEXEC | (poll_for_it ? SOCK_NONBLOCK : 0);
    int fd = detail::sys.socket(address.data()->sa_family, type, 0);
    if (fd < 0) {
        ec = detail::last_error();
        return {};
    }
    Socket s(fd, address);
    if (is_unix) {
        for (;;) {
            if (deadline.is_set()) {
                int left = deadline.poll_ms();
                if (left == 0) {
                    ec = std::make_error_code(std::errc::timed_out);
                    return {};
                }
                s.set_kernel_timeout(SO_SNDTIMEO, std::chrono::milliseconds(left), ec);
                if (ec) return {};
            }
            if (detail::sys.connect(fd, address.data(), address.size()) == 0) break;
            int e = errno;
            if (e == EISCONN) break;  // an interrupted attempt completed after all
            // EAGAIN with a deadline: the backlog stayed full for `left` ms.
            if (e != EINTR && !(e == EAGAIN && deadline.is_set())) {
                ec = {e, std::system_category()};
                return {};
            }
        }
        ec.clear();
        if (deadline.is_set()) {
            s.set_kernel_timeout(SO_SNDTIMEO, no_timeout, ec);
            if (ec) return {};
        }
        return s;
    }
    int rc;
    do {
        rc = detail::sys.connect(fd, address.data(), address.size());
    } while (rc != 0 && errno == EINTR && poll_for_it);
    if (rc != 0 && errno != EISCONN) {  // EISCONN: an interrupted attempt finished meanwhile
        int e = errno;
        // EINTR on a blocking connect: the handshake goes on in the background; wait for it.
        // EALREADY: an earlier, interrupted attempt is still in progress.
        if (e != EINPROGRESS && e != EINTR && e != EALREADY) {
            ec = {e, std::system_category()};
            return {};
        }
        int w = detail::wait_fd(fd, POLLOUT, deadline);
        if (w != 0) {
            ec = w == ETIMEDOUT ? std::make_error_code(std::errc::timed_out)
                                : std::error_code(w, std::system_category());
            return {};
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) {
            ec = {err, std::system_category()};
            return {};
        }
    }
    if (poll_for_it) {
        int off = 0;
        if (::ioctl(fd, FIONBIO, &off) != 0) {
            ec = detail::last_error();
            return {};
        }
    }
    ec.clear();
    return s;
}

inline Socket Socket::connect(const Address& address, std::chrono::milliseconds timeout,
                              std::error_code& ec) noexcept {
    if (address.empty()) {
        ec = errc::bad_address;
        return {};
    }
    return connect_one(address, Deadline::after(timeout), ec);
}

inline Socket Socket::connect(const Address& address, std::chrono::milliseconds timeout) {
    std::error_code ec;
    Socket s = connect(address, timeout, ec);
    if (ec) detail::throw_error(ec, "connect", address.to_string());
    return s;
}

inline Socket Socket::connect(std::string_view host, std::uint16_t port,
                              std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
    const Deadline deadline = Deadline::after(timeout);
    std::vector<Address> addresses = detail::resolve_stream(host, port, false, ec);
    if (ec) return {};
    if (deadline.expired() && timeout > std::chrono::milliseconds::zero()) {
        ec = std::make_error_code(std::errc::timed_out);  // the resolver took the whole timeout
        return {};
    }
    Socket s;
    for (const Address& a : addresses) {
        s = connect_one(a, deadline, ec);
        if (!ec || ec == std::errc::timed_out) break;
    }
    return s;
}

inline Socket Socket::connect(std::string_view host, std::uint16_t port,
                              std::chrono::milliseconds timeout) {
    std::error_code ec;
    Socket s = connect(host, port, timeout, ec);
    if (ec) detail::throw_error(ec, "connect", detail::join_host_port(host, port));
    return s;
}

inline std::size_t Socket::transfer(Direction dir, void* buf, std::size_t len, Deadline deadline,
                                    std::error_code& ec) noexcept {
    const bool sending = dir == Direction::send;
    // (wants_ is left alone here: a plain socket may be read and written by two threads.)
    if (layer_) return layered_transfer(sending, buf, len, deadline, ec);
    const std::chrono::milliseconds timeout = sending ? write_timeout_ : read_timeout_;
    // A blocking socket waits in the kernel, one system call, when the kernel's timer
    // (SO_RCVTIMEO / SO_SNDTIMEO, set to the timeout) ends no later than the deadline; otherwise
    // the call tries without waiting and polls until the nearer of the two bounds.
    bool in_kernel = false;
    if (!non_blocking_) {
        if (timeout == no_timeout) {
            in_kernel = !deadline.is_set();
        } else {
            const Deadline bound = Deadline::after(timeout);  // expired for zero or less
            in_kernel = timeout > std::chrono::milliseconds::zero() && !(deadline < bound);
            deadline = deadline.earliest(bound);
        }
    }
    for (;;) {
        int flags = in_kernel ? (dir == Direction::receive_all ? MSG_WAITALL : 0) : MSG_DONTWAIT;
        ssize_t n = sending ? detail::sys.send(fd_, buf, len, flags | MSG_NOSIGNAL)
                            : detail::sys.recv(fd_, buf, len, flags);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        int e = errno;
        // After an interruption, waiting in the kernel again would restart its timer.
        if (e == EINTR) {
            in_kernel = in_kernel && !deadline.is_set();
            continue;
        }
        if ((e == EAGAIN || e == EWOULDBLOCK) && !non_blocking_) {
            if (deadline.expired()) {
                e = ETIMEDOUT;
            } else {  // ready later, or a kernel timer that ended early: poll for the rest
                e = detail::wait_fd(fd_, sending ? POLLOUT : POLLIN, deadline);
                in_kernel = false;
                if (e == 0) continue;
            }
        }
        ec = e == ETIMEDOUT ? std::make_error_code(std::errc::timed_out)
                            : std::error_code(e, std::system_category());
        return 0;
    }
}

inline bool Socket::wait_for_layer(Deadline deadline, std::error_code& ec) noexcept {
    if (non_blocking_) return false;  // ec stays operation_would_block; wants() tells for what
    int e = deadline.expired() ? ETIMEDOUT : detail::wait_fd(fd_, wants_, deadline);
    if (e == 0) return true;
    ec = e == ETIMEDOUT ? std::make_error_code(std::errc::timed_out)
                        : std::error_code(e, std::system_category());
    return false;
}

inline void Socket::handshake(const Deadline& deadline, std::error_code& ec) noexcept {
    ec.clear();
    if (!layer_) return;
    Deadline bound = deadline;
    if (!non_blocking_) {
        if (read_timeout_ != no_timeout) bound = bound.earliest(Deadline::after(read_timeout_));
        if (write_timeout_ != no_timeout) bound = bound.earliest(Deadline::after(write_timeout_));
    }
    for (;;) {
        layer_->handshake(fd_, wants_, ec);
        if (ec != std::errc::operation_would_block || !wait_for_layer(bound, ec)) return;
    }
}

inline std::size_t Socket::layered_transfer(bool sending, void* buf, std::size_t len,
                                            Deadline deadline, std::error_code& ec) noexcept {
    const std::chrono::milliseconds timeout = sending ? write_timeout_ : read_timeout_;
    if (!non_blocking_ && timeout != no_timeout)
        deadline = deadline.earliest(Deadline::after(timeout));
    for (;;) {
        std::size_t n = sending ? layer_->write(fd_, buf, len, wants_, ec)
                                : layer_->read(fd_, buf, len, wants_, ec);
        if (ec != std::errc::operation_would_block) return ec ? 0 : n;
        if (!wait_for_layer(deadline, ec)) return 0;
    }
}

inline std::size_t Socket::read_some(void* buffer, std::size_t len, const Deadline& deadline,
                                     std::error_code& ec) noexcept {
    return transfer(Direction::receive, buffer, len, deadline, ec);
}

inline std::size_t Socket::read_some(void* buffer, std::size_t len, const Deadline& deadline) {
    std::error_code ec;
    std::size_t n = read_some(buffer, len, deadline, ec);
    if (ec) detail::throw_error(ec, "recv", peer_text());
    return n;
}

inline std::size_t Socket::write_some(const void* data, std::size_t len, const Deadline& deadline,
                                      std::error_code& ec) noexcept {
    return transfer(Direction::send, const_cast<void*>(data), len, deadline, ec);
}

inline std::size_t Socket::write_some(const void* data, std::size_t len, const Deadline& deadline) {
    std::error_code ec;
    std::size_t n = write_some(data, len, deadline, ec);
    if (ec) detail::throw_error(ec, "send", peer_text());
    return n;
}

inline std::size_t Socket::transfer_all(Direction dir, char* p, std::size_t len,
                                        std::error_code& ec) noexcept {
    const bool sending = dir == Direction::send;
    // The timeout bounds the whole loop: the first step waits in the kernel with its timer equal
    // to the timeout (no deadline of its own), the later ones until the deadline taken here.
    const Deadline whole = Deadline::after(sending ? write_timeout_ : read_timeout_);
    Deadline step = Deadline::none();
    std::size_t done = 0;
    ec.clear();
    while (done < len) {
        std::size_t n = transfer(dir, p + done, len - done, step, ec);
        if (ec) break;
        if (n == 0 && !sending) {
            ec = errc::unexpected_eof;
            break;
        }
        done += n;
        step = whole;
    }
    return done;
}

inline std::size_t Socket::send(const void* data, std::size_t len, std::error_code& ec) noexcept {
    return write_some(data, len, Deadline::none(), ec);
}

inline std::size_t Socket::send(const void* data, std::size_t len) {
    return write_some(data, len, Deadline::none());
}

inline std::size_t Socket::send_all(const void* data, std::size_t len,
                                    std::error_code& ec) noexcept {
    return transfer_all(Direction::send, static_cast<char*>(const_cast<void*>(data)), len, ec);
}

inline void Socket::send_all(const void* data, std::size_t len) {
    std::error_code ec;
    send_all(data, len, ec);
    if (ec) detail::throw_error(ec, "send", peer_text());
}

inline std::size_t Socket::recv(void* buffer, std::size_t len, std::error_code& ec) noexcept {
    return read_some(buffer, len, Deadline::none(), ec);
}

inline std::size_t Socket::recv(void* buffer, std::size_t len) {
    return read_some(buffer, len, Deadline::none());
}

inline std::string Socket::recv(std::size_t max, std::error_code& ec) noexcept {
    try {
        std::string out(max, '\0');
        out.resize(recv(out.data(), max, ec));
        return out;
    } catch (...) {  // std::bad_alloc (or length_error): an ec overload never throws
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
}

inline std::string Socket::recv(std::size_t max) {
    std::string out(max, '\0');
    out.resize(recv(out.data(), max));
    return out;
}

inline std::size_t Socket::recv_exact(void* buffer, std::size_t len, std::error_code& ec) noexcept {
    return transfer_all(Direction::receive_all, static_cast<char*>(buffer), len, ec);
}

inline void Socket::recv_exact(void* buffer, std::size_t len) {
    std::error_code ec;
    recv_exact(buffer, len, ec);
    if (ec) detail::throw_error(ec, "recv", peer_text());
}

inline void Socket::shutdown(Shutdown how, std::error_code& ec) noexcept {
    if (layer_ && how != Shutdown::read) {  // the layer's end of stream goes ahead of TCP's
        const Deadline deadline = Deadline::after(write_timeout_);
        for (;;) {
            layer_->shutdown(fd_, wants_, ec);
            if (ec != std::errc::operation_would_block) break;
            if (!wait_for_layer(deadline, ec)) return;
        }
        if (ec) return;
    }
    if (::shutdown(fd_, static_cast<int>(how)) != 0) {
        ec = detail::last_error();
    } else {
        ec.clear();
    }
}

inline void Socket::shutdown(Shutdown how) {
    std::error_code ec;
    shutdown(how, ec);
    if (ec) detail::throw_error(ec, "shutdown", peer_text());
}

inline void Socket::non_blocking(bool on, std::error_code& ec) noexcept {
    int value = on ? 1 : 0;
    if (::ioctl(fd_, FIONBIO, &value) != 0) {
        ec = detail::last_error();
        return;
    }
    non_blocking_ = on;
    ec.clear();
}

inline void Socket::non_blocking(bool on) {
    std::error_code ec;
    non_blocking(on, ec);
    if (ec) detail::throw_error(ec, "set non-blocking", peer_text());
}

inline void Socket::set_kernel_timeout(int name, std::chrono::milliseconds t,
                                       std::error_code& ec) noexcept {
    timeval tv{};  // zero: the kernel waits as long as it takes
    if (t > std::chrono::milliseconds::zero() && t != no_timeout) {
        tv.tv_sec = static_cast<time_t>(t.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    }
    if (::setsockopt(fd_, SOL_SOCKET, name, &tv, sizeof tv) != 0) {
        ec = detail::last_error();
    } else {
        ec.clear();
    }
}

inline void Socket::read_timeout(std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
    set_kernel_timeout(SO_RCVTIMEO, timeout, ec);
    if (!ec) read_timeout_ = timeout;
}

inline void Socket::read_timeout(std::chrono::milliseconds timeout) {
    std::error_code ec;
    read_timeout(timeout, ec);
    if (ec) detail::throw_error(ec, "set read timeout", peer_text());
}

inline void Socket::write_timeout(std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
    set_kernel_timeout(SO_SNDTIMEO, timeout, ec);
    if (!ec) write_timeout_ = timeout;
}

inline void Socket::write_timeout(std::chrono::milliseconds timeout) {
    std::error_code ec;
    write_timeout(timeout, ec);
    if (ec) detail::throw_error(ec, "set write timeout", peer_text());
}

inline void Socket::set_option(int level, int name, int value, std::error_code& ec) noexcept {
    if (::setsockopt(fd_, level, name, &value, sizeof value) != 0) {
        ec = detail::last_error();
    } else {
        ec.clear();
    }
}

inline void Socket::set_flag(int level, int name, int value, const char* op) {
    std::error_code ec;
    set_option(level, name, value, ec);
    if (ec) detail::throw_error(ec, op, peer_text());
}

inline int Socket::get_option(int level, int name, std::error_code& ec) const noexcept {
    int value = 0;
    socklen_t len = sizeof value;
    if (::getsockopt(fd_, level, name, &value, &len) != 0) {
        ec = detail::last_error();
        return 0;
    }
    ec.clear();
    return value;
}

inline int Socket::get_option(int level, int name, const char* op) const {
    std::error_code ec;
    int value = get_option(level, name, ec);
    if (ec) detail::throw_error(ec, op, peer_text());
    return value;
}

inline Address Socket::local_address(std::error_code& ec) const noexcept {
    return detail::socket_name(fd_, false, ec);
}

inline Address Socket::local_address() const {
    std::error_code ec;
    Address a = local_address(ec);
    if (ec) detail::throw_error(ec, "getsockname", "");
    return a;
}

inline Address Socket::peer_address(std::error_code& ec) const noexcept {
    return detail::socket_name(fd_, true, ec);
}

inline Address Socket::peer_address() const {
    std::error_code ec;
    Address a = peer_address(ec);
    if (ec) detail::throw_error(ec, "getpeername", peer_.to_string());
    return a;
}

}  // namespace socklite

#endif  // SOCKLITE_SOCKET_HPP
