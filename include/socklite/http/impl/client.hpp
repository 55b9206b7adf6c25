// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_IMPL_CLIENT_HPP
#define SOCKLITE_HTTP_IMPL_CLIENT_HPP

/** @file
 *  The definitions of HttpClient (included by socklite/http/client.hpp, or compiled in the
 *  library under SOCKLITE_SEPARATE_COMPILATION). */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../../deadline.hpp"
#include "../../socket.hpp"
#include "../client.hpp"
#include "../content_coding.hpp"
#include "../detail/body_reader.hpp"
#include "../detail/client_tls.hpp"  // empty without SOCKLITE_WITH_OPENSSL
#include "../detail/pool.hpp"
#include "../detail/request_writer.hpp"
#include "../parser.hpp"
#include "../redirect.hpp"
#include "../serializer.hpp"

namespace socklite {

/// @cond INTERNAL
// What HttpClient keeps behind a pointer, so that its header declares it only.
struct HttpClient::State {
    explicit State(const Options& options)
        : parser(http::detail::parser_limits(options.max_header_size, options.max_header_count))
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
          ,
          tls(options.tls)
#endif
    {
    }

    http::ResponseParser parser;
    http::detail::Pool pool;
    std::string wbuf;  // the request head (and a small body): one send
    // The last target and where it led; when the request was plain (no fields, no body),
    // wbuf still holds its bytes. A keep-alive loop asks for the same paths again: resolving
    // and serializing anew cost some 8,000 instructions, half of a small GET.
    std::string last_target;
    Route last_route;  // empty until a first request
    bool wbuf_plain = false;
    std::string wbuf_method;
    std::uint64_t opened = 0;
    const char* err_op = "request";
    std::string err_where;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    http::detail::ClientTls tls;
#endif
};
/// @endcond

SOCKLITE_DECL HttpClient::HttpClient(HttpClient&& other) noexcept
    : options_(std::move(other.options_)),
      base_(std::move(other.base_)),
      s_(std::exchange(other.s_, nullptr)) {}

SOCKLITE_DECL HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
    if (this != &other) {
        delete s_;
        options_ = std::move(other.options_);
        base_ = std::move(other.base_);
        s_ = std::exchange(other.s_, nullptr);
    }
    return *this;
}

SOCKLITE_DECL HttpClient::~HttpClient() { delete s_; }

SOCKLITE_DECL std::size_t HttpClient::idle_connections() const noexcept { return s_->pool.size(); }

SOCKLITE_DECL std::uint64_t HttpClient::connections_opened() const noexcept { return s_->opened; }

SOCKLITE_DECL std::uint64_t HttpClient::connections_resumed() const noexcept {
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    return s_->tls.resumed();
#else
    return 0;
#endif
}

SOCKLITE_DECL void HttpClient::close_idle() noexcept { s_->pool.clear(); }

SOCKLITE_DECL void HttpClient::fail(const char* op, const std::string& where) {
    s_->err_op = op;
    s_->err_where = where;
}

/// @cond INTERNAL
/** One request on its way through redirects: where it goes now and what it sends. */
struct HttpClient::Exchange {
    Exchange(const Handlers& h, http::Response& res, const http::Request& req, const Options& o)
        : handlers(h),
          response(res),
          request(&req),
          deadline(Deadline::after(req.timeout.value_or(o.deadline))),
          max_body(req.max_body_size.value_or(o.max_body_size)) {}

    const Handlers& handlers;
    http::Response& response;
    const http::Request* request;   // what this hop sends: the caller's, or changed
    Deadline deadline;              // the whole request, redirects included
    std::uint64_t max_body;         // largest body accepted
    http::Request changed;          // a copy, once the target or a redirect changed it
    const Route* route = nullptr;   // where this hop goes: s_->last_route or hop_route
    Route hop_route;                // a redirect's destination
    bool follow = true;             // whether a redirect is followed at all
    std::optional<http::Hop> next;  // the redirect this hop's response asks for
};
/// @endcond

SOCKLITE_DECL HttpClient::HttpClient(const Options& options)
    : options_(options), s_(new State(options_)) {}

