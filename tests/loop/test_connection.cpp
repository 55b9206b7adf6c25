// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sys/socket.h>

#include <socklite/acceptor.hpp>
#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

using namespace std::chrono_literals;
using socklite::Connection;
using socklite::EventLoop;
using socklite::Socket;
using Clock = std::chrono::steady_clock;

namespace {

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

template <class Pred>
bool run_until(EventLoop& loop, Pred done) {
    auto deadline = Clock::now() + 10s;
    while (!done()) {
        if (Clock::now() > deadline) return false;
        loop.run_once(50ms);
    }
    return true;
}

// A loopback TCP connection: `client` is a blocking socket with 10 s timeouts, `server` the
// accepted end, handed to a Connection by each test.
struct Link {
    Socket client, server;
    Link() {
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        client = Socket::connect(listener.local_address(), 10s);
        server = std::move(listener.accept(10s).socket);
        client.read_timeout(10s);
        client.write_timeout(10s);
    }
};

// A connection whose lines and end are recorded.
struct Recorder {
    std::vector<std::string> lines;
    bool closed = false;
    std::error_code why;
    void attach(Connection& c) {
        c.on_line([this](std::string_view l) { lines.emplace_back(l); });
        c.on_close([this](std::error_code ec) {
            closed = true;
            why = ec;
        });
    }
};

void reset(Socket& s) {  // close with RST instead of FIN
    linger lg{1, 0};
    REQUIRE(::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    s.close();
}

}  // namespace

TEST_CASE("connection: lines are framed however the bytes arrive") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    CHECK(conn.socket().non_blocking());
    Recorder rec;
    rec.attach(conn);
    link.client.send_all("a\nb\r\nc");
    REQUIRE(run_until(loop, [&] { return rec.lines.size() == 2; }));
    link.client.send_all("d\n\n");
    REQUIRE(run_until(loop, [&] { return rec.lines.size() == 4; }));
    CHECK(rec.lines == std::vector<std::string>{"a", "b", "cd", ""});
    CHECK_FALSE(rec.closed);
}

TEST_CASE("connection: a line handler may replace itself; the next line goes to the new one") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::vector<std::string> got;
    conn.on_line([&](std::string_view l) {
        got.push_back("A" + std::string(l));
        conn.on_line([&](std::string_view l2) { got.push_back("B" + std::string(l2)); });
    });
    link.client.send_all("1\n2\n3\n");
    REQUIRE(run_until(loop, [&] { return got.size() == 3; }));
    CHECK(got == std::vector<std::string>{"A1", "B2", "B3"});
}

TEST_CASE("connection: raw bytes with on_data") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::string got;
    conn.on_data([&](std::string_view b) { got += b; });
    link.client.send_all("no\nframing");
    REQUIRE(run_until(loop, [&] { return got.size() == 10; }));
    CHECK(got == "no\nframing");
}

TEST_CASE("connection: echo with send()") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    conn.on_line([&](std::string_view l) { conn.send(std::string(l) + "!\n"); });
    link.client.send_all("hi\nyou\n");
    std::string got;
    char buf[64];
    while (got.size() < 8) {
        loop.run_once(50ms);
        std::error_code ec;
        link.client.non_blocking(true);
        std::size_t n = link.client.recv(buf, sizeof buf, ec);
        if (!ec) got.append(buf, n);
        REQUIRE((!ec || ec == std::errc::operation_would_block));
    }
    CHECK(got == "hi!\nyou!\n");
    CHECK(conn.queued_bytes() == 0);
}

TEST_CASE("connection: the output queue is bounded when the peer does not read") {
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.max_queued = 256 * 1024;
    Connection conn(loop, std::move(link.server), options);
    Recorder rec;
    rec.attach(conn);
    const std::string chunk(16 * 1024, 'x');
    std::size_t accepted = 0;
    std::error_code ec;
    for (int i = 0; i < 10000 && !ec; ++i) {
        if (conn.send(chunk, ec)) accepted += chunk.size();
        loop.run_once(0ms);
    }
    REQUIRE(ec == socklite::errc::queue_full);
    CHECK(conn.queued_bytes() <= options.max_queued);
    CHECK(conn.queued_bytes() + chunk.size() > options.max_queued);
    // Only while bytes are queued does the loop watch for writability.
    CHECK((loop.interest(conn.socket().native_handle()) & EventLoop::writable) != 0);
    CHECK_THROWS_AS(conn.send(chunk), socklite::Error);
    CHECK(accepted < 64u * 1024 * 1024);  // the kernel buffers plus the queue, not unbounded

    // Now the peer reads everything: the queue drains and writable interest ends.
    link.client.non_blocking(true);
    std::size_t got = 0;
    std::vector<char> buf(64 * 1024);
    auto deadline = Clock::now() + 20s;
    while (got < accepted && Clock::now() < deadline) {
        loop.run_once(10ms);
        for (;;) {
            std::size_t n = link.client.recv(buf.data(), buf.size(), ec);
            if (ec || n == 0) break;
            got += n;
        }
    }
    CHECK(got == accepted);
    CHECK(conn.queued_bytes() == 0);
    CHECK(loop.interest(conn.socket().native_handle()) == EventLoop::readable);
    CHECK(conn.send("more\n", ec));
    CHECK_FALSE(rec.closed);
}

