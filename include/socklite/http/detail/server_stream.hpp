// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_SERVER_STREAM_HPP
#define SOCKLITE_HTTP_DETAIL_SERVER_STREAM_HPP

/** @file
 *  Private to HttpServer: detail::ServerConn's streamed answers: what a handler's
 *  StreamWriter calls (the head, the body chunked or with its Content-Length, held for an
 *  HTTP/1.0 client, the end, an abandoned answer). Not part of the
 *  API. */

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "server_conn.hpp"  // the class, ServerLoop, the rest of its functions

namespace socklite {
namespace http {
namespace detail {

inline void ServerConn::stream_send(Response& res) {
    if (!answering()) return;
    if (auto s = ex_->stream.lock()) s->sink = nullptr;
    ex_->stream.reset();
    answer(res);
    if (state_ != State::closing) conn_.resume_reading();
}

inline void ServerConn::stream_start(Response& head) {
    if (!answering()) return;
    head.version = 11;
    if (head.status == 0) head.status = 200;
    if (head.reason.empty()) head.reason = std::string(reason_phrase(head.status));
    for (std::size_t i = 0; i < head.headers.size(); ++i) {
        if (iequals(head.headers[i].name, "Connection") &&
            head.headers[i].value.find("close") != std::string::npos)
            keep_alive_ = false;
    }
    ex_->stream_close = !keep_alive_ || closing_after_ || owner_.stopping();
    if (!head.headers.contains("Date")) head.headers.add("Date", owner_.date());
    if (!owner_.options().server_name.empty() && !head.headers.contains("Server"))
        head.headers.add("Server", owner_.options().server_name);
    // A Content-Length given by the handler: the body goes out as it is written, unchunked
    // (also to an HTTP/1.0 client), and must have that length exactly.
    std::string_view length = head.headers.get("Content-Length");
    ex_->stream_sized = !length.empty() && length.size() < 19 &&
                        length.find_first_not_of("0123456789") == std::string_view::npos;
    ex_->stream_left = ex_->stream_sized ? std::stoull(std::string(length)) : 0;
    if (!ex_->stream_sized) head.headers.erase("Content-Length");
    head.headers.erase("Transfer-Encoding");
    if (ex_->stream_close) {
        head.headers.set("Connection", "close");
    } else if (ex_->req.version == 10 && ex_->stream_sized) {
        head.headers.set("Connection", "keep-alive");
    }
    std::string first = std::move(head.body);
    head.body.clear();
    if (ex_->req.version == 10 && !ex_->stream_sized) {
        // No chunked coding in HTTP/1.0: the body is held until end().
        ex_->held = std::make_unique<Response>(std::move(head));
        ex_->held->body = std::move(first);
        return;
    }
    if (!ex_->stream_sized) head.headers.add("Transfer-Encoding", "chunked");
    ex_->out.clear();
    std::error_code ec;
    serialize_head(head, ex_->out, ec);
    if (ec) {
        report("handler: the response head cannot be sent (" + ec.message() + ")");
        if (auto s = ex_->stream.lock()) s->ended = true;
        Response err;
        err.status = 500;
        keep_alive_ = false;
        return answer(err);
    }
    flush_batch();
    if (ex_->req.method == "HEAD" || first.empty()) {
        output_full_ = !conn_.send(ex_->out, ec);
    } else if (!ex_->stream_sized) {
        serialize_chunk(first, ex_->out);
        output_full_ = !conn_.send(ex_->out, ec);
    } else {
        output_full_ = !conn_.send(ex_->out, ec);
        stream_write(first);
    }
}

inline bool ServerConn::stream_write(std::string_view data) {
    if (!answering()) return false;
    if (ex_->stream_sized && ex_->req.method != "HEAD") {
        if (data.size() > ex_->stream_left) {
            report("handler: a streamed answer is longer than its Content-Length");
            if (auto s = ex_->stream.lock()) {
                s->sink = nullptr;
                s->ended = true;
            }
            stream_abandon(true);  // (cut short: the client can tell)
            return false;
        }
        ex_->stream_left -= data.size();
        std::error_code ec;
        flush_batch();
        return conn_.send(data, ec) && !ec;
    }
    if (ex_->req.version == 10) {
        if (!ex_->held) return false;
        ex_->held->body.append(data.data(), data.size());
        return true;
    }
    if (ex_->req.method == "HEAD" || data.empty())
        return conn_.queued_bytes() <= owner_.options().output_high_water;
    ex_->out.clear();
    serialize_chunk(data, ex_->out);
    std::error_code ec;
    flush_batch();
    return conn_.send(ex_->out, ec) && !ec;
}

inline void ServerConn::stream_end() {
    if (!answering()) return;
    if (auto s = ex_->stream.lock()) s->sink = nullptr;
    ex_->stream.reset();
    std::error_code ec;
    if (ex_->stream_sized && ex_->stream_left > 0 && ex_->req.method != "HEAD") {
        report("handler: a streamed answer ended short of its Content-Length");
        return stream_abandon(true);
    }
    if (ex_->req.version == 10 && !ex_->stream_sized) {
        std::unique_ptr<Response> held = std::move(ex_->held);
        if (held) answer(*held);
    } else {
        ex_->out.clear();
        if (ex_->req.method != "HEAD" && !ex_->stream_sized) serialize_last_chunk(ex_->out);
        flush_batch();
        conn_.send(ex_->out, ec);
        // Ended before its request's body (an upload answered early): the rest of the body is
        // dropped if short, else the connection closes (after a complete answer: allowed).
        finish_answer(ex_->stream_close || !body_keepable());
    }
    if (state_ != State::closing) conn_.resume_reading();
}

inline void ServerConn::stream_abandon(bool started) {
    // Dropped before end(): the body is cut short, so the connection cannot go on.
    report("handler: a streamed answer was dropped before its end");
    if (ex_) ex_->stream.reset();
    if (!started && answering()) {  // nobody can answer any more: 500
        if (ex_->upload) detach_upload();
        return fail(500);
    }
    keep_alive_ = false;
    state_ = State::closing;
    flush_batch();
    conn_.close_after_flush();
    arm(owner_.options().linger_timeout);
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_SERVER_STREAM_HPP
