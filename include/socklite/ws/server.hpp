// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_SERVER_HPP
#define SOCKLITE_WS_SERVER_HPP

/** @file
 *  WebSocket server sessions on HttpServer (RFC 6455): ws::serve() makes the upgrade handler
 *  of a route, ws::ServerSession is one connection on the event loop, ws::SessionHandle sends
 *  to it from any thread. */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../connection.hpp"
#include "../detail/function.hpp"
#include "../event_loop.hpp"
#include "../http/handler.hpp"
#include "../http/message.hpp"
#include "../http/upgrade.hpp"
#include "error.hpp"
#include "frame.hpp"
#include "handshake.hpp"
#include "message.hpp"

namespace socklite {
namespace ws {

/** The kind of a data message. */
enum class MessageType {
    text,    ///< UTF-8 text (validated on receipt)
    binary,  ///< any bytes
};

class ServerSession;

/** What a WebSocket route does; every member is optional. Each is called on the session's
 *  loop thread; with several server threads, the same handlers run on several threads. */
struct ServerHandlers {
    /** Decides whether to accept a handshake that is valid by RFC 6455 (e.g. checks
     *  `req.header("Origin")` against the site's own origin, section 10.2): false refuses it
     *  with 403. Absent: every valid handshake is accepted. */
    socklite::detail::Function<bool(const http::ServerRequest& req)> check;
    /** Chooses the subprotocol among those the client offered (`Sec-WebSocket-Protocol`, in
     *  its order; never called when it offered none): return one of them, or empty for none. */
    socklite::detail::Function<std::string(const http::ServerRequest& req,
                                           const std::vector<std::string>& offered)>
        select_subprotocol;
    /** The session is open (after the 101): it may send at once. */
    socklite::detail::Function<void(ServerSession& session)> on_open;
    /** A whole message arrived (fragments joined; text is valid UTF-8). @p message may be
     *  moved from; it is valid during the call only. */
    socklite::detail::Function<void(ServerSession& session, std::string& message, MessageType type)>
        on_message;
    /** The session ended, once: @p code and @p reason from the peer's close frame (1005 when
     *  it had no code), the code we failed the connection with (1002, 1007, 1009), or 1006
     *  when it ended without a close handshake, with a @p reason of ours saying why (never
     *  sent: 1006 is for local use, RFC 6455 section 7.4.1): the connection was lost, the
     *  peer did not read (ServerOptions::max_queued), or a pong or close frame did not come
     *  in time. Nothing can be sent any more; the session object lives on until its
     *  connection is closed. */
    socklite::detail::Function<void(ServerSession& session, std::uint16_t code,
                                    std::string_view reason)>
        on_close;
    /** The output queue fell to its low mark after a send returned false: send more. */
    socklite::detail::Function<void(ServerSession& session)> on_drain;
};

/** Limits and timers of WebSocket sessions. */
struct ServerOptions {
    /** Frame and message size limits on what is received (close 1009 beyond). */
    Limits limits;
    /** The hard bound on queued output bytes: a send that would exceed it while the queue is
     *  above its high mark (the application went on sending after a send returned false)
     *  drops the session, whose client does not read (on_close() with 1006 and the reason
     *  `peer not reading: output queue over max_queued`). The soft mark,
     *  where sends return false and reading pauses, is HttpServer's
     *  ServerOptions::output_high_water. */
    std::size_t max_queued = 16u << 20;
    /** Keep-alive: a ping every this often (0: none). Without pings, a peer that vanished
     *  without a FIN or a reset (a dead link, a suspended laptop) would hold its session
     *  forever; 30 s finds it within a minute while costing an idle session one small frame
     *  per interval. */
    std::chrono::milliseconds ping_interval{30000};
    /** Keep-alive: a ping not answered by a pong within this drops the session (1006). */
    std::chrono::milliseconds ping_timeout{20000};
    /** How long to wait for the peer's close frame after ours, then for its end of the TCP
     *  connection after the close handshake, before closing anyway. */
    std::chrono::milliseconds close_timeout{5000};
};

namespace detail {
// What a handle reaches: the loop (through the server's link) and the session while it lives
// (touched on the loop's thread only).
struct HandleState {
    std::shared_ptr<http::detail::ReplyLink> link;
    ServerSession* session = nullptr;
};
// The handlers and options shared by every session of a route.
struct Shared {
    ServerHandlers handlers;
    ServerOptions options;
};
}  // namespace detail

/** A thread-safe reference to one ServerSession: its sends are posted to the session's loop
 *  and run there in order (dropped if the session has ended by then). Copyable; cheap. To
 *  send the same message to many sessions, build it once as a `shared_ptr<const string>`. */
class SessionHandle {
public:
    /** A handle to nothing: every call returns false. */
    SessionHandle() = default;
    /** Sends @p text as a text message (must be UTF-8). **Thread-safe.**
     *  @return false when the server's loop is gone (nothing sent). @throws std::bad_alloc. */
    bool send_text(std::string text) const { return send(std::move(text), MessageType::text); }
    /** Sends @p data as a binary message. **Thread-safe.** @return as send_text(). */
    bool send_binary(std::string data) const { return send(std::move(data), MessageType::binary); }
    /** Sends @p message (shared, not copied per session) as @p type. **Thread-safe.** */
    bool send(std::shared_ptr<const std::string> message, MessageType type) const;
    /** Sends @p message as @p type. **Thread-safe.** */
    bool send(std::string message, MessageType type) const {
        return send(std::make_shared<const std::string>(std::move(message)), type);
    }
    /** Starts the close handshake with @p code and @p reason. **Thread-safe.** */
    bool close(std::uint16_t code = 1000, std::string reason = {}) const;
    /** Whether the handle refers to a session (which may have ended since). */
    explicit operator bool() const noexcept { return static_cast<bool>(state_); }
    /** Used by ServerSession. */
    explicit SessionHandle(std::shared_ptr<detail::HandleState> state) : state_(std::move(state)) {}

private:
    std::shared_ptr<detail::HandleState> state_;
};

/** One WebSocket connection accepted by an HttpServer route (see serve()), on the loop of its
 *  connection. **Loop thread only**, like everything on an EventLoop; from other threads use
 *  handle().
 *
 *  Receiving: every complete frame in the input is processed in order before anything else
 *  happens, so the messages that came just before a close frame or a bad frame are delivered
 *  (and what on_message() sends in answer goes out before the close reply). Pings are answered
 *  at once; a protocol error fails the session with its close code (1002, 1007 invalid
 *  UTF-8, 1009 too large).
 *
 *  Sending and flow control: the send functions return whether the output queue is below
 *  HttpServer's ServerOptions::output_high_water; above it, reading pauses (a client that
 *  sends without reading is not read from) until the queue drains, then on_drain() is
 *  called. ServerOptions::max_queued bounds the queue.
 *
 *  Closing: close() sends a close frame; the session ends when the peer's close arrives (or
 *  after ServerOptions::close_timeout). A close from the peer is answered with the same code.
 *  After the close handshake the server closes the TCP connection. */
class ServerSession final : public http::Upgraded {
public:
    /** Used by serve(): a session for the accepted @p request. */
    ServerSession(std::shared_ptr<const detail::Shared> shared, const http::ServerRequest& request,
                  std::string subprotocol)
        : shared_(std::move(shared)),
          request_(request),
          subprotocol_(std::move(subprotocol)),
          protocol_(shared_->options.limits) {}
    /** Cancels its timers; handles reach nothing any more. */
    inline ~ServerSession() override;

