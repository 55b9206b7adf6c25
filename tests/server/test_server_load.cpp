// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer under load, bounded and deterministic: ten thousand keep-alive connections open at
// once on one server loop; running out of descriptors (EMFILE) pauses accepting, the others are
// served meanwhile, and accepting resumes once descriptors are freed; two thousand slowloris
// connections are closed by the header timeout while a normal client is served promptly.
// Under sanitizers the counts are scaled down (the checks stay the same).

#include <socklite/http/server.hpp>
#include <socklite/socket.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"
#include "support/rlimit.hpp"
#include "support/sanitizer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

const std::string request = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";

// The highest descriptor number open in this process.
int highest_fd() {
    int top = -1;
    for (int fd = 0; fd < 65536; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1) top = fd;
        if (fd > top + 4096) break;  // a gap this long: nothing above (the table is dense here)
    }
    return top;
}

// Reads one small answer from a blocking socket with a read timeout: the head and a
// Content-Length body. Returns the status, 0 when the connection ended first.
int read_small_answer(socklite::Socket& s, std::string& buf) {
    for (int rounds = 0; rounds < 1000; ++rounds) {
        std::size_t end = buf.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::size_t cl = buf.find("Content-Length: ");
            std::size_t len = cl == std::string::npos ? 0 : std::stoul(buf.substr(cl + 16));
            if (buf.size() >= end + 4 + len) {
                int status = std::stoi(buf.substr(9, 3));
                buf.erase(0, end + 4 + len);
                return status;
            }
        }
        char tmp[4096];
        std::error_code ec;
        std::size_t n = s.recv(tmp, sizeof tmp, ec);
        if (ec || n == 0) return 0;
        buf.append(tmp, n);
    }
    return 0;
}

