// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// A line-based WebSocket client, like `cat` with a WebSocket at the other end:
//
//   ws_cat ws://127.0.0.1:8765/echo      each stdin line goes out as a text message, each
//                                        message received is printed as a line
//   ws_cat --cacert ca.pem wss://localhost:8443/echo   the same over TLS, trusting ca.pem
//
// stdin and the connection are served at once: poll(2) waits on both descriptors (the socket's
// through WebSocket::socket().native_handle(), for polling only; every byte still goes through
// the WebSocket), so messages print as they come while stdin is idle.

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include <poll.h>
#include <unistd.h>

#include <socklite.hpp>

#include "cli.hpp"

namespace {

const char* const usage =
    "usage: ws_cat [--cacert FILE] URL\n"
    "Connects to the WebSocket at URL (ws:// or wss://HOST[:PORT]/PATH). Each line read from\n"
    "stdin is sent as a text message; each message received is printed on stdout, one per line.\n"
    "At the end of stdin a close (1000) is sent, and ws_cat exits 0 once the close handshake\n"
    "ends; it also exits 0 when the server closes. wss:// verifies the server's certificate and\n"
    "host name (it needs a build with TLS support).\n"
    "\n"
    "options:\n"
    "  --cacert FILE  trust the CA certificates in FILE (PEM) for wss:// instead of the\n"
    "                 system's store\n"
    "  -h, --help     this text\n"
    "\n"
    "Errors are one line `ws_cat: what failed: why` on stderr, with exit status 1.\n";

struct Settings {
    std::string url;
    std::string cacert;
};

Settings parse_args(int argc, char** argv) {
    Settings s;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            std::exit(std::fflush(stdout) == 0 ? 0 : 1);
        } else if (arg == "--cacert" && i + 1 < argc) {
            s.cacert = argv[++i];
        } else if (arg.rfind("--cacert=", 0) == 0) {
            s.cacert = arg.substr(9);
        } else if (!arg.empty() && arg[0] == '-') {
            cli::fail("bad arguments: unknown option '" + arg + "' (see --help)");
        } else if (s.url.empty()) {
            s.url = arg;
        } else {
            cli::fail("bad arguments: unexpected argument '" + arg + "' (see --help)");
        }
    }
    if (s.url.empty()) cli::fail("bad arguments: a URL is needed (see --help)");
    return s;
}

// Never waits on the socket: what it does not take now stays queued in the WebSocket, and the
// loop below writes it when the socket is writable while it goes on reading the echoes (a
// blocking send could wait forever for a server that waits for us to read).
const socklite::Deadline now = socklite::Deadline::after({});

// Checks an error of a call made with `now`: running out of time only means "queued".
void check(const std::error_code& ec, const char* what) {
    if (ec && ec != std::errc::timed_out) throw socklite::Error(ec, what);
}

// Queues each complete line of `pending` (without its newline) as a text message.
void send_lines(socklite::WebSocket& ws, std::string& pending, bool all) {
    std::size_t start = 0;
    std::error_code ec;
    auto send = [&](std::string_view line) {
        if (!socklite::ws::Utf8Validator::valid(line))
            cli::fail("read stdin: a line that is not UTF-8 cannot be a text message");
        ws.send_text(line, now, ec);
        check(ec, "send_text");
    };
    for (;;) {
        std::size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        send(std::string_view(pending.data() + start, nl - start));
        start = nl + 1;
    }
    pending.erase(0, start);
    if (all && !pending.empty()) {  // a last line without its newline
        send(pending);
        pending.clear();
    }
}

int run(const Settings& s) {
    if (!s.cacert.empty() && s.url.rfind("wss://", 0) != 0)
        cli::note("ws_cat: --cacert ignored: only wss:// uses it");
    socklite::WebSocket::Options options;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    if (!s.cacert.empty()) {
        socklite::tls::ClientOptions t;
        t.ca_file = s.cacert;
        options.tls = socklite::tls::Context::client(t);
    }
#endif
    socklite::WebSocket ws = socklite::WebSocket::connect(s.url, options);
    bool stdin_open = true;
    std::string pending;
    std::error_code ec;
    for (;;) {
        // Messages already received and buffered come first: poll would not see them.
        bool socket_ready = ws.has_buffered_input();
        if (!socket_ready) {
            // Flow control: stdin is read only once the frames of the last read have left.
            const bool queued = ws.queued_bytes() > 0;
            const short socket_events = queued ? POLLIN | POLLOUT : POLLIN;
            pollfd fds[2] = {{stdin_open && !queued ? 0 : -1, POLLIN, 0},
                             {ws.socket().native_handle(), socket_events, 0}};
            // Once our close is sent, the server has 30 s (without progress) to answer it.
            int ready = ::poll(fds, 2, stdin_open ? -1 : 30000);
            if (ready < 0) {
                if (errno == EINTR) continue;
                throw std::system_error(errno, std::system_category(), "poll");
            }
            if (ready == 0) cli::fail("close: no answer from the server within 30 s");
            if ((fds[1].revents & POLLOUT) != 0) {
                ws.flush(now, ec);
                check(ec, "send");
            }
            if (fds[0].revents != 0) {
                char buf[16384];
                ssize_t n = ::read(0, buf, sizeof buf);
                if (n < 0 && errno != EINTR)
                    throw std::system_error(errno, std::system_category(), "read stdin");
                if (n > 0) {
                    pending.append(buf, static_cast<std::size_t>(n));
                    send_lines(ws, pending, false);
                } else if (n == 0) {
                    stdin_open = false;
                    send_lines(ws, pending, true);
                    ws.close(1000, {}, now, ec);
                    check(ec, "close");
                }
            }
            socket_ready = (fds[1].revents & ~POLLOUT) != 0;
        }
        if (!socket_ready) continue;
        // Take everything that is there now, without waiting for more.
        for (;;) {
            socklite::WebSocket::Message m = ws.receive(now, ec);
            if (ec == std::errc::timed_out) break;
            if (ec) throw socklite::Error(ec, "receive");
            if (m.type == socklite::WebSocket::MessageType::close) return 0;
            if (m.type != socklite::WebSocket::MessageType::pong) cli::print_line(m.data);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    return cli::run("ws_cat", [&] { return run(parse_args(argc, argv)); });
}
