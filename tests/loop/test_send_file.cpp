// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Connection::send_file(): files go out with sendfile(2) in their place among sent bytes (a head
// before, bytes sent after), several queued at once, ranges of a file, through EINTR and
// EAGAIN from the syscall seam, and a file that shrank ends the connection with io_error.

#include <socklite/connection.hpp>
#include <socklite/detail/syscall.hpp>
#include <socklite/event_loop.hpp>

#include <cerrno>
#include <chrono>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/peer.hpp"

using namespace socklite_test;
using socklite::Connection;
using socklite::EventLoop;

namespace {

// A file with @p data in a private temporary directory, opened read-only.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& data) {
        char name[] = "/tmp/socklite-send-file-XXXXXX";
        int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        path = name;
        REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
        ::close(fd);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { ::unlink(path.c_str()); }
    int open() const {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        return fd;
    }
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

// sendfile through the seam: EINTR, then EAGAIN, then the real call, in turn.
int faults = 0;
ssize_t flaky_sendfile(int out, int in, off_t* offset, size_t count) {
    switch (faults++ % 3) {
        case 0: errno = EINTR; return -1;
        case 1: errno = EAGAIN; return -1;
        default: return ::sendfile(out, in, offset, count);
    }
}

// Runs @p loop until @p done, bounded.
template <class Pred>
bool run_until(EventLoop& loop, Pred done) {
    auto start = std::chrono::steady_clock::now();
    while (!done()) {
        if (elapsed_since(start) > io_timeout) return false;
        loop.run_once(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace

TEST_CASE("send_file: in order among sent bytes, several files, ranges, through EINTR/EAGAIN") {
    FdLeakGuard leaks;
    const std::string big = pattern(3 * 1024 * 1024 + 5);
    const std::string small = "a small file";
    TempFile big_file(big), small_file(small);
    auto saved = socklite::detail::sys.sendfile;
    bool flaky = false;
    SUBCASE("real sendfile") {}
    SUBCASE("EINTR and EAGAIN from the seam") { flaky = true; }
    if (flaky) {
        faults = 0;
        socklite::detail::sys.sendfile = flaky_sendfile;
    }
    {
        Connected pair = connected_pair();
        EventLoop loop;
        Connection::Options o;
        o.file_piece = 64 * 1024;  // several pieces per file
        Connection conn(loop, std::move(pair.server), o);
        std::error_code ec;
        conn.send_file("HEAD1 ", big_file.open(), 0, big.size(), ec);
        REQUIRE(!ec);
        conn.send("between ", ec);
        conn.send_file(small_file.open(), 2, 5, ec);  // "small"
        conn.send_file("HEAD3 ", big_file.open(), 1000, 100, ec);
        conn.send_file(small_file.open(), 0, 0, ec);  // nothing
        conn.send(" end", ec);
        REQUIRE(!ec);
        CHECK(conn.queued_bytes() > 0);
        const std::string want =
            "HEAD1 " + big + "between small" + "HEAD3 " + big.substr(1000, 100) + " end";
        std::string got;
        Peer reader([&] {
            char tmp[65536];
            while (got.size() < want.size()) {
                std::size_t n = pair.client.recv(tmp, sizeof tmp);
                if (n == 0) break;
                got.append(tmp, n);
            }
        });
        CHECK(run_until(loop, [&] { return conn.queued_bytes() == 0; }));
        reader.join();
        CHECK(got.size() == want.size());
        CHECK(got == want);
    }
    socklite::detail::sys.sendfile = saved;
    if (flaky) CHECK(faults >= 3);
}

TEST_CASE("send_file: a file that shrank ends the connection with io_error") {
    FdLeakGuard leaks;
    const std::string data = pattern(1024 * 1024);
    TempFile file(data);
    Connected pair = connected_pair();
    EventLoop loop;
    Connection conn(loop, std::move(pair.server));
    std::error_code closed_with;
    bool closed = false;
    conn.on_close([&](std::error_code ec) {
        closed = true;
        closed_with = ec;
    });
    int fd = file.open();
    REQUIRE(::truncate(file.path.c_str(), 1000) == 0);  // before a byte went out
    std::error_code ec;
    conn.send_file(fd, 0, data.size(), ec);
    Peer reader([&] {
        char tmp[65536];
        for (;;) {
            std::error_code rec;
            std::size_t n = pair.client.recv(tmp, sizeof tmp, rec);
            if (rec || n == 0) break;
        }
    });
    CHECK(run_until(loop, [&] { return closed; }));
    reader.join();
    CHECK(closed_with == std::errc::io_error);
}
