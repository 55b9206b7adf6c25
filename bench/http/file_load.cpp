// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors

// file_load: a keep-alive GET load generator for large answers, in raw POSIX (no socklite), so
// that it measures the server rather than itself. wrk reads 8 KiB per call and asks FIONREAD
// after each read: 256 system calls per MiB, which on this machine cost one core about 600 us
// per 1 MiB answer, so wrk itself is the bound of a 1 MiB file benchmark. This client reads
// up to --read bytes (256 KiB) per call and discards them.
//
// Usage: file_load --port P --path /1m.bin [--connections 10] [--seconds 3] [--read 262144]
// Prints: SOCKLITE requests N duration_us D errors E   (the shape of the wrk scripts' line)
// Every connection sends its next request after its answer's last byte (no pipelining). An
// answer must be 200 with a Content-Length; anything else counts as an error and ends the run.

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "support/raw_posix.hpp"

namespace {

struct Conn {
    int fd = -1;
    std::string head;  // the answer's head, until its blank line
    std::uint64_t body_left = 0;
    bool in_body = false;
};

// The value of Content-Length in @p head (case-insensitive name), or -1.
long long content_length(const std::string& head) {
    static const char name[] = "\ncontent-length:";
    for (std::size_t i = 0; i + sizeof name - 1 <= head.size(); ++i) {
        std::size_t k = 0;
        while (k < sizeof name - 1) {
            char c = head[i + k];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != name[k]) break;
            ++k;
        }
        if (k == sizeof name - 1) return std::strtoll(head.c_str() + i + k, nullptr, 10);
    }
    return -1;
}

bool send_all(int fd, const std::string& req) {
    std::size_t off = 0;
    while (off < req.size()) {  // a small request into an idle socket: written at once
        ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned port = 0, connections = 10, seconds = 3;
    std::size_t read_size = 256 * 1024;
    std::string path = "/";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--port")
            port = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else if (k == "--path")
            path = argv[i + 1];
        else if (k == "--connections")
            connections = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else if (k == "--seconds")
            seconds = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else if (k == "--read")
            read_size = static_cast<std::size_t>(std::atol(argv[i + 1]));
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (port == 0 || port > 65535 || connections == 0 || read_size == 0 || seconds == 0) {
        std::fprintf(stderr,
                     "usage: file_load --port P --path /file [--connections N] "
                     "[--seconds S] [--read BYTES]\n");
        return 2;
    }
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) socklite_bench::fail("epoll_create1");
    std::vector<Conn> conns(connections);
    for (unsigned i = 0; i < connections; ++i) {
        conns[i].fd = socklite_bench::connect_loopback(static_cast<std::uint16_t>(port));
        ::fcntl(conns[i].fd, F_SETFL, ::fcntl(conns[i].fd, F_GETFL) | O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = i;
        if (::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0)
            socklite_bench::fail("epoll_ctl");
        if (!send_all(conns[i].fd, request)) socklite_bench::fail("send");
    }
    std::vector<char> buf(read_size);
    std::uint64_t answers = 0, errors = 0;
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto end = start + std::chrono::seconds(seconds);
    epoll_event events[64];
    while (errors == 0 && clock::now() < end) {
        int n = ::epoll_wait(ep, events, 64, 1000);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) socklite_bench::fail("epoll_wait");
        for (int e = 0; e < n && errors == 0; ++e) {
            Conn& c = conns[events[e].data.u32];
            for (;;) {  // drain the socket
                ssize_t got = ::recv(c.fd, buf.data(), buf.size(), 0);
                if (got < 0 && errno == EINTR) continue;
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (got <= 0) {  // the server closed a keep-alive connection, or an error
                    ++errors;
                    break;
                }
                std::size_t used = 0, len = static_cast<std::size_t>(got);
                while (used < len && errors == 0) {
                    if (!c.in_body) {
                        std::size_t before = c.head.size();
                        c.head.append(buf.data() + used, len - used);
                        std::size_t blank = c.head.find("\r\n\r\n");
                        if (blank == std::string::npos) {
                            used = len;
                            if (c.head.size() > 64 * 1024) ++errors;
                            break;
                        }
                        long long cl = content_length(c.head);
                        if (c.head.compare(0, 13, "HTTP/1.1 200 ") != 0 || cl < 0) {
                            ++errors;
                            break;
                        }
                        used += blank + 4 - before;
                        c.body_left = static_cast<std::uint64_t>(cl);
                        c.in_body = true;
                        c.head.clear();
                    }
                    std::size_t take = len - used;
                    if (take > c.body_left) take = static_cast<std::size_t>(c.body_left);
                    c.body_left -= take;
                    used += take;
                    if (c.body_left == 0) {  // the whole answer: ask again
                        c.in_body = false;
                        ++answers;
                        if (!send_all(c.fd, request)) ++errors;
                    }
                }
                if (static_cast<std::size_t>(got) < buf.size()) break;  // drained for now
            }
        }
    }
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start).count();
    std::printf("SOCKLITE requests %llu duration_us %lld errors %llu\n",
                static_cast<unsigned long long>(answers), static_cast<long long>(us),
                static_cast<unsigned long long>(errors));
    for (Conn& c : conns) ::close(c.fd);
    ::close(ep);
    return errors == 0 ? 0 : 1;
}
