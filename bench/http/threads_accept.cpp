// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// threads_accept MODE PORT: a minimal HTTP/1.1 "hello, world!" server on two event loops (two
// threads), to compare how connections reach the loops (issue 8: "one loop per thread with
// SO_REUSEPORT, or one acceptor handing out connections; measure both and keep the faster"):
//   reuseport        each loop has its own listener on PORT (SO_REUSEPORT: the kernel spreads
//                    connections by a hash of the addresses), what HttpServer does with
//                    ServerOptions::threads > 1;
//   acceptor         one listener, accepted on loop 0, which keeps every other connection and
//                    posts the others to loop 1 (round robin);
//   acceptor-thread  one listener, accepted by a third thread (blocking accept()), which posts
//                    the connections to the two loops in turn.
// Every connection is a socklite::Connection on its loop; each request (a head ending in an
// empty line, no body) gets the same 13-byte answer; the answers to one input go out in one
// send; "Connection: close" is honoured. Per connection the work is the same in all modes:
// only the way connections arrive differs. Driven by bench/http/server_vs_nginx.py
// --threads-bench; stops on SIGTERM or SIGINT (the default action). Loopback only.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <socklite/acceptor.hpp>
#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>

namespace {

constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world!";
constexpr std::string_view kAnswerClose =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: "
    "close\r\n\r\nhello, world!";

bool asks_close(std::string_view head) {
    // Enough for wrk's requests: "Connection: close" as it sends it.
    return head.find("\r\nConnection: close\r\n") != std::string_view::npos;
}

// One event loop on its thread, with its connections.
class Loop {
public:
    socklite::EventLoop loop;

    void adopt(socklite::Socket socket) {
        std::error_code ec;
        socket.nodelay(true, ec);
        auto owned = std::make_unique<socklite::Connection>(loop, std::move(socket));
        socklite::Connection* c = owned.get();
        conns_.emplace(c, std::move(owned));
        c->on_input([this, c](std::string_view in) {
            std::size_t used = 0;
            bool close = false;
            out_.clear();
            while (!close) {
                std::size_t end = in.find("\r\n\r\n", used);
                if (end == std::string_view::npos) break;
                close = asks_close(in.substr(used, end + 4 - used));
                out_ += close ? kAnswerClose : kAnswer;
                used = end + 4;
            }
            if (!out_.empty()) c->send(out_);
            if (close) c->close_after_flush();
            return used;
        });
        c->on_close([this, c](std::error_code) { conns_.erase(c); });
    }

private:
    std::unordered_map<socklite::Connection*, std::unique_ptr<socklite::Connection>> conns_;
    std::string out_;
};

int usage() {
    std::fprintf(stderr, "usage: threads_accept reuseport|acceptor|acceptor-thread PORT\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return usage();
    const std::string mode = argv[1];
    const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    if (mode != "reuseport" && mode != "acceptor" && mode != "acceptor-thread") return usage();
    Loop loops[2];
    std::vector<std::unique_ptr<socklite::Acceptor>> acceptors;
    std::thread accept_thread;
    socklite::ListenOptions lo;
    if (mode == "reuseport") {
        lo.accept_non_blocking = true;
        lo.reuse_port = true;
        for (Loop& l : loops) {
            acceptors.push_back(std::make_unique<socklite::Acceptor>(
                l.loop, socklite::Listener::bind("127.0.0.1", port, lo),
                [&l](socklite::Accepted a) { l.adopt(std::move(a.socket)); }));
        }
    } else if (mode == "acceptor") {
        lo.accept_non_blocking = true;
        auto next = std::make_shared<unsigned>(0);
        acceptors.push_back(std::make_unique<socklite::Acceptor>(
            loops[0].loop, socklite::Listener::bind("127.0.0.1", port, lo),
            [&loops, next](socklite::Accepted a) {
                if ((*next)++ % 2 == 0) return loops[0].adopt(std::move(a.socket));
                auto s = std::make_shared<socklite::Socket>(std::move(a.socket));
                loops[1].loop.post([&loops, s] { loops[1].adopt(std::move(*s)); });
            }));
    } else {
        auto listener = std::make_shared<socklite::Listener>(
            socklite::Listener::bind("127.0.0.1", port, lo));  // blocking accept()
        accept_thread = std::thread([&loops, listener] {
            for (unsigned n = 0;; ++n) {
                std::error_code ec;
                socklite::Accepted a = listener->accept(ec);
                if (ec) continue;
                auto s = std::make_shared<socklite::Socket>(std::move(a.socket));
                Loop& to = loops[n % 2];
                to.loop.post([&to, s] { to.adopt(std::move(*s)); });
            }
        });
        accept_thread.detach();  // ends with the process (SIGTERM)
    }
    std::thread second([&] { loops[1].loop.run(); });
    loops[0].loop.run();  // until the process is ended
    second.join();
    return 0;
}
