// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_CONNECTION_HPP
#define SOCKLITE_CONNECTION_HPP

/** @file
 *  socklite::Connection: a buffered, flow-controlled byte stream on an EventLoop: input with a
 *  consumed count, pause and resume, a drain notification, and half-close without loss. */

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include "detail/alive.hpp"
#include "detail/function.hpp"
#include "detail/syscall.hpp"
#include "error.hpp"
#include "event_loop.hpp"
#include "socket.hpp"

namespace socklite {

/** A connected socket served by an EventLoop, as a stream with backpressure in both directions
 *  (the model of libuv's `uv_read_start`/`uv_read_stop`/`uv_shutdown` and Node's streams).
 *
 *  **Input.** Reading starts once an input handler is set (until then bytes wait in the
 *  kernel, and the peer's end or a reset is noticed only by a send()). Received bytes go to an
 *  input buffer, and on_input()'s handler is offered everything buffered; it returns how many
 *  bytes it consumed (a parser takes whole messages, in place, and leaves a partial one). What
 *  it leaves stays buffered and is offered again, followed by the next bytes received; the
 *  handler is called again at once while it consumes something and bytes remain. The buffer is
 *  bounded by Options::max_input: if it is full and the handler consumes nothing, no message
 *  can ever complete, so the connection ends with `std::errc::message_size` (a peer cannot make
 *  you hold more than max_input bytes). on_line() is the same stream cut into `\n`-terminated
 *  lines (a `\r` before the `\n` is dropped; a line over Options::max_line ends the connection
 *  with errc::line_too_long).
 *
 *  **Output.** send() first writes directly; what the socket does not take is queued and
 *  written as the socket becomes writable. send() returns whether the queue is at or below
 *  Options::high_water (like the return value of Node's `write()`): when it returns false,
 *  wait for on_drain(), which is called when the queue falls to Options::low_water. The hard
 *  bound Options::max_queued is never exceeded by adding to a queue: such a send() is refused
 *  with errc::queue_full and queues nothing, so the caller still has its data (one send() into
 *  an empty queue is taken whatever its size: the caller already holds that much).
 *
 *  **Flow control.** pause_reading() stops reading (the kernel's buffers fill and TCP slows the
 *  peer down); resume_reading() starts again and offers the bytes still buffered first. With
 *  Options::auto_pause (the default), reading also pauses by itself while queued output is
 *  above high_water and resumes on drain, so the simplest echo, `send(input); return
 *  input.size();`, is correct: a peer that sends without reading is simply not read from; the
 *  input buffer stays within max_input and the queue within high_water + max_input.
 *
 *  **End of a connection.**
 *  - The peer's end of stream (it half-closed or closed) is its own event: an unterminated last
 *    line is delivered to on_line() first, then on_end() is called, and the connection stays
 *    open for sending. Without an on_end() handler the default is close_after_flush(): the
 *    queued output is written in full, then the connection closes.
 *  - shutdown_write() writes the queue in full, then shuts down the sending direction (the
 *    peer reads end of stream); input goes on. close_after_flush() does the same, discards any
 *    further input and closes once the peer has ended too (a lingering close: closing with
 *    unread input would send a reset that can destroy the peer's last bytes). Bound the wait
 *    with a timer if the peer may never close.
 *  - on_close() is called exactly once when the connection ends by itself, with the reason:
 *    empty after both directions ended in order, else the error (e.g.
 *    `std::errc::connection_reset`, errc::line_too_long, `std::errc::message_size`). The socket
 *    is closed by then, and queued_bytes() tells how many queued bytes were never sent.
 *  - close() ends the connection at once, without on_close(), and returns the number of queued
 *    bytes it discarded. Nothing queued is dropped without one of these two saying so.
 *
 *  **Lifetime.** A Connection is not movable (the loop calls back into it). Any handler may
 *  destroy the Connection (typically on_close() erasing it from a map): it notices and touches
 *  nothing afterwards. No member function calls a handler: handlers run from the loop only.
 *  Everything runs on the loop's thread.
 *
 *  **Memory.** 560 bytes per idle connection (x86-64), plus handlers that capture more than
 *  two pointers. The input buffer grows only while bytes are unconsumed (at most max_input),
 *  the output queue only while the socket is behind (at most max_queued, or one larger send()
 *  into an empty queue); both are released once empty. Reading happens on the stack.
 *
 *  @par Example
 *  @code
 *  auto conn = std::make_unique<socklite::Connection>(loop, std::move(accepted.socket));
 *  socklite::Connection* c = conn.get();
 *  c->on_input([c](std::string_view input) {  // an echo: correct with the default options
 *      c->send(input);
 *      return input.size();
 *  });
 *  c->on_close([&, c](std::error_code) { connections.erase(c); });
 *  @endcode */
class Connection {
public:
    /** Limits and flow control of one connection. */
    struct Options {
        /** The most input bytes held for the handler (at least 1). 256 KiB: a max_line line fits with room
         *  to spare, and so do the header sections that HTTP servers accept (8-64 KiB). */
        std::size_t max_input = 256 * 1024;
        /** The longest line on_line() accepts, in bytes (without the `\n`). */
        std::size_t max_line = 64 * 1024;
        /** send() returns false, and auto_pause stops reading, above this many queued bytes.
         *  64 KiB: about what the kernel's own send buffer holds on a fast link, so queueing
         *  more in user space adds memory and latency, not throughput. */
        std::size_t high_water = 64 * 1024;
        /** on_drain() is called when the queue falls to this after exceeding high_water.
         *  16 KiB: the kernel still holds data to send while the producer wakes up, so the
         *  link does not run dry, and the producer is not woken for every few bytes. */
        std::size_t low_water = 16 * 1024;
        /** The hard bound on queued output: send() beyond it fails with errc::queue_full and
         *  queues nothing (one send() into an empty queue is taken whatever its size). Keep it at least high_water + max_input, so that a handler that
         *  answers its input in full (an echo) never meets it with auto_pause on. */
        std::size_t max_queued = 1024 * 1024;
        /** Pause reading while queued output is above high_water; resume on drain. */
        bool auto_pause = true;
        /** The most bytes of a send_file() written per writable event (fairness between
         *  connections). 2 MiB, nginx's `sendfile_max_chunk`: 1 MiB files went 10-18% faster
         *  than with 256 KiB pieces (4 A/B rounds, wrk -c10 on loopback). */
        std::size_t file_piece = 2 * 1024 * 1024;
    };
    /** Offered the buffered input (valid during the call, until close()); returns how many
     *  bytes from its start it consumed (at most its size). */
    using InputHandler = detail::Function<std::size_t(std::string_view buffered)>;
    /** Receives one line, without its `\n` (or `\r\n`); the view is valid during the call only. */
    using LineHandler = detail::Function<void(std::string_view line)>;
    /** Told about an event without data: the peer's end of stream (on_end()), or a drained
     *  output queue (on_drain()). */
    using EventHandler = detail::Function<void()>;
    /** Told why the connection ended: empty for an orderly end, else the error. */
    using CloseHandler = detail::Function<void(std::error_code ec)>;

