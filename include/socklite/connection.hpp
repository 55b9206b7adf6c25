// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_CONNECTION_HPP
#define SOCKLITE_CONNECTION_HPP

/** @file
 *  socklite::Connection: a non-blocking socket on an EventLoop with line framing on input and a
 *  bounded output queue. */

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "detail/alive.hpp"
#include "detail/function.hpp"
#include "error.hpp"
#include "event_loop.hpp"
#include "line_buffer.hpp"
#include "socket.hpp"

namespace socklite {

/** A connected socket served by an EventLoop: it reads whatever arrives and hands you complete
 *  lines (or raw bytes), and it queues what you send until the socket can take it.
 *
 *  **Input.** With on_line() set, input is split into `\n`-terminated lines (a `\r` before the
 *  `\n` is dropped) by a LineBuffer; a line longer than Options::max_line closes the connection
 *  with errc::line_too_long. With on_data() set instead, bytes are handed over as they come.
 *  Set the handler right after construction: input that arrives before either is set waits
 *  (up to Options::max_line bytes in all) and is delivered along with the next bytes received.
 *
 *  **Output.** send() first tries to write directly; what the socket does not take is queued and
 *  written as the socket becomes writable (the loop watches `writable` only while bytes are
 *  queued). The queue is bounded by Options::max_queued: a send() that would exceed it fails
 *  with errc::queue_full and queues nothing, so a peer that never reads cannot grow your memory
 *  without limit; you decide what to do (drop the message, or close()).
 *
 *  **End of a connection.** on_close() is called exactly once, when the connection ends for a
 *  reason you did not ask for, and the Connection is closed by then:
 *  - the peer closed (end of stream): an unterminated last line is delivered to on_line() first
 *    (it is what the peer sent), queued output is written as far as the socket takes it at once,
 *    and on_close() gets an empty error code;
 *  - the peer reset the connection, or another socket error: the unterminated tail and the
 *    queue are discarded, and on_close() gets the error (e.g. `std::errc::connection_reset`);
 *  - a line too long: errc::line_too_long;
 *  - after close_after_flush(), once the peer has closed too: an empty error code.
 *  close() ends the connection at once and does not call on_close().
 *
 *  **Lifetime.** A Connection is not movable (the loop calls back into it). Any callback may
 *  destroy the Connection (typically on_close() erasing it from a map): it notices and touches
 *  nothing afterwards. Everything runs on the loop's thread.
 *
 *  Memory: about 400 bytes per idle connection plus your handlers; buffers grow only while
 *  lines are incomplete or output is queued, and are released once they drain.
 *
 *  @par Example
 *  @code
 *  auto conn = std::make_unique<socklite::Connection>(loop, std::move(accepted.socket));
 *  conn->on_line([c = conn.get()](std::string_view line) { c->send(std::string(line) + "\n"); });
 *  conn->on_close([&](std::error_code) { ... erase it ... });
 *  @endcode */
class Connection {
public:
    /** Limits of one connection. */
    struct Options {
        /** The longest input line accepted, in bytes (without the `\n`). */
        std::size_t max_line = 64 * 1024;
        /** The most output bytes queued at once; send() beyond it fails with errc::queue_full. */
        std::size_t max_queued = 1024 * 1024;
    };
    /** Receives one line, without its `\n` (or `\r\n`); the view is valid during the call only. */
    using LineHandler = detail::Function<void(std::string_view line)>;
    /** Receives bytes as they arrive; the view is valid during the call only. */
    using DataHandler = detail::Function<void(std::string_view bytes)>;
    /** Told why the connection ended: empty for an orderly close, else the error. */
    using CloseHandler = detail::Function<void(std::error_code ec)>;

