// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The servers of bench/ws/ws_vs_peers.py, on 127.0.0.1:
//   ws_bench_server ws PORT    an HttpServer (one loop) with two WebSocket routes:
//                                /echo       each message back as it came (as examples/http_server's
//                                            /ws/echo)
//                                /broadcast  a text "go" from any session is answered by one text
//                                            message to every /broadcast session: "b <ns>", <ns>
//                                            the steady clock (CLOCK_MONOTONIC) just before the
//                                            first send, so that a client on the same machine
//                                            measures from the server's send; then prints
//                                            "sent N in T us" (the loop of sends) on stderr
//   ws_bench_server raw PORT   a plain POSIX TCP echo server (poll, one thread): the floor
//   ws_bench_server rawcast PORT
//                              the floor for broadcast: plain TCP, no handshake; any bytes from
//                              a client make it send, with one send() per client, the bytes of
//                              the unmasked text frame "b <ns>" that /broadcast sends (so the
//                              client reads both the same way); prints "sent N in T us"
// Prints "listening" on stderr once it accepts; runs until killed.

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <socklite/http/server.hpp>
#include <socklite/ws/server.hpp>

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "ws_bench_server: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

int run_ws(std::uint16_t port) {
    socklite::HttpServer::Options options;
    options.threads = 1;
    options.max_connections = 20000;
    socklite::HttpServer server(options);

    using socklite::ws::MessageType;
    using socklite::ws::ServerSession;
    socklite::ws::ServerHandlers echo;
    echo.on_message = [](ServerSession& session, std::string& message, MessageType type) {
        session.send(message, type);
    };
    socklite::ws::ServerOptions ws_options;
    ws_options.ping_interval = std::chrono::milliseconds(0);  // no keep-alive traffic meanwhile
    server.upgrade("/echo", socklite::ws::serve(std::move(echo), ws_options));

    // The /broadcast sessions, each at the index kept in its tag (one loop: no locking).
    std::vector<ServerSession*> sessions;
    socklite::ws::ServerHandlers broadcast;
    broadcast.on_open = [&sessions](ServerSession& session) {
        session.tag = sessions.size();
        sessions.push_back(&session);
    };
    broadcast.on_close = [&sessions](ServerSession& session, std::uint16_t, std::string_view) {
        std::size_t at = static_cast<std::size_t>(session.tag);
        if (at >= sessions.size() || sessions[at] != &session) return;
        sessions[at] = sessions.back();
        sessions[at]->tag = at;
        sessions.pop_back();
    };
    broadcast.on_message = [&sessions](ServerSession&, std::string& message, MessageType) {
        if (message != "go") return;
        auto now = std::chrono::steady_clock::now().time_since_epoch();
        std::string out =
            "b " +
            std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
        for (ServerSession* s : sessions) s->send_text(out);
        // The time spent in the loop of sends, for the driver (read when the server stops).
        auto took = std::chrono::steady_clock::now().time_since_epoch() - now;
        std::fprintf(stderr, "sent %zu in %.1f us\n", sessions.size(),
                     std::chrono::duration<double, std::micro>(took).count());
    };
    server.upgrade("/broadcast", socklite::ws::serve(std::move(broadcast), ws_options));

    server.listen("127.0.0.1", port);
    std::fprintf(stderr, "listening\n");
    server.run();
    return 0;
}

int run_raw(std::uint16_t port, bool broadcast) {
    int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
    if (::listen(lfd, 128) != 0) die("listen");
    std::fprintf(stderr, "listening\n");

    std::vector<pollfd> fds{{lfd, POLLIN, 0}};
    char buf[65536];
    for (;;) {
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        for (std::size_t i = fds.size(); i-- > 0;) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == lfd) {
                int cfd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
                if (cfd < 0) continue;
                ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                fds.push_back({cfd, POLLIN, 0});
                continue;
            }
            // Blocking socket: the echo of what one recv returned is sent whole.
            ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            bool gone = n <= 0;
            if (!gone && broadcast) {
                auto now = std::chrono::steady_clock::now().time_since_epoch();
                std::string text =
                    "b " + std::to_string(
                               std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
                std::string frame(2, '\x81');
                frame[1] = static_cast<char>(text.size());
                frame += text;
                for (std::size_t k = 1; k < fds.size(); ++k)
                    ::send(fds[k].fd, frame.data(), frame.size(), MSG_NOSIGNAL);
                auto took = std::chrono::steady_clock::now().time_since_epoch() - now;
                std::fprintf(stderr, "sent %zu in %.1f us\n", fds.size() - 1,
                             std::chrono::duration<double, std::micro>(took).count());
                continue;
            }
            for (ssize_t off = 0; !gone && off < n;) {
                ssize_t m =
                    ::send(fds[i].fd, buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
                if (m <= 0)
                    gone = true;
                else
                    off += m;
            }
            if (gone) {
                ::close(fds[i].fd);
                fds[i] = fds.back();
                fds.pop_back();
            }
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string mode = argc == 3 ? argv[1] : "";
    if (mode != "ws" && mode != "raw" && mode != "rawcast") {
        std::fprintf(stderr, "usage: ws_bench_server ws|raw|rawcast PORT\n");
        return 2;
    }
    auto port = static_cast<std::uint16_t>(std::strtoul(argv[2], nullptr, 10));
    try {
        return mode == "ws" ? run_ws(port) : run_raw(port, mode == "rawcast");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ws_bench_server: %s\n", e.what());
        return 1;
    }
}
