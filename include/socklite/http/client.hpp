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
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../address.hpp"
#include "../deadline.hpp"
#include "../error.hpp"
#include "../socket.hpp"
#include "detail/body_reader.hpp"
#include "detail/pool.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "message.hpp"
#include "parser.hpp"
#include "redirect.hpp"
#include "serializer.hpp"
#include "url.hpp"

namespace socklite {

/** The limits and timeouts of an HttpClient. Timeouts follow the library's rule:
 *  socklite::no_timeout is no limit, zero or less has expired already. */
struct HttpClientOptions {
    /** Longest wait for a TCP connection to be established (resolution included). */
    std::chrono::milliseconds connect_timeout{10000};
    /** Idle timeout: longest wait for the next byte of the response, or for the socket to
     *  accept more of the request (`std::errc::timed_out`). */
    std::chrono::milliseconds read_timeout{30000};
    /** Deadline for a whole request() call: connects, retries, redirects and bodies
     *  included (`std::errc::timed_out`); http::Request::timeout overrides it per request. */
    std::chrono::milliseconds deadline = no_timeout;
    /** Largest response body accepted, buffered or streamed (http::errc::body_too_large). */
    std::uint64_t max_body_size = 256u * 1024 * 1024;
    /** Largest response header section in bytes (http::errc::header_too_large). */
    std::size_t max_header_size = 64 * 1024;
    /** Most response header fields (http::errc::too_many_headers). */
    std::size_t max_header_count = 100;
    /** Most redirects followed per request; a longer chain is http::errc::too_many_redirects.
     *  Zero returns the 3xx response itself. */
    int max_redirects = 10;
    /** Keep connections open between requests (false sends `Connection: close`). */
    bool keep_alive = true;
    /** Most idle connections kept in the pool (all origins together). */
    std::size_t max_idle_connections = 8;
    /** When not empty, every connection goes to this Unix-domain socket (a path, or `@name`
     *  in the abstract namespace) instead of the URL's host and port, which still make the
     *  `Host` field: `http://localhost/v1.43/info` with `/var/run/docker.sock` asks Docker. */
    std::string unix_socket;
};

/** A blocking HTTP/1.1 client: one request at a time, connections kept alive and reused.
 *
 *  Connections are pooled per origin (scheme, host and port) and reused while the server keeps
 *  them open; `Connection: close` and HTTP/1.0 responses are honoured. A pooled connection that
 *  the server closed meanwhile is detected (end of stream or reset before any byte of the
 *  response, or a check that never waits before a non-idempotent request), and an idempotent
 *  request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is then retried once on a fresh connection.
 *  Redirects follow http::next_hop() up to Options::max_redirects; Response::url tells where
 *  they ended. `user:password@` in a URL is sent as Basic authentication. Bodies arrive whole in
 *  Response::body, or piece by piece through Handlers::on_body so that a download never has to
 *  fit in memory; uploads can come from a http::BodySource in the same way.
 *
 *  A small request on a kept-alive connection costs two system calls: one `send` of the whole
 *  request (head and small body in one buffer) and, usually, one `recv` of the whole response.
 *  Every byte goes through Socket::read_some() and Socket::write_some().
 *
 *  Names: options() is the configuration (of type Options), so the `OPTIONS` method is
 *  options_request(); `delete` is a C++ keyword, so the `DELETE` method is remove().
 *  `https://` URLs fail with http::errc::tls_not_enabled. Every request has a throwing overload
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
    using BodyCallback = std::function<bool(std::string_view data)>;
    /** Told how many body bytes arrived so far, and the total when `Content-Length` gave it;
     *  the last call has received == total (also when the total was not known before). */
    using ProgressCallback =
        std::function<void(std::uint64_t received, std::optional<std::uint64_t> total)>;
    /** Sees the final response's status line and headers before its body. Return false to
     *  abort (`std::errc::operation_canceled`). */
    using HeadCallback = std::function<bool(const http::Response& head)>;

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
    http::Response request(const http::Request& request, const Handlers& handlers = Handlers{});
    /** As request(const http::Request&, const Handlers&), reporting through @p ec; a callback
     *  that throws makes the request fail with `std::errc::operation_canceled`. */
    http::Response request(const http::Request& request, const Handlers& handlers,
                           std::error_code& ec) noexcept;
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
        http::Request r = make("GET", http::with_query(target, query));
        r.headers = headers;
        return request(r);
    }
    /** As get(std::string_view, const http::Query&, const http::Headers&), reporting through
     *  @p ec. */
    http::Response get(std::string_view target, const http::Query& query,
                       const http::Headers& headers, std::error_code& ec) noexcept;
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
        return post(target, http::form_urlencoded(fields), "application/x-www-form-urlencoded");
    }
    /** As post_form(std::string_view, const http::Query&), reporting through @p ec. */
    http::Response post_form(std::string_view target, const http::Query& fields,
                             std::error_code& ec) noexcept;
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
    /** Closes every idle pooled connection. */
    void close_idle() noexcept { pool_.clear(); }

