// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_CLIENT_HPP
#define SOCKLITE_HTTP_CLIENT_HPP

/** @file
 *  socklite::HttpClient: a blocking HTTP/1.1 client with a keep-alive connection pool,
 *  redirects, timeouts and streaming bodies. */

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <sys/socket.h>

#include "../detail/function.hpp"
#include "../detail/syscall.hpp"
#include "../error.hpp"
#include "error.hpp"
#include "../socket.hpp"
#include "message.hpp"
#include "parser.hpp"
#include "serializer.hpp"
#include "url.hpp"

namespace socklite {

/** The limits and timeouts of an HttpClient; zero durations mean "no limit". */
struct HttpClientOptions {
    /** Longest wait for a TCP connection to be established (resolution included). */
    std::chrono::milliseconds connect_timeout{10000};
    /** Idle timeout: longest wait for the next byte of the response, or for the socket to
     *  accept more of the request (`std::errc::timed_out`). */
    std::chrono::milliseconds read_timeout{30000};
    /** Deadline for a whole request() call: connects, retries, redirects and bodies
     *  included (`std::errc::timed_out`); zero (the default) means none. */
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
};

/** A blocking HTTP/1.1 client: one request at a time, connections kept alive and reused.
 *
 *  Connections are pooled per origin (scheme, host and port) and reused while the server keeps
 *  them open; `Connection: close` and HTTP/1.0 responses are honoured. A pooled connection that
 *  the server closed meanwhile is detected (end of stream or reset before any byte of the
 *  response, or a non-blocking peek before a non-idempotent request), and an idempotent request
 *  (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is then retried once on a fresh connection.
 *  Redirects (301, 302, 303, 307, 308) are followed up to Options::max_redirects: 303, and 301
 *  or 302 after a POST, become a GET without body; 307 and 308 keep the method and body;
 *  `Authorization` and `Cookie` are dropped when the origin changes; a relative `Location` is
 *  resolved against the request's URL. Bodies arrive whole in Response::body, or piece by piece through
 *  Handlers::on_body so that a download never has to fit in memory.
 *
 *  A small request on a kept-alive connection costs two system calls: one `send` of the whole
 *  request (head and small body in one buffer) and, usually, one `recv` of the whole response
 *  (blocking in the kernel with `SO_RCVTIMEO` as the idle timeout). Large `Content-Length`
 *  bodies are received straight into Response::body, without an intermediate copy.
 *
 *  `https://` URLs fail with http::errc::tls_not_enabled. Every request has a throwing overload
 *  (socklite::Error, whose what() names the failed step and the URL, e.g.
 *  `connect http://127.0.0.1:1/: Connection refused`) and a `noexcept` one taking
 *  `std::error_code&`. An HttpClient is not thread-safe: use one per thread.
 *
 *  @par Example
 *  @code
 *  socklite::HttpClient cli("http://127.0.0.1:8080");
 *  auto res = cli.get("/index.html");
 *  std::cout << res.status << ' ' << res.headers.get("content-type") << '\n' << res.body;
 *  @endcode */
class HttpClient {
public:
    /** Limits and timeouts (see HttpClientOptions). */
    using Options = HttpClientOptions;

    /** Receives the body as it arrives (decoded from chunked); return false to abort the
     *  request (`std::errc::operation_canceled`). The view is valid during the call only. */
    using BodyCallback = detail::Function<bool(std::string_view data)>;
    /** Told how many body bytes arrived so far, and the total when `Content-Length` gave it. */
    using ProgressCallback =
        detail::Function<void(std::uint64_t received, std::optional<std::uint64_t> total)>;
    /** Sees the final response's status line and headers before its body. Return false to
     *  abort (`std::errc::operation_canceled`). */
    using HeadCallback = detail::Function<bool(const http::Response& head)>;

    /** Optional per-request callbacks, for streaming. Only the final response (after
     *  redirects) reaches them. */
    struct Handlers {
        HeadCallback on_head;          ///< called once the final head has arrived
        BodyCallback on_body;          ///< when set, the body goes here, not to Response::body
        ProgressCallback on_progress;  ///< called after each piece of the body
    };