    /** Takes over @p socket, switches it to non-blocking mode and watches it on @p loop.
     *  @throws Error (e.g. when the loop refuses the descriptor). */
    Connection(EventLoop& loop, Socket socket, const Options& options);
    /** As Connection(EventLoop&, Socket, const Options&), with default options. */
    Connection(EventLoop& loop, Socket socket) : Connection(loop, std::move(socket), Options{}) {}
    /** As Connection(EventLoop&, Socket, const Options&), reporting through @p ec; on failure
     *  the connection is closed (is_open() is false). */
    Connection(EventLoop& loop, Socket socket, const Options& options,
               std::error_code& ec) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    /** Stops watching and closes the socket (queued output is discarded); no callback runs. */
    ~Connection();

    /** Delivers input as lines to @p handler (replacing on_data()). */
    void on_line(LineHandler handler) {
        on_line_ = std::move(handler);
        on_data_ = nullptr;
    }
    /** Delivers input as raw bytes to @p handler (replacing on_line(); no framing, no limit). */
    void on_data(DataHandler handler) {
        on_data_ = std::move(handler);
        on_line_ = nullptr;
    }
    /** Calls @p handler once when the connection ends (see the class notes). */
    void on_close(CloseHandler handler) { on_close_ = std::move(handler); }

    /** Sends @p data now or queues it; never blocks, never calls a handler.
     *  @throws Error: errc::queue_full if queued_bytes() + @p data.size() would exceed
     *  Options::max_queued (nothing is queued), `std::errc::not_connected` once closed or
     *  closing (close_after_flush()). A socket
     *  error found while writing is not thrown: on_close() reports it from the loop. */
    void send(std::string_view data);
    /** As send(std::string_view), reporting through @p ec. @return true when sent or queued. */
    bool send(std::string_view data, std::error_code& ec) noexcept;

    /** Closes now: stops watching, closes the socket, discards queued output and unread input.
     *  on_close() is not called. Idempotent. */
    void close() noexcept;
    /** Graceful close: stops delivering input, writes the queued output, then shuts down the
     *  sending direction (the peer reads end of stream) and waits for the peer to close, which
     *  ends the connection and calls on_close(). Bound the wait with a timer if the peer may
     *  never close. */
    void close_after_flush() noexcept;

    /** Whether the socket is still open. */
    bool is_open() const noexcept { return socket_.is_open(); }
    /** The number of bytes sent but not yet taken by the socket. */
    std::size_t queued_bytes() const noexcept { return out_.size() - out_pos_; }
    /** The socket (for addresses and options; do not read, write or close it yourself). */
    const Socket& socket() const noexcept { return socket_; }
    /** The options in force. */
    const Options& options() const noexcept { return options_; }

private:
    void start(std::error_code& ec) noexcept;
    void handle(EventLoop::Events events);
    // Writes queued bytes until the socket would block; a hard error is returned.
    std::error_code flush() noexcept;
    void update_interest() noexcept;
    void read_input(detail::AliveGuard& guard);
    // Delivers bytes to the handlers; false when the connection ended or was destroyed.
    bool deliver(std::string_view bytes, detail::AliveGuard& guard);
    void peer_closed(detail::AliveGuard& guard);
    void finish(std::error_code ec);  // closes and calls on_close (the last thing a frame does)
    void release_buffers() noexcept;

