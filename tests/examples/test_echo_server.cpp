// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// End-to-end tests of examples/echo_server: the built program runs as a child process (see
// child_process.hpp) and the test plays many clients at once on loopback, driving its
// non-blocking sockets with poll(2). Every wait is bounded by `patience`; no sleeps.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <socklite/address.hpp>
#include <socklite/socket.hpp>

#include "child_process.hpp"
#include "support/example_path.hpp"

using examples_test::Child;
using examples_test::patience;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<Child> start_server(const std::vector<std::string>& args = {"--host", "127.0.0.1",
                                                                            "--port", "0"}) {
    return std::make_unique<Child>(socklite_test::example_path("echo_server"), args);
}

// Declared first in a test, checked last: no descriptor left open and no child left over.
struct LeakCheck {
    int fds = examples_test::fd_count();
    ~LeakCheck() {
        CHECK(examples_test::fd_count() == fds);
        CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
    }
};

// What client `seed` sends: byte k is table[(k + 7919 * seed) % size], a table of a prime size,
// so that a lost, doubled or reordered block shows, without holding every stream in memory.
const std::string& table() {
    static const std::string t = [] {
        std::string s(1000003, '\0');
        std::uint32_t x = 12345;
        for (auto& c : s) {
            x = x * 1664525u + 1013904223u;
            c = static_cast<char>(x >> 24);
        }
        return s;
    }();
    return t;
}

// One client: sends `total` bytes of its stream, checks the echo byte by byte as it comes.
struct EchoClient {
    socklite::Socket sock;
    std::size_t total = 0;
    std::size_t seed = 0;
    std::size_t sent = 0;
    std::size_t got = 0;
    bool shut = false;  // shutdown(write) done
    bool eof = false;
    bool bad = false;  // a byte differed, or came after the end

    EchoClient(std::uint16_t port, std::size_t bytes, std::size_t s) : total(bytes), seed(s) {
        auto address = socklite::Address::parse("127.0.0.1:" + std::to_string(port));
        sock = socklite::Socket::connect(address, patience);
        sock.non_blocking(true);
    }
    std::size_t offset(std::size_t k) const { return (k + 7919 * seed) % table().size(); }
    bool done() const { return eof; }
    // Writes what the socket takes now (at most `max` bytes); after the last byte, half-closes.
    void write_some(std::size_t max = SIZE_MAX) {
        while (sent < total && max > 0) {
            std::size_t at = offset(sent);
            std::size_t n = std::min({total - sent, table().size() - at, max});
            std::error_code ec;
            std::size_t w = sock.send(table().data() + at, n, ec);
            if (ec) {
                REQUIRE(ec == std::errc::operation_would_block);
                return;
            }
            sent += w;
            max -= w;
        }
        if (sent == total && !shut) {
            sock.shutdown(socklite::Shutdown::write);
            shut = true;
        }
    }
    // Reads what is there, up to `max` bytes, checking it against what was sent.
    void read_some(std::size_t max = 256 * 1024) {
        static thread_local std::vector<char> buf(256 * 1024);
        std::error_code ec;
        std::size_t n = sock.recv(buf.data(), std::min(max, buf.size()), ec);
        if (ec) {
            REQUIRE(ec == std::errc::operation_would_block);
            return;
        }
        if (n == 0) {
            eof = true;
            return;
        }
        if (got + n > sent) bad = true;
        for (std::size_t i = 0; i < n && !bad;) {  // compare table-contiguous stretches
            std::size_t at = offset(got + i);
            std::size_t len = std::min(n - i, table().size() - at);
            if (std::memcmp(buf.data() + i, table().data() + at, len) != 0) bad = true;
            i += len;
        }
        got += n;
    }
};

// Waits (at most `patience`) until one of the clients' sockets is ready for what it wants.
void wait_ready(std::vector<std::unique_ptr<EchoClient>>& clients, bool reading) {
    std::vector<pollfd> fds;
    for (auto& c : clients) {
        if (c->done()) continue;
        short events = 0;
        if (reading) events |= POLLIN;
        if (!c->shut) events |= POLLOUT;
        if (events) fds.push_back({c->sock.native_handle(), events, 0});
    }
    if (fds.empty()) return;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(patience.count()));
    REQUIRE_MESSAGE(n != 0, "no client could make progress for " << patience.count() << " ms");
}

// Runs every client to the end of its echo: all bytes written, read back and checked.
void run_to_end(std::vector<std::unique_ptr<EchoClient>>& clients) {
    auto deadline = Clock::now() + 4 * patience;
    for (;;) {
        bool all = true;
        for (auto& c : clients) {
            if (c->done()) continue;
            all = false;
            c->write_some();
            c->read_some();
        }
        if (all) break;
        REQUIRE(Clock::now() < deadline);
        wait_ready(clients, true);
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
        CAPTURE(i);
        CHECK_FALSE(clients[i]->bad);
        CHECK(clients[i]->got == clients[i]->total);
    }
}

// The resident memory of process `pid`, in KiB (VmRSS), 0 if unknown.
long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kib = 0;
            status >> kib;
            return kib;
        }
        std::getline(status, key);
    }
    return 0;
}

// Starts the server with a small ASan quarantine (freed memory would show as RSS growth).
std::unique_ptr<Child> start_measured_server() {
    const char* old = std::getenv("ASAN_OPTIONS");
    std::string asan = old ? old : "";
    ::setenv("ASAN_OPTIONS", (asan + (asan.empty() ? "" : ":") + "quarantine_size_mb=1").c_str(),
             1);
    auto server = start_server();
    if (old)
        ::setenv("ASAN_OPTIONS", asan.c_str(), 1);
    else
        ::unsetenv("ASAN_OPTIONS");
    return server;
}

