// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_CLIENT_HPP
#define SOCKLITE_HTTP_CLIENT_HPP

/** @file
 *  socklite::HttpClient: a blocking HTTP/1.1 client with a keep-alive connection pool,
 *  redirects, timeouts, uploads and streaming bodies. */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../deadline.hpp"
#include "../detail/function.hpp"
#include "../error.hpp"
#include "../socket.hpp"
#include "client_options.hpp"
#include "content_coding.hpp"
#include "detail/body_reader.hpp"
#include "detail/client_tls.hpp"  // empty without SOCKLITE_WITH_OPENSSL
#include "detail/pool.hpp"
#include "detail/request_writer.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "message.hpp"
#include "parser.hpp"
#include "redirect.hpp"
#include "serializer.hpp"
#include "url.hpp"

namespace socklite {

/** A blocking HTTP/1.1 client: one request at a time, connections kept alive and reused.
 *
 *  Connections are pooled per origin and reused while the server keeps them open; one the
 *  server closed meanwhile is detected, and an idempotent request (GET, HEAD, PUT, DELETE,
 *  OPTIONS, TRACE) is then retried once on a fresh connection. Redirects follow
 *  http::next_hop() up to Options::max_redirects; Response::url tells where they ended.
 *  `user:password@` in a URL is sent as Basic authentication. Bodies arrive whole in
 *  Response::body or piece by piece through Handlers::on_body; uploads can come piece by piece
 *  from a http::BodySource. A small request on a kept-alive connection costs one `send` and,
 *  usually, one `recv`, through Socket::read_some() and Socket::write_some().
 *
 *  Names: options() is the configuration (of type Options), so the `OPTIONS` method is
 *  options_request(); `delete` is a C++ keyword, so the `DELETE` method is remove().
 *  `https://` needs TLS support (SOCKLITE_WITH_OPENSSL defined to 1, e.g. by linking the
 *  `socklite::openssl` CMake target; without it such URLs fail with
 *  http::errc::tls_not_enabled): the certificate and host name are verified against
 *  Options::tls (default: the system's CA store), connections are pooled per scheme, host and
 *  port, and a new connection to an origin resumes the TLS session of the last one. A body
 *  delimited by the end of the connection must end with the server's TLS close_notify: a bare
 *  TCP close there could be a truncation, and fails with socklite::errc::unexpected_eof (with
 *  `Content-Length` or chunked framing, a close after the complete message is not an error).
 *  Every request has a throwing overload
 *  (socklite::Error, whose what() names the failed step and the URL, e.g.
 *  `connect http://127.0.0.1:1/: Connection refused`) and a `noexcept` one taking
 *  `std::error_code&`. An HttpClient is not thread-safe: use one per thread.
 *
 *  @par Example
 *  @code
 *  socklite::HttpClient cli("http://127.0.0.1:8080");
 *  auto res = cli.get("/search", {{"q", "a b"}});  // GET /search?q=a%20b
 *  std::cout << res.status << ' ' << res.headers.get("content-type") << '\n' << res.body;
 *  @endcode */
class HttpClient {
public:
    /** Limits and timeouts (see HttpClientOptions). */
    using Options = HttpClientOptions;

    /** Receives the body as it arrives (decoded from chunked); return false to abort the
     *  request (`std::errc::operation_canceled`). The view is valid during the call only. */
    using BodyCallback = socklite::detail::Function<bool(std::string_view data)>;
    /** Told how many body bytes arrived so far, and the total when `Content-Length` gave it;
     *  the last call has received == total (also when the total was not known before). */
    using ProgressCallback = socklite::detail::Function<void(std::uint64_t received,
                                                             std::optional<std::uint64_t> total)>;
    /** Sees the final response's status line and headers before its body. Return false to
     *  abort (`std::errc::operation_canceled`). */
    using HeadCallback = socklite::detail::Function<bool(const http::Response& head)>;

