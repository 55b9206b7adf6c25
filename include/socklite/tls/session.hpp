// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TLS_SESSION_HPP
#define SOCKLITE_TLS_SESSION_HPP

/** @file
 *  socklite::tls::Session, the TLS layer a Socket reads and writes through, and the calls that
 *  put one on a socket: tls::connect() for clients, tls::accept() for servers, tls::handshake().
 *  Needs OpenSSL (SOCKLITE_WITH_OPENSSL). */

#include <cerrno>
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include "../deadline.hpp"
#include "../detail/stream_layer.hpp"
#include "../detail/syscall.hpp"
#include "../error.hpp"
#include "../socket.hpp"
#include "context.hpp"
#include "error.hpp"

namespace socklite {
namespace tls {

/** A saved TLS session (an OpenSSL `SSL_SESSION`, reference-counted) that a later
 *  tls::connect() to the same server can resume, skipping the certificate exchange. Empty
 *  when there is none. */
class Ticket {
public:
    /** An empty ticket. */
    Ticket() noexcept = default;
    /** Adopts @p session (one reference). */
    explicit Ticket(SSL_SESSION* session) noexcept : session_(session) {}
    /** Shares @p other's session. */
    Ticket(const Ticket& other) noexcept : session_(other.session_) {
        if (session_) SSL_SESSION_up_ref(session_);
    }
    /** Shares @p other's session, releasing this one's. */
    Ticket& operator=(const Ticket& other) noexcept {
        if (other.session_) SSL_SESSION_up_ref(other.session_);
        SSL_SESSION_free(session_);
        session_ = other.session_;
        return *this;
    }
    /** Releases the session. */
    ~Ticket() { SSL_SESSION_free(session_); }
    /** Whether the ticket holds a session a server may resume. */
    explicit operator bool() const noexcept {
        return session_ && SSL_SESSION_is_resumable(session_) == 1;
    }
    /** The OpenSSL session (still owned by this ticket). */
    SSL_SESSION* native_handle() const noexcept { return session_; }

private:
    SSL_SESSION* session_ = nullptr;
};

/** The TLS layer of one connection (an OpenSSL `SSL`), attached to a Socket by tls::connect()
 *  or tls::accept(); the Socket owns it. Every Socket call then goes through it, with the same
 *  deadlines, timeouts and non-blocking behaviour as plain TCP; an EventLoop-driven Connection
 *  works over it too.
 *
 *  **End of stream.** A peer's close_notify reads as end of stream (0 bytes). A peer that
 *  closes TCP without one also reads as end of stream, and unclean_eof() tells it: that is
 *  harmless when the protocol's framing says the message was complete (an HTTP body with a
 *  length), and a possible truncation attack when the close itself ends a message.
 *
 *  **Threads.** Unlike a plain Socket, a TLS one must not be used by two threads at once, not
 *  even one sending and one receiving: both directions share the OpenSSL state.
 *
 *  The I/O goes through a custom BIO that calls `send`/`recv` with `MSG_DONTWAIT |
 *  MSG_NOSIGNAL` (never SIGPIPE, never a wait inside OpenSSL: Socket does the waiting).
 *  OpenSSL reads ahead, as much as the kernel holds per `recv` (up to 64 KiB): the records it
 *  keeps for later reads raise buffered() (Socket::buffered_input()), since no readiness
 *  event will announce them. */
class Session final : public socklite::detail::StreamLayer {
public:
    /** A session for @p context on descriptor @p fd, as a server (@p server) or a client. Use
     *  tls::connect() and tls::accept() rather than this. Check ok() after construction. */
    Session(const Context& context, int fd, bool server) noexcept;
    /** Frees the OpenSSL state (no close_notify: Socket::shutdown() sends that). */
    ~Session() override {
        // OpenSSL would mark the session not resumable when a connection ends without a
        // close_notify sent; closing a kept-alive connection is no reason for that, a fatal
        // error is.
        if (ssl_ && !failed_) SSL_set_shutdown(ssl_, SSL_get_shutdown(ssl_) | SSL_SENT_SHUTDOWN);
        SSL_free(ssl_);
    }

