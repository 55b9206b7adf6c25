// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The system calls HttpClient makes, counted through the library's syscall seam
// (detail::sys): a small GET on a kept-alive connection is one send and one recv, as with a
// hand-written loop; strace shows the same, but a count through the seam is deterministic.

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include <socklite/detail/syscall.hpp>
#include <socklite/http/client.hpp>

#include "http_client/scripted.hpp"

using socklite::HttpClient;
using socklite_test::ScriptConn;
using socklite_test::ScriptedServer;
using namespace std::chrono_literals;

namespace {

// Counts the calls made by one thread (the test's; the scripted server's threads are not
// counted). Installed before the server starts and removed after it stopped, so that no other
// thread reads the table while it changes.
struct Counts {
    std::atomic<bool> on{false};
    std::thread::id thread;
    std::atomic<int> send{0}, recv{0}, poll{0};
} counts;

socklite::detail::Syscalls real_calls = socklite::detail::sys;

bool counted() { return counts.on.load() && std::this_thread::get_id() == counts.thread; }

ssize_t counting_send(int fd, const void* p, size_t n, int flags) {
    if (counted()) ++counts.send;
    return real_calls.send(fd, p, n, flags);
}
ssize_t counting_recv(int fd, void* p, size_t n, int flags) {
    if (counted()) ++counts.recv;
    return real_calls.recv(fd, p, n, flags);
}
int counting_poll(pollfd* fds, nfds_t n, int timeout) {
    if (counted()) ++counts.poll;
    return real_calls.poll(fds, n, timeout);
}

struct CountingSeam {
    CountingSeam() {
        socklite::detail::sys.send = counting_send;
        socklite::detail::sys.recv = counting_recv;
        socklite::detail::sys.poll = counting_poll;
        counts.thread = std::this_thread::get_id();
    }
    ~CountingSeam() { socklite::detail::sys = real_calls; }
    void start() {
        counts.send = counts.recv = counts.poll = 0;
        counts.on = true;
    }
    void stop() { counts.on = false; }
};

std::string ok13() { return "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, world!"; }

}  // namespace

TEST_CASE("client syscalls: a small keep-alive GET is one send and one recv, no poll") {
    CountingSeam seam;
    {
        ScriptedServer srv([](ScriptConn& c) {
            while (!c.read_request().empty()) c.send(ok13());
        });
        HttpClient::Options o;
        o.read_timeout = 10s;
        SUBCASE("no deadline") {}
        SUBCASE("a deadline farther than the idle timeout") { o.deadline = 60s; }
        HttpClient cli(srv.url(), o);
        REQUIRE(cli.get("/").body == "Hello, world!");  // connects; the connection stays
        socklite::http::Response res;
        for (int i = 0; i < 5; ++i) {
            seam.start();
            cli.get("/", res);
            seam.stop();
            CHECK(res.body == "Hello, world!");
            CHECK(counts.send == 1);
            CHECK(counts.recv == 1);
            CHECK(counts.poll == 0);
        }
        CHECK(cli.connections_opened() == 1);
        cli.close_idle();
    }
}

TEST_CASE("client syscalls: a POST on a pooled connection checks it once without waiting") {
    CountingSeam seam;
    {
        ScriptedServer srv([](ScriptConn& c) {
            while (!c.read_request().empty()) c.send(ok13());
        });
        HttpClient cli(srv.url());
        REQUIRE(cli.get("/").status == 200);
        seam.start();
        CHECK(cli.post("/form", "a=1", "application/x-www-form-urlencoded").status == 200);
        seam.stop();
        CHECK(counts.send == 1);  // head and small body in one send
        CHECK(counts.recv == 2);  // the check (timed_out at once), then the response
        CHECK(counts.poll == 0);
        cli.close_idle();
    }
}
