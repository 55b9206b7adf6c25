// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_IMPL_SERVER_HPP
#define SOCKLITE_HTTP_IMPL_SERVER_HPP

/** @file
 *  The definitions of HttpServer (included by socklite/http/server.hpp, or compiled in the
 *  library under SOCKLITE_SEPARATE_COMPILATION). */

#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../../address.hpp"
#include "../../listener.hpp"
#include "../detail/server_conn.hpp"
#include "../router.hpp"
#include "../server.hpp"
#include "../static_files.hpp"
#include "../upgrade.hpp"

namespace socklite {

/// @cond INTERNAL
namespace http {
namespace detail {
// What HttpServer keeps behind a pointer, so that its header declares it only.
struct ServerState {
    std::shared_ptr<void> tls;  // with OpenSSL: the TLS context in force (a TlsSlot)
    RouteTable routes;
    std::vector<std::unique_ptr<ServerLoop>> loops;
    Address address;  // where listen() bound
};
}  // namespace detail
}  // namespace http
/// @endcond

SOCKLITE_DECL HttpServer::HttpServer(Options options)
    : options_(std::move(options)), state_(std::make_unique<http::detail::ServerState>()) {
    if (options_.threads == 0) options_.threads = 1;
    if (options_.max_connections == 0) options_.max_connections = 1;
}

SOCKLITE_DECL HttpServer::~HttpServer() = default;

SOCKLITE_DECL const Address& HttpServer::local_address() const noexcept { return state_->address; }

SOCKLITE_DECL std::uint16_t HttpServer::port() const noexcept { return state_->address.port(); }

SOCKLITE_DECL HttpServer& HttpServer::route(std::string_view method, std::string_view pattern,
                                            Handler handler) {
    http::detail::RouteTable& r = state_->routes;
    r.sync[r.add(method, pattern)] = std::move(handler);
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::route_async(std::string_view method, std::string_view pattern,
                                                  AsyncHandler handler) {
    http::detail::RouteTable& r = state_->routes;
    r.async[r.add(method, pattern)] = std::move(handler);
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::route_stream(std::string_view method,
                                                   std::string_view pattern,
                                                   StreamHandler handler) {
    http::detail::RouteTable& r = state_->routes;
    r.stream[r.add(method, pattern)] = std::move(handler);
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::route_upload(std::string_view method,
                                                   std::string_view pattern,
                                                   UploadHandler handler) {
    http::detail::RouteTable& r = state_->routes;
    const std::size_t n = r.add(method, pattern);
    r.upload.resize(n + 1);  // (shorter than the others: routes after the last upload have none)
    r.upload[n] = std::move(handler);
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::upgrade(std::string_view pattern, UpgradeHandler handler) {
    http::detail::RouteTable& r = state_->routes;
    r.upgrade[r.add("GET", pattern)] = std::move(handler);
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::serve_dir(std::string_view prefix, std::string root) {
    std::string pattern(prefix);
    while (!pattern.empty() && pattern.back() == '/') pattern.pop_back();
    pattern += "/*";
    // One root descriptor for both handlers: they serve the same directory even if the root's
    // name is re-pointed meanwhile. The buffered handler is the fallback of the sendfile one.
    auto dir = std::make_shared<const http::detail::StaticRoot>(root);
    http::detail::RouteTable& r = state_->routes;
    const std::size_t n = r.add("GET", pattern);
    r.sync[n] = http::detail::static_files(dir);
    r.file.resize(n + 1);
    r.file[n] = http::detail::file_sender(std::move(dir));
    return *this;
}

SOCKLITE_DECL void HttpServer::listen(std::string_view host, std::uint16_t port,
                                      std::error_code& ec) noexcept {
    try {
        ListenOptions lo = http::detail::listen_options(options_);
        lo.reuse_port = options_.threads > 1;
        std::vector<std::unique_ptr<http::detail::ServerLoop>> loops;
        Address where;
        for (unsigned i = 0; i < options_.threads; ++i) {
            // The first bind picks the port (when 0); the others share it.
            Listener l =
                i == 0 ? Listener::bind(host, port, lo, ec) : Listener::bind(where, lo, ec);
            if (ec) return;
            if (i == 0) where = l.local_address(ec);
            if (ec) return;
            loops.push_back(std::make_unique<http::detail::ServerLoop>(state_->routes, options_));
            loops.back()->listen(std::move(l));
        }
        state_->loops = std::move(loops);
        state_->address = where;
        ec.clear();
    } catch (const std::system_error& e) {
        ec = e.code();
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

SOCKLITE_DECL void HttpServer::listen(EventLoop& loop, std::string_view host, std::uint16_t port) {
    Listener l = Listener::bind(host, port, http::detail::listen_options(options_));
    Address where = l.local_address();
    auto one = std::make_unique<http::detail::ServerLoop>(state_->routes, options_, &loop);
    one->listen(std::move(l));
    state_->loops.clear();
    state_->loops.push_back(std::move(one));
    state_->address = where;
}

SOCKLITE_DECL void HttpServer::listen(std::string_view host, std::uint16_t port) {
    std::error_code ec;
    listen(host, port, ec);
    if (ec) detail::throw_error(ec, "listen", std::string(host) + ":" + std::to_string(port));
}

SOCKLITE_DECL void HttpServer::run() {
    std::vector<std::thread> threads;
    std::exception_ptr failure;
    std::mutex failure_mutex;
    for (std::size_t i = 1; i < state_->loops.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                state_->loops[i]->run();
            } catch (...) {
                std::lock_guard<std::mutex> lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                stop();
            }
        });
    }
    try {
        if (!state_->loops.empty()) state_->loops[0]->run();
    } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
    }
    if (failure) stop();
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
}

SOCKLITE_DECL void HttpServer::stop() {
    for (auto& l : state_->loops) {
        http::detail::ServerLoop* loop = l.get();
        loop->loop().post([loop] { loop->begin_stop(); });
    }
}

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
namespace http {
namespace detail {
// The context of an HTTPS server, replaced by reload_tls() while loops read it.
struct TlsSlot {
    mutable std::mutex mutex;
    tls::Context context;
};
}  // namespace detail
}  // namespace http

SOCKLITE_DECL HttpServer& HttpServer::use_tls(const tls::Context& context) {
    if (!context.is_server())  // (a client context would fail every handshake)
        detail::throw_error(std::make_error_code(std::errc::invalid_argument), "use_tls",
                            "not a server context");
    if (state_->tls) {
        reload_tls(context);
        return *this;
    }
    auto slot = std::make_shared<http::detail::TlsSlot>();
    slot->context = context;
    state_->tls = slot;
    state_->routes.secure = [slot](Socket& socket, std::error_code& ec) {
        tls::Context current;
        {
            std::lock_guard<std::mutex> lock(slot->mutex);
            current = slot->context;  // a reference count: new handshakes, this context
        }
        tls::accept(socket, current, ec);
    };
    return *this;
}

SOCKLITE_DECL HttpServer& HttpServer::use_tls(const std::string& cert_file,
                                              const std::string& key_file) {
    tls::ServerOptions o;
    o.cert_file = cert_file;
    o.key_file = key_file;
    return use_tls(tls::Context::server(o));
}

SOCKLITE_DECL void HttpServer::reload_tls(const tls::Context& context) {
    if (!state_->tls) {
        use_tls(context);
        return;
    }
    if (!context.is_server())
        detail::throw_error(std::make_error_code(std::errc::invalid_argument), "reload_tls",
                            "not a server context");
    auto* slot = static_cast<http::detail::TlsSlot*>(state_->tls.get());
    tls::Context old;
    std::lock_guard<std::mutex> lock(slot->mutex);
    old = std::move(slot->context);  // released after the lock, by `old`
    slot->context = context;
}

SOCKLITE_DECL void HttpServer::reload_tls(const std::string& cert_file, const std::string& key_file,
                                          std::error_code& ec) noexcept {
    tls::ServerOptions o;
    try {
        o.cert_file = cert_file;
        o.key_file = key_file;
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    tls::Context context = tls::Context::server(o, ec);
    if (ec) return;
    try {
        reload_tls(context);
    } catch (const std::system_error& e) {
        ec = e.code();
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

SOCKLITE_DECL void HttpServer::reload_tls(const std::string& cert_file,
                                          const std::string& key_file) {
    tls::ServerOptions o;
    o.cert_file = cert_file;
    o.key_file = key_file;
    reload_tls(tls::Context::server(o));
}

SOCKLITE_DECL tls::Context HttpServer::tls_context() const {
    if (!state_->tls) return {};
    auto* slot = static_cast<http::detail::TlsSlot*>(state_->tls.get());
    std::lock_guard<std::mutex> lock(slot->mutex);
    return slot->context;
}
#endif

}  // namespace socklite

#endif  // SOCKLITE_HTTP_IMPL_SERVER_HPP