private:
    struct Route;
    struct Exchange;
    using ConnectionPtr = std::unique_ptr<http::detail::Connection>;
    enum class Outcome { ok, failed, retry };
    enum class Reuse { pooled, fresh_only };  // may a pooled connection carry the request?

    static http::Request make(std::string_view method, std::string_view target,
                              std::string_view body = {}, std::string_view content_type = {});
    http::Response call(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view content_type, std::error_code& ec) noexcept;
    void run(const http::Request& req, const Handlers& h, http::Response& res, std::error_code& ec);
    bool locate(Exchange& x, std::error_code& ec);
    bool hop(Exchange& x, std::error_code& ec);
    Outcome attempt(Exchange& x, Reuse reuse, std::error_code& ec);
    bool serialize(const Exchange& x, std::error_code& ec);
    bool send_request(const Exchange& x, http::detail::Connection& c, std::error_code& ec);
    bool receive(Exchange& x, http::detail::BodyReader& reader, std::error_code& ec);
    ConnectionPtr acquire(const Exchange& x, Reuse reuse, std::error_code& ec);
    ConnectionPtr open(const Exchange& x, std::error_code& ec);
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
    std::unique_ptr<Route> last_route_;
    bool wbuf_plain_ = false;
    std::string wbuf_method_;
    std::uint64_t opened_ = 0;
    const char* err_op_ = "request";
    std::string err_where_;
};

// ---------------------------------------------------------------------------------------------
// Implementation

/// @cond INTERNAL
/** Where a request goes: the resolved URL and what an exchange needs of it. */
struct HttpClient::Route {
    explicit Route(http::Url u)
        : url(std::move(u)),
          target(url.target()),
          authority(url.authority()),
          key(url.origin()),
          text(url.str()) {}
    http::Url url;
    std::string target;     // the request target sent (origin-form: path and query)
    std::string authority;  // its Host field
    std::string key;        // its origin: which pooled connections fit
    std::string text;       // the whole URL, for messages and Response::url
};

/** One request on its way through redirects: where it goes now and what it sends. */
struct HttpClient::Exchange {
    Exchange(const Handlers& h, http::Response& res, const http::Request& req,
             const Options& o) noexcept
        : handlers(h),
          response(res),
          deadline(Deadline::after(req.timeout.value_or(o.deadline))),
          max_body(req.max_body_size.value_or(o.max_body_size)),
          request(&req) {}

    const Handlers& handlers;
    http::Response& response;
    Deadline deadline;       // the whole request, redirects included
    std::uint64_t max_body;  // largest body accepted
    const http::Request* request;  // what this hop sends: the caller's, or *changed
    std::optional<http::Request> changed;  // a copy, once the target or a redirect changed it
    const Route* route = nullptr;           // where this hop goes: *last_route_ or hop_route
    std::optional<Route> hop_route;         // a redirect's destination
    bool follow = true;                     // whether a redirect is followed at all
    std::optional<http::Hop> next;          // the redirect this hop's response asks for
};
/// @endcond

