// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_CLIENT_HPP
#define SOCKLITE_WS_CLIENT_HPP

/** @file
 *  socklite::WebSocket: a blocking WebSocket client (RFC 6455) on a Socket, with deadlines. */

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../deadline.hpp"
#include "../error.hpp"
#include "../http/parser.hpp"
#include "../http/url.hpp"
#include "../socket.hpp"
#include "error.hpp"
#include "handshake.hpp"
#include "message.hpp"
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
#include "../tls/context.hpp"
#include "../tls/session.hpp"
#endif

namespace socklite {

namespace ws {

/** What WebSocket::connect() sends and accepts. */
struct ClientOptions {
    /** One deadline for connecting and the opening handshake (no_timeout: none); also
     *  bounds the wait for the server to close TCP after the close handshake. */
    std::chrono::milliseconds timeout{30000};
    std::vector<std::string> subprotocols;                     ///< offered, in order of preference
    std::string origin;                                        ///< `Origin`, when not empty
    std::vector<std::pair<std::string, std::string>> headers;  ///< more request fields
    ws::Limits limits;  ///< receive limits (frame and message size; 1009 beyond)
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    /** The TLS context of `wss://` connections (see tls::Context::client()). Empty, the
     *  default: the system's CA store with verification on. Only with SOCKLITE_WITH_OPENSSL. */
    tls::Context tls;
#endif
};

}  // namespace ws

/** A blocking WebSocket client connection (`ws://`, and `wss://` with TLS support:
 *  SOCKLITE_WITH_OPENSSL defined to 1, e.g. by linking the `socklite::openssl` CMake target).
 *
 *  Every byte goes through the Socket's deadline-aware calls. receive() answers pings by
 *  itself and returns text and binary messages, pongs and the peer's close; send_text(),
 *  send_binary() and ping() send one frame each; close() starts the close handshake, which
 *  ends when receive() returns the peer's close. Not thread-safe: one thread at a time (a
 *  program that waits for input and messages at once polls socket().native_handle(), see the
 *  ws_cat example). Every failing call also has a `std::error_code&` overload; a protocol error
 *  sends the close frame of its code (1002, 1007, 1009) and leaves the connection closed.
 *
 *  @par Example
 *  @code
 *  auto ws = socklite::WebSocket::connect("ws://127.0.0.1:8765/echo");
 *  ws.send_text("hello");
 *  auto m = ws.receive(socklite::Deadline::after(std::chrono::seconds(5)));  // "hello"
 *  ws.close(1000);
 *  while (ws.receive().type != socklite::WebSocket::MessageType::close) {}
 *  @endcode
 *  The ws_cat example program is a complete client. */
class WebSocket {
public:
    /** What connect() sends and accepts (ws::ClientOptions). */
    using Options = ws::ClientOptions;

    /** The kind of a received Message. */
    enum class MessageType {
        text,    ///< a text message (valid UTF-8)
        binary,  ///< a binary message
        pong,    ///< a pong (the answer to ping())
        close,   ///< the peer's close: Message::close_code, and the reason in Message::data
    };

    /** What receive() returns. */
    struct Message {
        MessageType type = MessageType::binary;  ///< what arrived
        std::string data;                        ///< the payload (the reason, for a close)
        std::uint16_t close_code = 0;  ///< for a close: its code, ws::close_no_status if none
    };

    /** A connection that is not open (use connect()). */
    WebSocket() = default;
    /** Takes over @p other's connection. */
    WebSocket(WebSocket&&) = default;
    /** Takes over @p other's connection, closing this one's socket first. */
    WebSocket& operator=(WebSocket&&) = default;

    /** Connects to @p url (`ws://host[:port]/path?query`) and performs the opening handshake.
     *  `wss://` runs the TLS handshake first, verifying the certificate and host name against
     *  Options::tls (default: the system's CA store).
     *  @throws Error: transport errors, ws::errc::unsupported_scheme, ws::errc::tls_not_enabled
     *  for `wss://` without TLS support, TLS errors (tls::verify_category(),
     *  tls::error_category()), http::errc::bad_url, HTTP parse errors of the response,
     *  ws::errc::bad_handshake (e.g. a status other than 101), ws::errc::bad_accept,
     *  ws::errc::bad_subprotocol, `std::errc::timed_out`. */
    static WebSocket connect(std::string_view url, const Options& options = {});
    /** As connect(std::string_view, const Options&), reporting through @p ec (the returned
     *  WebSocket is not open then). */
    static WebSocket connect(std::string_view url, const Options& options,
                             std::error_code& ec) noexcept;