void stop(Child& server) {
    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    REQUIRE(server.wait_exit());
    CHECK(server.exit_code() == 0);
}

}  // namespace

TEST_CASE("echo_server: --help, bad arguments, listening on, SIGINT and SIGTERM exit 0") {
    LeakCheck leaks;
    {
        auto help = start_server({"--help"});
        REQUIRE(help->wait_exit());
        CHECK(help->exit_code() == 0);
        CHECK(help->out().rfind("usage: echo_server [--host H] [--port P]", 0) == 0);
    }
    {
        auto bad = start_server({"--port", "x"});
        REQUIRE(bad->wait_exit());
        CHECK(bad->exit_code() == 1);
        CHECK(bad->err().rfind("echo_server: bad arguments: --port needs a number", 0) == 0);
        CHECK(std::count(bad->err().begin(), bad->err().end(), '\n') == 1);
    }
    for (int sig : {SIGINT, SIGTERM}) {
        CAPTURE(sig);
        auto server = start_server();
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        CHECK(server->err() == "listening on 127.0.0.1:" + std::to_string(port) + "\n");
        // A connected client does not keep it from stopping.
        EchoClient client(port, 3, 0);
        client.write_some();
        while (client.got < 3) {
            pollfd p{client.sock.native_handle(), POLLIN, 0};
            REQUIRE(::poll(&p, 1, static_cast<int>(patience.count())) == 1);
            client.read_some();
            REQUIRE_FALSE(client.eof);
        }
        CHECK_FALSE(client.bad);
        REQUIRE(::kill(server->pid(), sig) == 0);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 0);
    }
}

TEST_CASE("echo_server: 5 MB from a client that half-closes, echoed exactly to a slow reader") {
    LeakCheck leaks;
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    std::vector<std::unique_ptr<EchoClient>> clients;
    clients.push_back(std::make_unique<EchoClient>(port, 5 * 1024 * 1024, 1));
    EchoClient& c = *clients[0];
    auto started = Clock::now();
    // The slow reader: it writes until the socket takes no more (so the server has stopped
    // reading it), and only then reads one small piece: every pause ends with data arriving.
    while (!c.done()) {
        c.write_some();
        if (!c.shut) {
            pollfd p{c.sock.native_handle(), POLLOUT | POLLIN, 0};
            REQUIRE(::poll(&p, 1, static_cast<int>(patience.count())) == 1);
            if (p.revents & POLLOUT) continue;  // it still takes bytes: keep writing
        } else {
            pollfd p{c.sock.native_handle(), POLLIN, 0};
            REQUIRE(::poll(&p, 1, static_cast<int>(patience.count())) == 1);
        }
        c.read_some(4096);
    }
    MESSAGE("5 MB echoed to a 4 KiB-per-read reader in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
            << " ms");
    CHECK_FALSE(c.bad);
    CHECK(c.got == c.total);  // all of it before the end of stream
    stop(*server);
}

TEST_CASE("echo_server: 100 clients at once, 1 MB each, byte-exact") {
    LeakCheck leaks;
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    std::vector<std::unique_ptr<EchoClient>> clients;
    for (std::size_t i = 0; i < 100; ++i)
        clients.push_back(std::make_unique<EchoClient>(port, 1024 * 1024, i));
    auto started = Clock::now();
    run_to_end(clients);
    MESSAGE("100 x 1 MB echoed in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
            << " ms");
    stop(*server);
}

TEST_CASE("echo_server: 20 clients send 16 MB each and read nothing: memory stays bounded") {
    LeakCheck leaks;
    auto server = start_measured_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    const std::size_t per_client = 16u * 1024 * 1024;
    std::vector<std::unique_ptr<EchoClient>> clients;
    for (std::size_t i = 0; i < 20; ++i)
        clients.push_back(std::make_unique<EchoClient>(port, per_client, 100 + i));
    long rss_before = rss_kib(server->pid());
    REQUIRE(rss_before > 0);

    // Phase 1: write only, for three seconds (an observation window, not a synchronisation:
    // nothing below depends on what happened by when). The server must stop reading clients
    // whose echo is not read, so its memory cannot follow the 320 MB being offered.
    long rss_max = rss_before;
    auto window_end = Clock::now() + 3s;
    while (Clock::now() < window_end) {
        for (auto& c : clients) c->write_some();
        rss_max = std::max(rss_max, rss_kib(server->pid()));
        std::vector<pollfd> fds;
        for (auto& c : clients)
            if (!c->shut) fds.push_back({c->sock.native_handle(), POLLOUT, 0});
        if (fds.empty()) break;
        ::poll(fds.data(), fds.size(), 100);
    }
    rss_max = std::max(rss_max, rss_kib(server->pid()));
    std::size_t offered = 0;
    for (auto& c : clients) offered += c->sent;
    MESSAGE("server RSS " << rss_before << " KiB before, at most " << rss_max << " KiB while "
                          << offered / (1024 * 1024) << " MiB were taken by the kernel from "
                          << "20 clients that read nothing");
    CHECK(rss_max - rss_before < 48 * 1024);  // tens of MiB at most, not hundreds

    // Phase 2: the clients read: every byte comes back, in order.
    auto started = Clock::now();
    run_to_end(clients);
    MESSAGE("then 20 x 16 MB echoed in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
            << " ms");
    stop(*server);
}
