// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 2 of the tutorial, the client side of the chat (and scenario 3's customer, talking
// to support_server). The Python original takes strict turns:
//
//     client.connect(('127.0.0.1', 8000))
//     while True:
//         re_data = input()
//         client.send(re_data.encode("utf8"))
//         data = client.recv(1024)
//         print(data.decode('utf8'))
//
// This one lets both sides type whenever they like, one message per line (see chat.hpp).

#include <chrono>
#include <string>

#include <socklite/socket.hpp>

#include "chat.hpp"
#include "cli.hpp"

static const char usage[] =
    "usage: chat_client [--host H] [--port P]\n"
    "\n"
    "Connects to a chat server on H:P (default 127.0.0.1:8000), prints each line it receives\n"
    "on stdout and sends each line typed on stdin. Exits when the server hangs up, or when\n"
    "stdin ends (once the server has seen everything; at most 5 s later).\n";

int main(int argc, char** argv) {
    return cli::run("chat_client", [&] {
        cli::Args args = cli::parse(argc, argv, usage, {"127.0.0.1", 8000, {}}, 0);

        auto sock = socklite::Socket::connect(args.host, args.port, std::chrono::seconds(10));
        std::string peer = cli::host_port(args);
        cli::note("connected to " + peer);

        // After stdin ends we still print the server's last words, but wait at most 5 s for
        // it to hang up: a server may keep the line open, and the user wants to leave.
        chat::talk(sock, peer, std::chrono::seconds(5));
        return 0;
    });
}