    /** Sends @p text (UTF-8, not checked) as one text message before @p deadline.
     *  @throws Error (ws::errc::closed once a close was sent or received). */
    void send_text(std::string_view text, const Deadline& deadline = {}) {
        send(ws::Opcode::text, text, deadline, "send_text");
    }
    /** As send_text(), reporting through @p ec. */
    void send_text(std::string_view text, const Deadline& deadline, std::error_code& ec) noexcept {
        send(ws::Opcode::text, text, deadline, ec);
    }
    /** Sends @p data as one binary message before @p deadline. @throws Error. */
    void send_binary(std::string_view data, const Deadline& deadline = {}) {
        send(ws::Opcode::binary, data, deadline, "send_binary");
    }
    /** As send_binary(), reporting through @p ec. */
    void send_binary(std::string_view data, const Deadline& deadline,
                     std::error_code& ec) noexcept {
        send(ws::Opcode::binary, data, deadline, ec);
    }
    /** Sends a ping with @p payload (at most 125 bytes, else `std::errc::invalid_argument`);
     *  receive() returns the pong. @throws Error. */
    void ping(std::string_view payload = {}, const Deadline& deadline = {}) {
        send(ws::Opcode::ping, payload, deadline, "ping");
    }
    /** As ping(), reporting through @p ec. */
    void ping(std::string_view payload, const Deadline& deadline, std::error_code& ec) noexcept {
        send(ws::Opcode::ping, payload, deadline, ec);
    }
    /** Sends a close frame with @p code (ws::valid_close_code(), else
     *  `std::errc::invalid_argument`) and @p reason (at most 123 bytes); then call receive()
     *  until it returns the peer's close. A second call does nothing. @throws Error. */
    void close(std::uint16_t code = 1000, std::string_view reason = {},
               const Deadline& deadline = {});
    /** As close(std::uint16_t, std::string_view, const Deadline&), reporting through @p ec. */
    void close(std::uint16_t code, std::string_view reason, const Deadline& deadline,
               std::error_code& ec) noexcept;

    /** Waits until @p deadline at most for the next message, pong or close; pings are answered
     *  on the way. A message cut by the deadline (`std::errc::timed_out`) is kept, and the next
     *  call goes on with it. After the peer's close the socket is shut down and the server's
     *  end of stream awaited (Options::timeout at most).
     *  @throws Error: a protocol error (ws::errc, its close frame already sent),
     *  socklite::errc::unexpected_eof when the peer closes TCP without a close frame,
     *  ws::errc::closed after the close, transport errors, `std::errc::timed_out`. */
    Message receive(const Deadline& deadline = {});
    /** As receive(const Deadline&), reporting through @p ec. */
    Message receive(const Deadline& deadline, std::error_code& ec) noexcept;

    /** Whether the handshake succeeded and no close was sent or received yet. */
    bool is_open() const noexcept {
        return socket_.is_open() && !protocol_.close_sent() && !protocol_.close_received();
    }
    /** The subprotocol the server selected, or empty. */
    const std::string& subprotocol() const noexcept { return subprotocol_; }
    /** The bytes of frames not yet taken by the socket. A send(), ping() or close() cut by its
     *  deadline (`std::errc::timed_out`) keeps the rest of its frame here; it goes out first with
     *  the next send, receive() or flush(), so frames stay whole and in order. With an expired
     *  deadline (`Deadline::after({})`) each call writes what the socket takes now, and a poll
     *  loop can wait for writability while this is not zero, reading meanwhile. */
    std::size_t queued_bytes() const noexcept { return protocol_.output().size(); }
    /** Writes queued frames until they are all taken or @p deadline passes
     *  (`std::errc::timed_out`, the rest stays queued). */
    void flush(const Deadline& deadline, std::error_code& ec) noexcept;
    /** Whether received bytes wait to be processed: then receive() may return at once though
     *  the socket is not readable. */
    bool has_buffered_input() const noexcept {
        return !input_.empty() || socket_.buffered_input() > 0;  // TLS holds decrypted bytes
    }
    /** The underlying socket (for its native_handle() in a poll loop; read or write it
     *  directly and the protocol breaks). */
    Socket& socket() noexcept { return socket_; }

private:
    void send(ws::Opcode op, std::string_view payload, const Deadline& deadline, const char* what);
    void send(ws::Opcode op, std::string_view payload, const Deadline& deadline,
              std::error_code& ec) noexcept;
    void finish() noexcept;