TEST_CASE("connection: peer end of stream delivers the unterminated tail, then on_close") {
    EventLoop loop;
    Link link;
    std::size_t before = open_fds();
    auto conn = std::make_unique<Connection>(loop, std::move(link.server));
    Recorder rec;
    rec.attach(*conn);
    link.client.send_all("x\ny");
    link.client.shutdown(socklite::Shutdown::write);
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK(rec.lines == std::vector<std::string>{"x", "y"});
    CHECK_FALSE(rec.why);
    CHECK_FALSE(conn->is_open());
    CHECK(open_fds() == before - 1);  // the server's socket is closed
    // The peer reads an orderly end of stream.
    char c;
    CHECK(link.client.recv(&c, 1) == 0);
    std::error_code ec;
    CHECK_FALSE(conn->send("late\n", ec));
    CHECK(ec == std::errc::not_connected);
}

TEST_CASE("connection: a reset discards the tail and reports the error") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    Recorder rec;
    rec.attach(conn);
    link.client.send_all("whole\n");
    REQUIRE(run_until(loop, [&] { return rec.lines.size() == 1; }));
    link.client.send_all("half");
    reset(link.client);
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK(rec.lines == std::vector<std::string>{"whole"});
    CHECK(rec.why == std::errc::connection_reset);
}

TEST_CASE("connection: a line longer than the limit closes with line_too_long") {
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.max_line = 16;
    Connection conn(loop, std::move(link.server), options);
    Recorder rec;
    rec.attach(conn);
    link.client.send_all("short\n" + std::string(100, 'z'));
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK(rec.lines == std::vector<std::string>{"short"});
    CHECK(rec.why == socklite::errc::line_too_long);
}

TEST_CASE("connection: input without a handler is bounded too") {
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.max_line = 16;
    Connection conn(loop, std::move(link.server), options);
    bool closed = false;
    std::error_code why;
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
    });
    link.client.send_all("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");  // 20 bytes of short lines, unread
    REQUIRE(run_until(loop, [&] { return closed; }));
    CHECK(why == socklite::errc::line_too_long);
}

TEST_CASE("connection: handlers may destroy the connection") {
    EventLoop loop;
    Link link;
    auto conn = std::make_unique<Connection>(loop, std::move(link.server));
    int lines = 0;
    SUBCASE("in on_line") {
        conn->on_line([&](std::string_view) {
            ++lines;
            conn.reset();
        });
        conn->on_close([](std::error_code) { FAIL("on_close after destruction"); });
        link.client.send_all("one\ntwo\nthree\n");
        REQUIRE(run_until(loop, [&] { return conn == nullptr; }));
        loop.run_once(10ms);
        CHECK(lines == 1);
    }
    SUBCASE("in on_close") {
        conn->on_close([&](std::error_code) { conn.reset(); });
        link.client.close();
        REQUIRE(run_until(loop, [&] { return conn == nullptr; }));
    }
    SUBCASE("close() in on_line: no on_close, no more lines") {
        conn->on_line([&](std::string_view) {
            ++lines;
            conn->close();
        });
        conn->on_close([](std::error_code) { FAIL("close() must not call on_close"); });
        link.client.send_all("one\ntwo\n");
        REQUIRE(run_until(loop, [&] { return !conn->is_open(); }));
        CHECK(lines == 1);
    }
}

