// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SERVER_SERVER_FIXTURE_HPP
#define SOCKLITE_TESTS_SERVER_SERVER_FIXTURE_HPP

// An HttpServer on its own thread on 127.0.0.1:0, and a raw client that reads responses with
// the library's response parser. Every blocking call is bounded by io_timeout.

#include <socklite/http/parser.hpp>
#include <socklite/http/server.hpp>
#include <socklite/socket.hpp>

#include <string>
#include <thread>

#include <poll.h>

#include "support/peer.hpp"

namespace socklite_test {

/** Runs @p server (routes added already) on a thread; stops and joins on destruction. */
class RunningServer {
public:
    explicit RunningServer(socklite::HttpServer& server) : server_(server) {
        server_.listen("127.0.0.1", 0);
        thread_ = std::thread([this] { server_.run(); });
    }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;
    ~RunningServer() { stop(); }
    /** stop() and wait for run() to return. */
    void stop() {
        if (!thread_.joinable()) return;
        server_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return server_.port(); }

private:
    socklite::HttpServer& server_;
    std::thread thread_;
};

/** A blocking client connection with io_timeout on every read and write. */
class RawClient {
public:
    explicit RawClient(std::uint16_t port)
        : sock_(socklite::Socket::connect("127.0.0.1", port, io_timeout)) {
        sock_.read_timeout(io_timeout);
        sock_.write_timeout(io_timeout);
    }
    void send(std::string_view bytes) { sock_.send_all(bytes); }
    /** Reads one response (head and body), after any bytes already buffered. */
    socklite::http::Response read_response(const char* request_method = "GET") {
        socklite::http::ResponseParser p;
        p.request_method(request_method);
        socklite::http::Response res;
        for (;;) {
            auto r = p.parse_head(buf_);
            REQUIRE_MESSAGE(!r.error(), "bad response head: " << r.ec.message());
            if (r.complete()) {
                p.copy_head(res);
                buf_.erase(0, r.consumed);
                break;
            }
            buf_.erase(0, r.consumed);
            REQUIRE_MESSAGE(fill(), "connection closed before a response head");
        }
        while (!p.complete()) {
            auto r = p.parse_body(buf_);
            REQUIRE(!r.error());
            res.body.append(r.body.data(), r.body.size());
            buf_.erase(0, r.consumed);
            if (r.complete()) break;
            if (r.body.empty() && !fill()) {
                REQUIRE(p.finish().complete());
                break;
            }
        }
        return res;
    }
    /** Reads until the server closes; returns what came (after the buffered bytes). */
    std::string read_to_end() {
        while (fill()) {}
        return std::exchange(buf_, std::string());
    }
    /** Whether bytes (or the end) are readable now, without waiting. */
    bool readable_now() {
        if (!buf_.empty()) return true;
        pollfd p{sock_.native_handle(), POLLIN, 0};
        return ::poll(&p, 1, 0) == 1;
    }
    socklite::Socket& socket() { return sock_; }
    std::string& buffered() { return buf_; }

    /** One recv into the buffer; false at end of stream. */
    bool fill() {
        char tmp[16384];
        std::size_t n = sock_.recv(tmp, sizeof tmp);
        buf_.append(tmp, n);
        return n > 0;
    }

private:
    socklite::Socket sock_;
    std::string buf_;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SERVER_SERVER_FIXTURE_HPP
