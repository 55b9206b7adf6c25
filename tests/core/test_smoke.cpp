// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <doctest/doctest.h>

#include <socklite.hpp>

TEST_CASE("smoke: a client and a listener exchange a message on loopback") {
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    auto client = socklite::Socket::connect(listener.local_address(), std::chrono::seconds(5));
    auto [server, peer] = listener.accept(std::chrono::seconds(5));
    server.read_timeout(std::chrono::seconds(5));
    client.send_all("allen");
    CHECK(server.recv(1024) == "allen");
    CHECK(peer == client.local_address());
}