    /** Optional per-request callbacks, for streaming. Only the final response (after
     *  redirects) reaches them. */
    struct Handlers {
        HeadCallback on_head;          ///< called once the final head has arrived
        BodyCallback on_body;          ///< when set, the body goes here, not to Response::body
        ProgressCallback on_progress;  ///< called after each piece of the body, and at its end
    };

    /** A client without a base URL: requests must name absolute `http://` URLs. */
    HttpClient() : HttpClient(Options{}) {}
    /** A client without a base URL, with @p options. */
    explicit HttpClient(const Options& options);
    /** A client whose relative targets (`/index.html`) resolve against @p base_url
     *  (`http://host[:port][/prefix]`).
     *  @throws Error with http::errc::bad_url, http::errc::unsupported_scheme or
     *  http::errc::tls_not_enabled. */
    explicit HttpClient(std::string_view base_url, const Options& options = Options{});
    /** As HttpClient(std::string_view, const Options&), reporting a bad URL through @p ec; the
     *  client then has no base URL.
     *  @throws std::bad_alloc only (the parser's field storage is allocated here). */
    HttpClient(std::string_view base_url, const Options& options, std::error_code& ec);

    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    /** Takes over @p other's pool and settings. */
    HttpClient(HttpClient&&) noexcept = default;
    /** Takes over @p other's pool and settings, closing this client's connections. */
    HttpClient& operator=(HttpClient&&) noexcept = default;
    /** Closes every pooled connection. */
    ~HttpClient() = default;

    /** Sends @p request (its target: a path resolved against the base URL, or an absolute URL)
     *  and returns the final response, following redirects.
     *  @param request method, target, extra headers, body, and per-request limits
     *  @param handlers optional streaming callbacks
     *  @return the response; its body is empty when Handlers::on_body took it
     *  @throws Error; an exception thrown by a callback propagates unchanged. */
    http::Response request(const http::Request& request, const Handlers& handlers = Handlers{}) {
        http::Response res;
        this->request(request, handlers, res);
        return res;
    }
    /** As request(const http::Request&, const Handlers&), reporting through @p ec; a callback
     *  that throws makes the request fail with `std::errc::operation_canceled`. */
    http::Response request(const http::Request& request, const Handlers& handlers,
                           std::error_code& ec) noexcept {
        http::Response res;
        this->request(request, handlers, res, ec);
        return res;
    }
    /** As request(const http::Request&, const Handlers&, std::error_code&), without callbacks. */
    http::Response request(const http::Request& request, std::error_code& ec) noexcept {
        return this->request(request, Handlers{}, ec);
    }
    /** As request(const http::Request&, const Handlers&), storing the final response in
     *  @p response and reusing its storage: the strings of its header fields, its reason and
     *  the capacity of its body. Repeated requests into one Response allocate nothing once it
     *  has grown. On failure @p response is left empty (status 0), its storage kept.
     *  @param request method, target, extra headers, body, and per-request limits
     *  @param handlers optional streaming callbacks
     *  @param response overwritten with the final response
     *  @throws Error; an exception thrown by a callback propagates unchanged. */
    void request(const http::Request& request, const Handlers& handlers, http::Response& response);
    /** As request(const http::Request&, const Handlers&, http::Response&), reporting through
     *  @p ec (a callback that throws makes the request fail with
     *  `std::errc::operation_canceled`). */
    void request(const http::Request& request, const Handlers& handlers, http::Response& response,
                 std::error_code& ec) noexcept;