    /** Takes over @p socket, switches it to non-blocking mode and serves it on @p loop.
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
    /** Stops watching and closes the socket (queued output is discarded); no handler runs. */
    ~Connection();

    /** Offers input to @p handler (replacing on_line()), and starts reading. Bytes already
     *  buffered are offered soon, from the loop. */
    void on_input(InputHandler handler);
    /** Delivers input as lines to @p handler (replacing on_input()), and starts reading. */
    void on_line(LineHandler handler);
    /** Calls @p handler when the peer ends its stream (see the class notes for the default). */
    void on_end(EventHandler handler) { on_end_ = std::move(handler); }
    /** Calls @p handler whenever queued output falls to Options::low_water after having been
     *  above Options::high_water. */
    void on_drain(EventHandler handler) { on_drain_ = std::move(handler); }
    /** Calls @p handler once when the connection ends by itself (see the class notes). */
    void on_close(CloseHandler handler) { on_close_ = std::move(handler); }

    /** Sends @p data now or queues it; never blocks, never calls a handler.
     *  @return whether queued output is at or below Options::high_water (false: wait for
     *  on_drain() before sending much more).
     *  @throws Error: errc::queue_full if output is queued and queued_bytes() + @p data.size()
     *  would exceed Options::max_queued (nothing is queued; into an empty queue any size is
     *  taken), `std::errc::not_connected` once closed or after
     *  shutdown_write(). A socket error found while writing is not thrown: on_close() reports
     *  it from the loop. */
    bool send(std::string_view data);
    /** As send(std::string_view), reporting through @p ec (and returning false on error). */
    bool send(std::string_view data, std::error_code& ec) noexcept;

    /** Stops reading: no input is offered until resume_reading(). Idempotent. */
    void pause_reading() noexcept;
    /** Reads again; bytes still buffered are offered first, soon, from the loop. */
    void resume_reading() noexcept;
    /** Writes the queued output in full, then shuts down the sending direction: the peer reads
     *  end of stream. Input goes on; once the peer has ended too, the connection closes and
     *  on_close() gets an empty error code. Further send()s fail. Idempotent. */
    void shutdown_write() noexcept;
    /** As shutdown_write(), and discards all further input (unconsumed input included). */
    void close_after_flush() noexcept;
    /** Closes now: stops watching, closes the socket, discards queued output and unread input.
     *  on_close() is not called. Idempotent.
     *  @return the number of queued bytes discarded (never sent). */
    std::size_t close() noexcept;