    /** Sends @p text (UTF-8) as a text message. @return false once the queue is above its
     *  high mark (wait for on_drain()), or when the session is closing or ended (nothing
     *  sent). */
    bool send_text(std::string_view text) { return send(text, MessageType::text); }
    /** Sends @p data as a binary message. @return as send_text(). */
    bool send_binary(std::string_view data) { return send(data, MessageType::binary); }
    /** Sends @p data as a message of @p type. @return as send_text(). */
    bool send(std::string_view data, MessageType type);
    /** Sends a ping with @p payload (at most 125 bytes). @return as send_text(). */
    bool ping(std::string_view payload = {});
    /** Starts the close handshake: sends a close frame with @p code (a valid_close_code(),
     *  else 1000 is sent) and @p reason (UTF-8, cut to at most 123 bytes on a character
     *  boundary). Nothing more can be sent.
     *  Does nothing when closing already. */
    void close(std::uint16_t code = 1000, std::string_view reason = {});

    /** Whether messages can be sent: open, and no close frame sent or received. */
    bool is_open() const noexcept { return started_ && !ended_ && !protocol_.close_sent(); }
    /** Output bytes not yet taken by the socket. */
    std::size_t queued_bytes() const noexcept { return conn_ ? conn_->queued_bytes() : 0; }
    /** The handshake request (path, query, headers such as `Origin`, route parameters). */
    const http::ServerRequest& request() const noexcept { return request_; }
    /** The subprotocol agreed in the handshake, or empty. */
    const std::string& subprotocol() const noexcept { return subprotocol_; }
    /** A thread-safe handle to this session. */
    SessionHandle handle();
    /** The loop the session runs on (valid once on_open() was called). */
    EventLoop* loop() noexcept { return loop_; }
    /** A value of the application's own (an id, an index), 0 to start with. */
    std::uint64_t tag = 0;

