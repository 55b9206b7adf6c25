// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
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

#include "support/connection_scenarios.hpp"
#include "support/fd_count.hpp"

using namespace std::chrono_literals;
using socklite::Connection;
using socklite::EventLoop;
using socklite::Socket;
using Clock = std::chrono::steady_clock;
using socklite_test::pattern;

namespace {

// Runs the loop until done() holds (false after a generous bound). `idle` only bounds each
// wait of the loop: tests that also drive their own socket from done() pass a short one.
template <class Pred>
bool run_until(EventLoop& loop, Pred done, std::chrono::milliseconds idle = 50ms) {
    auto deadline = Clock::now() + 20s;
    while (!done()) {
        if (Clock::now() > deadline) return false;
        loop.run_once(idle);
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

TEST_CASE("connection: raw bytes with on_input, consuming all") {
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::string got;
    conn.on_input([&](std::string_view b) {
        got += b;
        return b.size();
    });
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
        conn.send(chunk, ec);
        if (!ec) accepted += chunk.size();
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
    CHECK_FALSE(ec);
    CHECK_FALSE(rec.closed);
}

TEST_CASE("connection: peer end of stream delivers the unterminated tail, then on_close") {
    EventLoop loop;
    Link link;
    const int before = socklite_test::open_fd_count();
    auto conn = std::make_unique<Connection>(loop, std::move(link.server));
    Recorder rec;
    rec.attach(*conn);
    link.client.send_all("x\ny");
    link.client.shutdown(socklite::Shutdown::write);
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK(rec.lines == std::vector<std::string>{"x", "y"});
    CHECK_FALSE(rec.why);
    CHECK_FALSE(conn->is_open());
    CHECK(socklite_test::open_fd_count() == before - 1);  // the server's socket is closed
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

TEST_CASE("connection: input waits in the kernel until a handler is set") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    link.client.send_all("early\n");
    // Without a handler the socket is not even watched: nothing can be read, or lost.
    CHECK_FALSE(loop.watching(conn.socket().native_handle()));
    CHECK_FALSE(conn.reading());
    for (int i = 0; i < 5; ++i) loop.run_once(0ms);
    CHECK(conn.buffered_bytes() == 0);
    Recorder rec;
    rec.attach(conn);
    CHECK(conn.reading());
    REQUIRE(run_until(loop, [&] { return rec.lines.size() == 1; }));
    CHECK(rec.lines[0] == "early");
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
        conn->on_line([](std::string_view) {});
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

TEST_CASE("connection: close_after_flush from a line handler drops the lines after it") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    Recorder rec;
    rec.attach(conn);
    conn.on_line([&](std::string_view l) {
        rec.lines.emplace_back(l);
        conn.send("bye\n");
        conn.close_after_flush();
    });
    link.client.send_all("one\ntwo\nthree\n");
    REQUIRE(run_until(loop, [&] { return !rec.lines.empty(); }));
    loop.run_once(0ms);
    CHECK(conn.buffered_bytes() == 0);
    CHECK(conn.is_open());  // until the peer ends too
    std::string got;
    char buf[64];
    link.client.non_blocking(true);
    REQUIRE(run_until(loop, [&] {
        std::error_code ec;
        std::size_t n = link.client.recv(buf, sizeof buf, ec);
        if (!ec) got.append(buf, n);
        return !ec && n == 0;
    }));
    CHECK(got == "bye\n");
    link.client.close();
    REQUIRE(run_until(loop, [&] { return rec.closed; }));
    CHECK_FALSE(rec.why);
    CHECK(rec.lines == std::vector<std::string>{"one"});
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
// Flow control, half-close, close reasons

namespace {

// The test's end of a link driven without blocking, in the loop's thread: writes `out` from
// `sent` on, reads into `got` (at most `read_limit` bytes per step, to play a slow reader).
struct Client {
    Socket& sock;
    std::string out;
    std::size_t sent = 0;
    std::string got;
    bool eof = false;
    std::size_t read_limit = 64 * 1024;
    explicit Client(Socket& s) : sock(s) { sock.non_blocking(true); }
    // One step of writing; returns whether the socket took anything.
    bool write_some() {
        if (sent == out.size()) return false;
        std::error_code ec;
        std::size_t n = sock.send(out.data() + sent, out.size() - sent, ec);
        REQUIRE((!ec || ec == std::errc::operation_would_block));
        sent += n;
        return n > 0;
    }
    // One step of reading.
    void read_some() {
        std::vector<char> buf(read_limit);
        std::error_code ec;
        std::size_t n = sock.recv(buf.data(), buf.size(), ec);
        if (ec) {
            REQUIRE(ec == std::errc::operation_would_block);
            return;
        }
        if (n == 0) eof = true;
        got.append(buf.data(), n);
    }
};

}  // namespace

TEST_CASE("connection: on_input leaves what it does not consume for the next offer") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::vector<std::string> offers, messages;
    // 4-byte messages, one per call: the handler is called again while it consumes something.
    conn.on_input([&](std::string_view in) {
        offers.emplace_back(in);
        if (in.size() < 4) return std::size_t{0};
        messages.emplace_back(in.substr(0, 4));
        return std::size_t{4};
    });
    link.client.send_all("aaaabbbbcc");
    REQUIRE(run_until(loop, [&] { return messages.size() == 2; }));
    loop.run_once(0ms);
    CHECK(conn.buffered_bytes() == 2);
    link.client.send_all("cc");
    REQUIRE(run_until(loop, [&] { return messages.size() == 3; }));
    CHECK(messages == std::vector<std::string>{"aaaa", "bbbb", "cccc"});
    CHECK(offers == std::vector<std::string>{"aaaabbbbcc", "bbbbcc", "cc", "cccc"});
    CHECK(conn.buffered_bytes() == 0);
}

TEST_CASE("connection: pause_reading stops reading; resume_reading offers the buffered rest") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::vector<std::string> offers;
    std::vector<bool> reading_inside;  // reading() before and after pause_reading(), in the handler
    // Takes one line per offer, then pauses.
    conn.on_input([&](std::string_view in) {
        offers.emplace_back(in);
        reading_inside.push_back(conn.reading());
        conn.pause_reading();
        reading_inside.push_back(conn.reading());
        return in.find('\n') + 1;
    });
    link.client.send_all("one\ntwo\n");
    REQUIRE(run_until(loop, [&] { return offers.size() == 1; }));
    CHECK(reading_inside == std::vector<bool>{true, false});
    CHECK(conn.reading_paused());
    CHECK_FALSE(conn.reading());
    CHECK(conn.buffered_bytes() == 4);
    // Paused with nothing to write: not watched at all, so new bytes stay in the kernel.
    CHECK_FALSE(loop.watching(conn.socket().native_handle()));
    link.client.send_all("three\n");
    for (int i = 0; i < 5; ++i) loop.run_once(0ms);
    CHECK(offers.size() == 1);
    CHECK(conn.buffered_bytes() == 4);

    conn.resume_reading();  // the buffered "two\n" first, without new bytes
    REQUIRE(run_until(loop, [&] { return offers.size() == 2; }));
    CHECK(offers[1] == "two\n");
    conn.resume_reading();
    REQUIRE(run_until(loop, [&] { return offers.size() == 3; }));
    CHECK(offers[2] == "three\n");
    CHECK(conn.buffered_bytes() == 0);
}

TEST_CASE("connection: send() reports the high-water mark, on_drain the low one") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.high_water = 64 * 1024;
    options.low_water = 16 * 1024;
    Connection conn(loop, std::move(link.server), options);
    Recorder rec;
    rec.attach(conn);
    int drains = 0;
    std::size_t queued_at_drain = 0;
    conn.on_drain([&] {
        ++drains;
        queued_at_drain = conn.queued_bytes();
    });
    // The peer does not read: the kernel's buffers fill, then the queue passes high water.
    const std::string chunk = pattern(16 * 1024);
    std::string expected;
    bool below = true;
    while (below) {
        below = conn.send(chunk);
        expected += chunk;
        REQUIRE(expected.size() < 256u * 1024 * 1024);
        loop.run_once(0ms);
    }
    CHECK(conn.queued_bytes() > options.high_water);
    CHECK_FALSE(conn.reading());  // auto_pause: no input is read while the queue is high
    CHECK(drains == 0);

    Client client(link.client);
    REQUIRE(run_until(
        loop,
        [&] {
            client.read_some();
            return client.got.size() == expected.size();
        },
        1ms));
    CHECK(client.got == expected);
    CHECK(drains == 1);
    CHECK(queued_at_drain <= options.low_water);
    CHECK(conn.reading());
    CHECK_FALSE(rec.closed);
}

TEST_CASE("connection: the simple echo is exact, and bounded while the peer does not read") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::size_t max_queued = 0, max_buffered = 0;
    conn.on_input([&](std::string_view input) {
        conn.send(input);
        max_queued = std::max(max_queued, conn.queued_bytes());
        max_buffered = std::max(max_buffered, conn.buffered_bytes());
        return input.size();
    });
    bool closed = false;
    std::error_code why;
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
    });
    Client client(link.client);
    client.out = pattern(8 * 1024 * 1024);
    // Write without reading until the whole path is full: the server stops reading, TCP stops
    // us. A full path is a socket that takes nothing while the loop has nothing left to do.
    int idle = 0;
    REQUIRE(run_until(
        loop,
        [&] {
            bool progress = client.write_some();
            progress = loop.run_once(0ms) > 0 || progress;
            idle = progress ? 0 : idle + 1;
            return idle >= 3 || client.sent == client.out.size();
        },
        1ms));
    const auto& o = conn.options();
    CHECK(max_queued <= o.high_water + o.max_input);
    CHECK(conn.queued_bytes() <= o.high_water + o.max_input);
    CHECK(conn.buffered_bytes() <= o.max_input);
    // Now the client reads: everything comes back, in order.
    bool shut = false;
    REQUIRE(run_until(
        loop,
        [&] {
            client.write_some();
            client.read_some();
            if (client.sent == client.out.size() && !shut) {
                link.client.shutdown(socklite::Shutdown::write);
                shut = true;
            }
            return client.eof;
        },
        1ms));
    CHECK(client.got.size() == client.out.size());
    CHECK(client.got == client.out);
    REQUIRE(run_until(loop, [&] { return closed; }));
    CHECK_FALSE(why);
}