    /** Whether construction succeeded (out of memory otherwise). */
    bool ok() const noexcept { return ssl_ != nullptr; }
    /** The OpenSSL connection. */
    SSL* native_handle() const noexcept { return ssl_; }
    /** Whether the handshake has finished. */
    bool handshake_done() const noexcept { return SSL_is_init_finished(ssl_) == 1; }
    /** The protocol version, e.g. `"TLSv1.3"`. */
    std::string_view version() const noexcept { return SSL_get_version(ssl_); }
    /** The cipher suite, e.g. `"TLS_AES_256_GCM_SHA384"` (empty before the handshake). */
    std::string_view cipher() const noexcept {
        const char* name = SSL_get_cipher_name(ssl_);
        return name && std::string_view(name) != "(NONE)" ? name : "";
    }
    /** The protocol ALPN selected (e.g. `"http/1.1"`), empty when none was. */
    std::string_view alpn() const noexcept {
        const unsigned char* p = nullptr;
        unsigned int n = 0;
        SSL_get0_alpn_selected(ssl_, &p, &n);
        return p ? std::string_view(reinterpret_cast<const char*>(p), n) : std::string_view();
    }
    /** Whether the handshake resumed an earlier session (a Ticket). */
    bool resumed() const noexcept { return SSL_session_reused(ssl_) == 1; }
    /** Whether the peer closed TCP without a close_notify (read() reported end of stream). */
    bool unclean_eof() const noexcept { return unclean_eof_; }
    /** The session to resume on a later connection (TLS 1.3 servers send it after the
     *  handshake, so it is there once some data has been read). */
    Ticket ticket() const noexcept { return Ticket(SSL_get1_session(ssl_)); }

    // The layer's steps, called by Socket (see detail::StreamLayer).

    /** Moves the handshake forward (Socket::handshake() drives it). */
    inline void handshake(int fd, short& wait, std::error_code& ec) noexcept override;
    /** Reads decrypted payload (Socket's receiving calls come here). */
    inline std::size_t read(int fd, void* buf, std::size_t len, short& wait,
                            std::error_code& ec) noexcept override;
    /** Encrypts and writes payload (Socket's sending calls come here). */
    inline std::size_t write(int fd, const void* buf, std::size_t len, short& wait,
                             std::error_code& ec) noexcept override;
    /** Sends close_notify (Socket::shutdown() comes here). */
    inline void shutdown(int fd, short& wait, std::error_code& ec) noexcept override;
    /** Input held here that a readiness loop cannot see: the decrypted bytes of the current
     *  record not yet read (`SSL_pending`), else 1 while OpenSSL holds bytes it read ahead
     *  of the records returned so far (`SSL_has_pending`): a whole record may be among them.
     *  0 once a read has found them to be only part of a record (it reported would-block):
     *  the rest comes with the socket's next readiness. */
    std::size_t buffered() const noexcept override {
        const int n = SSL_pending(ssl_);
        if (n > 0) return static_cast<std::size_t>(n);
        return !starved_ && SSL_has_pending(ssl_) == 1 ? 1 : 0;
    }

private:
    static BIO_METHOD* bio_method() noexcept;
    static int bio_write(BIO* bio, const char* data, int len) noexcept;
    static int bio_read(BIO* bio, char* data, int len) noexcept;
    static long bio_ctrl(BIO*, int cmd, long, void*) noexcept;
    // Turns a failed SSL call's result into would-block (with its readiness), end of stream or
    // an error; returns 0.
    std::size_t fail(int rc, short& wait, std::error_code& ec) noexcept;