// Closes @p s with a reset (SO_LINGER 0): thousands of closes leave no TIME_WAIT behind on the
// client side, where it would hold ephemeral ports for a minute.
void reset_close(socklite::Socket& s) {
    linger l{1, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    s.close();
}

// Process CPU time (all threads).
std::chrono::milliseconds cpu_time() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::milliseconds(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

struct HelloServer {
    std::atomic<int> calls{0};
    HttpServer server;
    explicit HelloServer(HttpServer::Options o) : server(std::move(o)) {
        server.get("/hello", [this](const ServerRequest&, Response& res) {
            ++calls;
            res.body = "hello";
        });
    }
};

}  // namespace

TEST_CASE("server load: ten thousand keep-alive connections open at once on one loop") {
    const int wanted = sanitized ? 2000 : 10000;
    // Two descriptors a connection (the client's and the server's, both in this process).
    FdLimit limit(static_cast<rlim_t>(2 * wanted + 500));
    const int spare = 100;
    const int possible =
        static_cast<int>((static_cast<int>(limit.limit()) - open_fd_count() - spare) / 2);
    if (possible < 1000) {
        MESSAGE("skipped: RLIMIT_NOFILE allows only " << limit.limit() << " descriptors");
        return;
    }
    const int count = std::min(wanted, possible);
    MESSAGE(count << " concurrent connections (wanted " << wanted << ", descriptor limit "
                  << limit.limit()
                  << std::string(sanitized ? ", scaled down under a sanitizer)" : ")"));
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.max_connections = static_cast<std::size_t>(count) + 10;
    HelloServer srv(o);
    RunningServer run(srv.server);
    auto start = std::chrono::steady_clock::now();
    std::vector<socklite::Socket> conns;
    conns.reserve(static_cast<std::size_t>(count));
    std::vector<std::string> bufs(static_cast<std::size_t>(count));
    // In batches (so that the listen backlog never overflows): connect, send, read the answers;
    // every connection stays open.
    const int batch = 250;
    for (int first = 0; first < count; first += batch) {
        int last = std::min(count, first + batch);
        for (int i = first; i < last; ++i) {
            conns.push_back(socklite::Socket::connect("127.0.0.1", run.port(), io_timeout));
            conns.back().read_timeout(io_timeout);
            conns.back().write_timeout(io_timeout);
            conns.back().send_all(request);
        }
        for (int i = first; i < last; ++i) {
            auto k = static_cast<std::size_t>(i);
            REQUIRE(read_small_answer(conns[k], bufs[k]) == 200);
        }
        REQUIRE(elapsed_since(start) < 6 * io_timeout);
    }
    auto opened = elapsed_since(start);
    // All of them open at once: a second request on each is answered on the same connection.
    for (int first = 0; first < count; first += batch) {
        int last = std::min(count, first + batch);
        for (int i = first; i < last; ++i) conns[static_cast<std::size_t>(i)].send_all(request);
        for (int i = first; i < last; ++i) {
            auto k = static_cast<std::size_t>(i);
            REQUIRE(read_small_answer(conns[k], bufs[k]) == 200);
        }
    }
    CHECK(srv.calls == 2 * count);
    // A newcomer is still served.
    RawClient late(run.port());
    late.send(request);
    CHECK(late.read_response().status == 200);
    MESSAGE("opened and answered in " << opened.count() << " ms, second round done after "
                                      << elapsed_since(start).count() << " ms");
    for (auto& c : conns) reset_close(c);
}

TEST_CASE("server load: out of descriptors, accepting pauses, the others are served, it resumes") {
    FdLimit limit(4096);
    FdLeakGuard leaks;
    std::mutex m;
    int emfile_reports = 0;
    HttpServer::Options o;
    o.on_error = [&](std::string_view what) {
        std::lock_guard<std::mutex> lock(m);
        if (what.find("accept") != std::string_view::npos) ++emfile_reports;
    };
    HelloServer srv(o);
    RunningServer run(srv.server);
    RawClient a(run.port());
    a.send(request);
    REQUIRE(a.read_response().status == 200);

    // Lower the limit a little above what is open, prepare B's socket, then fill the table.
    limit.set(static_cast<rlim_t>(highest_fd() + 32));
    int b_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(b_fd >= 0);
    std::vector<int> ballast;
    for (int i = 0; i < 1000; ++i) {
        int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            REQUIRE(errno == EMFILE);
            break;
        }
        ballast.push_back(fd);
    }
    REQUIRE(!ballast.empty());
    REQUIRE(::open("/dev/null", O_RDONLY | O_CLOEXEC) == -1);  // the table is full
    // B connects: the kernel completes the handshake, the server's accept fails with EMFILE.
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(run.port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(b_fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    socklite::Socket b(b_fd);
    b.read_timeout(io_timeout);
    b.send_all(request);

    // The loop keeps serving A, and does not spin on the listener meanwhile.
    auto cpu_before = cpu_time();
    auto wall_before = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) {
        a.send(request);
        CHECK(a.read_response().status == 200);
    }
    pollfd p{b.native_handle(), POLLIN, 0};
    CHECK(::poll(&p, 1, 500) == 0);  // B is not answered: not accepted
    auto wall = elapsed_since(wall_before);
    auto cpu = cpu_time() - cpu_before;
    MESSAGE("while out of descriptors: " << cpu.count() << " ms of CPU in " << wall.count()
                                         << " ms");
    CHECK(cpu < wall / 2);  // a spinning loop would take a whole core
    {
        std::lock_guard<std::mutex> lock(m);
        CHECK(emfile_reports >= 1);
    }

    // Descriptors come back: B is accepted and answered.
    for (int fd : ballast) ::close(fd);
    std::string buf;
    auto resumed = std::chrono::steady_clock::now();
    CHECK(read_small_answer(b, buf) == 200);
    MESSAGE("B answered " << elapsed_since(resumed).count() << " ms after descriptors were freed");
    a.send(request);
    CHECK(a.read_response().status == 200);
    CHECK(srv.calls == 8);
}

TEST_CASE("server load: slowloris connections are closed by the header timeout, others served") {
    const int wanted = sanitized ? 500 : 2000;
    FdLimit limit(static_cast<rlim_t>(2 * wanted + 500));
    const int possible =
        static_cast<int>((static_cast<int>(limit.limit()) - open_fd_count() - 100) / 2);
    if (possible < 200) {
        MESSAGE("skipped: RLIMIT_NOFILE allows only " << limit.limit() << " descriptors");
        return;
    }
    const int count = std::min(wanted, possible);
    MESSAGE(count << " slowloris connections"
                  << std::string(sanitized ? " (scaled down under a sanitizer)" : ""));
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.header_timeout = std::chrono::milliseconds(1000);
    o.max_connections = static_cast<std::size_t>(count) + 100;
    HelloServer srv(o);
    RunningServer run(srv.server);

    const std::string slow = "GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: " + std::string(500, 'z');
    std::vector<socklite::Socket> conns;
    std::vector<std::size_t> sent(static_cast<std::size_t>(count), 0);
    std::vector<std::string> got(static_cast<std::size_t>(count));
    std::vector<bool> closed(static_cast<std::size_t>(count), false);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
        conns.push_back(socklite::Socket::connect("127.0.0.1", run.port(), io_timeout));
        conns.back().send_all(slow.data(), 1);  // at once: the header timeout ends in a 408
        sent[static_cast<std::size_t>(i)] = 1;
        conns.back().non_blocking(true);
    }

    // The normal client: a new connection and a request every 50 ms, timed.
    std::atomic<bool> attack_over{false};
    std::chrono::milliseconds worst{0};
    int served = 0;
    Peer normal([&] {
        auto began = std::chrono::steady_clock::now();
        while (!attack_over && elapsed_since(began) < 4 * io_timeout && served < 200) {
            auto t0 = std::chrono::steady_clock::now();
            RawClient c(run.port());
            c.send(request);
            REQUIRE(c.read_response().status == 200);
            worst = std::max(worst, elapsed_since(t0));
            ++served;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });

    // The attack: one byte to every open connection every 100 ms, until the server has closed
    // them all (bounded: the header timeout and a generous margin).
    int open = count;
    while (open > 0 && elapsed_since(start) < o.header_timeout + io_timeout) {
        for (std::size_t i = 0; i < conns.size(); ++i) {
            if (closed[i] || sent[i] >= slow.size()) continue;
            std::error_code ec;
            if (conns[i].send(slow.data() + sent[i], 1, ec) == 1) ++sent[i];
        }
        std::vector<pollfd> fds;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < conns.size(); ++i) {
            if (closed[i]) continue;
            fds.push_back({conns[i].native_handle(), POLLIN, 0});
            which.push_back(i);
        }
        ::poll(fds.data(), fds.size(), 100);
        for (std::size_t j = 0; j < fds.size(); ++j) {
            if (fds[j].revents == 0) continue;
            std::size_t i = which[j];
            for (int reads = 0; reads < 64; ++reads) {
                char tmp[4096];
                std::error_code ec;
                std::size_t n = conns[i].recv(tmp, sizeof tmp, ec);
                if (ec == std::errc::resource_unavailable_try_again ||
                    ec == std::errc::operation_would_block)
                    break;
                if (ec || n == 0) {
                    closed[i] = true;
                    --open;
                    break;
                }
                got[i].append(tmp, n);
            }
        }
    }
    auto took = elapsed_since(start);
    attack_over = true;
    normal.join();
    CHECK(open == 0);
    int answered_408 = 0;
    for (const std::string& g : got) answered_408 += g.compare(0, 13, "HTTP/1.1 408 ") == 0;
    CHECK(answered_408 == count);
    CHECK(took >= o.header_timeout);
    CHECK(served >= 5);
    // A bound, not a measurement: a few ms on an idle machine; a server held up by the slow
    // connections would make the normal client wait for their header timeouts, one after another
    // (thousands of seconds), so twice the header timeout still tells the two apart under load.
    CHECK(worst < 2 * o.header_timeout);
    MESSAGE("all " << count << " closed after " << took.count() << " ms; the normal client made "
                   << served << " requests meanwhile, the slowest took " << worst.count() << " ms");
    CHECK(srv.calls == served);
    conns.clear();
}