TEST_CASE("connection: after on_end the connection still sends; shutdown_write finishes it") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    std::string got;
    conn.on_input([&](std::string_view in) {
        got += in;
        return in.size();
    });
    const std::string big = pattern(1024 * 1024);
    int ends = 0, closes = 0;
    std::error_code why;
    conn.on_end([&] {
        ++ends;
        CHECK(conn.peer_ended());
        CHECK(conn.is_open());
        conn.send("bye " + got + "\n");
        conn.send(big);
        conn.shutdown_write();
        std::error_code ec;
        CHECK_FALSE(conn.send("late", ec));
        CHECK(ec == std::errc::not_connected);
    });
    conn.on_close([&](std::error_code ec) {
        ++closes;
        why = ec;
    });
    link.client.send_all("abc");
    link.client.shutdown(socklite::Shutdown::write);
    Client client(link.client);
    client.read_limit = 4096;  // a slow reader
    REQUIRE(run_until(
        loop,
        [&] {
            client.read_some();
            return client.eof && closes == 1;
        },
        1ms));
    CHECK(ends == 1);
    CHECK(client.got == "bye abc\n" + big);
    CHECK_FALSE(why);
    loop.run_once(0ms);
    CHECK(closes == 1);
}

TEST_CASE("connection: without on_end, the peer's end writes the queue in full, then closes") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    const std::string big = pattern(2 * 1024 * 1024);
    bool closed = false;
    std::error_code why;
    conn.on_input([&](std::string_view in) {
        if (in == "go") conn.send(big);
        return in.size();
    });
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
    });
    link.client.send_all("go");
    link.client.shutdown(socklite::Shutdown::write);
    Client client(link.client);
    REQUIRE(run_until(
        loop,
        [&] {
            client.read_some();
            return client.eof;
        },
        1ms));
    CHECK(client.got == big);
    REQUIRE(run_until(loop, [&] { return closed; }));
    CHECK_FALSE(why);
}