SOCKLITE_DECL HttpClient::HttpClient(std::string_view base_url, const Options& options)
    : HttpClient(options) {
    std::error_code ec;
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https() && !tls_built_in) ec = http::errc::tls_not_enabled;
    if (ec) detail::throw_error(ec, "HttpClient", std::string(base_url));
}

SOCKLITE_DECL HttpClient::HttpClient(std::string_view base_url, const Options& options,
                                     std::error_code& ec)
    : HttpClient(options) {  // (delegating: once it is done, an exception runs the destructor)
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https() && !tls_built_in) ec = http::errc::tls_not_enabled;
    if (ec) base_ = http::Url();
}

SOCKLITE_DECL void HttpClient::request(const http::Request& req, const Handlers& h,
                                       http::Response& res) {
    std::error_code ec;
    try {
        run(req, h, res, ec);
    } catch (...) {  // a callback's exception (or bad_alloc): the connection is closed already
        http::detail::clear(res);
        throw;
    }
    if (ec) detail::throw_error(ec, s_->err_op, s_->err_where);
}

SOCKLITE_DECL void HttpClient::request(const http::Request& req, const Handlers& h,
                                       http::Response& res, std::error_code& ec) noexcept {
    try {
        run(req, h, res, ec);
    } catch (const std::bad_alloc&) {
        s_->pool.clear();
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::operation_canceled);
    }
}

