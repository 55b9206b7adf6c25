// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Connection over a StreamLayer, with a stand-in layer that behaves as TLS does for the event
// loop (no OpenSSL needed): it takes bytes off the socket in large "records" and holds decoded
// bytes the loop gets no event for, its writes may need the socket readable and its reads
// writable, and a write that would block must be offered the same bytes again (checked).

#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "support/connection_scenarios.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"

using namespace std::chrono_literals;
using socklite::Socket;

namespace {

// Times a layer was offered other bytes than those it refused with a would-block.
int same_bytes_violations = 0;
// Would-blocks of a read waiting for POLLOUT and of a write waiting for POLLIN.
int reads_wanting_out = 0;
int writes_wanting_in = 0;

// Bytes are XORed with 0x5a on the wire. A read takes up to 256 KiB off the socket at once and
// hands out one 16 KiB "record" at most per call, keeping the rest (buffered()). A write encodes up to 16 KiB
// (a "record") into its pending output and sends what the socket takes; with more than 64 KiB
// pending it waits for POLLOUT. A "flaky" layer (as TLS renegotiating or updating keys) also
// makes every 7th read wait once for POLLOUT and every 5th write wait once for POLLIN. After a
// would-block, the next write must start with the same bytes (same_bytes_violations).
class XorLayer final : public socklite::detail::StreamLayer {
public:
    explicit XorLayer(bool flaky) : flaky_(flaky) {}

    void handshake(int, short&, std::error_code& ec) noexcept override { ec.clear(); }
    std::size_t read(int fd, void* buf, std::size_t len, short& wait,
                     std::error_code& ec) noexcept override {
        ec.clear();
        if (flaky_ && ++reads_ % 7 == 0) {
            ++reads_wanting_out;
            wait = POLLOUT;
            ec = std::make_error_code(std::errc::operation_would_block);
            return 0;
        }
        push(fd);
        if (in_pos_ == in_.size()) {
            in_.resize(256 * 1024);
            in_pos_ = 0;
            ssize_t n = ::recv(fd, &in_[0], in_.size(), MSG_DONTWAIT);
            if (n <= 0) {
                in_.clear();
                if (n == 0) return 0;
                if (errno == EAGAIN) {
                    wait = POLLIN;
                    ec = std::make_error_code(std::errc::operation_would_block);
                } else {
                    ec = std::error_code(errno, std::system_category());
                }
                return 0;
            }
            in_.resize(static_cast<std::size_t>(n));
            for (char& c : in_) c = static_cast<char>(c ^ 0x5a);
        }
        std::size_t n = std::min({len, in_.size() - in_pos_, std::size_t{16 * 1024}});
        std::memcpy(buf, in_.data() + in_pos_, n);
        in_pos_ += n;
        return n;
    }
    std::size_t write(int fd, const void* buf, std::size_t len, short& wait,
                      std::error_code& ec) noexcept override {
        ec.clear();
        const char* p = static_cast<const char*>(buf);
        if (!retry_.empty()) {  // the bytes refused last time must come again
            if (len < retry_.size() || std::memcmp(p, retry_.data(), retry_.size()) != 0)
                ++same_bytes_violations;
            retry_.clear();
        } else if (flaky_ && ++writes_ % 5 == 0) {
            ++writes_wanting_in;
            retry_.assign(p, std::min<std::size_t>(len, 1024));
            wait = POLLIN;
            ec = std::make_error_code(std::errc::operation_would_block);
            return 0;
        }
        if (!push(fd) && pending_.size() > 64 * 1024) {
            retry_.assign(p, std::min<std::size_t>(len, 1024));
            wait = POLLOUT;
            ec = std::make_error_code(std::errc::operation_would_block);
            return 0;
        }
        std::size_t take = std::min<std::size_t>(len, 16 * 1024);  // one "record"
        for (std::size_t i = 0; i < take; ++i) pending_ += static_cast<char>(p[i] ^ 0x5a);
        push(fd);
        return take;
    }
    void shutdown(int fd, short& wait, std::error_code& ec) noexcept override {
        ec.clear();
        if (!push(fd)) {
            wait = POLLOUT;
            ec = std::make_error_code(std::errc::operation_would_block);
        }
    }
    std::size_t buffered() const noexcept override { return in_.size() - in_pos_; }

private:
    // Sends pending output; true once all of it is out.
    bool push(int fd) {
        while (!pending_.empty()) {
            ssize_t n = ::send(fd, pending_.data(), pending_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n <= 0) return false;
            pending_.erase(0, static_cast<std::size_t>(n));
        }
        return true;
    }
    bool flaky_;
    unsigned reads_ = 0, writes_ = 0;
    std::string in_;
    std::size_t in_pos_ = 0;
    std::string pending_;
    std::string retry_;
};

// Both ends with an XorLayer; the client is driven without blocking from the test's thread.
struct LayeredLink {
    Socket client, server;
    XorLayer* client_layer;
    XorLayer* server_layer;
    LayeredLink() {
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        client = Socket::connect(listener.local_address(), 10s);
        server = std::move(listener.accept(10s).socket);
        client_layer = new XorLayer(false);
        server_layer = new XorLayer(true);
        same_bytes_violations = reads_wanting_out = writes_wanting_in = 0;
        client.attach_layer(client_layer);
        server.attach_layer(server_layer);
        client.non_blocking(true);
    }
};

}  // namespace

TEST_CASE("connection over a layer: a 5 MB echo, half-closed, comes back byte-exact") {
    socklite_test::FdLeakGuard leaks;
    LayeredLink link;
    socklite_test::echo_half_closed(std::move(link.server), link.client);
    CHECK(same_bytes_violations == 0);
    CHECK(reads_wanting_out > 0);
    CHECK(writes_wanting_in > 0);
}

TEST_CASE("connection over a layer: decoded bytes held by the layer are read without an event") {
    socklite_test::FdLeakGuard leaks;
    LayeredLink link;
    // 300 KB arrive at once; the server reads 64 KiB per call and four calls per event, so
    // the layer still holds bytes when the kernel has none left: they must be read anyway.
    socklite_test::held_bytes_read_without_event(std::move(link.server), link.client, 300 * 1000,
                                                 1024 * 1024);
}

TEST_CASE("connection over a layer: send_file() goes through the layer, in order with send()") {
    socklite_test::FdLeakGuard leaks;
    LayeredLink link;
    socklite_test::send_file_in_order_with_send(std::move(link.server), link.client);
    CHECK(same_bytes_violations == 0);
}
