// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 1 of the tutorial, the client: connect, send a message, print the reply. The Python
// original:
//
//     client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//     client.connect(('127.0.0.1', 8000))
//     client.send("allen".encode("utf-8"))
//     data = client.recv(1024)
//     print(data.decode('utf8'))
//     client.close()

#include <chrono>
#include <string>

#include <socklite/error.hpp>
#include <socklite/socket.hpp>

#include "cli.hpp"

static const char usage[] =
    "usage: hello_client [--host H] [--port P] [MESSAGE]\n"
    "\n"
    "Connects to H:P (default 127.0.0.1:8000), sends MESSAGE (default \"allen\") and prints\n"
    "the reply on stdout.\n";

int main(int argc, char** argv) {
    return cli::run("hello_client", [&] {
        cli::Args args = cli::parse(argc, argv, usage, {"127.0.0.1", 8000, {}}, 1);
        std::string message = args.rest.empty() ? "allen" : args.rest[0];

        // A deadline on every wait: a server that never answers is an error, not a hang.
        const auto patience = std::chrono::seconds(10);
        auto sock = socklite::Socket::connect(args.host, args.port, patience);
        sock.read_timeout(patience);

        // send() may take only part of the bytes; send_all() loops until all are sent.
        sock.send_all(message);

        std::string reply = sock.recv(1024);
        if (reply.empty()) {  // recv() returns nothing only when the server hung up
            throw socklite::Error(socklite::errc::unexpected_eof,
                                  "recv " + sock.peer_address().to_string());
        }
        cli::print_line(reply);
        return 0;
    });
}
