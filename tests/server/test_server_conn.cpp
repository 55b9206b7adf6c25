// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// detail::ServerConn: what an idle keep-alive connection costs the server (issue 8's goal is at
// most 1 KiB of RSS per idle connection): the object's own members, and the heap a server holds
// per connection once its requests are answered, counted with a replacement operator new.

#include <socklite/http/server.hpp>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"

// Live heap bytes, as malloc_usable_size() counts them (the block malloc gave, without its
// header). Not under TSan, whose allocator does not mix with a replaced operator new here.
#if defined(__SANITIZE_THREAD__)
#define SOCKLITE_TEST_COUNT_HEAP 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SOCKLITE_TEST_COUNT_HEAP 0
#endif
#endif
#ifndef SOCKLITE_TEST_COUNT_HEAP
#define SOCKLITE_TEST_COUNT_HEAP 1
#endif

#if SOCKLITE_TEST_COUNT_HEAP
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 at -O2 sees the replaced operator new inlined into malloc and the replaced operator
// delete into free, and warns about a pair it cannot match; the pair is right.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<long> g_live{0};
void* counted_new(std::size_t n) {
    void* p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    g_live += static_cast<long>(::malloc_usable_size(p));
    return p;
}
void counted_delete(void* p) noexcept {
    if (!p) return;
    g_live -= static_cast<long>(::malloc_usable_size(p));
    std::free(p);
}
}  // namespace
void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }
#endif

using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;
using socklite::http::detail::ServerConn;
using socklite_test::RunningServer;

TEST_CASE("server conn: its own members stay small (what a request needs is allocated apart)") {
    // 632 B with g++ 12 on x86-64: the Connection (560 B), two vtable pointers and 56 B of
    // state that an idle connection needs (loop, id, timer, the request state's pointer, the
    // upgraded protocol's, flags). The per-request state (parser, ServerRequest, answer
    // buffers, streamed-answer and upload state: 776 B) lives in ServerConn::Exchange, which an
    // idle connection does not have. 80 B leaves room for a pointer or two; a member that only
    // a request needs belongs in the Exchange.
    CHECK(sizeof(ServerConn) - sizeof(socklite::Connection) <= 80);
}

#if SOCKLITE_TEST_COUNT_HEAP
namespace {

// A connected TCP socket to 127.0.0.1:port, plain POSIX: the client side allocates nothing
// (the counted heap is the server's).
int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    return fd;
}

// Sends `GET /hi` on @p fd and reads its answer whole (it ends with the body "hi"), each wait
// bounded by io_timeout.
void round_trip(int fd) {
    static const char request[] = "GET /hi HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) ==
            static_cast<ssize_t>(sizeof request - 1));
    char buf[1024];
    std::size_t have = 0;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        REQUIRE(::poll(&p, 1, static_cast<int>(socklite_test::io_timeout.count())) == 1);
        ssize_t n = ::recv(fd, buf + have, sizeof buf - have, 0);
        REQUIRE(n > 0);
        have += static_cast<std::size_t>(n);
        const char* end = static_cast<const char*>(::memmem(buf, have, "\r\n\r\n", 4));
        if (end != nullptr && buf + have - (end + 4) >= 2) break;
        REQUIRE(have < sizeof buf);
    }
    REQUIRE(std::memcmp(buf, "HTTP/1.1 200 ", 13) == 0);
    REQUIRE(std::memcmp(buf + have - 2, "hi", 2) == 0);
}

}  // namespace

TEST_CASE("server conn: an idle keep-alive connection keeps at most 1 KiB of server heap") {
    HttpServer server;
    server.get("/hi", [](const ServerRequest&, Response& res) { res.body = "hi"; });
    RunningServer running(server);
    // Warm-up: what the first connections allocate once (tables sized by the first fds).
    std::vector<int> fds;
    constexpr std::size_t n = 200;
    fds.reserve(n + 8);
    for (int i = 0; i < 8; ++i) {
        fds.push_back(connect_to(running.port()));
        round_trip(fds.back());
    }
    const long before = g_live.load();
    for (std::size_t i = 0; i < n; ++i) {
        fds.push_back(connect_to(running.port()));
        round_trip(fds.back());
    }
    // Each connection's answer went out from the callback that then released its request
    // state; the next connection's answer came after that callback ended (one loop thread), so
    // every connection but the last is idle now. A second request on the first one, answered,
    // orders the last one's release as well.
    round_trip(fds.front());
    const long per_connection = (g_live.load() - before) / static_cast<long>(n);
    MESSAGE("server heap per idle keep-alive connection: " << per_connection << " B");
    // Issue 8's goal, 1 KiB per idle connection, as heap: the ServerConn (632 B), its map node,
    // and its share of the loop's tables, which grow by doubling and are indexed by descriptor
    // (this process holds the clients' descriptors too, so that share is about twice a real
    // server's): 893 B here with g++ 12, 1,277 B when the request state stayed with the
    // connection (its ServerRequest, 248 B, and the rest of ServerConn then: 1,008 B); kept
    // whole it would be over 4 KiB (the parser's field tables alone are 2.6 KiB).
    CHECK(per_connection > 0);
    CHECK(per_connection <= 1024);
    for (int fd : fds) ::close(fd);
}
#endif
