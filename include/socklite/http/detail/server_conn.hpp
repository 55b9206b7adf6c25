// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_SERVER_CONN_HPP
#define SOCKLITE_HTTP_DETAIL_SERVER_CONN_HPP

/** @file
 *  Private to HttpServer: the per-connection state machine (detail::ServerConn): requests read,
 *  dispatched and answered. Its upload side is in server_upload.hpp, its streamed answers in
 *  server_stream.hpp, one event loop's share of a server in server_loop.hpp. Not part of the
 *  API. */

#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "../../connection.hpp"
#include "../../detail/function.hpp"
#include "../../event_loop.hpp"
#include "../content_coding.hpp"
#include "../handler.hpp"
#include "../parse_result.hpp"
#include "../parser.hpp"
#include "../router.hpp"
#include "../serializer.hpp"
#include "../static_files.hpp"
#include "../upgrade.hpp"

namespace socklite {
namespace http {
namespace detail {

class ServerLoop;

// One connection: reads a request (head, then the body in full, or the body streamed to an
// upload handler as it comes), calls its handler, sends the answer, and goes on with the next
// request (pipelined ones wait, unparsed, in the input buffer: one request is in a handler at
// a time, so answers leave in order).
class ServerConn final : StreamSink, BodySource {
public:
    ServerConn(ServerLoop& owner, std::uint64_t id, Socket socket);
    ServerConn(const ServerConn&) = delete;
    ServerConn& operator=(const ServerConn&) = delete;
    ~ServerConn();
    void start();
    // stop(): closes at once when no request is under way, else closes after its answer.
    void stop_gracefully();
    // An asynchronous answer arrives (on the loop's thread).
    void deliver(Response&& res);
    Connection& connection() noexcept { return conn_; }

private:
    inline void stream_send(Response& res) override;
    inline void stream_start(Response& head) override;
    inline bool stream_write(std::string_view data) override;
    inline void stream_end() override;
    inline void stream_abandon(bool started) override;
    inline void body_pause() override;
    inline void body_resume() override;
    void finish_answer(bool close);
    // body: reading a body (buffered in the request, or delivered to an upload handler);
    // discard: reading the rest of a body after its answer (at most ServerOptions::max_discard).
    enum class State : unsigned char { head, body, handler, idle, closing, upgraded, discard };
    std::size_t on_input(std::string_view in);
    void begin_request();
    void dispatch();
    void answer(Response& res, FileBody* file = nullptr);
    void dispatch_file(const FileHandler& handler, Response& res);
    void upgrade(const UpgradeHandler& handler);
    void fail(int status);
    void start_upload(const UploadHandler& handler, bool nothing_buffered);
    bool deliver_piece(std::string_view piece);
    void upload_complete();
    void abort_body(std::error_code ec, int status, bool tell);
    socklite::detail::Function<void(std::error_code)> detach_upload();
    void maybe_continue(bool nothing_buffered);
    bool answering() const noexcept;
    std::uint64_t body_limit_of() const noexcept;
    bool body_keepable() const noexcept;
    void arm(std::chrono::milliseconds after);
    void on_timer();
    void report(std::string_view what);
    void release_idle();
    void flush_batch();

    // What only a request under way needs (memory per idle connection): allocated with the
    // first byte of a request, released when the connection goes idle with nothing buffered.
    struct Exchange {
        explicit Exchange(const ParserLimits& limits) : parser(limits) {}
        RequestParser parser;
        ServerRequest req;
        std::string out;
        std::string batch;  // answers to pipelined requests, sent together when the input is done
        std::weak_ptr<StreamState> stream;  // the streamed answer under way (the writers own it)
        std::unique_ptr<Response> held;     // a streamed answer to an HTTP/1.0 client, held
        std::shared_ptr<BodyState> upload;  // the body delivered to an upload handler, meanwhile
        std::uint64_t stream_left = 0;  // bytes still to come of a streamed answer with a length
        std::uint32_t route = 0;        // the request's route when found (at its head)
        unsigned char outcome = 0;      // the Router::Outcome of the request
        bool body_done = true;          // the request's body is read (or there is none)
        bool continue_sent = false;     // `100 Continue` went out for the request
        bool upload_route = false;      // the route is an upload route (max_upload_size applies)
        bool stream_close = false;      // close after the streamed answer
        bool stream_sized = false;      // the streamed answer has a Content-Length (not chunked)
    };
    Exchange& exchange();
    BodyState* upload() const noexcept { return ex_ ? ex_->upload.get() : nullptr; }

