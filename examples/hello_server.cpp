// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 1 of the tutorial, the server: wait for one client, print what it sent, answer
// "hello", hang up. The Python original, line for line:
//
//     server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//     server.bind(('0.0.0.0', 8000))
//     server.listen()
//     sock, addr = server.accept()
//     data = sock.recv(1024)
//     print(data.decode('utf8'))
//     sock.send("hello".encode("utf8"))
//     server.close()
//     sock.close()
//
// Try it: `hello_server --port 8000` in one terminal, `hello_client` in another.

#include <string>

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include "cli.hpp"

static const char usage[] =
    "usage: hello_server [--host H] [--port P]\n"
    "\n"
    "Waits for one client on H:P (default 0.0.0.0:8000; port 0 picks a free one), prints what\n"
    "it sends (up to 1024 bytes) on stdout, replies \"hello\" and exits.\n"
    "Prints \"listening on HOST:PORT\" on stderr once clients can connect.\n";

int main(int argc, char** argv) {
    return cli::run("hello_server", [&] {
        cli::Args args = cli::parse(argc, argv, usage, {"0.0.0.0", 8000, {}}, 0);

        // socket() + bind() + listen() in one call. The port may have been 0, so ask the
        // socket which port the system picked.
        auto server = socklite::Listener::bind(args.host, args.port);
        cli::note("listening on " + server.local_address().to_string());

        // Blocks until a client connects; `sock` talks to that one client.
        auto [sock, addr] = server.accept();
        server.close();  // one client is all this server serves
        cli::note("connection from " + addr.to_string());

        // One recv() returns whatever has arrived, at most 1024 bytes (maybe less than the
        // client sent: TCP carries bytes, not messages; see the chat programs for framing).
        std::string data = sock.recv(1024);
        cli::print_line(data);

        sock.send_all("hello");
        return 0;  // `sock` closes itself here (RAII), like sock.close()
    });
}