    Context context_;  // keeps the SSL_CTX and its ALPN list alive while the session is
    SSL* ssl_ = nullptr;
    int fd_ = -1;        // the Socket's descriptor, fixed for the session's life
    int sys_error_ = 0;  // errno of the BIO's last failed send/recv
    // The BIO's last recv found the socket empty (or ended): OpenSSL asks for bytes only when
    // it lacks the rest of a record, so what it holds then is no whole record.
    bool starved_ = false;
    bool unclean_eof_ = false;
    bool failed_ = false;  // a TLS or transport error: the session must not be resumed
};

/** The Session attached to @p socket, or nullptr for a plain socket. */
inline Session* session(const Socket& socket) noexcept {
    return dynamic_cast<Session*>(socket.layer());
}

/** Drives the handshake of @p socket's session to its end within @p deadline (and within the
 *  socket's read and write timeouts). On a non-blocking socket it goes as far as it can without
 *  waiting: `std::errc::operation_would_block` then, with Socket::wants() telling for what.
 *  Errors: tls::verify_category() for a certificate that fails verification (naming the
 *  reason), tls::error_category() for other TLS failures, system errors for the transport;
 *  tls::errc::no_session for a plain socket. */
void handshake(Socket& socket, const Deadline& deadline, std::error_code& ec) noexcept;
/** As handshake(Socket&, const Deadline&, std::error_code&). @throws Error, e.g.
 *  `TLS handshake 127.0.0.1:8443: certificate verify failed: certificate has expired`. */
void handshake(Socket& socket, const Deadline& deadline = Deadline::none());

/** Starts TLS as a client on the connected @p socket and completes the handshake within
 *  @p deadline (see handshake()). @p host is the name connected to: sent as SNI when it is a
 *  name and, when @p context verifies, the certificate must be valid for it (a DNS name or an
 *  IP address, checked against the certificate's subjectAltName). @p resume, when not empty,
 *  offers an earlier session of the same server (Session::ticket()). On failure the socket
 *  keeps no session. */
void connect(Socket& socket, const Context& context, std::string_view host,
             const Deadline& deadline, const Ticket& resume, std::error_code& ec) noexcept;
/** As connect() with a Ticket, without resumption. */
inline void connect(Socket& socket, const Context& context, std::string_view host,
                    const Deadline& deadline, std::error_code& ec) noexcept {
    connect(socket, context, host, deadline, Ticket(), ec);
}
/** As connect(), throwing. @throws Error, e.g. `TLS handshake other.example: host name
 *  mismatch`. */
void connect(Socket& socket, const Context& context, std::string_view host,
             const Deadline& deadline = Deadline::none(), const Ticket& resume = Ticket());

/** Puts a server session for @p context on the accepted @p socket. The handshake runs inside
 *  the first reads and writes (so an event loop drives it like any other I/O), or with
 *  handshake(). */
void accept(Socket& socket, const Context& context, std::error_code& ec) noexcept;
/** As accept(Socket&, const Context&, std::error_code&). @throws Error. */
void accept(Socket& socket, const Context& context);

// ---------------------------------------------------------------------------------------------
// Implementation

inline Session::Session(const Context& context, int fd, bool server) noexcept
    : context_(context), fd_(fd) {
    ssl_ = SSL_new(context.native_handle());
    if (!ssl_) return;
    BIO* bio = BIO_new(bio_method());
    if (!bio) {
        SSL_free(ssl_);
        ssl_ = nullptr;
        return;
    }
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);  // one BIO both ways: the SSL takes the one reference
    if (server) {
        SSL_set_accept_state(ssl_);
    } else {
        SSL_set_connect_state(ssl_);
    }
}

inline BIO_METHOD* Session::bio_method() noexcept {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "socklite");
        if (m) {
            BIO_meth_set_write(m, &Session::bio_write);
            BIO_meth_set_read(m, &Session::bio_read);
            BIO_meth_set_ctrl(m, &Session::bio_ctrl);
        }
        return m;
    }();
    return method;
}

inline int Session::bio_write(BIO* bio, const char* data, int len) noexcept {
    Session* s = static_cast<Session*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t n = socklite::detail::sys.send(s->fd_, data, static_cast<std::size_t>(len),
                                               MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) return static_cast<int>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            BIO_set_retry_write(bio);
        } else {
            s->sys_error_ = errno;
        }
        return -1;
    }
}

inline int Session::bio_read(BIO* bio, char* data, int len) noexcept {
    Session* s = static_cast<Session*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t n =
            socklite::detail::sys.recv(s->fd_, data, static_cast<std::size_t>(len), MSG_DONTWAIT);
        s->starved_ = n <= 0;
        if (n >= 0) return static_cast<int>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            BIO_set_retry_read(bio);
        } else {
            s->sys_error_ = errno;
        }
        return -1;
    }
}

inline long Session::bio_ctrl(BIO*, int cmd, long, void*) noexcept {
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // writes go straight to the socket
}

inline std::size_t Session::fail(int rc, short& wait, std::error_code& ec) noexcept {
    const int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();
        wait = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        ec = std::make_error_code(std::errc::operation_would_block);
        return 0;
    }
    if (err == SSL_ERROR_ZERO_RETURN) {  // close_notify: the orderly end
        ERR_clear_error();
        ec.clear();
        return 0;
    }
    failed_ = true;
    if (sys_error_ != 0) {  // the transport failed (a reset, ...)
        ERR_clear_error();
        ec = {sys_error_, std::system_category()};
        sys_error_ = 0;
        return 0;
    }
    const unsigned long last = ERR_peek_last_error();
    const bool eof = (err == SSL_ERROR_SYSCALL && last == 0) ||
                     (err == SSL_ERROR_SSL && ERR_GET_LIB(last) == ERR_LIB_SSL &&
                      ERR_GET_REASON(last) == SSL_R_UNEXPECTED_EOF_WHILE_READING);
    if (eof) {
        ERR_clear_error();
        failed_ = false;  // a truncation is no fault of the session
        if (!handshake_done()) {
            ec = errc::handshake_incomplete;
        } else {
            unclean_eof_ = true;  // end of stream, flagged
            ec.clear();
        }
        return 0;
    }
    const long verify = SSL_get_verify_result(ssl_);
    if (!handshake_done() && verify != X509_V_OK) {
        ERR_clear_error();
        ec = {static_cast<int>(verify), verify_category()};
        return 0;
    }
    ec = detail::take_openssl_error(std::make_error_code(std::errc::protocol_error));
    return 0;
}

