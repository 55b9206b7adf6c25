// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_HANDLER_HPP
#define SOCKLITE_HTTP_HANDLER_HPP

/** @file
 *  What an HttpServer handler sees and answers with: http::ServerRequest, http::Responder (an
 *  answer given later, from any thread), http::StreamWriter (a body of unknown length),
 *  http::BodyReader (a request body streamed to the handler as it arrives), the handler types,
 *  http::ServerOptions and http::reason_phrase(). */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "../config.hpp"
#include "../detail/function.hpp"
#include "../version.hpp"
#include "message.hpp"
#include "router.hpp"

namespace socklite {
namespace http {

/// @cond INTERNAL
namespace detail {
struct ReplyLink;
struct PendingReply;
struct StreamState;
struct BodyState;
}  // namespace detail
/// @endcond

class Upgraded;

/** A request as a handler receives it: parsed, checked, its body read in full (but for an
 *  upload handler, which gets it through a BodyReader: `body` is empty). Everything is
 *  owned (copied out of the receive buffer), valid until the handler returns (or, for an
 *  asynchronous handler, as long as the handler keeps the object it was given a copy of). */
struct ServerRequest {
    std::string method;   ///< the method, case-sensitive (`GET`)
    std::string target;   ///< the request target as received (`/users/42?x=1`)
    std::string path;     ///< the path of the target, still percent-encoded (`/users/42`)
    std::string query;    ///< the query without `?`, still percent-encoded, or empty
    int version = 11;     ///< 10 for HTTP/1.0, 11 for HTTP/1.1
    Headers headers;      ///< the header fields, in received order
    std::string body;     ///< the body, decoded from chunked
    Params params;        ///< the route's named parameters (decoded), and `*` for a prefix route
    Params query_params;  ///< the query split into decoded pairs (parse_query())