SOCKLITE_DECL void HttpClient::get(std::string_view target, http::Response& res,
                                   std::error_code& ec) noexcept {
    try {
        request(make("GET", target), Handlers{}, res, ec);
    } catch (...) {  // std::bad_alloc from make()
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

SOCKLITE_DECL http::Request HttpClient::make(std::string_view method, std::string_view target,
                                             std::string_view body, std::string_view content_type,
                                             const http::Headers* headers) {
    http::Request r;
    if (headers != nullptr) r.headers = *headers;
    r.method.assign(method.data(), method.size());
    r.target.assign(target.data(), target.size());
    r.body.assign(body.data(), body.size());
    if (!content_type.empty()) r.headers.add("Content-Type", content_type);
    return r;
}

SOCKLITE_DECL void HttpClient::run(const http::Request& req, const Handlers& h, http::Response& res,
                                   std::error_code& ec) {
    ec.clear();
    res.status = 0;  // the rest is overwritten by the head, or cleared on failure
    s_->err_op = "request";
    s_->err_where.clear();
    Exchange x(h, res, req, options_);
    int redirects_left = req.max_redirects.value_or(options_.max_redirects);
    x.follow = redirects_left > 0;
    bool ok = locate(x, ec);
    if (!ok) fail("parse URL", req.target);
    while (ok && (ok = hop(x, ec)) && x.next) {
        if (redirects_left-- == 0) {
            ec = http::errc::too_many_redirects;
            fail("redirect", x.route->text);
            ok = false;
            break;
        }
        x.changed = std::move(x.next->request);
        x.request = &x.changed;
        x.hop_route = Route(std::move(x.next->url));
        x.route = &x.hop_route;
    }
    if (!ok) {
        http::detail::clear(res);
    } else if (res.url != x.route->text) {
        res.url = x.route->text;
    }
}

// Where the request's target leads (kept for the next request); the request is copied only
// when the target it sends differs.
SOCKLITE_DECL bool HttpClient::locate(Exchange& x, std::error_code& ec) {
    const std::string& target = x.request->target;
    if (s_->last_route.empty() || target != s_->last_target) {
        s_->last_route = Route();
        s_->wbuf_plain = false;
        http::Url url = http::detail::resolve(base_, target, ec);
        if (ec) return false;
        s_->last_route = Route(std::move(url));
        s_->last_target = target;
    }
    x.route = &s_->last_route;
    if (target != "*" && x.route->target != target) {  // origin-form is sent (RFC 9112 3.2.1)
        x.changed = *x.request;
        x.changed.target = x.route->target;
        x.request = &x.changed;
    }
    return true;
}

// One hop of the redirect chain: a try, and a second one on a fresh connection when a pooled
// connection turned out to be closed by the server.
SOCKLITE_DECL bool HttpClient::hop(Exchange& x, std::error_code& ec) {
    if (x.route->url.is_https() && !tls_built_in) {
        ec = http::errc::tls_not_enabled;
        fail("request", x.route->text);
        return false;
    }
    Outcome o = attempt(x, Reuse::pooled, ec);
    if (o == Outcome::retry) o = attempt(x, Reuse::fresh_only, ec);
    return o == Outcome::ok;
}

SOCKLITE_DECL HttpClient::Outcome HttpClient::attempt(Exchange& x, Reuse reuse,
                                                      std::error_code& ec) {
    // Serialize first: a request that cannot be sent (bad field) must not cost a connection.
    if (!serialize(x, ec)) {
        fail("send", x.route->text);
        return Outcome::failed;
    }
    const http::Request& req = *x.request;
    http::detail::PooledConnection c = acquire(x, reuse, ec);
    if (!c.socket) return Outcome::failed;  // acquire() named the step
    // Only a request that may be sent twice is retried (RFC 9110 section 9.2.2).
    const bool can_retry = c.reused && reuse == Reuse::pooled &&
                           http::detail::idempotent(req.method) && !req.body_source.read;
    if (!http::detail::send_request(c, s_->wbuf, req, x.deadline, ec)) {
        if (can_retry && http::detail::stale(ec)) return Outcome::retry;
        fail("send", x.route->text);
        return Outcome::failed;
    }
    http::detail::BodyReader reader(c, s_->parser, req.method, x.deadline);
    if (!reader.head(x.response, ec)) {
        if (!reader.got_bytes() && can_retry && http::detail::stale(ec)) return Outcome::retry;
        fail(ec.category() == http::error_category() ? "parse response" : "read response",
             x.route->text);
        return Outcome::failed;
    }
    if (!receive(x, reader, ec)) return Outcome::failed;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    // TLS 1.3 sends its tickets after the handshake: they are in once a first response is.
    if (!c.reused && x.route->url.is_https()) s_->tls.remember(c);
#endif
    const bool closing =
        !options_.keep_alive || req.headers.joined("Connection").find("close") != std::string::npos;
    if (s_->parser.keep_alive() && !closing && c.pending().empty())
        s_->pool.put(std::move(c), options_.max_idle_connections);
    return Outcome::ok;
}

// The head (serializer, then what the client adds), and a small body in the same buffer.
SOCKLITE_DECL bool HttpClient::serialize(const Exchange& x, std::error_code& ec) {
    const http::Request& req = *x.request;
    const bool streamed = static_cast<bool>(req.body_source.read);
    if (streamed && !req.body.empty()) {
        ec = std::make_error_code(std::errc::invalid_argument);  // two bodies
        return false;
    }
    // A plain request (no fields, no body) to the last route has the bytes of last time.
    const bool plain =
        req.headers.empty() && req.body.empty() && !streamed && x.route == &s_->last_route;
    if (plain && s_->wbuf_plain && req.method == s_->wbuf_method) return true;
    s_->wbuf_plain = false;
    s_->wbuf.clear();
    http::serialize_head(req, x.route->authority, s_->wbuf, ec);
    if (ec) return false;
    http::detail::finish_head(req, x.route->url.userinfo(), !options_.keep_alive, s_->wbuf);
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    if (options_.decompress && !req.headers.contains("Accept-Encoding")) {
        s_->wbuf.resize(s_->wbuf.size() - 2);  // before the empty line
        s_->wbuf += "Accept-Encoding: gzip, deflate\r\n\r\n";
    }
#endif
    // One send for head and body, unless the body is large (then copying it costs more).
    if (req.body.size() <= http::detail::inline_body) s_->wbuf += req.body;
    if (plain) s_->wbuf_method = req.method;
    s_->wbuf_plain = plain;
    return true;
}

// After the head: whether the response is a redirect to follow (then its body is read and
// dropped), the head callback, then the body.
SOCKLITE_DECL bool HttpClient::receive(Exchange& x, http::detail::BodyReader& reader,
                                       std::error_code& ec) {
    http::Response& res = x.response;
    x.next.reset();
    if (x.follow) {
        x.next =
            http::next_hop(*x.request, res.status, res.headers.get("Location"), x.route->url, ec);
        if (ec) {
            fail("redirect", x.route->text);
            return false;
        }
    }
    http::detail::BodySink sink;
    res.decoded = false;
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    http::ContentCoding coding = http::ContentCoding::identity;
    if (options_.decompress && !x.next && s_->parser.body_kind() != http::BodyKind::none) {
        coding = http::content_coding(res.headers.joined("Content-Encoding"));
        res.decoded = coding == http::ContentCoding::gzip || coding == http::ContentCoding::deflate;
    }
#endif
    if (!x.next) {
        const Handlers& h = x.handlers;
        if (h.on_head) {
            std::string kept;  // a reused Response's previous body, out of sight of the callback
            kept.swap(res.body);
            const bool go = h.on_head(res);
            kept.swap(res.body);
            if (!go) {
                ec = std::make_error_code(std::errc::operation_canceled);
                fail("read response", x.route->text);
                return false;
            }
        }
        sink = {&res.body, &res.trailers, &h.on_body, &h.on_progress};
    }
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    if (res.decoded) return receive_decoded(x, reader, sink, coding, ec);
#endif
    if (!reader.body(sink, x.max_body, ec)) {
        const bool protocol = ec.category() == http::error_category();
        fail(protocol ? "parse response" : "read response", x.route->text);
        return false;
    }
    return true;
}

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
// The body through an Inflater on its way to the sink: the reader sees a body callback, and the
// limit applies to the decoded size (an encoded body is never larger in practice, so the
// reader's limit on the received bytes stays too).
SOCKLITE_DECL bool HttpClient::receive_decoded(Exchange& x, http::detail::BodyReader& reader,
                                               const http::detail::BodySink& sink,
                                               http::ContentCoding coding, std::error_code& ec) {
    struct Decode {
        http::Inflater inflater;
        const http::detail::BodySink& to;
        std::error_code why;  // the decoder's own error, hidden behind the reader's cancel
    } d{http::Inflater(coding, x.max_body), sink, {}};
    const bool streamed = sink.on_body != nullptr && *sink.on_body;
    if (sink.into != nullptr) sink.into->clear();
    const BodyCallback decode = [&d, streamed](std::string_view data) {
        return d.inflater.write(
            data,
            [&d, streamed](std::string_view out) {
                if (streamed) return (*d.to.on_body)(out);
                d.to.into->append(out.data(), out.size());
                return true;
            },
            d.why);
    };
    http::detail::BodySink through = sink;
    through.into = nullptr;
    through.on_body = &decode;
    bool ok = reader.body(through, x.max_body, ec);
    if (!ok && d.why && d.why != std::errc::operation_canceled) ec = d.why;
    if (ok) ok = d.inflater.finish(ec);
    if (!ok) {
        const bool protocol = ec.category() == http::error_category();
        fail(protocol ? "decode response" : "read response", x.route->text);
    }
    return ok;
}
#endif

SOCKLITE_DECL http::detail::PooledConnection HttpClient::acquire(const Exchange& x, Reuse reuse,
                                                                 std::error_code& ec) {
    const http::Request& req = *x.request;
    // A request that must not be repeated is only sent on a pooled connection checked first;
    // the others are retried when the connection proves stale.
    const bool check = !http::detail::idempotent(req.method) || req.body_source.read;
    if (reuse == Reuse::pooled) {
        http::detail::PooledConnection c =
            s_->pool.take(x.route->key, check ? http::detail::Pool::Check::alive
                                              : http::detail::Pool::Check::none);
        if (c.socket) {
            ec.clear();
            return c;
        }
    }
    std::chrono::milliseconds timeout = x.deadline.remaining();
    if (options_.connect_timeout < timeout) timeout = options_.connect_timeout;
    http::detail::PooledConnection c =
        http::detail::connect(*x.route, options_.unix_socket, timeout, options_.read_timeout, ec);
    if (!c.socket) {
        fail("connect", x.route->text);
        return c;
    }
    ++s_->opened;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    timeout = x.deadline.remaining();  // the handshake has the same bound as the connect
    if (options_.connect_timeout < timeout) timeout = options_.connect_timeout;
    if (x.route->url.is_https() && !s_->tls.secure(c, *x.route, Deadline::after(timeout), ec)) {
        fail("tls handshake", x.route->text);
        return http::detail::PooledConnection();
    }
#endif
    return c;
}

}  // namespace socklite

#endif  // SOCKLITE_HTTP_IMPL_CLIENT_HPP