    /** A client without a base URL: requests must name absolute `http://` URLs. */
    HttpClient() : HttpClient(Options{}) {}
    /** A client without a base URL, with @p options. */
    explicit HttpClient(const Options& options);
    /** A client whose relative targets (`/index.html`) resolve against @p base_url
     *  (`http://host[:port][/prefix]`).
     *  @throws Error with http::errc::bad_url, http::errc::unsupported_scheme or http::errc::tls_not_enabled. */
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
     *  @param request method, target, extra headers and body
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
     *  has grown, and a body of the same size as the last one is received without touching
     *  fresh memory. On failure @p response is left empty (status 0), its storage kept.
     *  @param request method, target, extra headers and body
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
    http::Response get(std::string_view target) { return simple("GET", target, {}, {}, nullptr); }
    /** `GET @p target`, reporting through @p ec. */
    http::Response get(std::string_view target, std::error_code& ec) noexcept {
        return simple("GET", target, {}, {}, nullptr, ec);
    }
    /** `GET @p target` into @p response, reusing its storage (see
     *  request(const http::Request&, const Handlers&, http::Response&)). @throws Error. */
    void get(std::string_view target, http::Response& response) {
        request(prepare("GET", target, {}, {}, nullptr), Handlers{}, response);
    }
    /** `GET @p target` into @p response, reusing its storage, reporting through @p ec. */
    void get(std::string_view target, http::Response& response, std::error_code& ec) noexcept;
    /** `GET @p target` with extra @p headers. @throws Error. */
    http::Response get(std::string_view target, const http::Headers& headers) {
        return simple("GET", target, {}, {}, &headers);
    }
    /** `GET @p target` with extra @p headers, reporting through @p ec. */
    http::Response get(std::string_view target, const http::Headers& headers,
                       std::error_code& ec) noexcept {
        return simple("GET", target, {}, {}, &headers, ec);
    }
    /** `HEAD @p target` (no body). @throws Error. */
    http::Response head(std::string_view target) { return simple("HEAD", target, {}, {}, nullptr); }
    /** `HEAD @p target`, reporting through @p ec. */
    http::Response head(std::string_view target, std::error_code& ec) noexcept {
        return simple("HEAD", target, {}, {}, nullptr, ec);
    }
    /** `DELETE @p target`. @throws Error. */
    http::Response del(std::string_view target) {
        return simple("DELETE", target, {}, {}, nullptr);
    }
    /** `DELETE @p target`, reporting through @p ec. */
    http::Response del(std::string_view target, std::error_code& ec) noexcept {
        return simple("DELETE", target, {}, {}, nullptr, ec);
    }
    /** `OPTIONS @p target` (`*` for the server as a whole). @throws Error. */
    http::Response options(std::string_view target) {
        return simple("OPTIONS", target, {}, {}, nullptr);
    }
    /** `OPTIONS @p target`, reporting through @p ec. */
    http::Response options(std::string_view target, std::error_code& ec) noexcept {
        return simple("OPTIONS", target, {}, {}, nullptr, ec);
    }
    /** `POST @p target` with @p body of type @p content_type. @throws Error. */
    http::Response post(std::string_view target, std::string_view body,
                        std::string_view content_type = "application/octet-stream") {
        return simple("POST", target, body, content_type, nullptr);
    }
    /** `POST`, reporting through @p ec. */
    http::Response post(std::string_view target, std::string_view body,
                        std::string_view content_type, std::error_code& ec) noexcept {
        return simple("POST", target, body, content_type, nullptr, ec);
    }
    /** `PUT @p target` with @p body of type @p content_type. @throws Error. */
    http::Response put(std::string_view target, std::string_view body,
                       std::string_view content_type = "application/octet-stream") {
        return simple("PUT", target, body, content_type, nullptr);
    }
    /** `PUT`, reporting through @p ec. */
    http::Response put(std::string_view target, std::string_view body,
                       std::string_view content_type, std::error_code& ec) noexcept {
        return simple("PUT", target, body, content_type, nullptr, ec);
    }
    /** `PATCH @p target` with @p body of type @p content_type. @throws Error. */
    http::Response patch(std::string_view target, std::string_view body,
                         std::string_view content_type = "application/octet-stream") {
        return simple("PATCH", target, body, content_type, nullptr);
    }
    /** `PATCH`, reporting through @p ec. */
    http::Response patch(std::string_view target, std::string_view body,
                         std::string_view content_type, std::error_code& ec) noexcept {
        return simple("PATCH", target, body, content_type, nullptr, ec);
    }

    /** The options this client was built with. */
    const Options& settings() const noexcept { return options_; }
    /** The base URL (empty when none). */
    const http::Url& base_url() const noexcept { return base_; }
    /** The number of idle connections in the pool. */
    std::size_t idle_connections() const noexcept { return pool_.size(); }
    /** The number of TCP connections this client has opened so far (for tests and tuning). */
    std::uint64_t connections_opened() const noexcept { return opened_; }
    /** Closes every idle pooled connection. */
    void close_idle() noexcept { pool_.clear(); }

private:
    struct Conn;
    // The owner of one connection (a tiny unique_ptr: fewer templates to compile).
    class ConnPtr {
    public:
        ConnPtr() noexcept = default;
        explicit ConnPtr(Conn* c) noexcept : c_(c) {}
        ConnPtr(ConnPtr&& o) noexcept : c_(o.release()) {}
        ConnPtr& operator=(ConnPtr&& o) noexcept {
            reset(o.release());
            return *this;
        }
        ConnPtr(const ConnPtr&) = delete;
        ConnPtr& operator=(const ConnPtr&) = delete;
        ~ConnPtr() { reset(nullptr); }
        Conn* operator->() const noexcept { return c_; }
        Conn& operator*() const noexcept { return *c_; }
        explicit operator bool() const noexcept { return c_ != nullptr; }
        Conn* release() noexcept {
            Conn* c = c_;
            c_ = nullptr;
            return c;
        }
        void reset(Conn* c) noexcept;

