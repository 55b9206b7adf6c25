// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_SERVER_HPP
#define SOCKLITE_HTTP_SERVER_HPP

/** @file
 *  socklite::HttpServer: an HTTP/1.1 server on event loops: routing, strict parsing, limits and
 *  timeouts, keep-alive and pipelining, asynchronous and streamed answers, static files,
 *  graceful stop. */

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "../config.hpp"
#include "../error.hpp"
#include "handler.hpp"

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
#include "../tls.hpp"
#endif

namespace socklite {

class Address;
class EventLoop;
/// @cond INTERNAL
namespace http {
namespace detail {
struct ServerState;
}  // namespace detail
}  // namespace http
/// @endcond

/** An HTTP/1.1 server: routes requests to handlers on one event loop per thread.
 *
 *  **Requests.** Every request is read by http::RequestParser, strictly: a malformed request
 *  (smuggling forms such as Content-Length with Transfer-Encoding, obs-fold, bare LF, a missing
 *  or repeated Host in HTTP/1.1, ...) is answered with http::status_for() of its error (400,
 *  414, 431, 413, 501, 505), `Connection: close`, and a close; it never reaches a handler. The
 *  body is read in full (up to ServerOptions::max_body_size, else 413) before the handler runs,
 *  or, for an upload route (route_upload()), streamed to the handler as it arrives, under its
 *  flow control (http::BodyReader). `Expect: 100-continue` is answered with `100 Continue` only
 *  when a handler will read the body: a body announced too large is refused with 413 before it
 *  is read, a request without a route is answered (404, 405) without it and the connection
 *  closed; another expectation is 417.
 *
 *  **Routing** (http::Router): method and path, exact, prefix (a last segment `*`) and named
 *  parameters (`/users/:id`); no route is 404; a known path with another method is 405 with
 *  `Allow`; `HEAD` takes the `GET` route and sends no body; `OPTIONS` (also `OPTIONS *`) is
 *  answered 204 with `Allow` unless routed; `CONNECT` is 501.
 *
 *  **Answers.** A handler fills an http::Response (status, headers, body); the server adds
 *  `Date` (formatted once per second), `Server`, `Content-Length`, and `Connection` as needed,
 *  and sends it through http::serialize_response(). A handler that throws gives 500 (reported
 *  to ServerOptions::on_error) and the server goes on. An asynchronous handler (route_async())
 *  answers later through an http::Responder, from any thread.
 *
 *  **Connections.** HTTP/1.1 keeps the connection unless either side says `Connection: close`;
 *  HTTP/1.0 only with `Connection: keep-alive`. Pipelined requests are answered in order: one
 *  request is in its handler at a time; the next ones wait in the connection's input buffer
 *  (bounded by the header limit), and none is read while the client leaves more than
 *  ServerOptions::output_high_water bytes of answers unread. Timeouts (ServerOptions): header
 *  (slowloris: 408 and close), body (408 and close), idle keep-alive (close). At
 *  ServerOptions::max_connections, accepting pauses until a connection ends.
 *
 *  **Threads.** run() runs ServerOptions::threads event loops, each with its own listener on the
 *  same port (`SO_REUSEPORT`: the kernel spreads connections). Handlers of different loops run
 *  at the same time: they must be thread-safe. Add every route before run().
 *
 *  **Stopping.** stop(), from any thread (a handler or a signal-watching thread): listeners
 *  close, idle connections close, requests under way finish (their answers say
 *  `Connection: close`) within ServerOptions::grace, then run() returns.
 *
 *  **HTTPS** (with OpenSSL: `SOCKLITE_WITH_OPENSSL`, CMake target `socklite::openssl`):
 *  use_tls() before listen() makes every accepted connection a TLS server session
 *  (tls::accept()), and upgrade() routes serve `wss://` as they serve `ws://`. A new connection
 *  waits for its first byte (at most ServerOptions::header_timeout) before any TLS state is
 *  made: a TLS record goes on to the handshake, anything else is plain HTTP sent to the HTTPS
 *  port and gets a plain `400 Bad Request` and a close. The handshake runs inside the
 *  connection's first reads, without blocking the loop, under ServerOptions::header_timeout
 *  (a client that sends its ClientHello too slowly is closed then, and others are served
 *  meanwhile); a failed handshake closes the connection. reload_tls() swaps the certificate
 *  and key for new connections without a restart.
 *
 *  @par Example
 *  @code
 *  socklite::HttpServer server;
 *  server.get("/hello", [](const socklite::http::ServerRequest&, socklite::http::Response& res) {
 *      res.body = "hello, world!";
 *  });
 *  server.listen("127.0.0.1", 8080);
 *  server.run();
 *  @endcode */
class HttpServer {
public:
    /** Limits and timeouts (see http::ServerOptions). */
    using Options = http::ServerOptions;
    /** A handler answering at once (see http::Handler). */
    using Handler = http::Handler;
    /** A handler answering later (see http::AsyncHandler). */
    using AsyncHandler = http::AsyncHandler;
    /** A handler streaming its answer (see http::StreamHandler). */
    using StreamHandler = http::StreamHandler;
    /** A handler receiving the request body as it arrives (see http::UploadHandler). */
    using UploadHandler = http::UploadHandler;
    /** A handler accepting or refusing a protocol upgrade (see http::UpgradeHandler). */
    using UpgradeHandler = http::UpgradeHandler;

