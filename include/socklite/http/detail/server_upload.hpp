// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_SERVER_UPLOAD_HPP
#define SOCKLITE_HTTP_DETAIL_SERVER_UPLOAD_HPP

/** @file
 *  Private to HttpServer: the upload side of detail::ServerConn: a request body handed
 *  to an upload handler's BodyReader as it arrives (pause, resume, `100 Continue` when the body
 *  is wanted, the end or an abort). Not part of the
 *  API. */

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "../../detail/function.hpp"
#include "server_conn.hpp"  // the class, ServerLoop, the rest of its functions

namespace socklite {
namespace http {
namespace detail {

inline void ServerConn::maybe_continue(bool nothing_buffered) {
    // RFC 9110 section 10.1.1: `100 Continue` once the body is wanted, unless it is coming.
    if (!ex_ || ex_->continue_sent || ex_->body_done || !ex_->parser.expect_continue()) return;
    if (auto s = ex_->stream.lock()) {
        if (s->started) return;  // a final answer went out already
    }
    if (!nothing_buffered || ex_->parser.body_received() > 0) return;
    ex_->continue_sent = true;
    std::error_code ignored;  // a failure shows in on_close()
    flush_batch();
    conn_.send("HTTP/1.1 100 Continue\r\n\r\n", ignored);
}

inline void ServerConn::start_upload(const UploadHandler& handler, bool nothing_buffered) {
    state_ = State::body;
    auto body = std::make_shared<BodyState>();
    body->source = this;
    body->loop_thread = std::this_thread::get_id();
    body->link = owner_.link();
    body->has_length = ex_->parser.has_content_length();
    body->length = ex_->parser.content_length();
    ex_->upload = body;
    auto writer = std::make_shared<StreamState>();
    writer->sink = this;
    ex_->stream = writer;
    arm(owner_.options().body_timeout);
    try {
        handler(ex_->req, http::BodyReader(body), StreamWriter(writer));
    } catch (const std::exception& e) {
        report(std::string("upload handler: ") + e.what());
        return abort_body(std::error_code(), 500, false);  // (before the writer goes)
    } catch (...) {
        report("upload handler: unknown exception");
        return abort_body(std::error_code(), 500, false);
    }
    writer.reset();  // the handler kept no copy: nobody can answer (500, stream_abandon())
    if (ex_->upload != body) return;  // answered at once
    if (body->paused) {
        body_pause();
    } else {
        maybe_continue(nothing_buffered);
    }
}

inline bool ServerConn::deliver_piece(std::string_view piece) {
    std::shared_ptr<BodyState> body = ex_->upload;  // the callback may end the upload
    body->received += piece.size();
    bool more = true;
    try {
        if (body->on_data) more = body->on_data(piece);
    } catch (const std::exception& e) {
        report(std::string("upload handler: ") + e.what());
        abort_body(std::error_code(), 500, false);
        return false;
    } catch (...) {
        report("upload handler: unknown exception");
        abort_body(std::error_code(), 500, false);
        return false;
    }
    if (!more && ex_->upload == body) body->paused = true;
    return state_ != State::closing;
}

inline void ServerConn::upload_complete() {
    // The answer is awaited now: pipelined requests wait (as for an asynchronous handler).
    state_ = State::handler;
    if (timer_) owner_.loop().cancel(timer_);
    timer_ = 0;
    conn_.pause_reading();
    socklite::detail::Function<void(std::error_code)> on_end = detach_upload();
    if (!on_end) return;
    try {
        on_end(std::error_code());
    } catch (const std::exception& e) {
        report(std::string("upload handler: ") + e.what());
        if (state_ == State::handler) abort_body(std::error_code(), 500, false);
    } catch (...) {
        report("upload handler: unknown exception");
        if (state_ == State::handler) abort_body(std::error_code(), 500, false);
    }
}

inline socklite::detail::Function<void(std::error_code)> ServerConn::detach_upload() {
    if (!ex_) return nullptr;
    std::shared_ptr<BodyState> body = std::move(ex_->upload);
    ex_->upload.reset();
    if (!body) return nullptr;
    body->source = nullptr;
    body->ended = true;
    socklite::detail::Function<void(std::error_code)> on_end = std::move(body->on_end);
    body->on_end = nullptr;
    // (A callback that holds the reader would keep it alive: a cycle, broken here.)
    socklite::detail::Function<bool(std::string_view)> on_data = std::move(body->on_data);
    body->on_data = nullptr;
    return on_end;
}

inline void ServerConn::abort_body(std::error_code ec, int status, bool tell) {
    socklite::detail::Function<void(std::error_code)> on_end = detach_upload();
    // The server answers now: the handler's writer is cut off first.
    bool started = false;
    Exchange& ex = exchange();  // (there is one: a body was being read)
    if (auto s = ex.stream.lock()) {
        started = s->started;
        s->sink = nullptr;
        s->ended = true;
    }
    ex.stream.reset();
    ex.held.reset();
    if (tell && on_end) {
        try {
            on_end(ec);
        } catch (const std::exception& e) {
            report(std::string("upload handler: ") + e.what());
        } catch (...) {
            report("upload handler: unknown exception");
        }
    }
    if (state_ == State::closing) return;
    if (status != 0 && !(started && ex_->req.version != 10)) return fail(status);
    // A streamed answer under way is cut short (its end is missing: the client can tell), or
    // the client is gone: close.
    keep_alive_ = false;
    state_ = State::closing;
    flush_batch();
    conn_.close_after_flush();
    arm(owner_.options().linger_timeout);
}

inline void ServerConn::body_pause() {
    conn_.pause_reading();
    if (timer_) owner_.loop().cancel(timer_);
    timer_ = 0;
}

inline void ServerConn::body_resume() {
    if (!upload() || state_ != State::body) return;
    if (ex_->body_done) {  // only on_end() was held back: from the loop, not inside resume()
        if (timer_) owner_.loop().cancel(timer_);
        timer_ = owner_.loop().call_after(std::chrono::milliseconds(0), [this] {
            timer_ = 0;
            if (upload() && state_ == State::body && !upload()->paused) upload_complete();
        });
        return;
    }
    conn_.resume_reading();  // the bytes already buffered come first, from the loop
    arm(owner_.options().body_timeout);
    maybe_continue(conn_.buffered_bytes() == 0);
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_SERVER_UPLOAD_HPP