    private:
        Conn* c_ = nullptr;
    };
    // The idle connections: a list, most recently used first.
    class Pool {
    public:
        Pool() noexcept = default;
        Pool(Pool&& o) noexcept : head_(o.head_), size_(o.size_) {
            o.head_ = nullptr;
            o.size_ = 0;
        }
        Pool& operator=(Pool&& o) noexcept {
            if (this != &o) {
                clear();
                head_ = o.head_;
                size_ = o.size_;
                o.head_ = nullptr;
                o.size_ = 0;
            }
            return *this;
        }
        Pool(const Pool&) = delete;
        Pool& operator=(const Pool&) = delete;
        ~Pool() { clear(); }
        std::size_t size() const noexcept { return size_; }
        void clear() noexcept;
        ConnPtr take(const std::string& key) noexcept;  // the newest for key, or empty
        void put(ConnPtr c, std::size_t max) noexcept;  // closes the oldest beyond max

    private:
        Conn* head_ = nullptr;
        std::size_t size_ = 0;
    };
    enum class Outcome { ok, failed, retry };

    http::Response simple(const char* method, std::string_view target, std::string_view body,
                          std::string_view content_type, const http::Headers* headers);
    http::Response simple(const char* method, std::string_view target, std::string_view body,
                          std::string_view content_type, const http::Headers* headers,
                          std::error_code& ec) noexcept;
    const http::Request& prepare(const char* method, std::string_view target, std::string_view body,
                                 std::string_view content_type, const http::Headers* headers);
    void run(const http::Request& req, const Handlers& h, http::Response& res, std::error_code& ec);
    Outcome exchange(const http::Url& url, const std::string& authority, const std::string& key,
                     const http::Request& req, bool final_hop, const Handlers& h,
                     const detail::Deadline& dl, bool fresh_only, http::Response& res,
                     std::error_code& ec);
    ConnPtr acquire(const std::string& key, const http::Url& url, bool careful, bool fresh_only,
                    const detail::Deadline& dl, std::error_code& ec);
    void release(ConnPtr c) noexcept;
    std::size_t io_some(Conn& c, bool sending, char* p, std::size_t n, const detail::Deadline& dl,
                        std::error_code& ec) noexcept;
    bool send_all(Conn& c, const char* p, std::size_t n, const detail::Deadline& dl,
                  std::error_code& ec) noexcept;
    bool read_body(Conn& c, const Handlers& h, bool deliver, const detail::Deadline& dl,
                   http::Response& res, std::error_code& ec);
    bool emit(const Handlers& h, bool deliver, std::string_view data, http::Response& res,
              std::optional<std::uint64_t> total, std::error_code& ec);
    void fail(const char* op, const http::Url& url) {
        err_op_ = op;
        err_where_ = url.str();
    }

    Options options_;
    http::Url base_;
    http::ResponseParser parser_;
    Pool pool_;
    std::string wbuf_;
    http::Request scratch_;    // the request built by get(), post() ...
    bool wbuf_plain_ = false;  // wbuf_ holds the plain request below, ready to send again
    std::string wbuf_method_;
    std::string wbuf_target_;
    std::string wbuf_authority_;
    std::uint64_t opened_ = 0;
    const char* err_op_ = "request";
    std::string err_where_;
    std::exception_ptr callback_error_;
    std::string cache_target_;  // the last target, and what it resolved to
    http::Url cache_url_;
    std::string cache_authority_;
    std::string cache_origin_;
    bool cache_same_ = false;  // whether the target is sent as given
};

// ---------------------------------------------------------------------------------------------
// Implementation

// A private type defined outside the class: kept out of the API docs.
/// @cond INTERNAL
/** One pooled connection: the socket, its receive buffer and bookkeeping. */
struct HttpClient::Conn {
    Conn* next = nullptr;  // in the pool's list
    std::string key;       // origin: scheme://host[:port]
    Socket sock;
    char* buf = nullptr;  // receive buffer (owned); [begin, end) not consumed yet
    std::size_t cap = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
    bool reused = false;  // has carried a request before this one