    /** Used by the server: takes the connection over and calls on_open(). */
    inline void start(Connection& conn) override;
    /** Used by the server: the connection ended. */
    inline void closed(std::error_code ec) override;
    /** Used by the server: HttpServer::stop() sends close 1001 (going away). */
    void stop() override { close(1001, "server stopping"); }

private:
    std::size_t on_input(std::string_view in);
    bool flush_protocol();
    bool put(std::string_view bytes);
    void end(std::uint16_t code, std::string_view reason);
    void close_tcp();
    void abort_later();
    void arm_close_timer();
    void send_keepalive_ping();
    void cancel(EventLoop::TimerId& id) noexcept;

    std::shared_ptr<const detail::Shared> shared_;
    http::ServerRequest request_;
    std::string subprotocol_;
    Protocol<Role::server> protocol_;
    Connection* conn_ = nullptr;
    EventLoop* loop_ = nullptr;
    std::shared_ptr<detail::HandleState> handle_;
    EventLoop::TimerId close_timer_ = 0;
    EventLoop::TimerId ping_timer_ = 0;
    EventLoop::TimerId pong_timer_ = 0;
    EventLoop::TimerId abort_timer_ = 0;
    bool started_ = false;
    bool ended_ = false;        // on_close() was called
    bool tcp_closing_ = false;  // close_tcp() was called
    bool dropped_ = false;      // abort_later(): the queue bound was hit
};

/** The upgrade handler of a WebSocket route, for HttpServer::upgrade(): it checks the
 *  handshake by RFC 6455 section 4.2 (a GET in HTTP/1.1, else 405 or 400; `Upgrade:
 *  websocket` and `Connection: upgrade`, else 400; a key of 16 bytes in base64, else 400;
 *  `Sec-WebSocket-Version: 13`, else 426 naming version 13), then ServerHandlers::check
 *  (false: 403), selects the subprotocol, and answers 101. No extension is accepted
 *  (permessage-deflate stays off).
 *  @par Example
 *  @code
 *  socklite::ws::ServerHandlers echo;
 *  echo.on_message = [](socklite::ws::ServerSession& s, std::string& m,
 *                       socklite::ws::MessageType t) { s.send(m, t); };
 *  server.upgrade("/ws/echo", socklite::ws::serve(std::move(echo)));
 *  @endcode */
inline http::UpgradeHandler serve(ServerHandlers handlers, ServerOptions options = {});

// ---------------------------------------------------------------------------------------------

inline bool SessionHandle::send(std::shared_ptr<const std::string> message,
                                MessageType type) const {
    if (!state_ || !message) return false;
    std::shared_ptr<detail::HandleState> s = state_;
    return http::Upgraded::post_to(s->link, [s, message, type] {
        if (s->session) s->session->send(*message, type);
    });
}

inline bool SessionHandle::close(std::uint16_t code, std::string reason) const {
    if (!state_) return false;
    std::shared_ptr<detail::HandleState> s = state_;
    return http::Upgraded::post_to(s->link, [s, code, reason] {
        if (s->session) s->session->close(code, reason);
    });
}

inline ServerSession::~ServerSession() {
    if (handle_) handle_->session = nullptr;
    cancel(close_timer_);
    cancel(ping_timer_);
    cancel(pong_timer_);
    cancel(abort_timer_);
}

inline void ServerSession::cancel(EventLoop::TimerId& id) noexcept {
    if (id && loop_) loop_->cancel(id);
    id = 0;
}

inline SessionHandle ServerSession::handle() {
    if (!handle_) {
        handle_ = std::make_shared<detail::HandleState>();
        handle_->link = link();
        handle_->session = this;
    }
    return SessionHandle(handle_);
}

inline void ServerSession::start(Connection& conn) {
    conn_ = &conn;
    loop_ = &event_loop();
    started_ = true;
    conn.on_input([this](std::string_view in) { return on_input(in); });
    conn.on_drain([this] {
        const auto& h = shared_->handlers;
        if (!ended_ && !protocol_.close_sent() && h.on_drain) h.on_drain(*this);
    });
    conn.on_end([this] {
        // End of stream without a close frame: the connection is lost (section 7.1.5).
        end(1006, "connection ended without a close frame");
        close_tcp();
    });
    const ServerOptions& o = shared_->options;
    if (o.ping_interval.count() > 0)
        ping_timer_ = loop_->call_every(o.ping_interval, [this] { send_keepalive_ping(); });
    if (shared_->handlers.on_open) shared_->handlers.on_open(*this);
}

inline void ServerSession::closed(std::error_code ec) {
    end(1006, ec ? std::string_view("connection lost") : std::string_view("connection closed"));
}

inline std::size_t ServerSession::on_input(std::string_view in) {
    std::size_t pos = 0;
    while (pos < in.size() && !protocol_.failed() && !protocol_.close_received()) {
        Event e = protocol_.feed(in.substr(pos));
        pos += e.consumed;
        switch (e.kind) {
            case EventKind::need_more: flush_protocol(); return pos;
            case EventKind::text:
            case EventKind::binary: {
                const auto& h = shared_->handlers;
                if (!ended_ && !protocol_.close_sent() && h.on_message)
                    h.on_message(
                        *this, protocol_.message(),
                        e.kind == EventKind::text ? MessageType::text : MessageType::binary);
                if (tcp_closing_ || dropped_) return in.size();
                break;
            }
            case EventKind::ping: flush_protocol(); break;
            case EventKind::pong:
                cancel(pong_timer_);  // the peer is alive
                break;
            case EventKind::close: {
                flush_protocol();  // the echo of the close, unless ours went first
                std::string reason(protocol_.close_reason());
                end(protocol_.close_code(), reason);
                close_tcp();
                return in.size();
            }
            case EventKind::error:
                flush_protocol();  // the close frame with the error's code
                end(close_code_for(e.ec), {});
                close_tcp();
                return in.size();
        }
    }
    if (protocol_.failed() || protocol_.close_received()) return in.size();
    return pos;
}

inline bool ServerSession::put(std::string_view bytes) {
    if (!conn_ || dropped_ || tcp_closing_) return false;
    // Only sends made while the queue is above its high mark count against the bound: a
    // large message after a drain is taken whatever its size (it was within the limits).
    const std::size_t queued = conn_->queued_bytes();
    if (queued > conn_->options().high_water &&
        queued + bytes.size() > shared_->options.max_queued) {
        abort_later();
        return false;
    }
    std::error_code ec;  // a send error shows in on_close()
    return conn_->send(bytes, ec) && !ec;
}

inline bool ServerSession::flush_protocol() {
    std::string& out = protocol_.output();
    if (out.empty()) return conn_ && conn_->queued_bytes() <= conn_->options().high_water;
    bool below = put(out);
    out.clear();
    if (out.capacity() > 64 * 1024) std::string().swap(out);
    return below;
}

inline bool ServerSession::send(std::string_view data, MessageType type) {
    if (!is_open() || dropped_) return false;
    const Opcode op = type == MessageType::text ? Opcode::text : Opcode::binary;
    if (data.size() <= 16 * 1024) {  // small: one write with its header
        protocol_.send(op, data);
        return flush_protocol();
    }
    flush_protocol();
    char header[max_frame_header_size];
    std::size_t n = write_frame_header<Role::server>(header, op, data.size());
    put(std::string_view(header, n));
    if (dropped_) return false;
    return put(data);
}

inline bool ServerSession::ping(std::string_view payload) {
    if (!is_open() || payload.size() > max_control_payload) return false;
    protocol_.send(Opcode::ping, payload);
    return flush_protocol();
}

inline void ServerSession::close(std::uint16_t code, std::string_view reason) {
    if (!started_ || ended_ || protocol_.close_sent() || dropped_) return;
    if (code != close_no_status && !valid_close_code(code)) code = 1000;
    if (reason.size() > max_control_payload - 2) {  // cut on a character boundary
        std::size_t n = max_control_payload - 2;
        while (n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
        reason = reason.substr(0, n);
    }
    protocol_.close(code, reason);
    flush_protocol();
    arm_close_timer();
}

inline void ServerSession::arm_close_timer() {
    cancel(close_timer_);
    close_timer_ = loop_->call_after(shared_->options.close_timeout, [this] {
        close_timer_ = 0;
        end(1006, "no close from the peer in time");  // or no TCP end after the handshake
        finish();                                     // destroys *this
    });
}

inline void ServerSession::end(std::uint16_t code, std::string_view reason) {
    if (ended_) return;
    ended_ = true;
    cancel(ping_timer_);
    cancel(pong_timer_);
    if (shared_->handlers.on_close) shared_->handlers.on_close(*this, code, reason);
}

inline void ServerSession::close_tcp() {
    // Section 7.1.1: the server closes the TCP connection first, once the close frames are
    // exchanged; the connection ends when the client's end of stream arrives (bounded).
    if (tcp_closing_ || !conn_) return;
    tcp_closing_ = true;
    conn_->close_after_flush();
    arm_close_timer();
}

inline void ServerSession::abort_later() {
    if (dropped_) return;
    dropped_ = true;
    conn_->pause_reading();
    // Not from here: a send() may run inside our own input handler.
    abort_timer_ = loop_->call_after(std::chrono::milliseconds(0), [this] {
        abort_timer_ = 0;
        end(1006, "peer not reading: output queue over max_queued");
        finish();  // destroys *this
    });
}

inline void ServerSession::send_keepalive_ping() {
    if (pong_timer_ || !is_open()) return;  // one ping at a time
    protocol_.send(Opcode::ping, "keepalive");
    flush_protocol();
    pong_timer_ = loop_->call_after(shared_->options.ping_timeout, [this] {
        pong_timer_ = 0;
        end(1006, "no pong to the keep-alive ping in time");
        finish();  // destroys *this
    });
}

namespace detail {
// Every value of the header fields named @p name, as one comma-separated list.
inline std::string joined_field(const http::Headers& headers, std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < headers.size(); ++i) {
        if (!http::iequals(headers[i].name, name)) continue;
        if (!out.empty()) out += ", ";
        out += headers[i].value;
    }
    return out;
}
}  // namespace detail

inline http::UpgradeHandler serve(ServerHandlers handlers, ServerOptions options) {
    auto shared = std::make_shared<detail::Shared>();
    shared->handlers = std::move(handlers);
    shared->options = options;
    std::shared_ptr<const detail::Shared> s = shared;
    return [s](const http::ServerRequest& req,
               http::Response& res) -> std::unique_ptr<http::Upgraded> {
        UpgradeRequest u;
        u.method = req.method;
        u.version = req.version;
        std::string upgrade = detail::joined_field(req.headers, "Upgrade");
        std::string connection = detail::joined_field(req.headers, "Connection");
        std::string offered = detail::joined_field(req.headers, "Sec-WebSocket-Protocol");
        u.upgrade = upgrade;
        u.connection = connection;
        u.key = detail::trim(req.header("Sec-WebSocket-Key"));
        u.ws_version = detail::trim(req.header("Sec-WebSocket-Version"));
        u.subprotocols = offered;
        u.origin = req.header("Origin");
        u.repeated = req.headers.values("Sec-WebSocket-Key").size() > 1 ||
                     req.headers.values("Sec-WebSocket-Version").size() > 1;
        UpgradeCheck c = check_request(u);
        if (c.status != 101) {
            res.status = c.status == 405 || c.status == 426 ? c.status : 400;
            if (c.status == 426) {
                res.headers.add("Sec-WebSocket-Version", "13");
                res.headers.add("Upgrade", "websocket");
            } else if (c.status == 405) {
                res.headers.add("Allow", "GET");
            }
            res.headers.add("Content-Type", "text/plain");
            res.body = c.ec.message() + "\n";
            return nullptr;
        }
        if (s->handlers.check && !s->handlers.check(req)) {
            res.status = 403;
            res.headers.add("Content-Type", "text/plain");
            res.body = "WebSocket handshake refused\n";
            return nullptr;
        }
        std::string chosen;
        if (!offered.empty() && s->handlers.select_subprotocol) {
            std::vector<std::string> list;
            detail::any_token(offered, [&](std::string_view t) {
                list.emplace_back(t);
                return false;
            });
            chosen = s->handlers.select_subprotocol(req, list);
            bool listed = false;
            for (const auto& p : list) listed = listed || p == chosen;
            if (!listed) chosen.clear();  // section 4.2.2: only one the client offered
        }
        res.status = 101;
        res.headers.add("Upgrade", "websocket");
        res.headers.add("Connection", "Upgrade");
        res.headers.add("Sec-WebSocket-Accept", c.accept);
        if (!chosen.empty()) res.headers.add("Sec-WebSocket-Protocol", chosen);
        return std::make_unique<ServerSession>(s, req, std::move(chosen));
    };
}

}  // namespace ws
}  // namespace socklite

#endif  // SOCKLITE_WS_SERVER_HPP
