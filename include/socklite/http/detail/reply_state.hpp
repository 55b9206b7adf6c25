// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_REPLY_STATE_HPP
#define SOCKLITE_HTTP_DETAIL_REPLY_STATE_HPP

/** @file
 *  The state shared between a server connection and the handles a handler keeps
 *  (http::Responder, http::StreamWriter, http::BodyReader): what an answer given later, a
 *  streamed answer and a streamed request body travel through. */

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "../../detail/function.hpp"
#include "../../event_loop.hpp"
#include "../message.hpp"

namespace socklite {
namespace http {

/// @cond INTERNAL
namespace detail {
// What an asynchronous answer travels through: the worker's loop while it lives (null after),
// and the function that hands an answer to connection `id` on that loop's thread.
struct ReplyLink {
    std::mutex mutex;
    EventLoop* loop = nullptr;
    socklite::detail::Function<void(std::uint64_t id, Response&& res)> deliver;
};
// One pending asynchronous answer; an answer never given becomes a 500 when the last copy of
// the Responder goes.
struct PendingReply {
    std::shared_ptr<ReplyLink> link;
    std::uint64_t id = 0;
    std::atomic<bool> done{false};
    void send(Response&& res) {
        if (done.exchange(true)) return;
        std::lock_guard<std::mutex> lock(link->mutex);
        if (!link->loop) return;
        std::shared_ptr<ReplyLink> l = link;
        std::uint64_t to = id;
        l->loop->post([l, to, r = std::move(res)]() mutable {
            if (l->deliver) l->deliver(to, std::move(r));
        });
    }
    ~PendingReply() {
        if (done.load()) return;
        Response res;
        res.status = 500;
        try {
            send(std::move(res));
        } catch (...) {
            // Out of memory: the connection is closed when the server stops.
        }
    }
};
// What a StreamWriter writes through: the connection while it lives (null after).
struct StreamSink {
    virtual void stream_send(Response& res) = 0;
    virtual void stream_start(Response& head) = 0;
    virtual bool stream_write(std::string_view data) = 0;
    virtual void stream_end() = 0;
    virtual void stream_abandon(bool started) = 0;

protected:
    ~StreamSink() = default;
};
struct StreamState {
    StreamSink* sink = nullptr;
    bool started = false;
    bool ended = false;
    socklite::detail::Function<void()> ready;
    ~StreamState() {
        if (sink && !ended) sink->stream_abandon(started);
    }
};
// What a BodyReader controls: the connection while the body is being delivered (null after).
struct BodySource {
    virtual void body_pause() = 0;
    virtual void body_resume() = 0;

protected:
    ~BodySource() = default;
};
// A request body streamed to an upload handler. Loop thread only, but for the thread check and
// post() (which go through the link, as a Responder's answer does).
struct BodyState {
    BodySource* source = nullptr;
    socklite::detail::Function<bool(std::string_view)> on_data;
    socklite::detail::Function<void(std::error_code)> on_end;
    bool paused = false;
    bool ended = false;
    std::uint64_t received = 0;
    std::uint64_t length = 0;  // Content-Length
    bool has_length = false;
    std::thread::id loop_thread;
    std::shared_ptr<ReplyLink> link;
    // Runs @p task on the loop's thread (dropped when the server is gone).
    void post(socklite::detail::Function<void()> task) {
        std::lock_guard<std::mutex> lock(link->mutex);
        if (link->loop) link->loop->post([t = std::move(task)]() mutable { t(); });
    }
};
}  // namespace detail
/// @endcond

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_REPLY_STATE_HPP