    Socket socket_;
    ws::Protocol<ws::Role::client> protocol_;
    std::string input_;
    std::string subprotocol_;
    std::string peer_;
    std::chrono::milliseconds timeout_{30000};
};

// ---------------------------------------------------------------------------------------------

inline WebSocket WebSocket::connect(std::string_view url, const Options& options) {
    std::error_code ec;
    WebSocket ws = connect(url, options, ec);
    if (ec) detail::throw_error(ec, "websocket connect", std::string(url));
    return ws;
}

inline WebSocket WebSocket::connect(std::string_view url, const Options& options,
                                    std::error_code& ec) noexcept {
    ec.clear();
    WebSocket ws;
    try {
        // The scheme is checked here; host, port and target are parsed as the http(s) URL with
        // the same authority and default port (ws 80, wss 443: RFC 6455 section 3).
        std::size_t colon = url.find("://");
        std::string scheme(url.substr(0, colon == std::string_view::npos ? 0 : colon));
        for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (colon == std::string_view::npos) {
            ec = http::errc::bad_url;
            return ws;
        }
        const bool secure = scheme == "wss";
#if !(defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL)
        if (secure) {
            ec = ws::errc::tls_not_enabled;
            return ws;
        }
#endif
        if (scheme != "ws" && !secure) {
            ec = ws::errc::unsupported_scheme;
            return ws;
        }
        std::string as_http = secure ? "https" : "http";
        as_http += url.substr(colon);
        http::Url u = http::Url::parse(as_http, ec);
        if (ec) return ws;
        ws.peer_ = u.authority();
        const Deadline deadline = Deadline::after(options.timeout);
        ws.socket_ = Socket::connect(u.host(), u.port(), deadline.remaining(), ec);
        if (ec) return ws;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (secure) {
            tls::Context context = options.tls;
            if (!context) context = tls::Context::client(tls::ClientOptions(), ec);
            if (!ec) tls::connect(ws.socket_, context, u.host(), deadline, ec);
            if (ec) {
                ws.socket_.close();
                return ws;
            }
        }
#endif
        ws.timeout_ = options.timeout;
        ws.protocol_ = ws::Protocol<ws::Role::client>(options.limits);

        ws::ClientRequest request;
        request.host = u.authority();
        request.target = u.target();
        request.key = ws::generate_key();
        request.subprotocols = options.subprotocols;
        request.origin = options.origin;
        request.headers = options.headers;
        ws.protocol_.output() = ws::build_request(request, ec);
        if (ec) return ws;
        ws.flush(deadline, ec);
        if (ec) return ws;

        http::ResponseParser parser;
        parser.request_method("GET");
        for (;;) {
            http::ParseResult r = parser.parse_head(ws.input_);
            if (r.error()) {
                ec = r.ec;
                return ws;
            }
            if (r.complete()) {
                ec = ws::check_response(parser, request.key, options.subprotocols, ws.subprotocol_);
                if (ec) return ws;
                ws.input_.erase(0, r.consumed);  // what follows the head is WebSocket frames
                break;
            }
            char buf[4096];
            std::size_t n = ws.socket_.read_some(buf, sizeof buf, deadline, ec);
            if (ec) return ws;
            if (n == 0) {
                ec = errc::unexpected_eof;
                return ws;
            }
            ws.input_.append(buf, n);
        }
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
    if (ec) ws.socket_.close();
    return ws;
}

inline void WebSocket::flush(const Deadline& deadline, std::error_code& ec) noexcept {
    std::string& out = protocol_.output();
    std::size_t sent = 0;
    while (sent < out.size()) {
        sent += socket_.write_some(out.data() + sent, out.size() - sent, deadline, ec);
        if (ec) break;
    }
    out.erase(0, sent);
}

inline void WebSocket::send(ws::Opcode op, std::string_view payload, const Deadline& deadline,
                            const char* what) {
    std::error_code ec;
    send(op, payload, deadline, ec);
    if (ec) detail::throw_error(ec, what, peer_);
}

inline void WebSocket::send(ws::Opcode op, std::string_view payload, const Deadline& deadline,
                            std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open()) {
        ec = ws::errc::closed;
        return;
    }
    if (ws::is_control(op) && payload.size() > ws::max_control_payload) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    try {
        protocol_.send(op, payload);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    flush(deadline, ec);
}

inline void WebSocket::close(std::uint16_t code, std::string_view reason,
                             const Deadline& deadline) {
    std::error_code ec;
    close(code, reason, deadline, ec);
    if (ec) detail::throw_error(ec, "close", peer_);
}

inline void WebSocket::close(std::uint16_t code, std::string_view reason, const Deadline& deadline,
                             std::error_code& ec) noexcept {
    ec.clear();
    if (!socket_.is_open() || protocol_.close_sent()) return;
    if (!ws::valid_close_code(code) || reason.size() > ws::max_control_payload - 2) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    try {
        protocol_.close(code, reason);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    flush(deadline, ec);
}

inline WebSocket::Message WebSocket::receive(const Deadline& deadline) {
    std::error_code ec;
    Message m = receive(deadline, ec);
    if (ec) detail::throw_error(ec, "receive", peer_);
    return m;
}

inline void WebSocket::finish() noexcept {
    // RFC 6455 section 7.1.1: the server closes TCP first; wait for it, bounded.
    std::error_code ec;
    socket_.shutdown(Shutdown::write, ec);
    const Deadline until = Deadline::after(timeout_);
    char buf[512];
    while (!ec && socket_.read_some(buf, sizeof buf, until, ec) != 0) {}
    socket_.close();
}

inline WebSocket::Message WebSocket::receive(const Deadline& deadline,
                                             std::error_code& ec) noexcept {
    ec.clear();
    Message m;
    if (!socket_.is_open() || protocol_.close_received()) {
        ec = ws::errc::closed;
        return m;
    }
    try {
        for (;;) {
            ws::Event e = protocol_.feed(input_);
            input_.erase(0, e.consumed);
            if (!protocol_.output().empty()) {
                std::error_code wec;
                flush(deadline, wec);  // pongs and the close echo
                // A flush cut by the deadline leaves the rest queued: go on reading, since the
                // peer may be waiting for us to read before it reads again.
                if (wec && wec != std::errc::timed_out && e.kind != ws::EventKind::error) {
                    ec = wec;
                    return m;
                }
            }
            switch (e.kind) {
                case ws::EventKind::need_more: break;
                case ws::EventKind::ping: continue;
                case ws::EventKind::text:
                case ws::EventKind::binary:
                    m.type =
                        e.kind == ws::EventKind::text ? MessageType::text : MessageType::binary;
                    m.data = std::move(protocol_.message());
                    protocol_.message().clear();
                    return m;
                case ws::EventKind::pong:
                    m.type = MessageType::pong;
                    m.data = protocol_.control();
                    return m;
                case ws::EventKind::close:
                    m.type = MessageType::close;
                    m.close_code = protocol_.close_code();
                    m.data = std::string(protocol_.close_reason());
                    input_.clear();
                    if (!protocol_.output().empty()) {  // the rest of our frames, bounded
                        std::error_code fec;
                        flush(Deadline::after(timeout_), fec);
                    }
                    finish();
                    return m;
                case ws::EventKind::error:
                    ec = e.ec;
                    input_.clear();
                    socket_.close();
                    return m;
            }
            const std::size_t at = input_.size();
            const std::size_t room = 64 * 1024;
            input_.resize(at + room);
            std::size_t n = socket_.read_some(&input_[at], room, deadline, ec);
            input_.resize(at + n);
            if (ec) return m;
            if (n == 0) {
                ec = errc::unexpected_eof;  // section 7.1.5: closed abnormally (1006)
                socket_.close();
                return m;
            }
        }
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
    return m;
}

}  // namespace socklite

#endif  // SOCKLITE_WS_CLIENT_HPP
