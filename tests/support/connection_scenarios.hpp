// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_CONNECTION_SCENARIOS_HPP
#define SOCKLITE_TESTS_SUPPORT_CONNECTION_SCENARIOS_HPP

// Scenarios for a Connection over any transport (a plain socket, a stand-in layer, TLS): the
// test's own end driven without blocking from the loop's thread, and the scenarios that must
// give the same bytes whatever the socket carries.

#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/socket.hpp>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>

#include "support/doctest_ext.hpp"
#include "support/temp_dir.hpp"

namespace socklite_test {

/** @p n bytes of a fixed pseudo-random sequence (@p seed picks which): data whose every
 *  misplaced byte shows. */
inline std::string pattern(std::size_t n, unsigned seed = 1) {
    std::string s(n, '\0');
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& c : s) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

/** Runs @p loop until @p done() holds; false after 60 s. Each wait of the loop is at most 1 ms,
 *  since done() also drives the test's own end. */
template <class Pred>
bool run_until(socklite::EventLoop& loop, Pred done) {
    using namespace std::chrono_literals;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        loop.run_once(1ms);
    }
    return true;
}

/** The test's end of a connection, a non-blocking socket driven by step(): it writes `out`,
 *  then ends its stream (for TLS: close_notify, FIN) unless `shut` is set, and reads whatever
 *  comes into `got` until the end of stream (`eof`). */
struct StreamClient {
    StreamClient(socklite::Socket& s, std::string data) : sock(s), out(std::move(data)) {}
    socklite::Socket& sock;
    std::string out;
    std::size_t sent = 0;
    std::string got;
    bool eof = false;
    bool shut = false;
    void step() {
        std::error_code ec;
        if (sent < out.size()) {
            std::size_t n = sock.send(out.data() + sent, out.size() - sent, ec);
            REQUIRE_MESSAGE((!ec || ec == std::errc::operation_would_block), ec.message());
            sent += n;
        } else if (!shut) {
            sock.shutdown(socklite::Shutdown::write, ec);
            REQUIRE_MESSAGE((!ec || ec == std::errc::operation_would_block), ec.message());
            if (!ec) shut = true;
        }
        char buf[32 * 1024];
        for (int i = 0; i < 8 && !eof; ++i) {
            std::size_t n = sock.recv(buf, sizeof buf, ec);
            if (ec) {
                REQUIRE_MESSAGE(ec == std::errc::operation_would_block, ec.message());
                break;
            }
            if (n == 0) eof = true;
            got.append(buf, n);
        }
    }
};

/** A 5 MB echo over whatever @p server carries, half-closed: @p client (the other end,
 *  non-blocking) sends it all and ends its stream; the server echoes every byte, then ends its
 *  own. The client must get every byte back, and the server's close must be clean.
 *  @p after_send runs on the server's Connection after each echo (the transport's own checks). */
inline void echo_half_closed(
    socklite::Socket server, socklite::Socket& client,
    const std::function<void(socklite::Connection&)>& after_send = nullptr) {
    socklite::EventLoop loop;
    socklite::Connection conn(loop, std::move(server));
    conn.on_input([&](std::string_view input) {
        conn.send(input);
        if (after_send) after_send(conn);
        return input.size();
    });
    bool closed = false;
    std::error_code why;
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
    });
    StreamClient end(client, pattern(5 * 1000 * 1000));
    REQUIRE(run_until(loop, [&] {
        end.step();
        return end.eof && closed;
    }));
    CHECK(end.got.size() == end.out.size());
    CHECK(end.got == end.out);
    CHECK_FALSE(why);
}

/** @p size bytes sent at once to whatever @p server carries, without an end of stream, and read
 *  by a server whose input may grow to @p max_input: all must arrive, also what the transport
 *  holds decoded after the kernel has nothing left, which no event announces. */
inline void held_bytes_read_without_event(socklite::Socket server, socklite::Socket& client,
                                          std::size_t size, std::size_t max_input) {
    socklite::EventLoop loop;
    socklite::Connection::Options o;
    o.max_input = max_input;
    socklite::Connection conn(loop, std::move(server), o);
    std::string got;
    conn.on_input([&](std::string_view input) {
        got += input;
        return input.size();
    });
    const std::string data = pattern(size, 2);
    StreamClient end(client, data);
    end.shut = true;  // the bytes only, no end of stream: nothing else wakes the loop
    REQUIRE(run_until(loop, [&] {
        end.step();
        return got.size() == data.size();
    }));
    CHECK(got == data);
}

/** send_file() over whatever @p server carries, in order with send(): on the client's "go!",
 *  the server sends a text, a 3 MB file with a prefix, a text, a piece of the file, a text, and
 *  closes; @p client (the other end, non-blocking) must read exactly that. */
inline void send_file_in_order_with_send(socklite::Socket server, socklite::Socket& client) {
    using socklite::Connection;
    TempDir dir;
    const std::string file = pattern(3 * 1000 * 1000, 3);
    {
        std::ofstream f(dir.path("f"), std::ios::binary);
        f.write(file.data(), static_cast<std::streamsize>(file.size()));
        REQUIRE(f.good());
    }
    socklite::EventLoop loop;
    Connection::Options o;
    o.file_piece = 100 * 1000;  // several events per file
    Connection conn(loop, std::move(server), o);
    conn.on_input([&](std::string_view input) {
        if (input.find('!') != std::string_view::npos) {
            std::error_code ec;
            conn.send("head:");
            int fd = ::open(dir.path("f").c_str(), O_RDONLY | O_CLOEXEC);
            conn.send_file("[", fd, 0, file.size(), ec);
            CHECK_FALSE(ec);
            conn.send("]");
            fd = ::open(dir.path("f").c_str(), O_RDONLY | O_CLOEXEC);
            conn.send_file(fd, 1000, 5000, ec);
            conn.send(":tail");
            conn.close_after_flush();
        }
        return input.size();
    });
    StreamClient end(client, "go!");
    REQUIRE(run_until(loop, [&] {
        end.step();
        return end.eof;
    }));
    CHECK(end.got == "head:[" + file + "]" + file.substr(1000, 5000) + ":tail");
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_CONNECTION_SCENARIOS_HPP