    /** Whether the socket is still open. */
    bool is_open() const noexcept { return socket_.is_open(); }
    /** Whether input is being read now: a handler is set, reading is not paused (by you or by
     *  auto_pause), and the peer has not ended its stream. */
    bool reading() const noexcept;
    /** Whether pause_reading() is in force. */
    bool reading_paused() const noexcept { return paused_; }
    /** Whether the peer has ended its stream (on_end() was or is about to be called). */
    bool peer_ended() const noexcept { return peer_ended_; }
    /** Queues @p length bytes of the file @p fd from @p offset after everything queued so far,
     *  to be written with `sendfile(2)` (no copy through user space) in pieces of at most
     *  Options::file_piece bytes per writable event; later send()s follow the file. The file
     *  counts in queued_bytes(), so high_water, on_drain() and auto_pause apply to it. Takes
     *  @p fd in any case: it is closed once sent, or when the connection ends. A file that
     *  ends early (truncated while sent) ends the connection with `std::errc::io_error` (the
     *  peer gets a short body and a close). Several files may be queued, each in its place
     *  among the sent bytes.
     *  @return as send(): whether queued output is at or below Options::high_water. */
    bool send_file(int fd, std::uint64_t offset, std::uint64_t length,
                   std::error_code& ec) noexcept {
        return send_file({}, fd, offset, length, ec);
    }
    /** As send_file(int, std::uint64_t, std::uint64_t, std::error_code&), after @p head (an
     *  answer's head): the head is written with `MSG_MORE`, so that it leaves in one segment
     *  with the file's first bytes rather than in a small one of its own. */
    bool send_file(std::string_view head, int fd, std::uint64_t offset, std::uint64_t length,
                   std::error_code& ec) noexcept;
    /** The number of bytes sent but not yet taken by the socket (a queued file included). */
    std::size_t queued_bytes() const noexcept {
        return out_.size() - out_pos_ + static_cast<std::size_t>(file_bytes_);
    }
    /** The number of input bytes received but not yet consumed. */
    std::size_t buffered_bytes() const noexcept { return in_.size() - in_pos_; }
    /** The socket (for addresses and options; do not read, write or close it yourself). */
    const Socket& socket() const noexcept { return socket_; }
    /** The options in force. */
    const Options& options() const noexcept { return options_; }

private:
    void start(std::error_code& ec) noexcept;
    // The one way user code is called (detail::call_handler): false when *this was destroyed.
    template <class Handler, class Invoke>
    bool call(Handler& slot, Invoke&& invoke) {
        return detail::call_handler(dead_flag_, slot, std::forward<Invoke>(invoke));
    }
    // call() for on_input/on_line: while it runs, its slot is empty, yet reading() stays true.
    template <class Handler, class Invoke>
    bool call_input(Handler& slot, Invoke&& invoke) {
        delivering_ = true;
        if (!call(slot, std::forward<Invoke>(invoke))) return false;  // *this is gone
        delivering_ = false;
        return true;
    }
    void handle(EventLoop::Events events);
    // Writes queued bytes until the socket would block; a hard error is returned.
    std::error_code flush() noexcept;
    // After output progress: the drain event, the deferred shutdown, the orderly end.
    // @return false when the connection ended or was destroyed.
    bool after_output();
    bool read_input();
    // Offers the input to the handlers: the buffered bytes, or @p fresh ones while the buffer
    // is empty. @return false when the connection ended or was destroyed.
    bool deliver(std::string_view fresh);
    bool take_lines(std::string_view buffered, std::size_t& consumed);
    void peer_end();
    bool wants_input() const noexcept;
    void update_interest() noexcept;
    void kick() noexcept;             // runs handle(0) soon from the loop
    void finish(std::error_code ec);  // closes and calls on_close (the last thing a frame does)
    void release_buffers() noexcept;
    void release_input() noexcept;
    // After a would-block through a layer: whether it waits for the other readiness.
    bool waits_other(short own) const noexcept {
        return socket_.layer() != nullptr && socket_.wants() != own;
    }
    EventLoop::Events read_on() const noexcept {
        return read_waits_out_ ? EventLoop::writable : EventLoop::readable;
    }
    EventLoop::Events write_on() const noexcept {
        return write_waits_in_ ? EventLoop::readable : EventLoop::writable;
    }