    EventLoop& loop_;
    Socket socket_;
    Options options_;
    LineBuffer lines_;
    std::string out_;  // queued output, from out_pos_ on
    std::size_t out_pos_ = 0;
    LineHandler on_line_;
    DataHandler on_data_;
    CloseHandler on_close_;
    std::error_code pending_error_;  // a write error found by send(), reported from the loop
    bool closing_ = false;           // close_after_flush() called
    bool write_shut_ = false;
    bool* dead_flag_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline void Connection::start(std::error_code& ec) noexcept {
    ec.clear();
    if (!socket_.is_open()) {
        ec = std::make_error_code(std::errc::bad_file_descriptor);
        return;
    }
    if (!socket_.non_blocking()) socket_.non_blocking(true, ec);
    if (!ec)
        loop_.add(
            socket_.native_handle(), EventLoop::readable,
            [this](EventLoop::Events events) { handle(events); }, ec);
    if (ec) socket_.close();
}

inline Connection::Connection(EventLoop& loop, Socket socket, const Options& options,
                              std::error_code& ec) noexcept
    : loop_(loop), socket_(std::move(socket)), options_(options), lines_(options.max_line) {
    start(ec);
}

inline Connection::Connection(EventLoop& loop, Socket socket, const Options& options)
    : loop_(loop), socket_(std::move(socket)), options_(options), lines_(options.max_line) {
    std::error_code ec;
    start(ec);
    if (ec) detail::throw_error(ec, "watch connection", "");
}

inline Connection::~Connection() {
    detail::AliveGuard::destroyed(dead_flag_);
    close();
}

inline void Connection::close() noexcept {
    if (socket_.is_open()) {
        std::error_code ignored;
        loop_.remove(socket_.native_handle(), ignored);
        socket_.close();
    }
    release_buffers();
}

inline void Connection::release_buffers() noexcept {
    std::string().swap(out_);
    out_pos_ = 0;
    lines_.clear();
}

inline void Connection::send(std::string_view data) {
    std::error_code ec;
    if (!send(data, ec)) {
        std::error_code ignored;
        Address peer = socket_.is_open() ? socket_.peer_address(ignored) : Address();
        detail::throw_error(ec, "send", peer.empty() ? "" : peer.to_string());
    }
}

inline bool Connection::send(std::string_view data, std::error_code& ec) noexcept {
    if (!socket_.is_open() || closing_) {
        ec = std::make_error_code(std::errc::not_connected);
        return false;
    }
    if (queued_bytes() + data.size() > options_.max_queued) {
        ec = errc::queue_full;
        return false;
    }
    ec.clear();
    if (data.empty() || pending_error_) return true;  // an error is reported by the loop soon
    std::size_t sent = 0;
    if (queued_bytes() == 0) {  // try the direct write first: usually it takes everything
        std::error_code wec;
        sent = socket_.send(data.data(), data.size(), wec);
        if (wec && wec != std::errc::operation_would_block) {
            pending_error_ = wec;
            update_interest();  // the loop reports the error through on_close()
            return true;
        }
        if (sent == data.size()) return true;
    }
    try {
        if (out_pos_ > 0 && out_pos_ == out_.size()) {
            out_.clear();
            out_pos_ = 0;
        }
        out_.append(data.data() + sent, data.size() - sent);
    } catch (...) {
        // Only the part already sent went out; the stream is now incomplete: treat as fatal.
        pending_error_ = std::make_error_code(std::errc::not_enough_memory);
        update_interest();
        return true;
    }
    update_interest();
    return true;
}

inline void Connection::close_after_flush() noexcept {
    if (!socket_.is_open() || closing_) return;
    closing_ = true;
    lines_.clear();
    if (queued_bytes() == 0 && !write_shut_) {
        std::error_code ignored;
        socket_.shutdown(Shutdown::write, ignored);
        write_shut_ = true;
    }
}

inline std::error_code Connection::flush() noexcept {
    std::error_code ec;
    while (out_pos_ < out_.size()) {
        std::size_t n = socket_.send(out_.data() + out_pos_, out_.size() - out_pos_, ec);
        if (ec) {
            if (ec == std::errc::operation_would_block) break;
            return ec;
        }
        out_pos_ += n;
    }
    if (out_pos_ == out_.size()) {
        // Drained: give the memory back if a burst made it large.
        if (out_.capacity() > 16 * 1024) std::string().swap(out_);
        out_.clear();
        out_pos_ = 0;
        if (closing_ && !write_shut_) {
            socket_.shutdown(Shutdown::write, ec);
            write_shut_ = true;
        }
    } else if (out_pos_ > 64 * 1024 && out_pos_ * 2 > out_.size()) {
        out_.erase(0, out_pos_);  // keep the queue compact, amortised O(1) per byte
        out_pos_ = 0;
    }
    update_interest();
    return {};
}

inline void Connection::update_interest() noexcept {
    if (!socket_.is_open()) return;
    EventLoop::Events events = EventLoop::readable;
    if (queued_bytes() > 0 || pending_error_) events |= EventLoop::writable;
    std::error_code ignored;
    loop_.modify(socket_.native_handle(), events, ignored);
}

inline void Connection::handle(EventLoop::Events events) {
    detail::AliveGuard guard(dead_flag_);
    if (pending_error_) return finish(pending_error_);
    if (events & EventLoop::error) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) return finish({err, std::system_category()});
        // No error after all: reading tells what happened.
    }
    if (events & EventLoop::writable) {
        if (std::error_code ec = flush()) return finish(ec);
    }
    if (events & (EventLoop::readable | EventLoop::hangup | EventLoop::error)) read_input(guard);
}