TEST_CASE("connection: close_after_flush delivers the queue, then waits for the peer") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    Recorder rec;
    rec.attach(conn);
    std::string big(300 * 1024, 'q');
    conn.send(big);
    conn.close_after_flush();
    std::error_code ec;
    CHECK_FALSE(conn.send("refused", ec));
    // The peer reads everything, then end of stream.
    link.client.non_blocking(true);
    std::string got;
    std::vector<char> buf(64 * 1024);
    bool eof = false;
    auto deadline = Clock::now() + 20s;
    while (!eof && Clock::now() < deadline) {
        loop.run_once(10ms);
        for (;;) {
            std::size_t n = link.client.recv(buf.data(), buf.size(), ec);
            if (ec) break;
            if (n == 0) {
                eof = true;
                break;
            }
            got.append(buf.data(), n);
        }
    }
    CHECK(eof);
    CHECK(got == big);
    CHECK_FALSE(rec.closed);  // still waiting for the peer's close
    link.client.send_all("ignored\n");
    link.client.close();
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK_FALSE(rec.why);
    CHECK(rec.lines.empty());
}

TEST_CASE("connection: a write error found by send() is reported from the loop") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    Recorder rec;
    rec.attach(conn);
    reset(link.client);
    // Until the loop notices, sends may be accepted; the error then arrives through on_close.
    std::error_code ec;
    for (int i = 0; i < 3; ++i) conn.send("x\n", ec);
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK(rec.why);
}

TEST_CASE("connection: constructing from a closed socket fails") {
    EventLoop loop;
    std::error_code ec;
    Connection conn(loop, Socket(), Connection::Options{}, ec);
    CHECK(ec == std::errc::bad_file_descriptor);
    CHECK_FALSE(conn.is_open());
    CHECK_THROWS_AS(Connection(loop, Socket()), socklite::Error);
}

// ---------------------------------------------------------------------------------------------
// Acceptor

TEST_CASE("acceptor: drains the backlog in one go") {
    EventLoop loop;
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    auto address = listener.local_address();
    std::vector<Socket> clients;
    for (int i = 0; i < 50; ++i) clients.push_back(Socket::connect(address, 10s));
    std::vector<Socket> accepted;
    socklite::Acceptor acceptor(loop, std::move(listener), [&](socklite::Accepted a) {
        CHECK(a.socket.non_blocking());
        accepted.push_back(std::move(a.socket));
    });
    REQUIRE(run_until(loop, [&] { return accepted.size() == 50; }));
    CHECK_FALSE(acceptor.paused());
    acceptor.close();
    CHECK_FALSE(acceptor.listener().is_open());
}

namespace {
int fail_accepts = 0;  // how many accept4 calls still fail with EMFILE
int accept_calls = 0;
int fake_accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
    ++accept_calls;
    if (fail_accepts > 0) {
        --fail_accepts;
        errno = EMFILE;
        return -1;
    }
    return ::accept4(fd, addr, len, flags);
}
}  // namespace

TEST_CASE("acceptor: EMFILE pauses accepting instead of spinning, then resumes") {
    EventLoop loop;
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    auto address = listener.local_address();
    socklite::Acceptor::Options options;
    options.pause = 50ms;
    std::vector<Socket> accepted;
    std::vector<std::error_code> errors;
    socklite::Acceptor acceptor(
        loop, std::move(listener),
        [&](socklite::Accepted a) { accepted.push_back(std::move(a.socket)); }, options);
    acceptor.on_error([&](std::error_code ec) { errors.push_back(ec); });

    auto saved = socklite::detail::sys;
    socklite::detail::sys.accept4 = fake_accept4;
    fail_accepts = 3;
    accept_calls = 0;
    Socket client = Socket::connect(address, 10s);
    bool ok = run_until(loop, [&] { return accepted.size() == 1; });
    socklite::detail::sys = saved;
    REQUIRE(ok);
    // Three failures, three pauses: one accept call each, not thousands.
    CHECK(errors.size() == 3);
    CHECK(errors.at(0) == std::errc::too_many_files_open);
    CHECK(accept_calls <= 6);
    CHECK_FALSE(acceptor.paused());
}

TEST_CASE("acceptor: the handler may destroy the acceptor") {
    EventLoop loop;
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    auto address = listener.local_address();
    Socket c1 = Socket::connect(address, 10s);
    Socket c2 = Socket::connect(address, 10s);
    int calls = 0;
    std::unique_ptr<socklite::Acceptor> acceptor;
    acceptor =
        std::make_unique<socklite::Acceptor>(loop, std::move(listener), [&](socklite::Accepted) {
            ++calls;
            acceptor.reset();
        });
    REQUIRE(run_until(loop, [&] { return acceptor == nullptr; }));
    loop.run_once(10ms);
    CHECK(calls == 1);
}