    EventLoop& loop_;
    Socket socket_;
    Options options_;
    std::string in_;  // received input, unconsumed from in_pos_ on
    std::size_t in_pos_ = 0;
    std::size_t line_scan_ = 0;  // bytes of the buffered input known to hold no '\n'
    std::string out_;            // queued output, from out_pos_ on
    std::size_t out_pos_ = 0;
    struct FileOut {  // send_file(): goes out after out_[0, at)
        int fd;
        std::uint64_t offset;
        std::uint64_t left;
        std::size_t at;
    };
    std::vector<FileOut> files_;    // in order; each after its place in out_
    std::uint64_t file_bytes_ = 0;  // the bytes left in files_
    // With a layer, send_file()'s bytes are read into the queue (pread), a piece at a time.
    std::error_code stage_file(FileOut& f, std::size_t& budget) noexcept;
    InputHandler on_input_;
    LineHandler on_line_;
    EventHandler on_end_;
    EventHandler on_drain_;
    CloseHandler on_close_;
    std::error_code pending_error_;  // found outside the loop (send), reported from the loop
    EventLoop::TimerId kick_ = 0;
    bool paused_ = false;          // pause_reading()
    bool throttled_ = false;       // auto_pause: queue above high water
    bool above_high_ = false;      // the queue exceeded high water since the last drain
    bool reoffer_ = false;         // buffered input to offer again once reading
    bool line_mode_ = false;       // on_line() rather than on_input()
    bool peer_ended_ = false;      // end of stream received
    bool shut_requested_ = false;  // shutdown_write() or close_after_flush()
    bool discard_input_ = false;   // close_after_flush()
    bool write_shut_ = false;      // shutdown(write) done
    bool delivering_ = false;      // on_input or on_line is running (out of its slot)
    bool shut_blocked_ = false;    // a layer's end of stream (close_notify) waits to go out
    // Through a layer (TLS) a blocked read may wait for the socket to be writable, and a
    // blocked write for it to be readable (Socket::wants()).
    bool read_waits_out_ = false;
    bool write_waits_in_ = false;
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
    if (options_.max_input == 0) options_.max_input = 1;  // a read of 0 bytes would mean "end"
    if (!socket_.non_blocking()) socket_.non_blocking(true, ec);
    if (ec) socket_.close();
    // Nothing to watch yet: reading starts with a handler, writing with a queue.
}

inline Connection::Connection(EventLoop& loop, Socket socket, const Options& options,
                              std::error_code& ec) noexcept
    : loop_(loop), socket_(std::move(socket)), options_(options) {
    start(ec);
}

inline Connection::Connection(EventLoop& loop, Socket socket, const Options& options)
    : loop_(loop), socket_(std::move(socket)), options_(options) {
    std::error_code ec;
    start(ec);
    if (ec) detail::throw_error(ec, "watch connection", "");
}

inline Connection::~Connection() {
    detail::AliveGuard::destroyed(dead_flag_);
    close();
}

inline void Connection::on_input(InputHandler handler) {
    on_input_ = std::move(handler);
    on_line_ = nullptr;
    line_mode_ = false;
    reoffer_ = true;
    kick();
}

inline void Connection::on_line(LineHandler handler) {
    on_line_ = std::move(handler);
    on_input_ = nullptr;
    line_mode_ = true;
    line_scan_ = 0;
    reoffer_ = true;
    kick();
}

inline bool Connection::wants_input() const noexcept {
    return socket_.is_open() && !peer_ended_ && !paused_ && !throttled_ && !discard_input_ &&
           !pending_error_ &&
           (delivering_ ||
            (line_mode_ ? static_cast<bool>(on_line_) : static_cast<bool>(on_input_)));
}

inline bool Connection::reading() const noexcept {
    return socket_.is_open() && !peer_ended_ && (discard_input_ || wants_input());
}

inline std::size_t Connection::close() noexcept {
    std::size_t dropped = queued_bytes();
    if (kick_ != 0) loop_.cancel(kick_);
    kick_ = 0;
    if (socket_.is_open()) {
        std::error_code ignored;
        if (loop_.watching(socket_.native_handle())) loop_.remove(socket_.native_handle(), ignored);
        socket_.close();
    }
    release_buffers();
    return dropped;
}

inline void Connection::release_buffers() noexcept {
    for (const FileOut& f : files_) detail::close_quietly(f.fd);
    std::vector<FileOut>().swap(files_);
    file_bytes_ = 0;
    std::string().swap(out_);
    out_pos_ = 0;
    release_input();
}

inline void Connection::release_input() noexcept {
    std::string().swap(in_);
    in_pos_ = line_scan_ = 0;
}

inline bool Connection::send(std::string_view data) {
    std::error_code ec;
    bool below = send(data, ec);
    if (ec) {
        std::error_code ignored;
        Address peer = socket_.is_open() ? socket_.peer_address(ignored) : Address();
        detail::throw_error(ec, "send", peer.empty() ? "" : peer.to_string());
    }
    return below;
}

inline bool Connection::send(std::string_view data, std::error_code& ec) noexcept {
    if (!socket_.is_open() || shut_requested_) {
        ec = std::make_error_code(std::errc::not_connected);
        return false;
    }
    const std::size_t in_memory = out_.size() - out_pos_;  // (a queued file is not held)
    if (in_memory > 0 && in_memory + data.size() > options_.max_queued) {
        ec = errc::queue_full;
        return false;
    }
    ec.clear();
    if (pending_error_) return false;  // reported by the loop soon
    std::size_t sent = 0;
    if (queued_bytes() == 0 && !data.empty()) {  // the direct write usually takes everything
        std::error_code wec;
        sent = socket_.send(data.data(), data.size(), wec);
        if (wec && wec != std::errc::operation_would_block) {
            pending_error_ = wec;
            kick();
            return false;
        }
        if (sent == data.size()) return true;
        // The rest is queued, and written from there: through a layer (TLS), the retry must
        // offer the same bytes, and the queue keeps them.
        if (wec) write_waits_in_ = waits_other(POLLOUT);
    }
    try {
        out_.append(data.data() + sent, data.size() - sent);
    } catch (...) {
        // Part of it may be out already: the stream has a hole, so it cannot go on.
        pending_error_ = std::make_error_code(std::errc::not_enough_memory);
        kick();
        return false;
    }
    if (queued_bytes() > options_.high_water) {
        above_high_ = true;
        if (options_.auto_pause) throttled_ = true;
    }
    update_interest();
    return !above_high_;
}

inline bool Connection::send_file(std::string_view head, int fd, std::uint64_t offset,
                                  std::uint64_t length, std::error_code& ec) noexcept {
    ec.clear();
    if (!socket_.is_open() || shut_requested_) {
        ec = std::make_error_code(std::errc::not_connected);
        detail::close_quietly(fd);
        return false;
    }
    if (length == 0 || pending_error_) {
        detail::close_quietly(fd);
        return (head.empty() || send(head, ec)) && !pending_error_;
    }
    const bool idle = queued_bytes() == 0;
    try {
        out_.append(head.data(), head.size());  // (written by flush(), with MSG_MORE)
        files_.push_back(FileOut{fd, offset, length, out_.size()});
        file_bytes_ += length;
    } catch (...) {
        detail::close_quietly(fd);
        ec = std::make_error_code(std::errc::not_enough_memory);
        return false;
    }
    if (idle) {  // nothing ahead of it: start at once
        if (std::error_code fec = flush()) {
            pending_error_ = fec;
            kick();
            return false;
        }
    }
    if (queued_bytes() > options_.high_water) {
        above_high_ = true;
        if (options_.auto_pause) throttled_ = true;
    }
    update_interest();
    return !above_high_;
}

inline void Connection::pause_reading() noexcept {
    paused_ = true;
    update_interest();
}

inline void Connection::resume_reading() noexcept {
    if (!paused_) return;
    paused_ = false;
    reoffer_ = true;
    kick();
}

inline void Connection::shutdown_write() noexcept {
    if (!socket_.is_open() || shut_requested_) return;
    shut_requested_ = true;
    kick();  // from the loop: shut down now if nothing is queued, end if the peer has ended
}

inline void Connection::close_after_flush() noexcept {
    if (!socket_.is_open()) return;
    discard_input_ = true;  // the buffer is dropped from the loop (a handler may be reading it)
    shutdown_write();
    update_interest();
}

inline void Connection::kick() noexcept {
    if (kick_ != 0 || !socket_.is_open()) return;
    try {
        kick_ = loop_.call_after(std::chrono::milliseconds(0), [this] {
            kick_ = 0;
            handle(0);
        });
    } catch (...) {
        // Out of memory: the next event on the socket does the same work.
    }
}

inline void Connection::update_interest() noexcept {
    if (!socket_.is_open()) return;
    EventLoop::Events want = 0;
    if (reading() && buffered_bytes() < options_.max_input) want |= read_on();
    if (queued_bytes() > 0 || shut_blocked_) want |= write_on();
    const int fd = socket_.native_handle();
    std::error_code ec;
    // Not watched at all when nothing is wanted: error and hang-up are reported regardless of
    // the interest, and a paused connection must not be woken (and spin) by them.
    if (want == 0) {
        if (loop_.watching(fd)) loop_.remove(fd, ec);
    } else if (!loop_.watching(fd)) {
        loop_.add(
            fd, want, [this](EventLoop::Events events) { handle(events); }, ec);
    } else {
        loop_.modify(fd, want, ec);
    }
    if (ec && !pending_error_) {
        pending_error_ = ec;
        kick();
    }
}

inline std::error_code Connection::flush() noexcept {
    std::error_code ec;
    std::size_t file_budget = options_.file_piece;
    write_waits_in_ = false;
    for (;;) {
        // Through a layer (TLS) sendfile(2) would bypass it: a file is read into the queue at
        // its place, a piece at a time, once little is left before it (an answer's head and
        // the file's first bytes then leave in one record).
        if (socket_.layer() && !files_.empty() && file_budget > 0 &&
            files_.front().at - out_pos_ <= 16 * 1024) {
            if (out_pos_ == out_.size()) {  // all written: the next piece reuses the memory
                out_.clear();
                out_pos_ = 0;
                for (FileOut& g : files_) g.at = 0;
            }
            FileOut& f = files_.front();
            if (std::error_code fec = stage_file(f, file_budget)) return fec;
            if (f.left == 0) {
                detail::close_quietly(f.fd);
                files_.erase(files_.begin());
            }
        }
        const std::size_t until = files_.empty() ? out_.size() : files_.front().at;
        while (out_pos_ < until) {
            std::size_t n = 0;
            if (files_.empty() || socket_.layer()) {  // (a layer takes every byte written)
                n = socket_.send(out_.data() + out_pos_, until - out_pos_, ec);
            } else {
                // Bytes right before a file (an answer's head): MSG_MORE lets them share a
                // segment with the file's first bytes.
                ssize_t r = detail::sys.send(socket_.native_handle(), out_.data() + out_pos_,
                                             until - out_pos_, MSG_NOSIGNAL | MSG_MORE);
                if (r < 0 && errno == EINTR) continue;
                if (r < 0) ec = std::error_code(errno, std::system_category());
                n = r < 0 ? 0 : static_cast<std::size_t>(r);
            }
            if (ec) break;
            out_pos_ += n;
        }
        if (ec) {
            if (ec != std::errc::operation_would_block) return ec;
            write_waits_in_ = waits_other(POLLOUT);
            break;
        }
        if (files_.empty()) break;
        if (socket_.layer()) {
            if (file_budget == 0) break;  // this event's share is spent
            continue;                     // (the next piece)
        }
        FileOut& f = files_.front();
        // The file, straight from the page cache to the socket, a bounded amount per event.
        while (f.left > 0 && file_budget > 0) {
            std::uint64_t want = f.left < file_budget ? f.left : file_budget;
            off_t off = static_cast<off_t>(f.offset);
            ssize_t n = detail::sys.sendfile(socket_.native_handle(), f.fd, &off,
                                             static_cast<std::size_t>(want));
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                return std::error_code(errno, std::system_category());
            }
            if (n == 0) return std::make_error_code(std::errc::io_error);  // the file shrank
            f.offset += static_cast<std::uint64_t>(n);
            f.left -= static_cast<std::uint64_t>(n);
            file_bytes_ -= static_cast<std::uint64_t>(n);
            file_budget -= static_cast<std::size_t>(n);
        }
        if (f.left > 0) break;  // the socket is full, or this event's share is spent
        detail::close_quietly(f.fd);
        files_.erase(files_.begin());  // and on with what was queued after it
    }
    if (out_pos_ == out_.size()) {
        // Drained: give the memory back if a burst made it large.
        if (out_.capacity() > 64 * 1024) std::string().swap(out_);
        out_.clear();
        for (FileOut& f : files_) f.at = 0;
        out_pos_ = 0;
    } else if (out_pos_ > 64 * 1024 && out_pos_ * 2 > out_.size()) {
        out_.erase(0, out_pos_);  // keep the queue compact, amortised O(1) per byte
        for (FileOut& f : files_) f.at -= out_pos_;
        out_pos_ = 0;
    }
    return {};
}

