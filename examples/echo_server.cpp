// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// An echo server on one thread: every byte a client sends comes back to it, in order, and any
// number of clients are served at once by one socklite::EventLoop.
//
// The echo itself is the two lines in `join`: take the input, send it, say it was consumed.
// socklite::Connection makes that enough:
//   - what the socket does not take at once is queued, and while more than 64 KiB is queued for
//     a client, the connection stops reading from it (Options::auto_pause), so a client that
//     sends without reading is slowed down by TCP instead of filling our memory;
//   - a client that half-closes (shutdown(SHUT_WR)) still gets all of its echo: the connection
//     writes the queue in full, then closes.

#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string_view>
#include <system_error>

#include <sys/signalfd.h>
#include <unistd.h>

#include <socklite/acceptor.hpp>
#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>

#include "cli.hpp"

static const char usage[] =
    "usage: echo_server [--host H] [--port P]\n"
    "\n"
    "Listens on H:P (default 0.0.0.0:8000) and sends every byte each client sends back to it,\n"
    "in order. A client that does not read its echo is not read from either. SIGINT or SIGTERM\n"
    "stops the server (exit 0).\n";

namespace {

class EchoServer {
public:
    EchoServer(socklite::EventLoop& loop, socklite::Listener listener)
        : acceptor_(loop, std::move(listener),
                    [this, &loop](socklite::Accepted a) { join(loop, std::move(a)); }) {}

private:
    void join(socklite::EventLoop& loop, socklite::Accepted accepted) {
        auto conn = std::make_unique<socklite::Connection>(loop, std::move(accepted.socket));
        socklite::Connection* c = conn.get();
        c->on_input([c](std::string_view input) {
            c->send(input);
            return input.size();
        });
        // A client's end is not an error worth printing, even a reset: it is its choice.
        c->on_close([this, c](std::error_code) { clients_.erase(c); });
        clients_.emplace(c, std::move(conn));
    }

    socklite::Acceptor acceptor_;
    std::map<socklite::Connection*, std::unique_ptr<socklite::Connection>> clients_;
};

}  // namespace

int main(int argc, char** argv) {
    return cli::run("echo_server", [&] {
        cli::Args args = cli::parse(argc, argv, usage, {"0.0.0.0", 8000, {}}, 0);

        // SIGINT and SIGTERM become readable events on a descriptor, so the loop stops between
        // two callbacks and everything is destroyed in order.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        if (::sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0)
            throw std::system_error(errno, std::system_category(), "block signals");
        int signals = ::signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK);
        if (signals < 0) throw std::system_error(errno, std::system_category(), "signalfd");

        socklite::EventLoop loop;
        socklite::ListenOptions listen_options;
        listen_options.accept_non_blocking = true;
        auto listener = socklite::Listener::bind(args.host, args.port, listen_options);
        std::string where = listener.local_address().to_string();
        EchoServer server(loop, std::move(listener));
        loop.add(signals, socklite::EventLoop::readable,
                 [&](socklite::EventLoop::Events) { loop.stop(); });

        cli::note("listening on " + where);
        loop.run();
        loop.remove(signals);
        ::close(signals);
        return 0;
    });
}
