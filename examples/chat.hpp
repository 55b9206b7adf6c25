// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_EXAMPLES_CHAT_HPP
#define SOCKLITE_EXAMPLES_CHAT_HPP

// The conversation loop shared by chat_server and chat_client (scenario 2).
//
// The tutorial's chat takes strict turns: recv(), then input(), then recv() again, so nobody
// may say two things in a row, and one recv(1024) may hold half a message or three. Here
// either side may type at any time, and messages are lines:
//   - one thread waits on two things at once, the keyboard (stdin) and the socket, with
//     poll(2), and handles whichever is ready;
//   - received bytes go into a LineBuffer, which hands out complete lines only.

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

#include <poll.h>
#include <unistd.h>

#include <socklite/error.hpp>
#include <socklite/line_buffer.hpp>
#include <socklite/socket.hpp>

#include "cli.hpp"

namespace chat {

/** Chats over @p sock with @p peer (its address, for messages): each line received is
 *  printed on stdout, each line read from stdin is sent. Returns when the peer closes the
 *  connection. When stdin ends first, the last typed bytes are sent, then shutdown(write)
 *  tells the peer "no more from me", and received lines are still printed until the peer
 *  closes, or until @p drain_limit has passed (zero: no limit).
 *  @throws socklite::Error or std::system_error on a failure (a reset, a closed stdout, ...). */
inline void talk(socklite::Socket& sock, const std::string& peer,
                 std::chrono::milliseconds drain_limit) {
    using Clock = std::chrono::steady_clock;
    auto fail = [&](std::error_code ec, const char* op) {
        throw socklite::Error(ec, std::string(op) + " " + peer);
    };

    // We only ever wait in poll(), never inside send() or recv(): a blocking send() could
    // wait for a peer that is itself stuck sending to us, and neither would read again.
    sock.non_blocking(true);

    socklite::LineBuffer received;  // bytes from the peer, cut into lines
    std::string outbox;             // bytes typed on stdin that the socket has not taken yet
    bool stdin_open = true;         // false once stdin reached end of file
    bool typed_newline = true;      // whether the last byte typed was '\n'
    bool said_goodbye = false;      // whether we called shutdown(write)
    Clock::time_point give_up{};    // when to stop waiting for the peer after saying goodbye
    char buf[4096];

    for (;;) {
        // Read stdin only when the last input has gone out: that way a slow peer slows the
        // typist down (back-pressure) instead of filling our memory. A negative fd is skipped.
        pollfd fds[2] = {{stdin_open && outbox.empty() ? 0 : -1, POLLIN, 0},
                         {sock.native_handle(), POLLIN, 0}};
        if (!outbox.empty()) fds[1].events |= POLLOUT;

        int timeout_ms = -1;  // wait as long as it takes
        if (said_goodbye && drain_limit.count() > 0) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
            if (left.count() <= 0) return;  // the peer stays connected: stop waiting for it
            timeout_ms = static_cast<int>(left.count());
        }
        if (::poll(fds, 2, timeout_ms) < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::system_category(), "poll");
        }

        // The socket first, so nothing the peer said before hanging up is lost.
        std::error_code ec;
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            std::size_t n = sock.recv(buf, sizeof buf, ec);
            if (ec == std::errc::operation_would_block) continue;
            if (ec) fail(ec, "recv");
            if (n == 0) {  // the peer closed: print a last line that lacked its '\n', done
                if (!received.pending().empty())
                    cli::print_line(cli::terminal_safe(received.pending()));
                return;
            }
            received.append(std::string_view(buf, n));
            std::string line;
            while (received.next_line(line, ec)) cli::print_line(cli::terminal_safe(line));
            if (ec) fail(ec, "recv");  // a line longer than the buffer's limit
        }
        if (fds[1].revents & POLLOUT) {
            std::size_t n = sock.send(outbox, ec);  // takes what fits, maybe not all
            if (ec && ec != std::errc::operation_would_block) fail(ec, "send");
            outbox.erase(0, n);
        }
        if (fds[0].revents) {
            // read(2), not std::cin: iostream would buffer lines poll() cannot see.
            ssize_t n = ::read(0, buf, sizeof buf);
            if (n < 0 && errno != EINTR && errno != EAGAIN) {
                throw std::system_error(errno, std::system_category(), "read stdin");
            }
            if (n > 0) {
                outbox.append(buf, static_cast<std::size_t>(n));
                typed_newline = buf[n - 1] == '\n';
            } else if (n == 0) {
                stdin_open = false;
                if (!typed_newline) outbox += '\n';  // end the last line for the peer
            }
        }
        if (!stdin_open && outbox.empty() && !said_goodbye) {
            // Everything typed is sent: the peer reads end-of-stream after it, and may answer.
            sock.shutdown(socklite::Shutdown::write, ec);
            if (ec) fail(ec, "shutdown");
            said_goodbye = true;
            give_up = Clock::now() + drain_limit;
        }
    }
}

}  // namespace chat

#endif  // SOCKLITE_EXAMPLES_CHAT_HPP