    /** A server with @p options; nothing is bound until listen(). */
    explicit HttpServer(Options options = {});
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    /** Closes the listeners and every connection (call stop() and let run() return first for a
     *  graceful end). */
    ~HttpServer();

    /** Routes @p method requests on paths matching @p pattern (see http::Router) to @p handler.
     *  @return `*this`. */
    HttpServer& route(std::string_view method, std::string_view pattern, Handler handler);
    /** As route(), with a handler that answers later through an http::Responder. */
    HttpServer& route_async(std::string_view method, std::string_view pattern,
                            AsyncHandler handler);
    /** As route(), with a handler that streams a body of unknown length through an
     *  http::StreamWriter (chunked, under flow control). */
    HttpServer& route_stream(std::string_view method, std::string_view pattern,
                             StreamHandler handler);
    /** As route(), with a handler that is called once the head is read and receives the body
     *  piece by piece as it arrives, never buffered whole (see http::BodyReader), limited by
     *  ServerOptions::max_upload_size; it answers through an http::StreamWriter, in one piece
     *  (StreamWriter::send()) or streamed, also while the body still arrives.
     *  @return `*this`. */
    HttpServer& route_upload(std::string_view method, std::string_view pattern,
                             UploadHandler handler);
    /** Routes GET requests on paths matching @p pattern to an upgrade handler (see
     *  http::UpgradeHandler and http::Upgraded): it accepts with `101 Switching Protocols` and
     *  hands the connection to a new protocol (ws::serve() makes one for WebSocket), or refuses
     *  with an ordinary answer. After an upgrade request the connection never serves HTTP
     *  again. @return `*this`. */
    HttpServer& upgrade(std::string_view pattern, UpgradeHandler handler);
    /** route("GET", @p pattern, @p handler) (which also answers HEAD). */
    HttpServer& get(std::string_view pattern, Handler handler) {
        return route("GET", pattern, std::move(handler));
    }
    /** route("POST", @p pattern, @p handler). */
    HttpServer& post(std::string_view pattern, Handler handler) {
        return route("POST", pattern, std::move(handler));
    }
    /** route("PUT", @p pattern, @p handler). */
    HttpServer& put(std::string_view pattern, Handler handler) {
        return route("PUT", pattern, std::move(handler));
    }
    /** route("DELETE", @p pattern, @p handler). */
    HttpServer& del(std::string_view pattern, Handler handler) {
        return route("DELETE", pattern, std::move(handler));
    }