TEST_CASE("connection: a reset with output queued says so; close() counts what it drops") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection conn(loop, std::move(link.server));
    bool closed = false;
    std::error_code why;
    std::size_t queued_at_close = 0;
    conn.on_input([](std::string_view in) { return in.size(); });
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
        queued_at_close = conn.queued_bytes();
    });
    const std::string chunk(64 * 1024, 'r');
    std::error_code ec;
    for (int i = 0; i < 4096 && conn.queued_bytes() < 256 * 1024; ++i) {
        conn.send(chunk, ec);
        REQUIRE_FALSE(ec);
    }
    REQUIRE(conn.queued_bytes() >= 256 * 1024);
    reset(link.client);
    REQUIRE(run_until(loop, [&] { return closed; }));
    CHECK((why == std::errc::connection_reset || why == std::errc::broken_pipe));
    CHECK(queued_at_close >= 256 * 1024);
    CHECK(conn.queued_bytes() == 0);  // released once on_close returned

    Link other;
    Connection second(loop, std::move(other.server));
    for (int i = 0; i < 4096 && second.queued_bytes() == 0; ++i) second.send(chunk);
    std::size_t queued = second.queued_bytes();
    REQUIRE(queued > 0);
    CHECK(second.close() == queued);
    CHECK(second.close() == 0);
}

