// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The program every packaging test builds against socklite as a user would get it (installed
// package, add_subdirectory, Meson subproject, pkg-config, single header): one message over
// loopback, so the headers are not only found but work.
#include <socklite.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int main() {
    try {
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        auto client = socklite::Socket::connect(listener.local_address(), std::chrono::seconds(10));
        auto [server, peer] = listener.accept(std::chrono::seconds(10));
        server.read_timeout(std::chrono::seconds(10));
        client.send_all("ping");
        std::string got = server.recv(16);
        if (got != "ping") {
            std::fprintf(stderr, "consumer: expected \"ping\", got \"%s\"\n", got.c_str());
            return 1;
        }
        std::printf("socklite %s: ping from %s\n", socklite::version, peer.to_string().c_str());
        return 0;
    } catch (const socklite::Error& e) {
        std::fprintf(stderr, "consumer: %s\n", e.what());
        return 1;
    }
}