inline void Session::handshake(int, short& wait, std::error_code& ec) noexcept {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl_);
    if (rc == 1) {
        ec.clear();
        return;
    }
    fail(rc, wait, ec);
    if (!ec) ec = errc::handshake_incomplete;  // a close_notify in the middle of a handshake
}

inline std::size_t Session::read(int, void* buf, std::size_t len, short& wait,
                                 std::error_code& ec) noexcept {
    if (len == 0) {
        ec.clear();
        return 0;
    }
    ERR_clear_error();
    const int rc = SSL_read(ssl_, buf, len > INT_MAX ? INT_MAX : static_cast<int>(len));
    if (rc > 0) {
        ec.clear();
        return static_cast<std::size_t>(rc);
    }
    return fail(rc, wait, ec);
}

inline std::size_t Session::write(int, const void* buf, std::size_t len, short& wait,
                                  std::error_code& ec) noexcept {
    if (len == 0) {
        ec.clear();
        return 0;
    }
    ERR_clear_error();
    const int rc = SSL_write(ssl_, buf, len > INT_MAX ? INT_MAX : static_cast<int>(len));
    if (rc > 0) {
        ec.clear();
        return static_cast<std::size_t>(rc);
    }
    fail(rc, wait, ec);
    // Writing after the peer's close_notify: the connection is over for writing too.
    if (!ec) ec = std::make_error_code(std::errc::broken_pipe);
    return 0;
}

inline void Session::shutdown(int, short& wait, std::error_code& ec) noexcept {
    ec.clear();
    if (!handshake_done()) return;  // nothing to end in TLS: TCP's own end says it all
    ERR_clear_error();
    const int rc = SSL_shutdown(ssl_);  // 0: ours sent, the peer's not yet read (not waited for)
    if (rc >= 0) return;
    fail(rc, wait, ec);
}

inline void handshake(Socket& socket, const Deadline& deadline, std::error_code& ec) noexcept {
    if (!session(socket)) {
        ec = errc::no_session;
        return;
    }
    socket.handshake(deadline, ec);
}

inline void handshake(Socket& socket, const Deadline& deadline) {
    std::error_code ec;
    handshake(socket, deadline, ec);
    if (ec) {
        std::error_code ignored;
        Address peer = socket.peer_address(ignored);
        socklite::detail::throw_error(ec, "TLS handshake", peer.empty() ? "" : peer.to_string());
    }
}

inline void connect(Socket& socket, const Context& context, std::string_view host,
                    const Deadline& deadline, const Ticket& resume, std::error_code& ec) noexcept {
    if (!context || context.is_server() || !socket.is_open()) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    auto* s = new (std::nothrow) Session(context, socket.native_handle(), false);
    if (!s || !s->ok()) {
        delete s;
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    SSL* ssl = s->native_handle();
    std::string name(host.size() > 1 && host.front() == '[' && host.back() == ']'
                         ? host.substr(1, host.size() - 2)
                         : host);
    unsigned char ip[16];
    const bool is_ip =
        inet_pton(AF_INET, name.c_str(), ip) == 1 || inet_pton(AF_INET6, name.c_str(), ip) == 1;
    bool set = true;
    if (!name.empty() && !is_ip) set = SSL_set_tlsext_host_name(ssl, name.c_str()) == 1;
    if (set && context.verifies() && !name.empty()) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (is_ip) {
            set = X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1;
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            set = X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) == 1;
        }
    }
    if (set && resume) set = SSL_set_session(ssl, resume.native_handle()) == 1;
    if (!set) {
        delete s;
        ec = detail::take_openssl_error(std::make_error_code(std::errc::invalid_argument));
        return;
    }
    socket.attach_layer(s);
    handshake(socket, deadline, ec);
    if (ec && ec != std::errc::operation_would_block) socket.attach_layer(nullptr);
}

inline void connect(Socket& socket, const Context& context, std::string_view host,
                    const Deadline& deadline, const Ticket& resume) {
    std::error_code ec;
    connect(socket, context, host, deadline, resume, ec);
    if (ec) socklite::detail::throw_error(ec, "TLS handshake", std::string(host));
}

inline void accept(Socket& socket, const Context& context, std::error_code& ec) noexcept {
    if (!context || !context.is_server() || !socket.is_open()) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    auto* s = new (std::nothrow) Session(context, socket.native_handle(), true);
    if (!s || !s->ok()) {
        delete s;
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    socket.attach_layer(s);
    ec.clear();
}

inline void accept(Socket& socket, const Context& context) {
    std::error_code ec;
    accept(socket, context, ec);
    if (ec) socklite::detail::throw_error(ec, "TLS accept", "");
}

}  // namespace tls
}  // namespace socklite

#endif  // SOCKLITE_TLS_SESSION_HPP
