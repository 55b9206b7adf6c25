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
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../config.hpp"
#include "../detail/function.hpp"
#include "../error.hpp"
#include "client_options.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "message.hpp"
#include "url.hpp"

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
#include "content_coding.hpp"
#endif

namespace socklite {

/// @cond INTERNAL
namespace http {
namespace detail {
struct BodySink;
class BodyReader;
struct PooledConnection;
struct Route;
}  // namespace detail
}  // namespace http
/// @endcond

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
    /** Takes over @p other's pool and settings; @p other may then only be assigned to or
     *  destroyed. */
    HttpClient(HttpClient&&) noexcept;
    /** Takes over @p other's pool and settings, closing this client's connections. */
    HttpClient& operator=(HttpClient&&) noexcept;
    /** Closes every pooled connection. */
    ~HttpClient();

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
    std::size_t idle_connections() const noexcept;
    /** The number of connections this client has opened so far (for tests and tuning). */
    std::uint64_t connections_opened() const noexcept;
    /** The number of TLS connections whose handshake resumed an earlier session of the same
     *  origin (an abbreviated handshake); 0 without TLS support. */
    std::uint64_t connections_resumed() const noexcept;
    /** Closes every idle pooled connection. */
    void close_idle() noexcept;

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
    void fail(const char* op, const std::string& where);

    struct State;
    Options options_;
    http::Url base_;
    // The parser, the pool, the last request's bytes: owned. A raw pointer, not std::unique_ptr,
    // whose instantiations cost the minimal GET program 4% of its compile time at -O0 (see
    // docs/benchmarks.md, "Compiled once").
    State* s_;
};

}  // namespace socklite

#if SOCKLITE_WITH_DEFINITIONS
#include "impl/client.hpp"
#endif

#endif  // SOCKLITE_HTTP_CLIENT_HPP