    Conn() = default;
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    ~Conn() { delete[] buf; }

    void reserve(std::size_t n) {  // room for at least n bytes after end (compacting first)
        if (begin == end) begin = end = 0;
        if (cap - end >= n) return;
        if (begin > 0) {
            std::memmove(buf, buf + begin, end - begin);
            end -= begin;
            begin = 0;
            if (cap - end >= n) return;
        }
        std::size_t want = cap * 2 > end + n ? cap * 2 : end + n;
        char* grown = new char[want];
        if (end > 0) std::memcpy(grown, buf, end);
        delete[] buf;
        buf = grown;
        cap = want;
    }
};

inline void HttpClient::ConnPtr::reset(Conn* c) noexcept {
    Conn* old = c_;
    c_ = c;
    delete old;
}

inline void HttpClient::Pool::clear() noexcept {
    while (head_ != nullptr) {
        Conn* c = head_;
        head_ = c->next;
        delete c;
    }
    size_ = 0;
}

inline HttpClient::ConnPtr HttpClient::Pool::take(const std::string& key) noexcept {
    for (Conn** link = &head_; *link != nullptr; link = &(*link)->next) {
        if ((*link)->key != key) continue;
        Conn* c = *link;
        *link = c->next;
        c->next = nullptr;
        --size_;
        return ConnPtr(c);
    }
    return ConnPtr();
}

inline void HttpClient::Pool::put(ConnPtr c, std::size_t max) noexcept {
    if (max == 0) return;
    Conn* raw = c.release();
    raw->next = head_;
    head_ = raw;
    if (++size_ <= max) return;
    Conn** link = &head_;  // close the oldest, the last in the list
    while ((*link)->next != nullptr) link = &(*link)->next;
    delete *link;
    *link = nullptr;
    --size_;
}
/// @endcond

namespace detail {

inline bool http_idempotent(std::string_view m) noexcept {
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS" ||
           m == "TRACE";
}

inline bool http_is_absolute(std::string_view t) noexcept {
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

/** Empties @p res (status 0), keeping the capacity of its strings and lists; the body is left
 *  as is when @p keep_body (a body of the same size is then received without zero-filling). */
inline void http_clear(http::Response& res, bool keep_body = false) noexcept {
    res.status = 0;
    res.reason.clear();
    res.version = 11;
    res.headers.clear();
    if (!keep_body) res.body.clear();
    res.trailers.clear();
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
    run(req, h, res, ec);
    if (callback_error_) {
        std::exception_ptr e = std::move(callback_error_);
        callback_error_ = nullptr;
        std::rethrow_exception(std::move(e));  // moved: no copy constructor to instantiate
    }
    if (ec) detail::throw_error(ec, err_op_, err_where_);
}

inline void HttpClient::request(const http::Request& req, const Handlers& h, http::Response& res,
                                std::error_code& ec) noexcept {
    try {
        run(req, h, res, ec);
        callback_error_ = nullptr;
    } catch (...) {  // std::bad_alloc
        pool_.clear();
        detail::http_clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

inline void HttpClient::get(std::string_view target, http::Response& res,
                            std::error_code& ec) noexcept {
    try {
        request(prepare("GET", target, {}, {}, nullptr), Handlers{}, res, ec);
    } catch (...) {
        detail::http_clear(res);
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

inline const http::Request& HttpClient::prepare(const char* method, std::string_view target,
                                                std::string_view body,
                                                std::string_view content_type,
                                                const http::Headers* headers) {
    // One request object, reused: its strings keep their capacity from call to call.
    http::Request& req = scratch_;
    if (req.method != method) req.method.assign(method);  // comparing costs less than copying
    if (req.target != target) req.target.assign(target.data(), target.size());
    if (headers != nullptr) {
        req.headers = *headers;
    } else {
        req.headers.clear();
    }
    if (!content_type.empty() && !req.headers.contains("Content-Type"))
        req.headers.add("Content-Type", content_type);
    if (!body.empty() || !req.body.empty()) req.body.assign(body.data(), body.size());
    return req;
}

inline http::Response HttpClient::simple(const char* method, std::string_view target,
                                         std::string_view body, std::string_view content_type,
                                         const http::Headers* headers) {
    return request(prepare(method, target, body, content_type, headers));
}

inline http::Response HttpClient::simple(const char* method, std::string_view target,
                                         std::string_view body, std::string_view content_type,
                                         const http::Headers* headers,
                                         std::error_code& ec) noexcept {
    try {
        return request(prepare(method, target, body, content_type, headers), Handlers{}, ec);
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
}

inline void HttpClient::run(const http::Request& original, const Handlers& h, http::Response& res,
                            std::error_code& ec) {
    ec.clear();
    detail::http_clear(res, true);  // read_body() replaces or clears the body
    callback_error_ = nullptr;
    err_op_ = "request";
    err_where_.clear();
    auto dl = detail::Deadline::after(options_.deadline);

    // The URL of a repeated target is parsed once (a keep-alive loop asks for the same paths).
    if (cache_target_ != original.target || cache_url_.empty()) {
        cache_url_ = http::Url();
        http::Url parsed;
        if (original.target == "*" && !base_.empty()) {
            parsed = base_;  // `OPTIONS *`: the server as a whole
        } else if (detail::http_is_absolute(original.target)) {
            parsed = http::Url::parse(original.target, ec);
        } else if (!base_.empty()) {
            parsed = base_.resolve(original.target, ec);
        } else {
            ec = http::errc::bad_url;
        }
        if (ec) {
            err_op_ = "parse URL";
            err_where_ = original.target;
            detail::http_clear(res);
            return;
        }
        cache_target_ = original.target;
        cache_authority_ = parsed.authority();
        cache_origin_ = parsed.origin();
        cache_same_ = original.target == "*" || parsed.target() == original.target;
        cache_url_ = std::move(parsed);
    }
    const http::Url* url = &cache_url_;
    const std::string* authority = &cache_authority_;
    const std::string* origin = &cache_origin_;
    http::Url hop_url;  // the current URL once a redirect was followed
    std::string hop_authority;
    std::string hop_origin;
    const http::Request* req = &original;
    // A copy, made only once the target or a redirect changes it (not built otherwise). Not
    // std::optional: this holder instantiates three functions, optional<Request> about thirty.
    struct Lazy {
        union {
            http::Request r;
        };
        bool made = false;
        Lazy() noexcept {}
        ~Lazy() {
            if (made) r.~Request();
        }
        http::Request& make(const http::Request& from) {
            if (!made) {
                new (&r) http::Request();
                made = true;
                r = from;
            }
            return r;
        }
    } lazy;
    if (!cache_same_) {
        lazy.make(original).target = url->target();
        req = &lazy.r;
    }
    const std::string* const first_origin = origin;  // cache_origin_: not changed below
    for (int hop = 0;; ++hop) {
        if (url->is_https()) {
            ec = http::errc::tls_not_enabled;
            fail("request", *url);
            detail::http_clear(res);
            return;
        }
        // Whether the response is final (reaches the callbacks) is known from its head:
        // exchange() treats a redirect with a Location as not final unless may_follow is false.
        bool may_follow = options_.max_redirects > 0;
        Outcome o = exchange(*url, *authority, *origin, *req, !may_follow, h, dl, false, res, ec);
        if (o == Outcome::retry)
            o = exchange(*url, *authority, *origin, *req, !may_follow, h, dl, true, res, ec);
        if (o != Outcome::ok) {
            detail::http_clear(res);
            return;
        }
        int s = res.status;
        bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
        if (!may_follow || !redirect || !res.headers.contains("Location")) return;
        if (hop >= options_.max_redirects) {
            ec = http::errc::too_many_redirects;
            fail("redirect", *url);
            detail::http_clear(res);
            return;
        }
        http::Url next = url->resolve(res.headers.get("Location"), ec);
        if (ec) {
            ec = http::errc::bad_redirect;
            fail("redirect", *url);
            detail::http_clear(res);
            return;
        }
        http::Request& redirected = lazy.make(original);
        req = &redirected;
        redirected.target = next.target();
        bool to_get = s == 303 ? redirected.method != "HEAD"
                               : (s == 301 || s == 302) && redirected.method == "POST";
        if (to_get) {
            redirected.method = "GET";
            redirected.body.clear();
            redirected.headers.erase("Content-Type");
            redirected.headers.erase("Content-Length");
            redirected.headers.erase("Transfer-Encoding");
        }
        hop_authority = next.authority();
        hop_origin = next.origin();
        if (hop_origin != *first_origin) {
            redirected.headers.erase("Authorization");
            redirected.headers.erase("Cookie");
        }
        hop_url = std::move(next);
        url = &hop_url;
        authority = &hop_authority;
        origin = &hop_origin;
    }
}

inline HttpClient::Outcome HttpClient::exchange(const http::Url& url, const std::string& authority,
                                                const std::string& key, const http::Request& req,
                                                bool final_hop, const Handlers& h,
                                                const detail::Deadline& dl, bool fresh_only,
                                                http::Response& res, std::error_code& ec) {
    // Serialize first: a request that cannot be sent (bad field) must not cost a connection.
    bool user_close = false;
    for (std::size_t i = 0; i < req.headers.size(); ++i) {
        const http::Headers::Field& f = req.headers[i];
        if (http::iequals(f.name, "Connection") && f.value.find("close") != std::string::npos)
            user_close = true;
    }
    bool send_close = !options_.keep_alive && !user_close;
    // A plain request repeated as is (same method, target and host, no header or body of its
    // own: a keep-alive loop) is sent from the bytes serialized last time.
    bool plain = req.headers.empty() && req.body.empty();
    bool body_apart = req.body.size() > 64 * 1024;
    if (!(plain && wbuf_plain_ && req.method == wbuf_method_ && req.target == wbuf_target_ &&
          authority == wbuf_authority_)) {
        wbuf_plain_ = false;
        wbuf_.clear();
        http::serialize_head(req, authority, wbuf_, ec);
        if (ec) {
            fail("send", url);
            return Outcome::failed;
        }
        if (send_close) wbuf_.insert(wbuf_.size() - 2, "Connection: close\r\n");
        // One send for head and body, unless the body is large (then copying it costs more).
        if (!body_apart) wbuf_ += req.body;
        if (plain) {
            wbuf_method_ = req.method;
            wbuf_target_ = req.target;
            wbuf_authority_ = authority;
            wbuf_plain_ = true;
        }
    }
    bool idempotent = detail::http_idempotent(req.method);
    ConnPtr c = acquire(key, url, !idempotent, fresh_only, dl, ec);
    if (!c) {
        fail("connect", url);
        return Outcome::failed;
    }
    bool can_retry = c->reused && idempotent && !fresh_only;

    if (!send_all(*c, wbuf_.data(), wbuf_.size(), dl, ec) ||
        (body_apart && !send_all(*c, req.body.data(), req.body.size(), dl, ec))) {
        if (can_retry && detail::http_stale_error(ec)) return Outcome::retry;
        fail("send", url);
        return Outcome::failed;
    }

    http::ResponseParser& p = parser_;
    p.reset();
    p.request_method(req.method);
    c->begin = c->end = 0;
    std::uint64_t received = 0;
    for (;;) {
        c->reserve(c->cap == 0 ? 16 * 1024 : 1);
        std::size_t n = io_some(*c, false, c->buf + c->end, c->cap - c->end, dl, ec);
        if (!ec && n == 0) ec = socklite::errc::unexpected_eof;
        if (ec) {
            if (received == 0 && can_retry && detail::http_stale_error(ec)) return Outcome::retry;
            fail("read response", url);
            return Outcome::failed;
        }
        received += n;
        c->end += n;
        http::ParseResult r = p.parse_head(std::string_view(c->buf + c->begin, c->end - c->begin));
        if (r.error()) {
            ec = r.ec;
            fail("parse response", url);
            return Outcome::failed;
        }
        if (r.complete()) {
            // The views point into the buffer: copy them before it moves. The Response may be
            // a reused one: its strings are overwritten in place (no allocation once grown).
            res.status = p.status();
            res.version = p.version();
            if (std::string_view(res.reason) != p.reason()) {
                res.reason.clear();
                res.reason.append(p.reason().data(), p.reason().size());
            }
            res.headers.clear();
            res.trailers.clear();
            res.headers.reserve(p.field_count());  // one allocation for the field list
            for (std::size_t i = 0; i < p.field_count(); ++i) {
                http::FieldView f = p.field(i);
                res.headers.add(f.name, f.value);
            }
            c->begin += r.consumed;
            break;
        }
        c->begin += r.consumed;  // interim (1xx) responses skipped
    }
    int s = res.status;
    bool is_final = final_hop || !((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) &&
                                   res.headers.contains("Location"));
    if (is_final && h.on_head) {
        bool go = false;
        std::string kept;  // a reused Response's previous body, out of sight of the callback
        kept.swap(res.body);
        try {
            go = h.on_head(res);
        } catch (...) {
            callback_error_ = std::current_exception();
        }
        kept.swap(res.body);
        if (!go) {
            ec = std::make_error_code(std::errc::operation_canceled);
            fail("read response", url);
            return Outcome::failed;
        }
    }
    if (!read_body(*c, h, is_final, dl, res, ec)) {
        bool protocol = ec.category() == http::error_category();
        fail(protocol ? "parse response" : "read response", url);
        return Outcome::failed;
    }
    bool reusable = p.keep_alive() && !user_close && !send_close && c->begin == c->end;
    if (reusable) {
        c->begin = c->end = 0;
        release(std::move(c));
    }
    return Outcome::ok;
}

inline HttpClient::ConnPtr HttpClient::acquire(const std::string& key, const http::Url& url,
                                               bool careful, bool fresh_only,
                                               const detail::Deadline& dl, std::error_code& ec) {
    while (!fresh_only) {
        ConnPtr c = pool_.take(key);
        if (!c) break;
        // A connection about to carry a request that must not be repeated is checked first
        // (one non-blocking peek): end of stream, an error or unexpected bytes mean the server
        // is done with it. For the others, a failure before the first byte of the response is
        // retried on a fresh connection, which costs nothing when all is well.
        if (careful) {
            char byte;
            ssize_t n =
                detail::sys.recv(c->sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) continue;
        }
        c->reused = true;
        ec.clear();
        return c;
    }
    auto timeout = options_.connect_timeout;
    if (dl.is_set()) {
        const std::chrono::milliseconds::rep left = dl.poll_ms();
        if (left == 0) {
            ec = std::make_error_code(std::errc::timed_out);
            return ConnPtr();
        }
        if (timeout.count() <= 0 || left < timeout.count())
            timeout = std::chrono::milliseconds(left);
    }
    Socket s = Socket::connect(url.host(), url.port(), timeout, ec);
    if (ec) return ConnPtr();
    ++opened_;
    s.nodelay(true, ec);
    if (!ec && options_.read_timeout.count() > 0) s.read_timeout(options_.read_timeout, ec);
    if (!ec && options_.read_timeout.count() > 0) s.write_timeout(options_.read_timeout, ec);
    if (ec) return ConnPtr();
    ConnPtr c(new Conn);
    c->key = key;
    c->sock = std::move(s);
    return c;
}

inline void HttpClient::release(ConnPtr c) noexcept {
    pool_.put(std::move(c), options_.max_idle_connections);
}

// One send or recv, bounded by the idle timeout and the deadline. In the common case (no
// deadline, kernel timer equal to the idle timeout) this is exactly one system call: the socket
// blocks in the kernel with SO_RCVTIMEO / SO_SNDTIMEO. With a deadline, the kernel timer is
// lowered when the deadline is nearer than the idle timeout (halving, so that few setsockopt
// calls are made), and a kernel timeout that is not yet the end of either bound just loops.
inline std::size_t HttpClient::io_some(Conn& c, bool sending, char* p, std::size_t n,
                                       const detail::Deadline& dl, std::error_code& ec) noexcept {
    // Milliseconds as plain integers below: the same arithmetic as with chrono durations,
    // without a dozen chrono operator instantiations in every program.
    using ms = std::chrono::milliseconds;
    const ms::rep idle = options_.read_timeout.count() > 0 ? options_.read_timeout.count() : 0;
    Socket& s = c.sock;
    if (!dl.is_set() && (sending ? s.write_timeout() : s.read_timeout()).count() == idle) {
        // The hot path: one system call, the kernel timer being the idle timeout (the socket
        // is blocking, so EAGAIN means that timer expired).
        for (;;) {
            ssize_t got = sending ? detail::sys.send(s.native_handle(), p, n, MSG_NOSIGNAL)
                                  : detail::sys.recv(s.native_handle(), p, n, 0);
            if (got >= 0) {
                ec.clear();
                return static_cast<std::size_t>(got);
            }
            if (errno == EINTR) continue;
            ec = errno == EAGAIN || errno == EWOULDBLOCK
                     ? std::make_error_code(std::errc::timed_out)
                     : detail::last_error();
            return 0;
        }
    }
    const auto start = std::chrono::steady_clock::now().time_since_epoch().count();
    for (;;) {
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        const ms::rep forever = INT32_MAX;
        ms::rep u = forever;
        if (idle > 0) u = idle - static_cast<ms::rep>((now - start) / 1000000);  // ns to ms
        if (dl.is_set()) {
            const ms::rep left = dl.poll_ms();
            if (left < u) u = left;
        }
        if (u <= 0) {
            ec = std::make_error_code(std::errc::timed_out);
            return 0;
        }
        const ms::rep k = (sending ? s.write_timeout() : s.read_timeout()).count();
        ms::rep want;
        if (u == forever) {
            want = 0;
        } else if (idle > 0 && u >= idle) {
            want = idle;
        } else if (k > 0 && k <= u) {
            want = k;
        } else {
            want = u / 2 > 1 ? u / 2 : 1;
        }
        if (want != k) {
            if (sending) {
                s.write_timeout(ms(want), ec);
            } else {
                s.read_timeout(ms(want), ec);
            }
            if (ec) return 0;
        }
        std::size_t got = sending ? s.send(p, n, ec) : s.recv(p, n, ec);
        if (ec != std::errc::timed_out) return got;
    }
}

inline bool HttpClient::send_all(Conn& c, const char* p, std::size_t n, const detail::Deadline& dl,
                                 std::error_code& ec) noexcept {
    while (n > 0) {
        std::size_t k = io_some(c, true, const_cast<char*>(p), n, dl, ec);
        if (ec) return false;
        p += k;
        n -= k;
    }
    ec.clear();
    return true;
}

inline bool HttpClient::emit(const Handlers& h, bool deliver, std::string_view data,
                             http::Response& res, std::optional<std::uint64_t> total,
                             std::error_code& ec) {
    if (!deliver) return true;
    try {
        if (h.on_body) {
            if (!data.empty() && !h.on_body(data)) {
                ec = std::make_error_code(std::errc::operation_canceled);
                return false;
            }
        } else if (!data.empty()) {
            res.body.append(data.data(), data.size());
        }
        if (h.on_progress) h.on_progress(parser_.body_received(), total);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (...) {
        callback_error_ = std::current_exception();
        ec = std::make_error_code(std::errc::operation_canceled);
        return false;
    }
    return true;
}

inline bool HttpClient::read_body(Conn& c, const Handlers& h, bool deliver,
                                  const detail::Deadline& dl, http::Response& res,
                                  std::error_code& ec) {
    http::ResponseParser& p = parser_;
    const std::uint64_t limit = options_.max_body_size;
    std::optional<std::uint64_t> total;
    if (p.body_kind() == http::BodyKind::content_length) {
        total = p.content_length();
        if (*total > limit) {
            ec = http::errc::body_too_large;
            return false;
        }
    }
    // A Content-Length body kept in memory is received straight into Response::body (sized
    // once), without passing through the connection's buffer.
    if (deliver && !h.on_body && total && *total > 0 && !p.complete()) {
        const std::size_t size = static_cast<std::size_t>(*total);
        bool done = false;
        // Fills dst[0, size) with the body, from the buffer first, then straight from the
        // socket; returns how many bytes it filled. Never throws.
        auto fill = [&](char* dst, std::size_t) noexcept -> std::size_t {
            std::size_t filled = 0;
            for (;;) {
                std::string_view in;
                if (c.begin < c.end) {
                    in = std::string_view(c.buf + c.begin, c.end - c.begin);
                } else {
                    std::size_t n = io_some(c, false, dst + filled, size - filled, dl, ec);
                    if (!ec && n == 0) ec = socklite::errc::unexpected_eof;
                    if (ec) return filled;
                    in = std::string_view(dst + filled, n);
                }
                http::ParseResult r = p.parse_body(in);
                if (in.data() != dst + filled) {
                    std::memcpy(dst + filled, r.body.data(), r.body.size());
                    c.begin += r.consumed;
                }
                filled += r.body.size();
                if (h.on_progress) {
                    try {
                        h.on_progress(p.body_received(), total);
                    } catch (...) {
                        callback_error_ = std::current_exception();
                        ec = std::make_error_code(std::errc::operation_canceled);
                        return filled;
                    }
                }
                if (r.complete()) {
                    done = true;
                    return filled;
                }
            }
        };
#if defined(__cpp_lib_string_resize_and_overwrite)
        res.body.resize_and_overwrite(size, fill);  // C++23: no zero-filling first
#else
        // A reused Response whose body is at least this long is cut, not zero-filled.
        res.body.resize(size);
        res.body.resize(fill(&res.body[0], size));
#endif
        return done;
    }
    res.body.clear();  // a reused Response's previous body
    for (;;) {
        // Whatever the buffer holds first.
        while (!p.complete()) {
            http::ParseResult r = p.parse_body(std::string_view(c.buf + c.begin, c.end - c.begin));
            if (r.error()) {
                ec = r.ec;
                return false;
            }
            c.begin += r.consumed;
            if (p.body_received() > limit) {
                ec = http::errc::body_too_large;
                return false;
            }
            if (!r.body.empty() && !emit(h, deliver, r.body, res, total, ec)) return false;
            if (r.complete()) {
                if (p.body_kind() == http::BodyKind::chunked)
                    p.chunked().copy_trailers(res.trailers);
                break;
            }
            if (r.body.empty()) break;  // need more bytes
        }
        if (p.complete()) return true;
        std::size_t want = 64 * 1024;
        if (total) {
            std::uint64_t left = *total - p.body_received();
            want = static_cast<std::size_t>(left < 256 * 1024 ? left : 256 * 1024);
        }
        c.reserve(want);
        std::size_t room = c.cap - c.end;
        if (total && want < room) room = want;  // never read past this response
        std::size_t n = io_some(c, false, c.buf + c.end, room, dl, ec);
        if (ec) return false;
        if (n == 0) {
            http::ParseResult r = p.finish();
            if (r.error()) {
                ec = r.ec;
                return false;
            }
            return true;  // a body delimited by the end of the connection
        }
        c.end += n;
    }
}

}  // namespace socklite

#endif  // SOCKLITE_HTTP_CLIENT_HPP