    /** `GET @p target`. @throws Error. */
    http::Response get(std::string_view target) { return request(make("GET", target)); }
    /** `GET @p target`, reporting through @p ec. */
    http::Response get(std::string_view target, std::error_code& ec) noexcept {
        return call("GET", target, {}, {}, ec);
    }
    /** `GET @p target` into @p response, reusing its storage (see
     *  request(const http::Request&, const Handlers&, http::Response&)). @throws Error. */
    void get(std::string_view target, http::Response& response) {
        request(make("GET", target), Handlers{}, response);
    }
    /** `GET @p target` into @p response, reusing its storage, reporting through @p ec. */
    void get(std::string_view target, http::Response& response, std::error_code& ec) noexcept;
    /** `GET @p target` with extra @p headers (a Headers object: a brace list in this place is
     *  a query, see the next overload). @throws Error. */
    http::Response get(std::string_view target, const http::Headers& headers) {
        return get(target, http::Query(), headers);
    }
    /** `GET @p target` with extra @p headers, reporting through @p ec. */
    http::Response get(std::string_view target, const http::Headers& headers,
                       std::error_code& ec) noexcept {
        return get(target, http::Query(), headers, ec);
    }
    /** `GET @p target` with the parameters @p query appended, percent-encoded:
     *  `cli.get("/search", {{"q", "a b"}})` asks for `/search?q=a%20b` (see http::with_query()).
     *  @throws Error. */
    http::Response get(std::string_view target,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> query) {
        return get(target, http::Query(query.begin(), query.end()));
    }
    /** `GET @p target` with @p query appended (percent-encoded, see http::with_query()) and
     *  extra @p headers. @throws Error. */
    http::Response get(std::string_view target, const http::Query& query,
                       const http::Headers& headers = http::Headers()) {
        return request(make("GET", http::with_query(target, query), {}, {}, &headers));
    }
    /** As get(std::string_view, const http::Query&, const http::Headers&), reporting through
     *  @p ec. */
    http::Response get(std::string_view target, const http::Query& query,
                       const http::Headers& headers, std::error_code& ec) noexcept {
        return guarded(
            [&] { return make("GET", http::with_query(target, query), {}, {}, &headers); }, ec);
    }
    /** `HEAD @p target` (no body). @throws Error. */
    http::Response head(std::string_view target) { return request(make("HEAD", target)); }
    /** `HEAD @p target`, reporting through @p ec. */
    http::Response head(std::string_view target, std::error_code& ec) noexcept {
        return call("HEAD", target, {}, {}, ec);
    }
    /** `DELETE @p target` (`delete` being a keyword). @throws Error. */
    http::Response remove(std::string_view target) { return request(make("DELETE", target)); }
    /** `DELETE @p target`, reporting through @p ec. */
    http::Response remove(std::string_view target, std::error_code& ec) noexcept {
        return call("DELETE", target, {}, {}, ec);
    }
    /** `OPTIONS @p target` (`*` for the server as a whole). @throws Error. */
    http::Response options_request(std::string_view target) {
        return request(make("OPTIONS", target));
    }
    /** `OPTIONS @p target`, reporting through @p ec. */
    http::Response options_request(std::string_view target, std::error_code& ec) noexcept {
        return call("OPTIONS", target, {}, {}, ec);
    }
    /** `POST @p target` with @p body of type @p content_type. @throws Error. */
    http::Response post(std::string_view target, std::string_view body,
                        std::string_view content_type = "application/octet-stream") {
        return request(make("POST", target, body, content_type));
    }
    /** `POST`, reporting through @p ec. */
    http::Response post(std::string_view target, std::string_view body,
                        std::string_view content_type, std::error_code& ec) noexcept {
        return call("POST", target, body, content_type, ec);
    }
    /** `POST @p target` with @p fields as an `application/x-www-form-urlencoded` body (what an
     *  HTML form sends): `cli.post_form("/login", {{"user", "ann"}, {"pw", "x y"}})`.
     *  @throws Error. */
    http::Response post_form(std::string_view target, const http::Query& fields) {
        return post(target, http::form_urlencoded(fields), form);
    }
    /** As post_form(std::string_view, const http::Query&), reporting through @p ec. */
    http::Response post_form(std::string_view target, const http::Query& fields,
                             std::error_code& ec) noexcept {
        return guarded([&] { return make("POST", target, http::form_urlencoded(fields), form); },
                       ec);
    }
    /** `PUT @p target` with @p body of type @p content_type. @throws Error. */
    http::Response put(std::string_view target, std::string_view body,
                       std::string_view content_type = "application/octet-stream") {
        return request(make("PUT", target, body, content_type));
    }
    /** `PUT`, reporting through @p ec. */
    http::Response put(std::string_view target, std::string_view body,
                       std::string_view content_type, std::error_code& ec) noexcept {
        return call("PUT", target, body, content_type, ec);
    }
    /** `PATCH @p target` with @p body of type @p content_type. @throws Error. */
    http::Response patch(std::string_view target, std::string_view body,
                         std::string_view content_type = "application/octet-stream") {
        return request(make("PATCH", target, body, content_type));
    }
    /** `PATCH`, reporting through @p ec. */
    http::Response patch(std::string_view target, std::string_view body,
                         std::string_view content_type, std::error_code& ec) noexcept {
        return call("PATCH", target, body, content_type, ec);
    }