    /** Serves the files under @p root for GET and HEAD requests on paths below @p prefix
     *  (`/static` serves `/static/a.css` from `root/a.css`; `/` serves everything not routed
     *  more specifically), through http::static_files() (its notes give the path policy); the
     *  bodies go out with `sendfile(2)`, at most Connection::Options::file_piece (2 MiB) per
     *  turn of the loop, under the connection's flow control (Connection::send_file()).
     *  @return `*this`. */
    HttpServer& serve_dir(std::string_view prefix, std::string root);

    /** Binds @p host : @p port (0: any free port, see port()) once per thread, and starts
     *  accepting once run() runs. @throws Error (e.g. address in use). */
    void listen(std::string_view host, std::uint16_t port);
    /** As listen(std::string_view, std::uint16_t), reporting through @p ec. */
    void listen(std::string_view host, std::uint16_t port, std::error_code& ec) noexcept;
    /** Serves on @p loop, which you run (with your own descriptors and timers: one thread for
     *  everything), rather than on loops of its own: binds @p host : @p port (0: any free
     *  port) once; ServerOptions::threads is ignored and run() is not called. stop() works as
     *  usual but never stops @p loop. Call it once, before @p loop runs; @p loop must outlive
     *  the server, and the server must outlive every run of @p loop (destroy the server after
     *  the loop has stopped). @throws Error (e.g. address in use). */
    void listen(EventLoop& loop, std::string_view host, std::uint16_t port);
    /** The bound address (after listen()). */
    const Address& local_address() const noexcept;
    /** The bound port (after listen()). */
    std::uint16_t port() const noexcept;

    /** Serves until stop() (the loops beyond the first on threads of their own), then returns
     *  once every loop has stopped. @throws Error when a loop fails. */
    void run();
    /** Stops gracefully (see the class notes). **Thread-safe**; also before run(), which then
     *  returns at once. */
    void stop();

    /** The options in force. */
    const Options& options() const noexcept { return options_; }

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    /** Serves HTTPS (and `wss://`) with @p context, a server context (tls::Context::server()):
     *  every connection accepted afterwards gets a TLS session. Call it before listen(); to
     *  change the certificate later, reload_tls(). @return `*this`.
     *  @throws Error (`std::errc::invalid_argument`) when @p context is not a server context.
     *  @par Example
     *  @code
     *  socklite::HttpServer server;
     *  server.use_tls("cert.pem", "key.pem");  // or use_tls(a tls::Context)
     *  server.listen("0.0.0.0", 8443);
     *  server.run();
     *  @endcode */
    HttpServer& use_tls(const tls::Context& context);
    /** As use_tls(const tls::Context&), with a context made from a PEM certificate chain file
     *  and its private key file (tls::ServerOptions' defaults otherwise).
     *  @throws Error when a file cannot be read or the key does not match the certificate. */
    HttpServer& use_tls(const std::string& cert_file, const std::string& key_file);
    /** Replaces the TLS context of an HTTPS server (use_tls()): handshakes from now on use
     *  @p context; connections already open keep theirs. **Thread-safe**: call it from any
     *  thread while the server runs (on SIGHUP, say, after a certificate renewal). Without
     *  use_tls() before it, it is use_tls() (not thread-safe then).
     *  @throws Error (`std::errc::invalid_argument`) when @p context is not a server context. */
    void reload_tls(const tls::Context& context);
    /** As reload_tls(const tls::Context&), with a context made from @p cert_file and
     *  @p key_file; on failure the context in force stays.
     *  @throws Error when a file cannot be read or the key does not match the certificate. */
    void reload_tls(const std::string& cert_file, const std::string& key_file);
    /** As reload_tls(const std::string&, const std::string&), reporting through @p ec. */
    void reload_tls(const std::string& cert_file, const std::string& key_file,
                    std::error_code& ec) noexcept;
    /** The TLS context new connections get (an empty one without use_tls()). Thread-safe. */
    tls::Context tls_context() const;
#endif

private:
    Options options_;
    std::unique_ptr<http::detail::ServerState> state_;  // routes, loops, TLS context, address
};

}  // namespace socklite

#if SOCKLITE_WITH_DEFINITIONS
#include "impl/server.hpp"
#endif

#endif  // SOCKLITE_HTTP_SERVER_HPP
