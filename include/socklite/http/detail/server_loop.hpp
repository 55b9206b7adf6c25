// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Included in the middle of server_conn.hpp, between ServerConn's class (which ServerLoop needs)
// and ServerConn's functions (which need ServerLoop); included first, this header gets there
// through server_conn.hpp: so that include comes before the guard.
#include "server_conn.hpp"

#ifndef SOCKLITE_HTTP_DETAIL_SERVER_LOOP_HPP
#define SOCKLITE_HTTP_DETAIL_SERVER_LOOP_HPP

/** @file
 *  Private to HttpServer: one event loop's share of a server (detail::ServerLoop): its
 *  listener, its connections, the Date cache; and the routes they serve (detail::RouteTable).
 *  Not part of the API. */

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../../acceptor.hpp"
#include "../../detail/function.hpp"
#include "../../event_loop.hpp"
#include "../../listener.hpp"
#include "../handler.hpp"
#include "../router.hpp"
#include "../static_files.hpp"
#include "../upgrade.hpp"
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
#include "first_byte.hpp"  // HTTPS only: a plain build carries none of it
#endif

namespace socklite {
namespace http {
namespace detail {

// The routes of a server: route n answers with the one of sync[n], async[n], stream[n] and
// upgrade[n] that is not empty, or with file[n] or upload[n] when there is one (serve_dir(),
// route_upload()).
struct RouteTable {
    Router router;
    std::vector<Handler> sync;
    std::vector<AsyncHandler> async;
    std::vector<StreamHandler> stream;
    std::vector<FileHandler> file;  // serve_dir() routes (shorter than the others: none after)
    std::vector<UpgradeHandler> upgrade;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    // HTTPS (HttpServer::use_tls()): puts a TLS session on each accepted socket; empty: HTTP.
    socklite::detail::Function<void(Socket&, std::error_code&)> secure;
#endif
    std::vector<UploadHandler> upload;  // route_upload() routes (also shorter)

    // A new route n for @p method and @p pattern, its handlers empty: the caller fills one.
    std::size_t add(std::string_view method, std::string_view pattern) {
        router.add(method, pattern);
        sync.emplace_back();
        async.emplace_back();
        stream.emplace_back();
        upgrade.emplace_back();
        return sync.size() - 1;
    }
};

/** How the server's listeners are set up. The accepted sockets inherit TCP_NODELAY (answers
 *  are whole: no reason to wait for more) and the unsent bound from them. */
inline ListenOptions listen_options(const ServerOptions& options) noexcept {
    ListenOptions lo;
    lo.accept_non_blocking = true;
    lo.nodelay = true;
    lo.unsent_limit = options.unsent_limit;
    return lo;
}

// One event loop's share of a server: its listener, its connections, the Date cache.
class ServerLoop {
public:
    // On a loop of its own, or on @p external (not owned, never stopped by the server).
    ServerLoop(const RouteTable& routes, const ServerOptions& options,
               EventLoop* external = nullptr)
        : own_loop_(external ? nullptr : std::make_unique<EventLoop>()),
          loop_(external ? *external : *own_loop_),
          routes_(routes),
          options_(options),
          link_(std::make_shared<ReplyLink>()) {
        link_->loop = &loop_;
        link_->deliver = [this](std::uint64_t id, Response&& res) {
            auto it = conns_.find(id);
            if (it != conns_.end()) it->second->deliver(std::move(res));
        };
    }
    ServerLoop(const ServerLoop&) = delete;
    ServerLoop& operator=(const ServerLoop&) = delete;
    ~ServerLoop() {
        if (grace_timer_) loop_.cancel(grace_timer_);  // an external loop runs on without us
        std::lock_guard<std::mutex> lock(link_->mutex);
        link_->loop = nullptr;
    }