    /** The options this client was built with. */
    const Options& options() const noexcept { return options_; }
    /** The base URL (empty when none). */
    const http::Url& base_url() const noexcept { return base_; }
    /** The number of idle connections in the pool. */
    std::size_t idle_connections() const noexcept { return pool_.size(); }
    /** The number of connections this client has opened so far (for tests and tuning). */
    std::uint64_t connections_opened() const noexcept { return opened_; }
    /** The number of TLS connections whose handshake resumed an earlier session of the same
     *  origin (an abbreviated handshake); 0 without TLS support. */
    std::uint64_t connections_resumed() const noexcept {
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        return tls_.resumed();
#else
        return 0;
#endif
    }
    /** Closes every idle pooled connection. */
    void close_idle() noexcept { pool_.clear(); }

private:
    struct Exchange;
    using Route = http::detail::Route;
    enum class Outcome { ok, failed, retry };
    enum class Reuse { pooled, fresh_only };  // may a pooled connection carry the request?

    static constexpr const char* form = "application/x-www-form-urlencoded";
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    static constexpr bool tls_built_in = true;
#else
    static constexpr bool tls_built_in = false;
#endif
    static http::Request make(std::string_view method, std::string_view target,
                              std::string_view body = {}, std::string_view content_type = {},
                              const http::Headers* headers = nullptr);
    http::Response call(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view content_type, std::error_code& ec) noexcept {
        return guarded([&] { return make(method, target, body, content_type); }, ec);
    }
    // Sends the request that make_request() builds; its std::bad_alloc becomes an error code.
    template <class Make>
    http::Response guarded(const Make& make_request, std::error_code& ec) noexcept {
        try {
            return request(make_request(), Handlers{}, ec);
        } catch (...) {
            ec = std::make_error_code(std::errc::not_enough_memory);
            return {};
        }
    }
    void run(const http::Request& req, const Handlers& h, http::Response& res, std::error_code& ec);
    bool locate(Exchange& x, std::error_code& ec);
    bool hop(Exchange& x, std::error_code& ec);
    Outcome attempt(Exchange& x, Reuse reuse, std::error_code& ec);
    bool serialize(const Exchange& x, std::error_code& ec);
    bool receive(Exchange& x, http::detail::BodyReader& reader, std::error_code& ec);
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    bool receive_decoded(Exchange& x, http::detail::BodyReader& reader,
                         const http::detail::BodySink& sink, http::ContentCoding coding,
                         std::error_code& ec);
#endif
    http::detail::PooledConnection acquire(const Exchange& x, Reuse reuse, std::error_code& ec);
    void fail(const char* op, const std::string& where) {
        err_op_ = op;
        err_where_ = where;
    }

