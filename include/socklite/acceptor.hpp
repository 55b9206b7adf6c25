// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_ACCEPTOR_HPP
#define SOCKLITE_ACCEPTOR_HPP

/** @file
 *  socklite::Acceptor: accepts connections on an EventLoop, draining the backlog, and survives
 *  running out of descriptors (EMFILE). */

#include <chrono>
#include <cstddef>
#include <system_error>
#include <utility>

#include "detail/alive.hpp"
#include "detail/function.hpp"
#include "error.hpp"
#include "event_loop.hpp"
#include "listener.hpp"

namespace socklite {

/** Serves a Listener on an EventLoop: whenever clients wait, it accepts until the backlog is
 *  empty (at most Options::max_per_event per wake-up, for fairness) and hands each connection to
 *  your handler.
 *
 *  **Out of descriptors.** When accept fails with `EMFILE` or `ENFILE` (or `ENOBUFS`, `ENOMEM`,
 *  or any other error but "would block"), the pending client cannot be taken, and since the
 *  loop is level-triggered the listener would be reported ready again at once: the loop would
 *  spin at 100% CPU. So the Acceptor stops watching the listener for Options::pause (100 ms by
 *  default), tells on_error() once per pause, and then tries again. Clients meanwhile wait in
 *  the kernel's backlog and are served as soon as descriptors free up, instead of being
 *  dropped (which is what the other classic remedy, a reserve descriptor closed and reopened
 *  around an accept-and-close, would do).
 *
 *  Everything runs on the loop's thread; handlers may destroy the Acceptor.
 *
 *  @par Example
 *  @code
 *  socklite::Acceptor acceptor(loop, socklite::Listener::bind("0.0.0.0", 8000),
 *                              [&](socklite::Accepted a) { start_session(std::move(a.socket)); });
 *  @endcode */
class Acceptor {
public:
    /** How the Acceptor behaves. */
    struct Options {
        /** How long to stop accepting after an error such as `EMFILE`. */
        std::chrono::milliseconds pause{100};
        /** The most connections accepted per wake-up of the loop. */
        std::size_t max_per_event = 256;
    };
    /** Receives each accepted connection (a non-blocking socket and the peer's address). */
    using AcceptHandler = detail::Function<void(Accepted accepted)>;
    /** Told about an accept error before a pause (`EMFILE`, ...). */
    using ErrorHandler = detail::Function<void(std::error_code ec)>;

    /** Switches @p listener to non-blocking mode, takes it over and watches it on @p loop.
     *  @throws Error. */
    Acceptor(EventLoop& loop, Listener listener, AcceptHandler on_accept, const Options& options);
    /** As Acceptor(EventLoop&, Listener, AcceptHandler, const Options&) with default options. */
    Acceptor(EventLoop& loop, Listener listener, AcceptHandler on_accept)
        : Acceptor(loop, std::move(listener), std::move(on_accept), Options{}) {}
    /** As Acceptor(EventLoop&, Listener, AcceptHandler, const Options&), reporting through
     *  @p ec; on failure the listener is closed. */
    Acceptor(EventLoop& loop, Listener listener, AcceptHandler on_accept, const Options& options,
             std::error_code& ec) noexcept;
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;
    /** Stops watching and closes the listener. */
    ~Acceptor();

    /** Calls @p handler with each accept error that causes a pause. */
    void on_error(ErrorHandler handler) { on_error_ = std::move(handler); }
    /** Stops accepting and closes the listener (clients in the backlog are refused). Idempotent. */
    void close() noexcept;
    /** Whether accepting is paused after an error. */
    bool paused() const noexcept { return timer_ != 0; }
    /** Stops accepting until resume_accepting(): clients wait in the kernel's backlog (a server
     *  at its connection limit). Takes effect at once, also inside the accept handler. Idempotent. */
    void pause_accepting() noexcept;
    /** Accepts again after pause_accepting() (unless an error pause is still running). Idempotent. */
    void resume_accepting() noexcept;
    /** Whether pause_accepting() is in force. */
    bool accepting_paused() const noexcept { return held_; }
    /** The listener (for local_address()); do not accept from it yourself. */
    const Listener& listener() const noexcept { return listener_; }

private:
    void start(std::error_code& ec) noexcept;
    void handle();
    void pause(std::error_code why);

