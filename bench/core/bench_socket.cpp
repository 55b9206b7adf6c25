// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Micro benchmarks of Socket over one loopback TCP connection, next to the raw POSIX calls:
// a 64-byte ping-pong round trip, and one 64 KiB write to a peer that only reads. The peers are
// threads running plain POSIX code. Run by hand (not from ctest), e.g.
//   bench/core/bench_socket --benchmark-samples 50
// compare_socket gives the interleaved, longer comparison with ratios.

#include <catch2/catch.hpp>
#include <socklite.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/raw_posix.hpp"

namespace {

using socklite_bench::connect_loopback;
using socklite_bench::fail;
using socklite_bench::read_full;

constexpr std::size_t ping_size = 64;
constexpr std::size_t chunk_size = 64 * 1024;
constexpr int accept_wait_ms = 10000;  // the peer gives up when nobody connects

void raw_write_all(int fd, const void* buf, std::size_t len) {
    auto* p = static_cast<const char*>(buf);
    while (len > 0) {
        ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("send");
        }
        p += n;
        len -= static_cast<std::size_t>(n);
    }
}

/** A peer thread on 127.0.0.1:port that accepts one connection and either echoes 64-byte
 *  messages or reads and drops everything, until the client closes. Declare it before the
 *  client so that the client closes first and the thread ends. */
class Peer {
public:
    enum class Mode { echo, sink };

    explicit Peer(Mode mode) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) fail("socket");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
            ::listen(fd_, 1) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            int e = errno;
            ::close(fd_);
            errno = e;
            fail("listen");
        }
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this, mode] { serve(mode); });
    }
    ~Peer() {
        thread_.join();
        ::close(fd_);
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    std::uint16_t port() const noexcept { return port_; }

private:
    void serve(Mode mode) const {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, accept_wait_ms) != 1) return;
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        int one = 1;
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::vector<char> buf(mode == Mode::echo ? ping_size : 256 * 1024);
        if (mode == Mode::echo) {
            while (read_full(c, buf.data(), ping_size)) {
                ssize_t n = ::send(c, buf.data(), ping_size, MSG_NOSIGNAL);
                if (n != static_cast<ssize_t>(ping_size)) break;
            }
        } else {
            while (::recv(c, buf.data(), buf.size(), 0) > 0) {}
        }
        ::close(c);
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

/** A raw client descriptor, closed on scope exit. */
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port) : fd_(connect_loopback(port)) {}
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
};

socklite::Socket socklite_connection(std::uint16_t port, bool timeouts) {
    auto s = socklite::Socket::connect(socklite::Address::ipv4("127.0.0.1", port),
                                       std::chrono::seconds(10));
    s.nodelay(true);
    if (timeouts) {
        s.read_timeout(std::chrono::seconds(10));
        s.write_timeout(std::chrono::seconds(10));
    }
    return s;
}

}  // namespace

TEST_CASE("socket: 64-byte ping-pong over loopback", "[socket][ping]") {
    std::array<char, ping_size> buf{};
    buf.fill('p');
    {
        Peer peer(Peer::Mode::echo);
        RawConnection raw(peer.port());
        BENCHMARK("raw POSIX send/recv") {
            raw_write_all(raw.fd(), buf.data(), buf.size());
            if (!read_full(raw.fd(), buf.data(), buf.size())) throw std::runtime_error("eof");
            return buf[0];
        };
    }
    {
        Peer peer(Peer::Mode::echo);
        socklite::Socket sock = socklite_connection(peer.port(), false);
        BENCHMARK("socklite send_all/recv_exact") {
            sock.send_all(buf.data(), buf.size());
            sock.recv_exact(buf.data(), buf.size());
            return buf[0];
        };
    }
    {
        Peer peer(Peer::Mode::echo);
        socklite::Socket sock = socklite_connection(peer.port(), true);
        BENCHMARK("socklite send_all/recv_exact, timeouts set") {
            sock.send_all(buf.data(), buf.size());
            sock.recv_exact(buf.data(), buf.size());
            return buf[0];
        };
    }
}

TEST_CASE("socket: 64 KiB writes over loopback", "[socket][bulk]") {
    std::vector<char> chunk(chunk_size, 'b');
    {
        Peer peer(Peer::Mode::sink);
        RawConnection raw(peer.port());
        BENCHMARK("raw POSIX send, 64 KiB") {
            raw_write_all(raw.fd(), chunk.data(), chunk.size());
        };
    }
    {
        Peer peer(Peer::Mode::sink);
        socklite::Socket sock = socklite_connection(peer.port(), false);
        BENCHMARK("socklite send_all, 64 KiB") { sock.send_all(chunk.data(), chunk.size()); };
    }
    {
        Peer peer(Peer::Mode::sink);
        socklite::Socket sock = socklite_connection(peer.port(), true);
        BENCHMARK("socklite send_all, 64 KiB, timeouts set") {
            sock.send_all(chunk.data(), chunk.size());
        };
    }
}

namespace {

// Stand-ins for send(2) and recv(2) that do no I/O, to isolate socklite's own user-space cost.
ssize_t stub_send(int, const void*, size_t len, int) { return static_cast<ssize_t>(len); }
ssize_t stub_recv(int, void*, size_t len, int) { return static_cast<ssize_t>(len); }

/** Swaps the send/recv entries of socklite's system-call table for the stubs while in scope. */
class StubbedSyscalls {
public:
    StubbedSyscalls() : saved_(socklite::detail::sys) {
        socklite::detail::sys.send = stub_send;
        socklite::detail::sys.recv = stub_recv;
    }
    ~StubbedSyscalls() { socklite::detail::sys = saved_; }
    StubbedSyscalls(const StubbedSyscalls&) = delete;
    StubbedSyscalls& operator=(const StubbedSyscalls&) = delete;

private:
    socklite::detail::Syscalls saved_;
};

}  // namespace

// What socklite adds on top of the two system calls of a round trip, measured without the
// kernel: the stubs return at once, so the time left is the library's (deadline arithmetic,
// error_code handling, loops). Compare it with a real round trip above (microseconds).
TEST_CASE("socket: user-space cost of a round trip, system calls stubbed", "[socket][overhead]") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    socklite::Socket plain(fds[0]);
    socklite::Socket timed(fds[1]);
    timed.read_timeout(std::chrono::seconds(10));
    timed.write_timeout(std::chrono::seconds(10));
    std::array<char, ping_size> buf{};
    StubbedSyscalls stubs;
    auto* volatile send_fn = socklite::detail::sys.send;  // an indirect call, as socklite makes
    auto* volatile recv_fn = socklite::detail::sys.recv;

    BENCHMARK("raw: send + recv through the stubs") {
        ssize_t n = send_fn(fds[0], buf.data(), buf.size(), MSG_NOSIGNAL);
        n += recv_fn(fds[0], buf.data(), buf.size(), 0);
        return n;
    };
    BENCHMARK("socklite: send_all + recv_exact") {
        plain.send_all(buf.data(), buf.size());
        plain.recv_exact(buf.data(), buf.size());
        return buf[0];
    };
    BENCHMARK("socklite: send_all + recv_exact, timeouts set") {
        timed.send_all(buf.data(), buf.size());
        timed.recv_exact(buf.data(), buf.size());
        return buf[0];
    };
}