    Options options_;
    http::Url base_;
    http::ResponseParser parser_;
    http::detail::Pool pool_;
    std::string wbuf_;  // the request head (and a small body): one send
    // The last target and where it led; when the request was plain (no fields, no body),
    // wbuf_ still holds its bytes. A keep-alive loop asks for the same paths again: resolving
    // and serializing anew cost some 8,000 instructions, half of a small GET.
    std::string last_target_;
    Route last_route_;  // empty until a first request
    bool wbuf_plain_ = false;
    std::string wbuf_method_;
    std::uint64_t opened_ = 0;
    const char* err_op_ = "request";
    std::string err_where_;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    http::detail::ClientTls tls_{options_.tls};
#endif
};

// ---------------------------------------------------------------------------------------------
// Implementation

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
    const Route* route = nullptr;   // where this hop goes: last_route_ or hop_route
    Route hop_route;                // a redirect's destination
    bool follow = true;             // whether a redirect is followed at all
    std::optional<http::Hop> next;  // the redirect this hop's response asks for
};
/// @endcond

inline HttpClient::HttpClient(const Options& options)
    : options_(options),
      parser_(http::detail::parser_limits(options.max_header_size, options.max_header_count)) {}

inline HttpClient::HttpClient(std::string_view base_url, const Options& options)
    : HttpClient(options) {
    std::error_code ec;
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https() && !tls_built_in) ec = http::errc::tls_not_enabled;
    if (ec) detail::throw_error(ec, "HttpClient", std::string(base_url));
}

inline HttpClient::HttpClient(std::string_view base_url, const Options& options,
                              std::error_code& ec)
    : options_(options),
      parser_(http::detail::parser_limits(options.max_header_size, options.max_header_count)) {
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https() && !tls_built_in) ec = http::errc::tls_not_enabled;
    if (ec) base_ = http::Url();
}

inline void HttpClient::request(const http::Request& req, const Handlers& h, http::Response& res) {
    std::error_code ec;
    try {
        run(req, h, res, ec);
    } catch (...) {  // a callback's exception (or bad_alloc): the connection is closed already
        http::detail::clear(res);
        throw;
    }
    if (ec) detail::throw_error(ec, err_op_, err_where_);
}

inline void HttpClient::request(const http::Request& req, const Handlers& h, http::Response& res,
                                std::error_code& ec) noexcept {
    try {
        run(req, h, res, ec);
    } catch (const std::bad_alloc&) {
        pool_.clear();
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::operation_canceled);
    }
}