    ServerLoop& owner_;
    std::uint64_t id_;
    Connection conn_;
    std::unique_ptr<Exchange> ex_;        // while a request is under way (idle: none)
    std::unique_ptr<Upgraded> upgraded_;  // the protocol after an accepted upgrade
    EventLoop::TimerId timer_ = 0;
    std::size_t last_queued_ = 0;  // for the idle check of a client that does not read
    State state_ = State::head;
    bool received_ = false;       // bytes of the current request have arrived
    bool in_input_ = false;       // on_input() is running
    bool keep_alive_ = true;      // the current request allows another after it
    bool closing_after_ = false;  // stop(): close after the current answer
    bool output_full_ = false;    // the last answer left the queue above high water
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

// ServerLoop needs ServerConn's class, and ServerConn's functions need ServerLoop: it comes here.
#include "server_loop.hpp"
#include "server_policy.hpp"

namespace socklite {
namespace http {
namespace detail {

inline ServerConn::ServerConn(ServerLoop& owner, std::uint64_t id, Socket socket)
    : owner_(owner),
      id_(id),
      conn_(owner.loop(), std::move(socket), server_connection_options(owner.options())) {}

inline ServerConn::~ServerConn() {
    if (timer_) owner_.loop().cancel(timer_);
    if (!ex_) return;
    if (auto s = ex_->stream.lock()) s->sink = nullptr;  // (before on_end(): it may write)
    if (ex_->upload) {  // the server stops (grace period over) or goes: the handler hears of it
        socklite::detail::Function<void(std::error_code)> on_end = detach_upload();
        if (on_end) {
            try {
                on_end(std::make_error_code(std::errc::operation_canceled));
            } catch (...) {
                // Nobody to tell: the connection is going.
            }
        }
    }
    if (!ex_) return;  // (on_end() may have ended the request)
    if (auto s = ex_->stream.lock()) s->sink = nullptr;
}

inline ServerConn::Exchange& ServerConn::exchange() {
    if (!ex_) ex_ = std::make_unique<Exchange>(server_parser_limits(owner_.options()));
    return *ex_;
}

inline void ServerConn::start() {
    conn_.on_input([this](std::string_view in) {
        in_input_ = true;
        std::size_t used = on_input(in);
        in_input_ = false;
        flush_batch();
        if (state_ == State::idle && used == in.size()) release_idle();
        return used;
    });
    conn_.on_end([this] {
        // The client is done sending: answer what is under way, then close.
        keep_alive_ = false;
        flush_batch();
        if (BodyState* up = upload()) {
            // The rest may wait in the buffer (the handler paused, or the output was full):
            // on_input() decides once it has taken what is there.
            if (up->paused || conn_.buffered_bytes() > 0) return;
            return abort_body(make_error_code(socklite::errc::unexpected_eof), 0, true);
        }
        if (state_ != State::handler) conn_.close_after_flush();
    });
    conn_.on_drain([this] {
        if (!ex_) return;
        auto s = ex_->stream.lock();
        if (s && s->ready) {
            socklite::detail::Function<void()> ready = s->ready;  // it may replace itself
            ready();
        }
    });
    conn_.on_close([this](std::error_code ec) {
        if (timer_) owner_.loop().cancel(timer_);
        timer_ = 0;
        if (upload()) {
            socklite::detail::Function<void(std::error_code)> on_end = detach_upload();
            if (on_end) {
                try {
                    on_end(ec ? ec : make_error_code(socklite::errc::unexpected_eof));
                } catch (const std::exception& e) {
                    report(std::string("upload handler: ") + e.what());
                } catch (...) {
                    report("upload handler: unknown exception");
                }
            }
        }
        if (upgraded_) upgraded_->closed(ec);
        owner_.remove(id_);  // destroys *this
    });
    arm(owner_.options().header_timeout);
}

inline void ServerConn::arm(std::chrono::milliseconds after) {
    if (timer_) owner_.loop().cancel(timer_);
    timer_ = owner_.loop().call_after(after, [this] {
        timer_ = 0;
        on_timer();
    });
}

inline void ServerConn::on_timer() {
    switch (state_) {
        case State::head:
            if (received_) return fail(408);
            break;  // nothing came: just close
        case State::body:
            if (upload()) return abort_body(std::make_error_code(std::errc::timed_out), 408, true);
            return fail(408);
        case State::discard: break;
        case State::idle:
            if (conn_.queued_bytes() > 0 && conn_.queued_bytes() < last_queued_) {
                last_queued_ = conn_.queued_bytes();  // a slow reader, but a reader
                return arm(owner_.options().idle_timeout);
            }
            break;
        case State::handler:
        case State::upgraded: return;
        case State::closing:
            // The last answer is still going out to a client that reads it (a large file):
            // not yet the lingering close, which starts once it is out.
            if (conn_.queued_bytes() > 0 && conn_.queued_bytes() < last_queued_) {
                last_queued_ = conn_.queued_bytes();
                return arm(owner_.options().idle_timeout);
            }
            break;
    }
    conn_.close();
    owner_.remove(id_);  // destroys *this
}

inline void ServerConn::stop_gracefully() {
    closing_after_ = true;
    if (state_ == State::upgraded) {
        if (timer_ == 0) return upgraded_->stop();  // started; may destroy *this
        conn_.close();
        return owner_.remove(id_);  // destroys *this
    }
    if ((state_ == State::head && !received_) || state_ == State::idle) {
        if (conn_.queued_bytes() == 0) {
            conn_.close();
            return owner_.remove(id_);  // destroys *this
        }
        state_ = State::closing;
        conn_.close_after_flush();
        arm(owner_.options().linger_timeout);
    }
}

inline void ServerConn::report(std::string_view what) { owner_.report(std::string(what)); }

inline void ServerConn::release_idle() {
    // An idle keep-alive connection keeps no per-request storage (memory per idle connection):
    // the parser with its field tables (2.6 KiB with the default limits), the request and the
    // serialised answer are made again by the next request.
    flush_batch();
    ex_.reset();
}

inline void ServerConn::flush_batch() {
    if (!ex_ || ex_->batch.empty()) return;
    std::error_code ec;  // a failure shows in on_close()
    if (!conn_.send(ex_->batch, ec)) output_full_ = true;
    ex_->batch.clear();
    if (ex_->batch.capacity() > 64 * 1024) std::string().swap(ex_->batch);
}

inline std::size_t ServerConn::on_input(std::string_view in) {
    if (state_ == State::upgraded) return 0;  // for the protocol, once started
    std::size_t pos = 0;
    // (Not conn_.reading(): this handler is out of its slot while it runs.)
    output_full_ = false;
    while (!output_full_) {
        // A body may be complete without a byte (Content-Length: 0): that state runs first.
        if (state_ != State::body && state_ != State::discard && pos == in.size()) break;
        if (state_ == State::idle) {  // the first byte of the next request
            state_ = State::head;
            if (ex_) ex_->parser.reset();
            received_ = false;
            arm(owner_.options().header_timeout);
        }
        if (state_ == State::head) {
            Exchange& ex = exchange();
            received_ = true;
            ParseResult r = ex.parser.parse_head(in.substr(pos));
            if (r.error()) {
                fail(status_for(r.ec));
                return in.size();
            }
            pos += r.consumed;
            if (!r.complete()) break;
            begin_request();
            if (state_ == State::closing) return in.size();
            const RouteTable& routes = owner_.routes();
            Router::Match m;
            if (ex_->parser.target_form() != TargetForm::authority &&
                !(ex_->req.method == "OPTIONS" && ex_->req.target == "*"))
                m = routes.router.match(ex_->req.method, ex_->req.path);
            const bool found = m.outcome == Router::found;
            ex_->outcome = static_cast<unsigned char>(m.outcome);
            ex_->route = static_cast<std::uint32_t>(m.route);
            if (found) ex_->req.params = std::move(m.params);
            ex_->upload_route = found && m.route < routes.upload.size() &&
                                static_cast<bool>(routes.upload[m.route]);
            const bool upload = ex_->upload_route;
            const std::uint64_t body_limit = body_limit_of();
            ex_->body_done = ex_->parser.complete();
            ex_->continue_sent = false;
            // Refused before a byte of it is read (and without `100 Continue`).
            if (!ex_->body_done && ex_->parser.has_content_length() &&
                ex_->parser.content_length() > body_limit) {
                fail(413);
                return in.size();
            }
            if (upload) {
                start_upload(routes.upload[ex_->route], pos == in.size());
                if (state_ == State::closing) return in.size();
                continue;
            }
            if (ex_->parser.body_kind() == BodyKind::none) {
                dispatch();
                continue;
            }
            if (!found && !ex_->body_done && ex_->parser.expect_continue()) {
                // No handler reads this body (404, 405, ...): answered without `100 Continue`,
                // and closed after (the client may or may not send the body now).
                dispatch();
                if (state_ == State::closing) return in.size();
                continue;
            }
            state_ = State::body;
            arm(owner_.options().body_timeout);
            if (!ex_->body_done) maybe_continue(pos == in.size());
            continue;
        }
        if (state_ == State::body || state_ == State::discard) {
            bool progress = false;
            for (;;) {
                if (ex_->upload && ex_->upload->paused) {
                    // The handler is behind: reading stops (TCP slows the client down), and
                    // the body timeout with it (the wait is ours, not the client's).
                    conn_.pause_reading();
                    if (timer_) owner_.loop().cancel(timer_);
                    timer_ = 0;
                    return pos;
                }
                ParseResult r = ex_->parser.parse_body(in.substr(pos));
                if (r.error()) {
                    if (state_ == State::discard) {
                        state_ = State::closing;  // answered already: just close
                        conn_.close_after_flush();
                        arm(owner_.options().linger_timeout);
                    } else if (ex_->upload) {
                        abort_body(r.ec, status_for(r.ec), true);
                    } else {
                        fail(status_for(r.ec));
                    }
                    return in.size();
                }
                pos += r.consumed;
                progress = progress || r.consumed > 0;
                if (!r.body.empty() && state_ == State::body) {
                    if (ex_->parser.body_received() > body_limit_of()) {
                        if (ex_->upload) {
                            abort_body(make_error_code(http::errc::body_too_large), 413, true);
                        } else {
                            fail(413);
                        }
                        return in.size();
                    }
                    if (ex_->upload) {
                        if (!deliver_piece(r.body)) return in.size();  // closing
                    } else {
                        ex_->req.body.append(r.body.data(), r.body.size());
                    }
                }
                if (r.complete()) {
                    ex_->body_done = true;
                    if (state_ == State::discard) {
                        state_ = State::idle;  // as finish_answer() would have left it
                        received_ = false;
                        last_queued_ = conn_.queued_bytes() + 1;
                        arm(owner_.options().idle_timeout);
                    } else if (ex_->upload && ex_->upload->paused) {
                        body_pause();  // on_end() comes after resume(), as data would
                        return pos;
                    } else if (ex_->upload) {
                        upload_complete();
                    } else if (state_ == State::body) {
                        dispatch();
                    }
                    break;
                }
                if (r.body.empty()) break;  // (after a piece, once more: a limit shows then)
            }
            if (state_ == State::closing) return in.size();
            if (state_ == State::body && ex_->upload && !ex_->upload->paused && pos == in.size() &&
                conn_.peer_ended()) {
                // (The end came while the handler had paused: the rest was all there is.)
                abort_body(make_error_code(socklite::errc::unexpected_eof), 0, true);
                return in.size();
            }
            if (state_ == State::body || state_ == State::discard) {
                if (progress && !(ex_->upload && ex_->upload->paused))
                    arm(owner_.options().body_timeout);
                if (ex_->upload && ex_->upload->paused) continue;  // (stops reading, above)
                break;
            }
            continue;
        }
        break;  // handler (an answer is awaited) or closing
    }
    return pos;
}

inline void ServerConn::begin_request() {
    ServerRequest& req = ex_->req;
    const RequestParser& p = ex_->parser;
    req.method.assign(p.method().data(), p.method().size());
    req.target.assign(p.target().data(), p.target().size());
    req.version = p.version();
    req.headers.clear();
    for (std::size_t i = 0; i < p.field_count(); ++i) {
        FieldView f = p.field(i);
        req.headers.add(f.name, f.value);
    }
    req.body.clear();
    req.params.clear();
    req.query_params.clear();
    keep_alive_ = p.keep_alive();
    // The path: origin-form as is; absolute-form from the first '/' after the authority.
    std::string_view t = p.target();
    if (p.target_form() == TargetForm::absolute) {
        std::size_t scheme = t.find("://");
        std::size_t slash =
            scheme == std::string_view::npos ? std::string_view::npos : t.find('/', scheme + 3);
        t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
    std::size_t q = t.find('?');
    req.path.assign(t.data(), q == std::string_view::npos ? t.size() : q);
    if (q != std::string_view::npos) {
        req.query.assign(t.substr(q + 1).data(), t.size() - q - 1);
        req.query_params = parse_query(req.query);
    } else {
        req.query.clear();
    }
    if (int status = request_policy_status(p)) return fail(status);
    // RFC 9110 section 10.1.1: an expectation other than 100-continue cannot be met.
    std::string_view expect = p.header("Expect");
    if (!expect.empty() && !p.expect_continue()) fail(417);
}

inline void ServerConn::dispatch() {
    state_ = State::handler;
    if (timer_) owner_.loop().cancel(timer_);
    timer_ = 0;
    const RouteTable& routes = owner_.routes();
    Response res;
    res.status = 200;
    const bool options_star = ex_->req.method == "OPTIONS" && ex_->req.target == "*";
    const auto outcome = static_cast<Router::Outcome>(ex_->outcome);  // (found at the head)
    const std::size_t route = ex_->route;
    if (ex_->parser.target_form() == TargetForm::authority)
        res.status = 501;  // CONNECT: no tunnels
    if (res.status == 501) {
    } else if (outcome == Router::found) {
        if (route < routes.file.size() && routes.file[route])
            return dispatch_file(routes.file[route], res);
        if (routes.upgrade[route]) return upgrade(routes.upgrade[route]);
        if (routes.stream[route]) {
            conn_.pause_reading();
            std::shared_ptr<StreamState> keep = std::make_shared<StreamState>();
            keep->sink = this;
            ex_->stream = keep;
            try {
                routes.stream[route](ex_->req, StreamWriter(keep));
            } catch (const std::exception& e) {
                report(std::string("handler: ") + e.what());
                if (!keep->started) {
                    keep->started = keep->ended = true;
                    ex_->stream.reset();
                    Response err;
                    err.status = 500;
                    answer(err);
                    if (state_ != State::closing) conn_.resume_reading();
                }
            }
            return;
        }
        if (!routes.sync[route]) {
            // Reading stops until the answer comes: pipelined requests wait their turn.
            conn_.pause_reading();
            Responder responder(owner_.link(), id_);
            try {
                routes.async[route](ex_->req, responder);
            } catch (const std::exception& e) {
                report(std::string("handler: ") + e.what());
                Response err;
                err.status = 500;
                responder.send(std::move(err));
            } catch (...) {
                report("handler: unknown exception");
                Response err;
                err.status = 500;
                responder.send(std::move(err));
            }
            return;
        }
        try {
            routes.sync[route](ex_->req, res);
        } catch (const std::exception& e) {
            report(std::string("handler: ") + e.what());
            res = Response();
            res.status = 500;
        } catch (...) {
            report("handler: unknown exception");
            res = Response();
            res.status = 500;
        }
    } else if (ex_->req.method == "OPTIONS") {
        std::string allow =
            routes.router.allow(options_star ? std::string_view("*") : ex_->req.path);
        if (allow.empty() && !options_star) {
            res.status = 404;
        } else {
            res.status = 204;
            if (!allow.empty()) res.headers.add("Allow", allow);
        }
    } else if (outcome == Router::method_not_allowed) {
        res.status = 405;
        res.headers.add("Allow", routes.router.allow(ex_->req.path));
    } else {
        res.status = 404;
    }
    answer(res);
}

inline void ServerConn::dispatch_file(const FileHandler& handler, Response& res) {
    FileBody body;
    try {
        handler(ex_->req, res, body);
    } catch (const std::exception& e) {
        report(std::string("handler: ") + e.what());
        res = Response();
        res.status = 500;
    }
    if (body.fd >= 0 && res.status != 200 && res.status != 206) {
        ::close(body.fd);  // (not a file answer after all)
        body.fd = -1;
    }
    answer(res, body.fd >= 0 ? &body : nullptr);
}

inline void ServerConn::upgrade(const UpgradeHandler& handler) {
    Response res;
    res.status = 200;
    std::unique_ptr<Upgraded> protocol;
    try {
        protocol = handler(ex_->req, res);
    } catch (const std::exception& e) {
        report(std::string("upgrade handler: ") + e.what());
        protocol.reset();
        res = Response();
        res.status = 500;
    }
    keep_alive_ = false;  // RFC 9110 section 7.8: what follows is not HTTP any more
    if (!protocol || res.status != 101 || owner_.stopping()) {
        if (res.status == 101) res.status = 500;
        return answer(res);
    }
    if (timer_) owner_.loop().cancel(timer_);
    timer_ = 0;
    res.version = 11;
    res.body.clear();
    if (res.reason.empty()) res.reason = std::string(reason_phrase(101));
    if (!res.headers.contains("Date")) res.headers.add("Date", owner_.date());
    if (!owner_.options().server_name.empty() && !res.headers.contains("Server"))
        res.headers.add("Server", owner_.options().server_name);
    ex_->out.clear();
    std::error_code ec;
    serialize_head(res, ex_->out, ec);
    if (ec) {
        report("upgrade handler: the 101 answer cannot be sent (" + ec.message() + ")");
        res = Response();
        res.status = 500;
        return answer(res);
    }
    flush_batch();
    conn_.send(ex_->out, ec);  // a failure shows in on_close()
    ex_.reset();               // no more HTTP on this connection: the parser and the request go now
    state_ = State::upgraded;
    upgraded_ = std::move(protocol);
    upgraded_->link_ = owner_.link();
    upgraded_->loop_ = &owner_.loop();
    upgraded_->finish_ = [this] {
        conn_.close();
        owner_.remove(id_);  // destroys *this and the protocol
    };
    // Started from the loop, not from inside this input handler (the protocol may finish()
    // at once); the bytes after the head wait in the input buffer meanwhile.
    conn_.pause_reading();
    timer_ = owner_.loop().call_after(std::chrono::milliseconds(0), [this] {
        timer_ = 0;
        conn_.resume_reading();
        upgraded_->start(conn_);
    });
}

inline void ServerConn::deliver(Response&& res) {
    if (state_ != State::handler) return;
    answer(res);
    if (state_ != State::closing) conn_.resume_reading();
}

inline void ServerConn::answer(Response& res, FileBody* file) {
    res.version = 11;
    if (res.status == 0) res.status = 200;       // a Response built by an asynchronous handler
    if (res.status < 200 || res.status > 599) {  // 1xx finals are not answers
        report("handler: status " + std::to_string(res.status) + " is not a final status");
        res = Response();
        res.status = 500;
    }
    if (res.reason.empty()) res.reason = std::string(reason_phrase(res.status));
    for (std::size_t i = 0; i < res.headers.size(); ++i) {
        if (iequals(res.headers[i].name, "Connection") &&
            res.headers[i].value.find("close") != std::string::npos)
            keep_alive_ = false;  // the handler asked to close
    }
    const bool close = !keep_alive_ || closing_after_ || owner_.stopping() || !body_keepable();
    if (!res.headers.contains("Date")) res.headers.add("Date", owner_.date());
    if (!owner_.options().server_name.empty() && !res.headers.contains("Server"))
        res.headers.add("Server", owner_.options().server_name);
    if (close) {
        res.headers.set("Connection", "close");
    } else if (ex_->req.version == 10) {
        res.headers.set("Connection", "keep-alive");
    }
    if (file != nullptr) res.headers.set("Content-Length", std::to_string(file->length));
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    if (owner_.options().gzip && file == nullptr) {
        const ServerOptions& o = owner_.options();
        gzip_answer(res, ex_->req.method, ex_->req.header("Accept-Encoding"), o.gzip_min_size,
                    o.gzip_level);
    }
#endif
    ex_->out.clear();
    std::error_code ec;
    if (ex_->req.method == "HEAD" || file != nullptr) {
        serialize_head(res, ex_->out, ec);  // the length of the body it does not send (or sends)
    } else {
        serialize_response(res, ex_->out, ec);
    }
    if (ec) {
        report("handler: the response cannot be sent (" + ec.message() + ")");
        Response err;
        err.status = 500;
        err.reason = std::string(reason_phrase(500));
        err.headers.add("Date", owner_.date());
        if (close) err.headers.add("Connection", "close");
        ex_->out.clear();
        serialize_response(err, ex_->out, ec);
        if (file != nullptr) ::close(file->fd);
        file = nullptr;
    }
    if (file != nullptr) {  // the body: sendfile(2) in pieces, after the head (the fd is taken)
        flush_batch();
        output_full_ = !conn_.send_file(ex_->out, file->fd, file->offset, file->length, ec);
        file->fd = -1;
    } else if (in_input_ && !close) {
        // A pipelined request may follow in the same input: its answer goes out with this one,
        // in one send when the input is done (or when the batch grows large).
        ex_->batch += ex_->out;
        if (ex_->batch.size() >= 16 * 1024) flush_batch();
    } else {
        flush_batch();
        output_full_ = !conn_.send(ex_->out, ec);
    }
    if (ex_->out.capacity() > 64 * 1024) std::string().swap(ex_->out);
    finish_answer(close);
}

inline void ServerConn::finish_answer(bool close) {
    // Answered: an upload handler gets no more of the body (and no on_end()).
    if (upload()) detach_upload();
    if (close) {
        flush_batch();
        state_ = State::closing;
        conn_.close_after_flush();
        last_queued_ = conn_.queued_bytes() + 1;
        arm(owner_.options().linger_timeout);
        return;
    }
    if (ex_ && !ex_->body_done) {  // answered early: the rest of the body is read and dropped
        state_ = State::discard;
        arm(owner_.options().body_timeout);
        return;
    }
    state_ = State::idle;
    received_ = false;
    last_queued_ = conn_.queued_bytes() + 1;
    if (!in_input_ && conn_.buffered_bytes() == 0) release_idle();
    arm(owner_.options().idle_timeout);
}

inline std::uint64_t ServerConn::body_limit_of() const noexcept {
    return ex_->upload_route ? owner_.options().max_upload_size : owner_.options().max_body_size;
}

inline bool ServerConn::answering() const noexcept {
    return ex_ && (state_ == State::handler || (state_ == State::body && ex_->upload));
}

inline bool ServerConn::body_keepable() const noexcept {
    if (!ex_ || ex_->body_done) return true;
    // Without `100 Continue` the client may or may not send the body: nothing can tell it from
    // the next request. A chunked body is of unknown length.
    if (ex_->parser.expect_continue() && !ex_->continue_sent) return false;
    if (!ex_->parser.has_content_length()) return false;
    return ex_->parser.content_length() - ex_->parser.body_received() <=
           owner_.options().max_discard;
}

inline void ServerConn::fail(int status) {
    Response res;
    res.status = status;
    res.reason = std::string(reason_phrase(status));
    res.headers.add("Content-Type", "text/plain");
    res.body = std::to_string(status) + " " + res.reason + "\n";
    keep_alive_ = false;
    Exchange& ex = exchange();  // (none on a connection that sent nothing yet)
    ex.req.method.clear();      // not HEAD: the body goes out
    ex.req.version = 11;
    state_ = State::handler;
    answer(res);
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

// The rest of ServerConn's functions: what a handler's BodyReader and StreamWriter call.
#include "server_stream.hpp"
#include "server_upload.hpp"

#endif  // SOCKLITE_HTTP_DETAIL_SERVER_CONN_HPP
