// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_BENCH_SUPPORT_RAW_POSIX_HPP
#define SOCKLITE_BENCH_SUPPORT_RAW_POSIX_HPP

// The raw POSIX floor the benchmarks measure socklite against: the system calls written as an
// experienced programmer would write them by hand, shared so that every comparison has the same.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace socklite_bench {

/** Throws the errno of the failed call @p what. */
[[noreturn]] inline void fail(const char* what) {
    throw std::system_error(errno, std::system_category(), what);
}

/** Reads exactly @p len bytes; false at the end of stream or on an error. */
inline bool read_full(int fd, void* buf, std::size_t len) {
    auto* p = static_cast<char*>(buf);
    while (len > 0) {
        ssize_t n = ::recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

/** A blocking TCP connection to 127.0.0.1:@p port with TCP_NODELAY; the caller closes it. */
inline int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    const char* failed = nullptr;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
        failed = "connect";
    else if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        failed = "setsockopt";
    if (failed) {
        int e = errno;
        ::close(fd);
        errno = e;
        fail(failed);
    }
    return fd;
}

}  // namespace socklite_bench

#endif  // SOCKLITE_BENCH_SUPPORT_RAW_POSIX_HPP