    /** The value of the route parameter @p name (`id` for `/users/:id`), or an empty view. */
    std::string_view param(std::string_view name) const noexcept {
        return param_value(params, name);
    }
    /** The value of the first query parameter @p name, or an empty view. */
    std::string_view query_param(std::string_view name) const noexcept {
        return param_value(query_params, name);
    }
    /** The value of the first header field @p name (case-insensitive), or an empty view. */
    std::string_view header(std::string_view name) const noexcept { return headers.get(name); }
};

/** The body of an answer written piece by piece by a streaming or upload handler
 *  (route_stream(), route_upload()): of unknown length, sent chunked (RFC 9112 section 7.1)
 *  to an HTTP/1.1 client (an HTTP/1.0 client gets the whole body with a Content-Length at
 *  end()); or, when the head given to start() has a `Content-Length`, sent as it is written,
 *  unchunked, to either version (a body longer or shorter than announced closes the
 *  connection). Flow control: write() returns false once the client is behind (more than
 *  ServerOptions::output_high_water bytes queued); then wait for on_ready(). **Loop thread
 *  only**: from another thread, post to the loop first (BodyReader::post()); the handler may
 *  keep a copy; all copies write the same answer. If every copy is dropped before end(), the
 *  connection is closed (a truncated body must not look complete), after a 500 when nothing
 *  was sent yet. */
class StreamWriter {
public:
    /** A writer bound to nothing. */
    StreamWriter() = default;
    /** Sends the head: status, reason and fields of @p head (its body is sent as the first
     *  piece). Optional: the first write() or end() starts with 200. */
    void start(Response head);
    /** Sends @p data as the next piece of the body.
     *  @return false when the client is behind (wait for on_ready()) or gone (see open()). */
    bool write(std::string_view data);
    /** Ends the body; the connection goes on with the next request. */
    void end();
    /** Sends @p res as the whole answer, with a `Content-Length` (as a Handler's answer: status
     *  0 means 200; the server adds Date, Server and Connection), if nothing was sent yet:
     *  for an upload handler (route_upload()), the way to answer in one piece, at the end of
     *  the body or before it (e.g. 413 midway). Does nothing once start() or write() ran.
     *  Loop thread only. */
    void send(Response res);
    /** Calls @p ready whenever the client has caught up after write() returned false. */
    void on_ready(socklite::detail::Function<void()> ready);
    /** Whether the answer has begun (start(), write(), end() or send() was called). */
    bool started() const noexcept;
    /** Whether the connection is still there and end() was not called. */
    bool open() const noexcept;
    /** Used by the server: a writer bound to @p state. */
    explicit StreamWriter(std::shared_ptr<detail::StreamState> state) : state_(std::move(state)) {}

private:
    std::shared_ptr<detail::StreamState> state_;
};

/** The answer to one request, given later by an asynchronous handler (route_async()): from the
 *  loop's thread or from any other thread. Copyable; all copies answer the same request. Only
 *  the first send() counts; if no copy ever sends, the request is answered with 500 when the
 *  last copy is destroyed. */
class Responder {
public:
    /** A responder bound to nothing (send() does nothing). */
    Responder() = default;
    /** Sends @p res as the answer (status, headers, body; status 0, the default of
     *  http::Response, means 200; the server adds Date, Server, Content-Length and
     *  Connection). **Thread-safe.** Does nothing after the first call, or
     *  when the connection or the server is gone. @throws std::bad_alloc only. */
    void send(Response res) const;
    /** Whether send() was called (on any copy). */
    bool sent() const noexcept;
    /** Used by the server: a responder for connection @p id of the worker behind @p link. */
    Responder(std::shared_ptr<detail::ReplyLink> link, std::uint64_t id);

private:
    std::shared_ptr<detail::PendingReply> state_;
};

/** A request body delivered to an upload handler (route_upload()) piece by piece as it
 *  arrives, decoded from chunked, never held whole (the model of Node's readable request
 *  stream and of cpp-httplib's `ContentReader`). A handle: copies share one body.
 *
 *  Set on_data() and on_end() in the handler (before it returns: delivery starts then).
 *  Flow control: on_data() returns false, or pause() is called, and the connection is not
 *  read from until resume() (TCP then slows the client down); while paused by the handler,
 *  the body timeout (ServerOptions::body_timeout) does not run. `Expect: 100-continue` is
 *  answered with `100 Continue` once the body is wanted: after the handler returns, unless it
 *  has answered already or paused (then at resume()).
 *
 *  The body ends in one of these ways:
 *  - complete: on_end() with an empty error code; then answer (if not done yet);
 *  - an error: on_end() with the reason, and the server answers itself (any answer of the
 *    handler is then ignored) with `Connection: close`: http::errc::body_too_large (413, over
 *    ServerOptions::max_upload_size), a chunked-coding error such as http::errc::bad_chunk
 *    (400), `std::errc::timed_out` (408, ServerOptions::body_timeout without a byte), or the
 *    client gone (socklite::errc::unexpected_eof, `std::errc::connection_reset`, ...: nothing
 *    is sent); a streamed answer under way is cut short (the connection closes);
 *  - the handler answers first (e.g. StreamWriter::send() of a 413 midway), and the answer
 *    ends: delivery stops and on_end() is not called; the rest of the body is read and
 *    discarded when short (ServerOptions::max_discard), else the connection closes after the
 *    answer. (An answer streamed while the body arrives, such as an echo, is not early as
 *    long as it has not ended.)
 *
 *  **Loop thread only** (the handler's thread), but for resume() and post(). */
class BodyReader {
public:
    /** A reader bound to nothing. */
    BodyReader() = default;
    /** Calls @p on_data with each piece of the body as it arrives (a view valid during the
     *  call only; pieces are as large as the reads from the socket, never empty). Its return
     *  value is flow control: true for more, false to pause() (resume() later). */
    void on_data(socklite::detail::Function<bool(std::string_view piece)> on_data) const;
    /** Calls @p on_end once, when the body is complete (an empty @p ec) or cannot be (the
     *  reason, see the class notes); not after the handler has answered. */
    void on_end(socklite::detail::Function<void(std::error_code ec)> on_end) const;
    /** Stops delivery: no on_data() until resume(). Idempotent. */
    void pause() const;
    /** Delivers again (bytes already received first, soon, from the loop). **Thread-safe**:
     *  from another thread it is posted to the loop. Idempotent. */
    void resume() const;
    /** Runs @p task on the loop's thread, soon (where this body, its StreamWriter and their
     *  callbacks live). **Thread-safe**: the way back from a worker thread, e.g. to answer
     *  through the StreamWriter. Dropped when the server is gone. */
    void post(socklite::detail::Function<void()> task) const;
    /** Whether delivery is paused by pause() or on_data(). */
    bool paused() const noexcept;
    /** Whether the body has ended (completely or not) or delivery has stopped. */
    bool ended() const noexcept;
    /** Body bytes delivered so far (decoded). */
    std::uint64_t received() const noexcept;
    /** Whether the request announced its length (Content-Length; else chunked). */
    bool has_length() const noexcept;
    /** The announced length (Content-Length), 0 when has_length() is false. */
    std::uint64_t length() const noexcept;
    /** Used by the server: a reader bound to @p state. */
    explicit BodyReader(std::shared_ptr<detail::BodyState> state) : state_(std::move(state)) {}

private:
    std::shared_ptr<detail::BodyState> state_;
};

/** A handler that answers at once: fill @p res (status 200 and an empty body to start with).
 *  An exception it throws becomes a 500 (and ServerOptions::on_error hears of it). Called on
 *  the loop's thread: it must not block. */
using Handler = socklite::detail::Function<void(const ServerRequest& req, Response& res)>;
/** A handler that answers later through @p res (see Responder), e.g. from a worker thread;
 *  further requests on the same connection wait for that answer. */
using AsyncHandler = socklite::detail::Function<void(const ServerRequest& req, Responder res)>;

/** A handler that streams its answer through a StreamWriter (see there); further requests on
 *  the same connection wait for StreamWriter::end(). */
using StreamHandler = socklite::detail::Function<void(const ServerRequest& req, StreamWriter body)>;

/** A handler that receives the request body as it arrives (see BodyReader) rather than
 *  whole: called once the head is read, with `req.body` empty. It sets the reader's callbacks
 *  and answers through @p res, with StreamWriter::send() (one piece) or start()/write()/end()
 *  (streamed, also while the body still arrives: an echo); further requests on the same
 *  connection wait for the answer.
 *  @par Example
 *  @code
 *  server.route_upload("PUT", "/files/:name",
 *      [](const ServerRequest& req, BodyReader body, StreamWriter res) {
 *          auto out = std::make_shared<std::ofstream>(...);
 *          body.on_data([out](std::string_view piece) {
 *              out->write(piece.data(), piece.size());
 *              return true;
 *          });
 *          body.on_end([out, res](std::error_code ec) mutable {
 *              if (ec) return;  // the server answers (400, 408, 413) or the client is gone
 *              Response done;
 *              done.status = 201;
 *              res.send(std::move(done));
 *          });
 *      });
 *  @endcode */
using UploadHandler =
    socklite::detail::Function<void(const ServerRequest& req, BodyReader body, StreamWriter res)>;

/** The handler of an upgrade route (HttpServer::upgrade()): it sees the request (head and
 *  body) and decides.
 *  - To accept, it sets @p res's status to 101, with the fields the protocol needs (`Upgrade`,
 *    `Connection: Upgrade`, ...), and returns the protocol that takes the connection over.
 *  - To refuse, it returns null and fills @p res as an ordinary answer (status 200 to start
 *    with: set a 4xx), which is sent with `Connection: close`.
 *
 *  Either way the connection never serves HTTP again: requests the client pipelined after an
 *  upgrade request are not read as HTTP. Called on the loop's thread; an exception becomes a
 *  500. */
using UpgradeHandler =
    socklite::detail::Function<std::unique_ptr<Upgraded>(const ServerRequest& req, Response& res)>;

/** Limits and timeouts of an HttpServer. Each limit has its status and a clean close: the
 *  answer is sent with `Connection: close`, then the connection is closed. */
struct ServerOptions {
    /** Largest header section (431 beyond). */
    std::size_t max_header_bytes = 64 * 1024;
    /** Most header fields (431 beyond). */
    std::size_t max_fields = 100;
    /** Longest request line (414 beyond). */
    std::size_t max_request_line = 8 * 1024;
    /** Largest request body, buffered in memory (413 beyond, before reading it when
     *  Content-Length announces it; 417 is not needed: `Expect: 100-continue` is refused with
     *  413 then). */
    std::uint64_t max_body_size = 8 * 1024 * 1024;
    /** Largest request body streamed to an upload handler (route_upload()): 413 beyond, before
     *  reading it when Content-Length announces it (`Expect: 100-continue` refused), else as
     *  soon as the bytes pass it. No limit by default: the handler sees every piece and may
     *  answer 413 itself. */
    std::uint64_t max_upload_size = static_cast<std::uint64_t>(-1);
    /** An answer given before its request body has been read (an upload handler's early
     *  answer) keeps the connection only when the rest of the body has a known length
     *  (Content-Length) of at most this many bytes, and is coming (not held back by an
     *  unanswered `Expect: 100-continue`): it is read and discarded. Otherwise the answer says
     *  `Connection: close` (or, streamed and begun earlier, is followed by a close). */
    std::uint64_t max_discard = 256 * 1024;
    /** From a connection's first byte of a request (or its accept) to the end of the header
     *  section: against slowloris. Expiry: 408 and close (a close alone when nothing came). */
    std::chrono::milliseconds header_timeout{10000};
    /** Between body bytes of a request, buffered or streamed to an upload handler (not while
     *  that handler has paused it): 408 and close on expiry. */
    std::chrono::milliseconds body_timeout{30000};
    /** A kept-alive connection waiting for its next request (or a response that makes no
     *  progress towards a client that does not read) is closed after this. */
    std::chrono::milliseconds idle_timeout{60000};
    /** After an error answer, how long to wait for the peer's end of stream before closing
     *  anyway (a lingering close, so that the answer is not destroyed by a reset). */
    std::chrono::milliseconds linger_timeout{2000};
    /** On stop(): how long in-flight requests may take before their connections are closed. */
    std::chrono::milliseconds grace{5000};
    /** Most connections per event loop: at the limit, accepting pauses (clients wait in the
     *  kernel's backlog) and the connections already open keep being served. */
    std::size_t max_connections = 10000;
    /** Output queued per connection before reading pauses (Connection::Options::high_water):
     *  pipelined requests are answered only while the client reads its answers. */
    std::size_t output_high_water = 64 * 1024;
    /** Unsent bytes the kernel may hold per connection (Socket::unsent_limit(),
     *  `TCP_NOTSENT_LOWAT`); 0 leaves the system's default (unbounded). With a bound, a large
     *  answer leaves the file (sendfile) or the queue as the client's window opens, instead of
     *  piling up in the socket's buffer, where the kernel later sends it from the client's
     *  acknowledgements at a higher cost. On loopback, 16 KiB served a 1 MiB file about 4.5x
     *  as fast as no bound, for a fifth of the CPU time per answer, a 50 MiB download 1.8x,
     *  and 1 MiB over TLS 1.2x (docs/benchmarks.md). Bytes in flight do not count: a fast
     *  client still gets a full window. 16 KiB is what large HTTP/2 deployments use. */
    int unsent_limit = 16 * 1024;
    /** Event loops, each on its own thread with its own listener (`SO_REUSEPORT`). */
    unsigned threads = 1;
    /** The `Server` value added to every answer (empty: none). */
    std::string server_name = "socklite/" SOCKLITE_VERSION_STRING;
    /** Told about handler exceptions (their `what()`) and other failures worth a log line.
     *  Called on a loop's thread. */
    socklite::detail::Function<void(std::string_view message)> on_error;
    /** Gzip answers of a text type (`text/...`, JSON, JavaScript, XML, SVG) of at least
     *  gzip_min_size bytes for clients whose `Accept-Encoding` accepts gzip; this needs
     *  `SOCKLITE_WITH_ZLIB` defined to 1 (link `socklite::zlib`) and does nothing without it.
     *  A gzipped answer gets `Content-Encoding: gzip` and a weak `ETag`; every answer it could
     *  apply to gets `Vary: Accept-Encoding`. Left alone: answers to HEAD, statuses 204, 206 and
     *  304, answers whose handler set `Content-Encoding` or `Content-Length`, streamed answers
     *  (StreamHandler) and files sent with `sendfile(2)` (serve_dir(): precompress those if
     *  needed). Off by default: compression costs CPU time on every answer it applies to. */
    bool gzip = false;
    /** Smallest body that ServerOptions::gzip compresses: below about 1 KiB, gzip saves less
     *  than a packet. */
    std::size_t gzip_min_size = 1024;
    /** The zlib level of ServerOptions::gzip: 1 (fastest) to 9 (smallest); 6 is zlib's default. */
    int gzip_level = 6;
};

/** The standard reason phrase of @p status (RFC 9110 section 15), or `Unknown`. No allocation. */
inline std::string_view reason_phrase(int status) noexcept {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 416: return "Range Not Satisfiable";
        case 417: return "Expectation Failed";
        case 426: return "Upgrade Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

}  // namespace http
}  // namespace socklite

#if SOCKLITE_WITH_DEFINITIONS
#include "impl/handler.hpp"
#endif

#endif  // SOCKLITE_HTTP_HANDLER_HPP