namespace detail {

inline bool http_idempotent(std::string_view m) noexcept {
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS" ||
           m == "TRACE";
}

inline bool http_is_absolute(std::string_view t) noexcept {  // scheme ":" (RFC 3986 section 3.1)
    std::size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    for (std::size_t i = 0; i < colon; ++i) {
        char c = t[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) return false;
    }
    return true;
}

/** Errors that mean "the server closed a kept-alive connection before reading the request". */
inline bool http_stale_error(const std::error_code& ec) noexcept {
    return ec == std::errc::connection_reset || ec == std::errc::broken_pipe ||
           ec == std::errc::connection_aborted || ec == socklite::errc::unexpected_eof;
}

/** Empties @p res (status 0), keeping the capacity of its strings and lists. */
inline void http_clear(http::Response& res) noexcept {
    res.status = 0;
    res.reason.clear();
    res.version = 11;
    res.headers.clear();
    res.body.clear();
    res.trailers.clear();
    res.url.clear();
}

inline http::ParserLimits http_limits(const HttpClient::Options& o) noexcept {
    http::ParserLimits l;
    l.max_header_bytes = o.max_header_size;
    l.max_fields = o.max_header_count;
    return l;
}

}  // namespace detail

inline HttpClient::HttpClient(const Options& options)
    : options_(options), parser_(detail::http_limits(options)) {}

inline HttpClient::HttpClient(std::string_view base_url, const Options& options)
    : HttpClient(options) {
    std::error_code ec;
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https()) ec = http::errc::tls_not_enabled;
    if (ec) detail::throw_error(ec, "HttpClient", std::string(base_url));
}

inline HttpClient::HttpClient(std::string_view base_url, const Options& options,
                              std::error_code& ec)
    : options_(options), parser_(detail::http_limits(options)) {
    base_ = http::Url::parse(base_url, ec);
    if (!ec && base_.is_https()) ec = http::errc::tls_not_enabled;
    if (ec) base_ = http::Url();
}

inline http::Response HttpClient::request(const http::Request& req, const Handlers& h) {
    http::Response res;
    request(req, h, res);
    return res;
}

inline http::Response HttpClient::request(const http::Request& req, const Handlers& h,
                                          std::error_code& ec) noexcept {
    http::Response res;
    request(req, h, res, ec);
    return res;
}

inline void HttpClient::request(const http::Request& req, const Handlers& h, http::Response& res) {
    std::error_code ec;
    try {
        run(req, h, res, ec);
    } catch (...) {  // a callback's exception (or bad_alloc): the connection is closed already
        detail::http_clear(res);
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
        detail::http_clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
        detail::http_clear(res);
        ec = std::make_error_code(std::errc::operation_canceled);
    }
}

