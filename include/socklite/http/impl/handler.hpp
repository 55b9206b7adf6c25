// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_IMPL_HANDLER_HPP
#define SOCKLITE_HTTP_IMPL_HANDLER_HPP

/** @file
 *  The definitions of http::StreamWriter, http::Responder and http::BodyReader (included by
 *  socklite/http/handler.hpp, or compiled in the library under
 *  SOCKLITE_SEPARATE_COMPILATION). */

#include <memory>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "../../detail/function.hpp"
#include "../detail/reply_state.hpp"
#include "../handler.hpp"

namespace socklite {
namespace http {

SOCKLITE_DECL void StreamWriter::start(Response head) {
    if (!state_ || !state_->sink || state_->started) return;
    state_->started = true;
    state_->sink->stream_start(head);
}

SOCKLITE_DECL bool StreamWriter::write(std::string_view data) {
    if (!state_ || !state_->sink || state_->ended) return false;
    if (!state_->started) start(Response());
    return state_->sink && state_->sink->stream_write(data);
}

SOCKLITE_DECL void StreamWriter::end() {
    if (!state_ || !state_->sink || state_->ended) return;
    if (!state_->started) start(Response());
    state_->ended = true;
    if (state_->sink) state_->sink->stream_end();
}

SOCKLITE_DECL void StreamWriter::send(Response res) {
    if (!state_ || !state_->sink || state_->started) return;
    state_->started = state_->ended = true;
    state_->sink->stream_send(res);
}

SOCKLITE_DECL void StreamWriter::on_ready(socklite::detail::Function<void()> ready) {
    if (state_) state_->ready = std::move(ready);
}

SOCKLITE_DECL bool StreamWriter::started() const noexcept { return state_ && state_->started; }

SOCKLITE_DECL bool StreamWriter::open() const noexcept {
    return state_ && state_->sink && !state_->ended;
}

SOCKLITE_DECL void Responder::send(Response res) const {
    if (state_) state_->send(std::move(res));
}

SOCKLITE_DECL bool Responder::sent() const noexcept { return state_ && state_->done.load(); }

SOCKLITE_DECL Responder::Responder(std::shared_ptr<detail::ReplyLink> link, std::uint64_t id)
    : state_(std::make_shared<detail::PendingReply>()) {
    state_->link = std::move(link);
    state_->id = id;
}

SOCKLITE_DECL void BodyReader::on_data(
    socklite::detail::Function<bool(std::string_view piece)> on_data) const {
    if (state_) state_->on_data = std::move(on_data);
}

SOCKLITE_DECL void BodyReader::on_end(
    socklite::detail::Function<void(std::error_code ec)> on_end) const {
    if (state_) state_->on_end = std::move(on_end);
}

SOCKLITE_DECL void BodyReader::pause() const {
    if (!state_ || state_->paused) return;
    state_->paused = true;
    if (state_->source) state_->source->body_pause();
}

SOCKLITE_DECL void BodyReader::resume() const {
    if (!state_) return;
    if (std::this_thread::get_id() != state_->loop_thread) {
        std::shared_ptr<detail::BodyState> s = state_;
        return state_->post([s] { BodyReader(s).resume(); });
    }
    if (!state_->paused) return;
    state_->paused = false;
    if (state_->source) state_->source->body_resume();
}

SOCKLITE_DECL void BodyReader::post(socklite::detail::Function<void()> task) const {
    if (state_) state_->post(std::move(task));
}

SOCKLITE_DECL bool BodyReader::paused() const noexcept { return state_ && state_->paused; }

SOCKLITE_DECL bool BodyReader::ended() const noexcept { return !state_ || state_->ended; }

SOCKLITE_DECL std::uint64_t BodyReader::received() const noexcept {
    return state_ ? state_->received : 0;
}

SOCKLITE_DECL bool BodyReader::has_length() const noexcept { return state_ && state_->has_length; }

SOCKLITE_DECL std::uint64_t BodyReader::length() const noexcept {
    return state_ ? state_->length : 0;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_IMPL_HANDLER_HPP