inline std::error_code Connection::stage_file(FileOut& f, std::size_t& budget) noexcept {
    // Read into the queue at the file's place, ahead of what was queued after it: from there
    // a write that would block is offered the same bytes again, as a layer needs.
    constexpr std::size_t piece = 64 * 1024;  // four TLS records
    std::size_t want = piece < budget ? piece : budget;
    if (f.left < want) want = static_cast<std::size_t>(f.left);
    const std::size_t at = f.at;
    try {
        out_.insert(at, want, '\0');
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
    ssize_t r;
    do {
        r = ::pread(f.fd, &out_[at], want, static_cast<off_t>(f.offset));
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
        std::error_code ec = r == 0 ? std::make_error_code(std::errc::io_error)  // it shrank
                                    : std::error_code(errno, std::system_category());
        out_.erase(at, want);
        return ec;
    }
    const std::size_t n = static_cast<std::size_t>(r);
    if (n < want) out_.erase(at + n, want - n);
    for (FileOut& g : files_) g.at += n;  // this file's place and the later ones
    f.offset += n;
    f.left -= n;
    file_bytes_ -= n;
    budget -= n;
    return {};
}

inline bool Connection::after_output() {
    if (above_high_ && queued_bytes() <= options_.low_water) {
        above_high_ = false;
        if (throttled_) {
            throttled_ = false;
            reoffer_ = true;
        }
        if (on_drain_ && !call(on_drain_, [](EventHandler& h) { h(); })) return false;
        if (!socket_.is_open()) return false;
    }
    if (shut_requested_ && !write_shut_ && queued_bytes() == 0) {
        std::error_code ec;
        socket_.shutdown(Shutdown::write, ec);  // with a layer, its end of stream first
        if (ec == std::errc::operation_would_block) {
            shut_blocked_ = true;  // tried again on the readiness it wants
            write_waits_in_ = waits_other(POLLOUT);
            return true;
        }
        shut_blocked_ = false;
        write_shut_ = true;
        if (ec && ec != std::errc::not_connected) {
            finish(ec);
            return false;
        }
    }
    if (write_shut_ && peer_ended_) {
        finish({});  // both directions ended in order
        return false;
    }
    return true;
}

inline void Connection::handle(EventLoop::Events events) {
    detail::AliveGuard guard(dead_flag_);
    if (pending_error_) return finish(pending_error_);
    if (queued_bytes() > 0 && (events & (write_on() | EventLoop::error | EventLoop::hangup))) {
        if (std::error_code ec = flush()) return finish(ec);
    }
    if (!after_output()) return;
    if (discard_input_ && buffered_bytes() > 0) release_input();
    if (reoffer_ && wants_input()) {
        reoffer_ = false;
        if (buffered_bytes() > 0 && !deliver({})) return;
    }
    // Bytes a layer (TLS) has decoded already come with no event of their own.
    if (reading() && ((events & (read_on() | EventLoop::hangup | EventLoop::error)) ||
                      socket_.buffered_input() > 0)) {
        if (!read_input()) return;
    }
    update_interest();
}

inline bool Connection::read_input() {
    char scratch[64 * 1024];
    read_waits_out_ = false;
    // A bounded amount per event: the loop is level-triggered, so the rest comes next time and
    // one busy peer cannot starve the others. A layer (TLS) hands out a record (16 KiB) a read.
    const int rounds = socket_.layer() ? 16 : 4;
    for (int i = 0; i < rounds && reading(); ++i) {
        std::error_code ec;
        std::size_t asked, n;
        if (discard_input_ || buffered_bytes() == 0) {
            // Nothing held back: read onto the stack and offer from there; only what the
            // handler leaves is copied into the input buffer.
            asked = discard_input_ || options_.max_input > sizeof scratch ? sizeof scratch
                                                                          : options_.max_input;
            n = socket_.recv(scratch, asked, ec);
        } else {
            std::size_t room = options_.max_input - buffered_bytes();
            if (room == 0) break;
            asked = room < sizeof scratch ? room : sizeof scratch;
            // Onto the stack too, then appended: growing the buffer by `asked` first would
            // zero-fill (and keep) up to 64 KiB per read of a peer that sends a byte at a time.
            n = socket_.recv(scratch, asked, ec);
            if (!ec && n > 0) {
                if (in_pos_ > 0 && in_.size() + n > in_.capacity()) {
                    in_.erase(0, in_pos_);  // move the unconsumed part to the front, not grow
                    in_pos_ = 0;
                }
                try {
                    in_.append(scratch, n);
                } catch (...) {
                    finish(std::make_error_code(std::errc::not_enough_memory));
                    return false;
                }
            }
        }
        if (ec) {
            if (ec == std::errc::operation_would_block) {
                read_waits_out_ = waits_other(POLLIN);
                return true;
            }
            finish(ec);  // a reset: unconsumed input is discarded
            return false;
        }
        if (n == 0) {
            peer_end();
            return false;
        }
        if (discard_input_) continue;  // closing: read and dropped, waiting for end of stream
        bool fresh = buffered_bytes() == 0;
        if (!deliver(fresh ? std::string_view(scratch, n) : std::string_view())) return false;
        // A short read emptied the kernel's buffer. A layer's reads end with its records (TLS:
        // 16 KiB at most); a shorter one was the peer's last write, unless it holds more.
        if (n < asked && (!socket_.layer() || (n < 16 * 1024 && socket_.buffered_input() == 0)))
            return true;
    }
    // The per-event bound (or a full buffer), with bytes left in a layer (TLS): no event comes
    // for them, so the loop is kicked while there is room for them.
    if (socket_.buffered_input() > 0 && reading() && buffered_bytes() < options_.max_input) kick();
    return true;
}

inline bool Connection::deliver(std::string_view fresh) {
    // The input is `fresh` (bytes on the stack) while the buffer is empty, else the buffer.
    while (wants_input()) {
        bool from_buffer = in_pos_ < in_.size();
        std::string_view buffered =
            from_buffer ? std::string_view(in_.data() + in_pos_, in_.size() - in_pos_) : fresh;
        if (buffered.empty()) break;
        std::size_t consumed = 0;
        bool lines = line_mode_;
        if (lines) {
            if (!take_lines(buffered, consumed)) return false;
        } else if (!call_input(on_input_, [&](InputHandler& h) { consumed = h(buffered); })) {
            return false;
        }
        if (!socket_.is_open()) return false;  // close() from the handler: in_ is gone
        if (discard_input_) break;             // close_after_flush() from the handler
        if (consumed > buffered.size()) consumed = buffered.size();
        if (from_buffer) {
            in_pos_ += consumed;
        } else {
            fresh.remove_prefix(consumed);
        }
        line_scan_ = line_scan_ > consumed ? line_scan_ - consumed : 0;
        if (consumed == 0) {
            // Nothing taken from a full buffer: no message can ever complete.
            if (buffered.size() >= options_.max_input && wants_input()) {
                finish(lines ? make_error_code(errc::line_too_long)
                             : std::make_error_code(std::errc::message_size));
                return false;
            }
            break;
        }
    }
    if (discard_input_) {
        in_pos_ = in_.size();
        fresh = {};
    }
    if (in_pos_ == in_.size()) {
        if (in_.capacity() > 16 * 1024) std::string().swap(in_);  // a burst is over
        in_.clear();
        in_pos_ = 0;
    }
    if (!fresh.empty()) {  // left by the handler (or while paused): it waits in the buffer
        try {
            in_.append(fresh.data(), fresh.size());
        } catch (...) {
            finish(std::make_error_code(std::errc::not_enough_memory));
            return false;
        }
    }
    return true;
}

inline bool Connection::take_lines(std::string_view buffered, std::size_t& consumed) {
    // Each line goes to the handler in force at that moment (a handler may replace itself).
    while (wants_input() && line_mode_) {
        std::size_t from = line_scan_ > consumed ? line_scan_ : consumed;
        std::size_t nl = buffered.find('\n', from);
        if (nl == std::string_view::npos) {
            line_scan_ = buffered.size();
            // Room for a '\r' before the '\n' (written so that max_line = SIZE_MAX cannot wrap).
            std::size_t tail = buffered.size() - consumed;
            if (tail > options_.max_line && tail - options_.max_line > 1) break;
            return true;
        }
        std::size_t end = nl > consumed && buffered[nl - 1] == '\r' ? nl - 1 : nl;
        if (end - consumed > options_.max_line) break;
        std::string_view line = buffered.substr(consumed, end - consumed);
        consumed = line_scan_ = nl + 1;
        if (!call_input(on_line_, [&](LineHandler& h) { h(line); })) return false;
        if (!socket_.is_open()) return true;
    }
    if (!wants_input() || !line_mode_) return true;
    finish(errc::line_too_long);
    return false;
}

inline void Connection::peer_end() {
    peer_ended_ = true;
    if (!discard_input_ && line_mode_ && on_line_ && buffered_bytes() > 0) {
        // An unterminated last line is what the peer sent: deliver it.
        std::string_view tail(in_.data() + in_pos_, in_.size() - in_pos_);
        if (!call_input(on_line_, [&](LineHandler& h) { h(tail); })) return;
        if (!socket_.is_open()) return;
        in_.clear();
        in_pos_ = line_scan_ = 0;
    }
    if (on_end_ && !discard_input_) {
        if (!call(on_end_, [](EventHandler& h) { h(); })) return;
        if (!socket_.is_open()) return;
    } else if (!on_end_) {
        shut_requested_ = true;  // the default: write the queue in full, then close
    }
    if (!after_output()) return;
    update_interest();
}

inline void Connection::finish(std::error_code ec) {
    // The socket closes first; the queue stays until on_close() has run, so that
    // queued_bytes() tells it how much was never sent.
    if (kick_ != 0) loop_.cancel(kick_);
    kick_ = 0;
    std::error_code ignored;
    if (loop_.watching(socket_.native_handle())) loop_.remove(socket_.native_handle(), ignored);
    socket_.close();
    if (!on_close_) return release_buffers();
    if (!call(on_close_, [&](CloseHandler& h) { h(ec); })) return;  // it may destroy *this
    on_close_ = nullptr;
    release_buffers();
}

}  // namespace socklite

#endif  // SOCKLITE_CONNECTION_HPP