    EventLoop& loop_;
    Listener listener_;
    AcceptHandler on_accept_;
    ErrorHandler on_error_;
    Options options_;
    EventLoop::TimerId timer_ = 0;
    bool held_ = false;  // pause_accepting()
    bool* dead_flag_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline void Acceptor::start(std::error_code& ec) noexcept {
    ec.clear();
    if (!listener_.is_open()) {
        ec = std::make_error_code(std::errc::bad_file_descriptor);
        return;
    }
    if (!listener_.non_blocking()) listener_.non_blocking(true, ec);
    if (!ec)
        loop_.add(
            listener_.native_handle(), EventLoop::readable, [this](EventLoop::Events) { handle(); },
            ec);
    if (ec) listener_.close();
}

inline Acceptor::Acceptor(EventLoop& loop, Listener listener, AcceptHandler on_accept,
                          const Options& options, std::error_code& ec) noexcept
    : loop_(loop),
      listener_(std::move(listener)),
      on_accept_(std::move(on_accept)),
      options_(options) {
    start(ec);
}

inline Acceptor::Acceptor(EventLoop& loop, Listener listener, AcceptHandler on_accept,
                          const Options& options)
    : loop_(loop),
      listener_(std::move(listener)),
      on_accept_(std::move(on_accept)),
      options_(options) {
    std::error_code ec;
    start(ec);
    if (ec) detail::throw_error(ec, "watch listener", "");
}

inline Acceptor::~Acceptor() {
    detail::AliveGuard::destroyed(dead_flag_);
    close();
}

inline void Acceptor::close() noexcept {
    if (timer_ != 0) loop_.cancel(timer_);
    timer_ = 0;
    if (listener_.is_open()) {
        std::error_code ignored;
        if (loop_.watching(listener_.native_handle()))
            loop_.remove(listener_.native_handle(), ignored);
        listener_.close();
    }
}

inline void Acceptor::handle() {
    for (std::size_t i = 0; i < options_.max_per_event && listener_.is_open() && !held_; ++i) {
        std::error_code ec;
        Accepted accepted = listener_.accept(ec);
        if (ec == std::errc::operation_would_block) return;  // backlog drained
        if (ec) return pause(ec);
        // ListenOptions::accept_non_blocking saves this system call.
        if (!accepted.socket.non_blocking()) accepted.socket.non_blocking(true, ec);
        if (ec) continue;  // cannot happen on a fresh socket; drop it rather than block later
        // The handler may destroy this Acceptor.
        if (!detail::call_handler(dead_flag_, on_accept_,
                                  [&](AcceptHandler& h) { h(std::move(accepted)); }))
            return;
    }
}

inline void Acceptor::pause_accepting() noexcept {
    held_ = true;
    std::error_code ignored;
    if (listener_.is_open() && loop_.watching(listener_.native_handle()))
        loop_.remove(listener_.native_handle(), ignored);
}

inline void Acceptor::resume_accepting() noexcept {
    if (!held_) return;
    held_ = false;
    if (timer_ != 0 || !listener_.is_open() || loop_.watching(listener_.native_handle())) return;
    std::error_code ec;
    loop_.add(
        listener_.native_handle(), EventLoop::readable, [this](EventLoop::Events) { handle(); },
        ec);
    if (ec) {
        try {
            pause(ec);  // try again after a pause, as after an accept error
        } catch (...) {}
    }
}

inline void Acceptor::pause(std::error_code why) {
    std::error_code ignored;
    loop_.remove(listener_.native_handle(), ignored);
    timer_ = loop_.call_after(options_.pause, [this] {
        timer_ = 0;
        std::error_code ec;
        if (listener_.is_open() && !held_)
            loop_.add(
                listener_.native_handle(), EventLoop::readable,
                [this](EventLoop::Events) { handle(); }, ec);
        // If even that fails, try again after another pause rather than give up for good.
        if (ec) pause(ec);
    });
    if (on_error_) detail::call_handler(dead_flag_, on_error_, [&](ErrorHandler& h) { h(why); });
}

}  // namespace socklite

#endif  // SOCKLITE_ACCEPTOR_HPP
