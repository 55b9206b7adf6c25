// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_UPGRADE_HPP
#define SOCKLITE_HTTP_UPGRADE_HPP

/** @file
 *  Protocol upgrades on HttpServer (RFC 9110 section 7.8): http::Upgraded, the protocol that
 *  takes a connection over after `101 Switching Protocols`, and http::UpgradeHandler, the route
 *  handler that accepts or refuses an upgrade. */

#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

#include "../connection.hpp"
#include "../detail/function.hpp"
#include "../event_loop.hpp"
#include "handler.hpp"
#include "message.hpp"

namespace socklite {
namespace http {

namespace detail {
class ServerConn;
}

/** The protocol that runs on a connection once HttpServer has accepted its upgrade: a
 *  WebSocket session (ws::serve()), or any other protocol. The server owns it from the
 *  handshake until the connection ends, and destroys it then.
 *
 *  **Taking over.** start() is called once, on the loop's thread, right after the server has
 *  queued the answer accepting the upgrade (so anything sent from start() follows it). The
 *  protocol sets the connection's on_input(), on_drain() and on_end() handlers; the bytes the
 *  client sent after the request head (already read by the server) are still buffered and
 *  are offered to its input handler first. It must not replace on_close(): closed() tells it
 *  instead.
 *
 *  **Ending.** Either the connection ends by itself (closed(), then destruction), e.g. after
 *  `close_after_flush()`; or the protocol calls finish(), which closes at once and destroys the
 *  protocol before it returns.
 *
 *  **Stopping.** HttpServer::stop() calls stop(): end the protocol gracefully; after
 *  ServerOptions::grace the server closes the connection anyway. */
class Upgraded {
public:
    /** Nothing to do yet. */
    Upgraded() = default;
    Upgraded(const Upgraded&) = delete;
    Upgraded& operator=(const Upgraded&) = delete;
    /** Destroyed by the server when the connection has ended. */
    virtual ~Upgraded() = default;

    /** Takes over @p conn (see the class notes); @p conn lives as long as this object. */
    virtual void start(Connection& conn) = 0;
    /** The connection ended by itself: @p ec is empty for an orderly end, else the error. This
     *  object is destroyed right after. */
    virtual void closed(std::error_code ec) { static_cast<void>(ec); }
    /** HttpServer::stop() was called: end gracefully (the default closes at once). */
    virtual void stop() { finish(); }

    /** As post(), through a link() kept elsewhere. **Thread-safe.** */
    static bool post_to(const std::shared_ptr<detail::ReplyLink>& link, EventLoop::Task task) {
        if (!link) return false;
        std::lock_guard<std::mutex> lock(link->mutex);
        if (!link->loop) return false;
        link->loop->post(std::move(task));
        return true;
    }

protected:
    /** Closes the connection now and ends the protocol: **this object is destroyed before
     *  finish() returns**, so return at once. Loop thread only. */
    void finish() {
        if (finish_) finish_();
    }
    /** The loop the connection runs on (set before start()). */
    EventLoop& event_loop() const noexcept { return *loop_; }
    /** Runs @p task on the connection's loop soon. **Thread-safe.** @return false (and drops
     *  @p task) when the server's loop is gone. @throws std::bad_alloc only. */
    bool post(EventLoop::Task task) const { return post_to(link_, std::move(task)); }
    /** What post() needs, for an object that outlives this one (e.g. a thread-safe handle):
     *  pass it to post_to(). */
    const std::shared_ptr<detail::ReplyLink>& link() const noexcept { return link_; }

private:
    friend class detail::ServerConn;
    socklite::detail::Function<void()> finish_;
    std::shared_ptr<detail::ReplyLink> link_;
    EventLoop* loop_ = nullptr;
};

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_UPGRADE_HPP