inline void HttpClient::get(std::string_view target, http::Response& res,
                            std::error_code& ec) noexcept {
    try {
        request(make("GET", target), Handlers{}, res, ec);
    } catch (...) {  // std::bad_alloc from make()
        http::detail::clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

inline http::Request HttpClient::make(std::string_view method, std::string_view target,
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

inline void HttpClient::run(const http::Request& req, const Handlers& h, http::Response& res,
                            std::error_code& ec) {
    ec.clear();
    res.status = 0;  // the rest is overwritten by the head, or cleared on failure
    err_op_ = "request";
    err_where_.clear();
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
inline bool HttpClient::locate(Exchange& x, std::error_code& ec) {
    const std::string& target = x.request->target;
    if (last_route_.empty() || target != last_target_) {
        last_route_ = Route();
        wbuf_plain_ = false;
        http::Url url = http::detail::resolve(base_, target, ec);
        if (ec) return false;
        last_route_ = Route(std::move(url));
        last_target_ = target;
    }
    x.route = &last_route_;
    if (target != "*" && x.route->target != target) {  // origin-form is sent (RFC 9112 3.2.1)
        x.changed = *x.request;
        x.changed.target = x.route->target;
        x.request = &x.changed;
    }
    return true;
}

// One hop of the redirect chain: a try, and a second one on a fresh connection when a pooled
// connection turned out to be closed by the server.
inline bool HttpClient::hop(Exchange& x, std::error_code& ec) {
    if (x.route->url.is_https() && !tls_built_in) {
        ec = http::errc::tls_not_enabled;
        fail("request", x.route->text);
        return false;
    }
    Outcome o = attempt(x, Reuse::pooled, ec);
    if (o == Outcome::retry) o = attempt(x, Reuse::fresh_only, ec);
    return o == Outcome::ok;
}

inline HttpClient::Outcome HttpClient::attempt(Exchange& x, Reuse reuse, std::error_code& ec) {
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
    if (!http::detail::send_request(c, wbuf_, req, x.deadline, ec)) {
        if (can_retry && http::detail::stale(ec)) return Outcome::retry;
        fail("send", x.route->text);
        return Outcome::failed;
    }
    http::detail::BodyReader reader(c, parser_, req.method, x.deadline);
    if (!reader.head(x.response, ec)) {
        if (!reader.got_bytes() && can_retry && http::detail::stale(ec)) return Outcome::retry;
        fail(ec.category() == http::error_category() ? "parse response" : "read response",
             x.route->text);
        return Outcome::failed;
    }
    if (!receive(x, reader, ec)) return Outcome::failed;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    // TLS 1.3 sends its tickets after the handshake: they are in once a first response is.
    if (!c.reused && x.route->url.is_https()) tls_.remember(c);
#endif
    const bool closing =
        !options_.keep_alive || req.headers.joined("Connection").find("close") != std::string::npos;
    if (parser_.keep_alive() && !closing && c.pending().empty())
        pool_.put(std::move(c), options_.max_idle_connections);
    return Outcome::ok;
}

// The head (serializer, then what the client adds), and a small body in the same buffer.
inline bool HttpClient::serialize(const Exchange& x, std::error_code& ec) {
    const http::Request& req = *x.request;
    const bool streamed = static_cast<bool>(req.body_source.read);
    if (streamed && !req.body.empty()) {
        ec = std::make_error_code(std::errc::invalid_argument);  // two bodies
        return false;
    }
    // A plain request (no fields, no body) to the last route has the bytes of last time.
    const bool plain =
        req.headers.empty() && req.body.empty() && !streamed && x.route == &last_route_;
    if (plain && wbuf_plain_ && req.method == wbuf_method_) return true;
    wbuf_plain_ = false;
    wbuf_.clear();
    http::serialize_head(req, x.route->authority, wbuf_, ec);
    if (ec) return false;
    http::detail::finish_head(req, x.route->url.userinfo(), !options_.keep_alive, wbuf_);
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
    if (options_.decompress && !req.headers.contains("Accept-Encoding")) {
        wbuf_.resize(wbuf_.size() - 2);  // before the empty line
        wbuf_ += "Accept-Encoding: gzip, deflate\r\n\r\n";
    }
#endif
    // One send for head and body, unless the body is large (then copying it costs more).
    if (req.body.size() <= http::detail::inline_body) wbuf_ += req.body;
    if (plain) wbuf_method_ = req.method;
    wbuf_plain_ = plain;
    return true;
}

// After the head: whether the response is a redirect to follow (then its body is read and
// dropped), the head callback, then the body.
inline bool HttpClient::receive(Exchange& x, http::detail::BodyReader& reader,
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
    if (options_.decompress && !x.next && parser_.body_kind() != http::BodyKind::none) {
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
inline bool HttpClient::receive_decoded(Exchange& x, http::detail::BodyReader& reader,
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

inline http::detail::PooledConnection HttpClient::acquire(const Exchange& x, Reuse reuse,
                                                          std::error_code& ec) {
    const http::Request& req = *x.request;
    // A request that must not be repeated is only sent on a pooled connection checked first;
    // the others are retried when the connection proves stale.
    const bool check = !http::detail::idempotent(req.method) || req.body_source.read;
    if (reuse == Reuse::pooled) {
        http::detail::PooledConnection c =
            pool_.take(x.route->key,
                       check ? http::detail::Pool::Check::alive : http::detail::Pool::Check::none);
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
    ++opened_;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    timeout = x.deadline.remaining();  // the handshake has the same bound as the connect
    if (options_.connect_timeout < timeout) timeout = options_.connect_timeout;
    if (x.route->url.is_https() && !tls_.secure(c, *x.route, Deadline::after(timeout), ec)) {
        fail("tls handshake", x.route->text);
        return http::detail::PooledConnection();
    }
#endif
    return c;
}

}  // namespace socklite

#endif  // SOCKLITE_HTTP_CLIENT_HPP
