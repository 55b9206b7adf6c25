// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_LOOPBACK_HPP
#define SOCKLITE_TESTS_SUPPORT_LOOPBACK_HPP

// Loopback fixtures: a connected pair, an address that refuses, one that never answers (a full
// backlog), unique Unix-domain names, and a private temporary directory.

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "peer.hpp"
#include "temp_dir.hpp"

namespace socklite_test {

/** A listener and both ends of one connection through it, with io_timeout on every call. */
struct Connected {
    socklite::Listener listener;
    socklite::Socket client;
    socklite::Socket server;
    socklite::Address peer;  ///< the client's address as accept() reported it
};

/** Connects a client to a fresh listener on @p address (port 0 = ephemeral). */
inline Connected connected_pair(
    const socklite::Address& address = socklite::Address::parse("127.0.0.1:0")) {
    Connected c;
    c.listener = socklite::Listener::bind(address);
    c.client = socklite::Socket::connect(c.listener.local_address(), io_timeout);
    auto accepted = c.listener.accept(io_timeout);
    c.server = std::move(accepted.socket);
    c.peer = accepted.peer;
    for (socklite::Socket* s : {&c.client, &c.server}) {
        s->read_timeout(io_timeout);
        s->write_timeout(io_timeout);
    }
    return c;
}

/** A loopback port where nothing listens, so connect is refused, and which no other process
 *  can take meanwhile: a socket bound to it but never listening holds it (on 127.0.0.1, and on
 *  ::1 too when possible, since `localhost` may resolve to either). */
class RefusingPort {
public:
    /** Holds a port on @p loopback (`127.0.0.1:0` or `[::1]:0`), and the same port on the other
     *  loopback address when it is free. */
    explicit RefusingPort(const char* loopback = "127.0.0.1:0") {
        main_ = bound_socket(socklite::Address::parse(loopback));
        REQUIRE(main_ >= 0);
        socklite::Address a;
        socklen_t len = socklite::Address::capacity();
        REQUIRE(::getsockname(main_, a.data(), &len) == 0);
        a.resize(len);
        address_ = a;
        socklite::Address other = socklite::Address::parse(a.is_ipv4() ? "[::1]:0" : "127.0.0.1:0");
        other.port(a.port());
        other_ = bound_socket(other);  // -1 when unavailable or taken there: best effort
    }
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    ~RefusingPort() {
        ::close(main_);
        if (other_ >= 0) ::close(other_);
    }
    /** The loopback address with the held port. */
    const socklite::Address& address() const { return address_; }
    /** The held port. */
    std::uint16_t port() const { return address_.port(); }

private:
    static int bound_socket(const socklite::Address& at) {
        int fd = ::socket(at.data()->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (::bind(fd, at.data(), at.size()) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    int main_ = -1;
    int other_ = -1;
    socklite::Address address_;
};

/** A listener whose backlog is full and never accepted from, so a new client's SYN is dropped
 *  and connect() can only time out. `ready` is false if the kernel kept accepting handshakes
 *  (then the caller should skip). */
struct BlackHole {
    socklite::Listener listener;
    std::vector<socklite::Socket> fillers;
    socklite::Address address;
    bool ready = false;

    BlackHole() {
        socklite::ListenOptions options;
        options.backlog = 0;
        listener = socklite::Listener::bind(socklite::Address::parse("127.0.0.1:0"), options);
        address = listener.local_address();
        // Linux queues backlog + 1 connections; one more attempt proves the queue is full. The
        // proof waits a whole second, so that a stalled machine is not mistaken for a full queue.
        for (int i = 0; i < 16 && !ready; ++i) {
            std::error_code ec;
            auto s = socklite::Socket::connect(address, std::chrono::milliseconds(1000), ec);
            if (ec == std::errc::timed_out) {
                ready = !fillers.empty();  // a stall under load is not proof of a full queue
            } else {
                REQUIRE_MESSAGE(!ec, "filling the backlog: " << ec.message());
                fillers.push_back(std::move(s));
            }
        }
    }
};

/** One BlackHole for the whole test program, made on first use (its descriptors then stay open:
 *  call this before an FdLeakGuard). Filling a backlog takes a second, so tests share it. */
inline BlackHole& shared_black_hole() {
    static BlackHole hole;
    return hole;
}

/** A Unix abstract-namespace name unique to this process and call: `@socklite-test-PID-N`. */
inline std::string unique_abstract_name() {
    static std::atomic<int> counter{0};
    return "@socklite-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

/** Whether IPv6 loopback (::1) can be bound here. */
inline bool ipv6_available() {
    std::error_code ec;
    auto l = socklite::Listener::bind(socklite::Address::parse("[::1]:0"), {}, ec);
    return !ec;
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_LOOPBACK_HPP