    void listen(Listener listener) {
        acceptor_ = std::make_unique<Acceptor>(loop_, std::move(listener),
                                               [this](Accepted a) { accept(std::move(a)); });
        acceptor_->on_error([this](std::error_code ec) { report("accept: " + ec.message()); });
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (routes_.secure) {
            waiting_ = std::make_unique<FirstByteWait>(
                loop_, options_.header_timeout, [this](Socket s) { serve(std::move(s), true); },
                [this] { resume_if_below(); });
        }
#endif
    }
    void run() { loop_.run(); }
    // Posted by HttpServer::stop(): no new connections; idle ones close; the rest get until
    // the grace period ends.
    void begin_stop() {
        if (stopping_) return;
        stopping_ = true;
        acceptor_.reset();
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (waiting_) waiting_->clear();
#endif
        std::vector<std::uint64_t> ids;
        ids.reserve(conns_.size());
        for (auto& c : conns_) ids.push_back(c.first);
        for (std::uint64_t id : ids) {
            auto it = conns_.find(id);
            if (it != conns_.end()) it->second->stop_gracefully();
        }
        if (conns_.empty()) return halt();
        grace_timer_ = loop_.call_after(options_.grace, [this] {
            grace_timer_ = 0;
            for (auto& c : conns_) c.second->connection().close();
            conns_.clear();
            halt();
        });
    }
    void remove(std::uint64_t id) {
        conns_.erase(id);
        if (stopping_) {
            if (conns_.empty()) halt();
        } else {
            resume_if_below();
        }
    }
    void report(const std::string& what) const {
        if (options_.on_error) options_.on_error(what);
    }
    // `Date` for an answer: formatted at most once per second (RFC 9110 section 5.6.7).
    std::string_view date() {
        std::time_t now = std::time(nullptr);
        if (now != date_time_) {
            date_time_ = now;
            std::tm tm{};
            ::gmtime_r(&now, &tm);
            static const char days[] = "SunMonTueWedThuFriSat";
            static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
            std::snprintf(date_, sizeof date_, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
                          days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
                          tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        }
        return date_;
    }

    EventLoop& loop() noexcept { return loop_; }
    const RouteTable& routes() const noexcept { return routes_; }
    const ServerOptions& options() const noexcept { return options_; }
    const std::shared_ptr<ReplyLink>& link() const noexcept { return link_; }
    bool stopping() const noexcept { return stopping_; }
    std::size_t connection_count() const noexcept { return conns_.size(); }

private:
    void halt() {
        if (own_loop_) loop_.stop();  // an external loop is its owner's to stop
    }
    void accept(Accepted a) {
        if (stopping_) return;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (waiting_) {  // HTTPS: TLS or plain HTTP, as the first byte tells
            waiting_->add(std::move(a.socket));
            if (open_count() >= options_.max_connections && acceptor_) acceptor_->pause_accepting();
            return;
        }
#endif
        serve(std::move(a.socket), false);
    }
    void serve(Socket socket, bool secure) {
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (secure) {
            // The handshake happens within the first reads, under the header timeout.
            std::error_code ec;
            routes_.secure(socket, ec);
            if (ec) {
                report("tls: " + ec.message());
                return resume_if_below();
            }
        }
#else
        (void)secure;
#endif
        std::uint64_t id = ++next_id_;
        std::unique_ptr<ServerConn> c;
        try {
            c = std::make_unique<ServerConn>(*this, id, std::move(socket));
        } catch (const std::exception& e) {
            report(std::string("connection: ") + e.what());
            return resume_if_below();
        }
        ServerConn* raw = c.get();
        conns_.emplace(id, std::move(c));
        raw->start();
        if (open_count() >= options_.max_connections && acceptor_) acceptor_->pause_accepting();
    }
    std::size_t open_count() const noexcept {
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        return conns_.size() + (waiting_ ? waiting_->size() : 0);
#else
        return conns_.size();
#endif
    }
    void resume_if_below() {
        if (!stopping_ && acceptor_ && acceptor_->accepting_paused() &&
            open_count() < options_.max_connections)
            acceptor_->resume_accepting();
    }

    std::unique_ptr<EventLoop> own_loop_;  // first: destroyed last, with the tasks posted to it
    EventLoop& loop_;
    const RouteTable& routes_;
    const ServerOptions& options_;
    std::shared_ptr<ReplyLink> link_;
    std::unique_ptr<Acceptor> acceptor_;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    std::unique_ptr<FirstByteWait> waiting_;  // HTTPS: new connections until their first byte
#endif
    std::unordered_map<std::uint64_t, std::unique_ptr<ServerConn>> conns_;
    std::uint64_t next_id_ = 0;
    bool stopping_ = false;
    EventLoop::TimerId grace_timer_ = 0;
    std::time_t date_time_ = 0;
    char date_[40] = {};
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_SERVER_LOOP_HPP
