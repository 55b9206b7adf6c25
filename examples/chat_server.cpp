// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 2 of the tutorial, the server side of a two-person chat. The Python original takes
// strict turns:
//
//     sock, addr = server.accept()
//     while True:
//         data = sock.recv(1024)
//         print(data.decode('utf8'))
//         re_data = input()
//         sock.send(re_data.encode("utf8"))
//
// This one lets both sides type whenever they like, one message per line (see chat.hpp).

#include <chrono>

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include "chat.hpp"
#include "cli.hpp"

static const char usage[] =
    "usage: chat_server [--host H] [--port P]\n"
    "\n"
    "Waits for one chat_client on H:P (default 0.0.0.0:8000; port 0 picks a free one), then\n"
    "prints each line it receives on stdout and sends each line typed on stdin. Exits when the\n"
    "client leaves, or when stdin ends (after the client has closed its side too).\n"
    "Prints \"listening on HOST:PORT\" on stderr once clients can connect.\n";

int main(int argc, char** argv) {
    return cli::run("chat_server", [&] {
        cli::Args args = cli::parse(argc, argv, usage, {"0.0.0.0", 8000, {}}, 0);

        auto server = socklite::Listener::bind(args.host, args.port);
        cli::note("listening on " + server.local_address().to_string());

        auto [sock, addr] = server.accept();
        server.close();  // a two-person chat: nobody else may join
        cli::note("connection from " + addr.to_string());

        // After our stdin ends we wait for the client to hang up, however long it takes.
        chat::talk(sock, addr.to_string(), std::chrono::milliseconds::zero());
        return 0;
    });
}
