// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Acceptor::pause_accepting / resume_accepting (a server at its connection limit).

#include <socklite/acceptor.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <vector>

#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"

using namespace socklite_test;

TEST_CASE("acceptor: pause_accepting keeps clients in the backlog until resume_accepting") {
    FdLeakGuard leaks;
    socklite::EventLoop loop;
    std::vector<socklite::Socket> accepted;
    socklite::Acceptor* self = nullptr;
    socklite::Acceptor acceptor(loop, socklite::Listener::bind("127.0.0.1", 0),
                                [&](socklite::Accepted a) {
                                    accepted.push_back(std::move(a.socket));
                                    self->pause_accepting();  // at once, inside the handler
                                });
    self = &acceptor;
    auto port = acceptor.listener().local_address().port();
    auto run_until = [&](std::size_t n) {
        auto start = std::chrono::steady_clock::now();
        while (accepted.size() < n && elapsed_since(start) < io_timeout)
            loop.run_once(std::chrono::milliseconds(100));
    };
    auto a = socklite::Socket::connect("127.0.0.1", port, io_timeout);
    auto b = socklite::Socket::connect("127.0.0.1", port, io_timeout);
    run_until(1);
    REQUIRE(accepted.size() == 1);
    CHECK(acceptor.accepting_paused());
    for (int i = 0; i < 3; ++i) loop.run_once(std::chrono::milliseconds(0));
    CHECK(accepted.size() == 1);  // b waits in the backlog
    acceptor.resume_accepting();
    acceptor.resume_accepting();  // idempotent
    run_until(2);
    CHECK(accepted.size() == 2);
}