inline void Connection::read_input(detail::AliveGuard& guard) {
    char buf[16 * 1024];
    std::size_t total = 0;
    // A bounded amount per event: the loop is level-triggered, so the rest comes next time and
    // one busy peer cannot starve the others.
    for (int i = 0; i < 4; ++i) {
        std::error_code ec;
        std::size_t n = socket_.recv(buf, sizeof buf, ec);
        if (ec) {
            if (ec == std::errc::operation_would_block) break;
            return finish(ec);  // reset: the unterminated tail is discarded
        }
        if (n == 0) return peer_closed(guard);
        total += n;
        if (closing_) continue;  // closing: input is read and dropped, waiting for end of stream
        if (!deliver(std::string_view(buf, n), guard)) return;
        if (n < sizeof buf) break;
    }
    // A burst may have grown the line buffer: release it once nothing is pending.
    if (total > 16 * 1024 && lines_.pending().empty()) lines_ = LineBuffer(options_.max_line);
}

inline bool Connection::deliver(std::string_view bytes, detail::AliveGuard& guard) {
    if (on_data_) {
        DataHandler handler = std::move(on_data_);  // the handler may destroy *this
        handler(bytes);
        if (guard.dead) return false;
        if (!on_data_ && !on_line_) on_data_ = std::move(handler);
        return socket_.is_open() && !closing_;
    }
    lines_.append(bytes);
    if (!on_line_) {
        // No handler yet: lines wait in the buffer, within the same bound as one line.
        if (lines_.pending().size() <= options_.max_line) return true;
        finish(errc::line_too_long);
        return false;
    }
    std::string line;
    std::error_code ec;
    // Each line goes to the handler in force at that moment (a handler may replace itself).
    while (socket_.is_open() && !closing_ && on_line_ && lines_.next_line(line, ec)) {
        LineHandler handler = std::move(on_line_);  // the handler may destroy *this
        handler(line);
        if (guard.dead) return false;
        if (!on_line_ && !on_data_) on_line_ = std::move(handler);
    }
    if (ec) {
        finish(ec);  // errc::line_too_long
        return false;
    }
    return socket_.is_open();
}

inline void Connection::peer_closed(detail::AliveGuard& guard) {
    if (!closing_ && on_line_ && !lines_.pending().empty()) {
        std::string tail(lines_.pending());
        lines_.clear();
        LineHandler handler = std::move(on_line_);
        handler(tail);
        if (guard.dead) return;
        if (!on_line_ && !on_data_) on_line_ = std::move(handler);
        if (!socket_.is_open()) return;
    }
    flush();  // best effort: what the socket takes right now
    finish({});
}

inline void Connection::finish(std::error_code ec) {
    close();
    CloseHandler handler = std::move(on_close_);
    on_close_ = nullptr;
    if (handler) handler(ec);  // may destroy *this: nothing may follow
}

}  // namespace socklite

#endif  // SOCKLITE_CONNECTION_HPP