TEST_CASE("connection: a full input buffer that the handler does not consume ends it") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.max_input = 1024;
    SUBCASE("on_input: message_size") {
        Connection conn(loop, std::move(link.server), options);
        std::size_t largest = 0;
        conn.on_input([&](std::string_view in) {
            largest = std::max(largest, in.size());
            return std::size_t{0};  // waits for a message end that never comes
        });
        bool closed = false;
        std::error_code why;
        conn.on_close([&](std::error_code ec) {
            closed = true;
            why = ec;
        });
        link.client.send_all(std::string(4096, 'm'));
        REQUIRE(run_until(loop, [&] { return closed; }));
        CHECK(why == std::errc::message_size);
        CHECK(largest == options.max_input);
    }
    SUBCASE("a handler that pauses instead keeps the connection, bounded") {
        Connection conn(loop, std::move(link.server), options);
        int offers = 0;
        conn.on_input([&](std::string_view in) {
            ++offers;
            if (in.size() == 1024) conn.pause_reading();
            return std::size_t{0};
        });
        link.client.send_all(std::string(4096, 'm'));
        REQUIRE(run_until(loop, [&] { return conn.reading_paused(); }));
        for (int i = 0; i < 5; ++i) loop.run_once(0ms);
        CHECK(conn.is_open());
        CHECK(conn.buffered_bytes() == 1024);
    }
}

TEST_CASE("connection: any handler may destroy the connection") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    Link link;
    Connection::Options options;
    options.high_water = 1024;
    options.low_water = 0;
    auto conn = std::make_unique<Connection>(loop, std::move(link.server), options);
    Connection* c = conn.get();
    int calls = 0;
    bool closing_subcase = false;
    auto consume = [](std::string_view in) { return in.size(); };
    SUBCASE("on_input") {
        c->on_input([&](std::string_view) {
            ++calls;
            conn.reset();
            return std::size_t{1};
        });
        link.client.send_all("abc");
    }
    SUBCASE("on_line") {
        c->on_line([&](std::string_view) {
            ++calls;
            conn.reset();
        });
        link.client.send_all("1\n2\n3\n");
    }
    SUBCASE("on_end") {
        c->on_input(consume);
        c->on_end([&] {
            ++calls;
            conn.reset();
        });
        link.client.shutdown(socklite::Shutdown::write);
    }
    SUBCASE("on_drain") {
        c->on_input(consume);
        c->on_drain([&] {
            ++calls;
            conn.reset();
        });
        c->send(std::string(8 * 1024 * 1024, 'd'));
        REQUIRE(c->queued_bytes() > 1024);
        Client client(link.client);
        REQUIRE(run_until(
            loop,
            [&] {
                client.read_some();
                return conn == nullptr;
            },
            1ms));
    }
    SUBCASE("on_close") {
        closing_subcase = true;
        c->on_input(consume);
        c->on_close([&](std::error_code) {
            ++calls;
            conn.reset();
        });
        link.client.close();
    }
    // A close handler must not run once a handler destroyed the connection.
    if (!closing_subcase && conn)
        c->on_close([&](std::error_code) { FAIL_CHECK("on_close after destruction"); });
    REQUIRE(run_until(loop, [&] { return conn == nullptr; }));
    for (int i = 0; i < 3; ++i) loop.run_once(0ms);
    CHECK(calls == 1);
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