inline void HttpClient::get(std::string_view target, http::Response& res,
                            std::error_code& ec) noexcept {
    try {
        request(make("GET", target), Handlers{}, res, ec);
    } catch (...) {  // std::bad_alloc from make()
        detail::http_clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

inline http::Response HttpClient::get(std::string_view target, const http::Query& query,
                                      const http::Headers& headers, std::error_code& ec) noexcept {
    try {
        http::Request r = make("GET", http::with_query(target, query));
        r.headers = headers;
        return request(r, Handlers{}, ec);
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
}

inline http::Response HttpClient::post_form(std::string_view target, const http::Query& fields,
                                            std::error_code& ec) noexcept {
    try {
        return call("POST", target, http::form_urlencoded(fields),
                    "application/x-www-form-urlencoded", ec);
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
}

inline http::Request HttpClient::make(std::string_view method, std::string_view target,
                                      std::string_view body, std::string_view content_type) {
    http::Request r;
    r.method.assign(method.data(), method.size());
    r.target.assign(target.data(), target.size());
    r.body.assign(body.data(), body.size());
    if (!content_type.empty()) r.headers.add("Content-Type", content_type);
    return r;
}

inline http::Response HttpClient::call(std::string_view method, std::string_view target,
                                       std::string_view body, std::string_view content_type,
                                       std::error_code& ec) noexcept {
    try {
        return request(make(method, target, body, content_type), Handlers{}, ec);
    } catch (...) {  // std::bad_alloc from make()
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
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
    if (!locate(x, ec)) {
        fail("parse URL", req.target);
        detail::http_clear(res);
        return;
    }
    for (;;) {
        if (!hop(x, ec)) {
            detail::http_clear(res);
            return;
        }
        if (!x.next) break;
        if (redirects_left-- == 0) {
            ec = http::errc::too_many_redirects;
            fail("redirect", x.route->text);
            detail::http_clear(res);
            return;
        }
        x.changed = std::move(x.next->request);
        x.request = &*x.changed;
        x.hop_route.emplace(std::move(x.next->url));
        x.route = &*x.hop_route;
    }
    if (res.url != x.route->text) res.url = x.route->text;
}

// Resolves the request's target: an absolute URL, a reference against the base URL, or `*`
// (OPTIONS for the server as a whole). The request is copied only when its target changes.
inline bool HttpClient::locate(Exchange& x, std::error_code& ec) {
    const std::string& target = x.request->target;
    if (!last_route_ || target != last_target_) {
        last_route_.reset();
        wbuf_plain_ = false;
        http::Url url;
        if (target == "*" && !base_.empty()) {
            url = base_;
        } else if (detail::http_is_absolute(target)) {
            url = http::Url::parse(target, ec);
        } else if (!base_.empty()) {
            url = base_.resolve(target, ec);
        } else {
            ec = http::errc::bad_url;
        }
        if (ec) return false;
        last_route_.reset(new Route(std::move(url)));
        last_target_ = target;
    }
    x.route = last_route_.get();
    if (target != "*" && x.route->target != target) {  // origin-form is sent (RFC 9112 3.2.1)
        x.changed = *x.request;
        x.changed->target = x.route->target;
        x.request = &*x.changed;
    }
    return true;
}

// One hop of the redirect chain: a try, and a second one on a fresh connection when a pooled
// connection turned out to be closed by the server.
inline bool HttpClient::hop(Exchange& x, std::error_code& ec) {
    if (x.route->url.is_https()) {
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
    ConnectionPtr c = acquire(x, reuse, ec);
    if (!c) {
        fail("connect", x.route->text);
        return Outcome::failed;
    }
    // Only a request that may be sent twice is retried (RFC 9110 section 9.2.2).
    const bool can_retry = c->reused && reuse == Reuse::pooled &&
                           detail::http_idempotent(req.method) && !req.body_source.read;
    if (!send_request(x, *c, ec)) {
        if (can_retry && detail::http_stale_error(ec)) return Outcome::retry;
        fail("send", x.route->text);
        return Outcome::failed;
    }
    parser_.reset();
    parser_.request_method(req.method);
    http::detail::BodyReader reader(*c, parser_, x.deadline);
    if (!reader.head(x.response, ec)) {
        if (!reader.got_bytes() && can_retry && detail::http_stale_error(ec))
            return Outcome::retry;
        fail(ec.category() == http::error_category() ? "parse response" : "read response",
             x.route->text);
        return Outcome::failed;
    }
    if (!receive(x, reader, ec)) return Outcome::failed;
    const bool closing = !options_.keep_alive || req.headers.joined("Connection").find("close") !=
                                                     std::string::npos;
    if (parser_.keep_alive() && !closing && c->pending().empty()) {
        c->begin = c->end = 0;
        pool_.put(std::move(c), options_.max_idle_connections);
    }
    return Outcome::ok;
}

// The head: the request line and fields by the serializer, then what the client adds: framing
// of a streamed body, Basic credentials from the URL, `Connection: close`.
inline bool HttpClient::serialize(const Exchange& x, std::error_code& ec) {
    const http::Request& req = *x.request;
    const bool streamed = static_cast<bool>(req.body_source.read);
    if (streamed && !req.body.empty()) {
        ec = std::make_error_code(std::errc::invalid_argument);  // two bodies
        return false;
    }
    // A plain request (no fields, no body) to the last route has the bytes of last time.
    const bool plain = req.headers.empty() && req.body.empty() && !streamed &&
                       x.route == last_route_.get();
    if (plain && wbuf_plain_ && req.method == wbuf_method_) return true;
    wbuf_plain_ = false;
    wbuf_.clear();
    http::serialize_head(req, x.route->authority, wbuf_, ec);
    if (ec) return false;
    wbuf_.resize(wbuf_.size() - 2);  // reopened: the empty line comes last
    if (streamed) {
        // The serializer writes `Content-Length: 0` last for an empty POST/PUT/PATCH body.
        static constexpr std::string_view zero = "Content-Length: 0\r\n";
        if (wbuf_.size() >= zero.size() &&
            std::string_view(wbuf_).substr(wbuf_.size() - zero.size()) == zero)
            wbuf_.resize(wbuf_.size() - zero.size());
        wbuf_ += req.body_source.length ? "Content-Length: " + std::to_string(*req.body_source.length)
                                        : std::string("Transfer-Encoding: chunked");
        wbuf_ += "\r\n";
    }
    if (!x.route->url.userinfo().empty() && !req.headers.contains("Authorization")) {
        wbuf_ += "Authorization: ";
        wbuf_ += http::basic_authorization(x.route->url.userinfo());
        wbuf_ += "\r\n";
    }
    if (!options_.keep_alive && !req.headers.contains("Connection"))
        wbuf_ += "Connection: close\r\n";
    wbuf_ += "\r\n";
    // One send for head and body, unless the body is large (then copying it costs more).
    if (req.body.size() <= 64 * 1024) wbuf_ += req.body;
    if (plain) wbuf_method_ = req.method;
    wbuf_plain_ = plain;
    return true;
}

inline bool HttpClient::send_request(const Exchange& x, http::detail::Connection& c,
                                     std::error_code& ec) {
    const http::Request& req = *x.request;
    if (!http::detail::write_all(c, wbuf_, x.deadline, ec)) return false;
    if (req.body_source.read) return http::detail::send_source(c, req.body_source, x.deadline, ec);
    if (req.body.size() > 64 * 1024) return http::detail::write_all(c, req.body, x.deadline, ec);
    return true;
}

// After the head: whether the response is a redirect to follow (then its body is read and
// dropped), the head callback, then the body.
inline bool HttpClient::receive(Exchange& x, http::detail::BodyReader& reader,
                                std::error_code& ec) {
    http::Response& res = x.response;
    x.next.reset();
    if (x.follow) {
        x.next = http::next_hop(*x.request, res.status, res.headers.get("Location"),
                                x.route->url, ec);
        if (ec) {
            fail("redirect", x.route->text);
            return false;
        }
    }
    http::detail::BodySink sink;
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
    if (!reader.body(sink, x.max_body, ec)) {
        const bool protocol = ec.category() == http::error_category();
        fail(protocol ? "parse response" : "read response", x.route->text);
        return false;
    }
    return true;
}

inline HttpClient::ConnectionPtr HttpClient::acquire(const Exchange& x, Reuse reuse,
                                                     std::error_code& ec) {
    const http::Request& req = *x.request;
    // A request that must not be repeated goes on a pooled connection only after a check that
    // never waits (an expired deadline): end of stream, an error or stray bytes mean the server
    // is done with it. The others are simply retried when the connection proves stale.
    const bool check = !detail::http_idempotent(req.method) || req.body_source.read;
    while (reuse == Reuse::pooled) {
        ConnectionPtr c = pool_.take(x.route->key);
        if (!c) break;
        if (check) {
            char byte;
            std::error_code quiet;
            c->socket.read_some(&byte, 1, Deadline::after(std::chrono::milliseconds::zero()),
                                quiet);
            if (quiet != std::errc::timed_out) continue;
        }
        c->reused = true;
        ec.clear();
        return c;
    }
    return open(x, ec);
}

inline HttpClient::ConnectionPtr HttpClient::open(const Exchange& x, std::error_code& ec) {
    std::chrono::milliseconds timeout = x.deadline.remaining();
    if (options_.connect_timeout < timeout) timeout = options_.connect_timeout;
    const bool local = !options_.unix_socket.empty();
    Socket s;
    if (local) {
        Address a = Address::unix_path(options_.unix_socket, ec);
        if (!ec) s = Socket::connect(a, timeout, ec);
    } else {
        s = Socket::connect(x.route->url.host(), x.route->url.port(), timeout, ec);
    }
    if (ec) return nullptr;
    ++opened_;
    if (!local) s.nodelay(true, ec);  // the request leaves in one send: no reason to wait
    if (!ec) s.read_timeout(options_.read_timeout, ec);
    if (!ec) s.write_timeout(options_.read_timeout, ec);
    if (ec) return nullptr;
    ConnectionPtr c(new http::detail::Connection);
    c->key = x.route->key;
    c->socket = std::move(s);
    return c;
}

}  // namespace socklite

#endif  // SOCKLITE_HTTP_CLIENT_HPP
