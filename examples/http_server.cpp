// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// An HTTP/1.1 server on socklite::HttpServer: one event loop per thread, strict parsing,
// keep-alive and pipelining, and a graceful stop on SIGINT/SIGTERM.
//
//   GET /hello     200 text/plain "hello, world!"
//   /echo          any method: 200 with the request body as its body
//   GET /headers   200 text/plain, one "name: value" line per request field as received
//   GET /ws/echo   a WebSocket upgrade: each message sent back as it came (text or binary)
//   other GET/HEAD the files under --root (index.html for a directory, 404 when absent,
//                  never a byte from outside it; other methods there: 405 with Allow)
//
// With --tls-cert and --tls-key (a build with OpenSSL) it serves HTTPS and WSS instead, and
// SIGHUP loads the two files again for the connections that follow.

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include <socklite/http/server.hpp>
#include <socklite/ws/server.hpp>

#include "cli.hpp"

static const char usage[] =
    "usage: http_server [--host H] [--port P] [--root DIR] [--threads N]\n"
    "                   [--tls-cert FILE --tls-key FILE]\n"
    "\n"
    "Serves HTTP/1.1 on H:P (default 127.0.0.1:8080) with N event loops (default: one per\n"
    "core): GET /hello, /echo (any method: the body back), GET /headers (the request's fields,\n"
    "one per line), GET /ws/echo (WebSocket: each message back as it came, text or binary);\n"
    "any other GET/HEAD: the files under DIR (default .), index.html for a directory.\n"
    "--tls-cert/--tls-key: serve HTTPS (and WSS) with this PEM certificate chain and key;\n"
    "SIGHUP then reloads both files for new connections (open ones keep theirs).\n"
    "SIGINT or SIGTERM: requests under way finish, then exit 0.\n";

int main(int argc, char** argv) {
    return cli::run("http_server", [&] {
        // --root and --threads here; cli::parse takes the rest.
        std::string root = ".";
        std::string tls_cert, tls_key;
        unsigned threads = std::thread::hardware_concurrency();
        std::vector<char*> rest{argv[0]};
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            std::string name = arg.substr(0, arg.find('='));
            if (name != "--root" && name != "--threads" && name != "--tls-cert" &&
                name != "--tls-key") {
                rest.push_back(argv[i]);
                continue;
            }
            std::string value;
            if (name.size() < arg.size()) {
                value = arg.substr(name.size() + 1);
            } else if (i + 1 < argc) {
                value = argv[++i];
            }
            if (value.empty()) cli::fail("bad arguments: " + name + " needs a value (see --help)");
            if (name == "--root") {
                root = value;
            } else if (name == "--tls-cert") {
                tls_cert = value;
            } else if (name == "--tls-key") {
                tls_key = value;
            } else if (value.size() > 4 ||
                       value.find_first_not_of("0123456789") != std::string::npos ||
                       std::stoul(value) == 0) {
                cli::fail("bad arguments: --threads needs a number from 1 to 9999, not '" + value +
                          "' (see --help)");
            } else {
                threads = static_cast<unsigned>(std::stoul(value));
            }
        }
        cli::Args args = cli::parse(static_cast<int>(rest.size()), rest.data(), usage,
                                    {"127.0.0.1", 8080, {}}, 0);
        if (tls_cert.empty() != tls_key.empty())
            cli::fail("bad arguments: --tls-cert and --tls-key go together (see --help)");
#if !(defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL)
        if (!tls_cert.empty()) cli::fail("--tls-cert: this build has no TLS (OpenSSL)");
#endif

        socklite::HttpServer::Options options;
        options.threads = threads == 0 ? 1 : threads;
        options.on_error = [](std::string_view what) { cli::note(std::string(what)); };
        socklite::HttpServer server(options);

        using socklite::http::Response;
        using socklite::http::ServerRequest;
        server.get("/hello", [](const ServerRequest&, Response& res) {
            res.headers.add("Content-Type", "text/plain");
            res.body = "hello, world!";
        });
        // The body back as it arrives, never held whole: each piece is written out as it comes
        // in, and a client that does not read its echo is not read from either (write()
        // returns false: the body pauses until the writer is ready again). With a
        // Content-Length the echo has the same one; a chunked body comes back chunked.
        using socklite::http::BodyReader;
        using socklite::http::StreamWriter;
        server.route_upload(
            "*", "/echo", [](const ServerRequest&, BodyReader body, StreamWriter res) {
                // Started at the first piece, not before: `Expect: 100-continue` is answered first.
                auto start = [body](StreamWriter& out) {
                    if (out.started()) return;
                    Response head;
                    if (body.has_length())
                        head.headers.add("Content-Length", std::to_string(body.length()));
                    out.start(std::move(head));
                };
                res.on_ready([body] { body.resume(); });
                body.on_data([res, start](std::string_view piece) mutable {
                    start(res);
                    return res.write(piece);
                });
                body.on_end([res, start](std::error_code ec) mutable {
                    if (ec) return;  // the server answers (400, 408, 413) or the client is gone
                    start(res);
                    res.end();
                });
            });
        server.get("/headers", [](const ServerRequest& req, Response& res) {
            res.headers.add("Content-Type", "text/plain");
            for (const auto& field : req.headers)
                res.body += field.name + ": " + field.value + "\n";
        });
        // A WebSocket echo: each message back as it came, text or binary. A client that sends
        // without reading is not read from (the session pauses its input while the answers
        // queue up), so memory stays bounded.
        socklite::ws::ServerHandlers echo;
        echo.on_message = [](socklite::ws::ServerSession& session, std::string& message,
                             socklite::ws::MessageType type) { session.send(message, type); };
        server.upgrade("/ws/echo", socklite::ws::serve(std::move(echo)));
        // Everything else under GET/HEAD: the files under --root (never a byte outside it).
        server.serve_dir("/", root);

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
        if (!tls_cert.empty()) server.use_tls(tls_cert, tls_key);
#endif

        // SIGINT and SIGTERM (and SIGHUP) are blocked in every thread (the loops' threads
        // inherit the mask) and taken by one thread that asks the server to stop (or reload).
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGHUP);
        if (::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0)
            throw std::runtime_error("block signals failed");

        server.listen(args.host, args.port);
        std::thread waiter([&] {
            for (;;) {
                int sig = 0;
                ::sigwait(&stop_signals, &sig);
                if (sig != SIGHUP) break;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
                if (tls_cert.empty()) continue;
                std::error_code ec;  // a bad file keeps the certificate in force
                server.reload_tls(tls_cert, tls_key, ec);
                cli::note(ec ? "reload " + tls_cert + ": " + ec.message() : "reloaded " + tls_cert);
#endif
            }
            server.stop();
        });
        cli::note("listening on " + server.local_address().to_string());
        try {
            server.run();
        } catch (...) {
            ::pthread_kill(waiter.native_handle(), SIGTERM);  // let the waiter go
            waiter.join();
            throw;
        }
        waiter.join();  // run() returns only after stop(), which the waiter called
        return 0;
    });
}
