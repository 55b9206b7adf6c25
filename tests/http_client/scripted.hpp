// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_HTTP_CLIENT_SCRIPTED_HPP
#define SOCKLITE_TESTS_HTTP_CLIENT_SCRIPTED_HPP

// A scripted HTTP server for the client tests: a thread with a socklite::Listener on an
// ephemeral loopback port that hands each accepted connection, in order, to a script (a
// function) that reads requests and writes exact bytes: interim responses, trailers, stalls,
// resets, malformed responses. Every blocking call is bounded; the destructor wakes the thread
// and joins it.

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

namespace socklite_test {

/** The bound of every blocking call made by the scripted server (generous: never a measurement). */
inline constexpr std::chrono::milliseconds script_timeout{10000};

/** The requests a ScriptedServer has read, shared with its connections. */
struct RequestLog {
    std::mutex mutex;
    std::vector<std::string> requests;
};

/** One accepted connection as a script sees it. */
class ScriptConn {
public:
    ScriptConn(socklite::Socket s, int index, RequestLog& log)
        : sock_(std::move(s)), index_(index), log_(log) {
        sock_.read_timeout(script_timeout);
        sock_.write_timeout(script_timeout);
    }
    /** 0 for the first connection the server accepted, 1 for the second ... */
    int index() const { return index_; }
    socklite::Socket& socket() { return sock_; }

    /** Reads one request (head, and a Content-Length body); "" when the client closed first. */
    std::string read_request() {
        for (;;) {
            auto end = buf_.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::size_t need = end + 4;
                auto cl = find_header(buf_.substr(0, end), "content-length");
                if (!cl.empty()) need += std::strtoull(cl.c_str(), nullptr, 10);
                if (buf_.size() >= need) {
                    std::string req = buf_.substr(0, need);
                    buf_.erase(0, need);
                    std::lock_guard<std::mutex> lock(log_.mutex);
                    log_.requests.push_back(req);
                    return req;
                }
            }
            char tmp[4096];
            std::error_code ec;
            std::size_t n = sock_.recv(tmp, sizeof tmp, ec);
            if (ec || n == 0) return {};
            buf_.append(tmp, n);
        }
    }
    /** Sends @p bytes exactly (errors ignored: the client may have gone). */
    void send(const std::string& bytes) {
        std::error_code ec;
        sock_.send_all(bytes, ec);
    }
    /** Waits (bounded) until the client closes its side or resets; the way to "stall". */
    void wait_for_close() {
        char tmp[4096];
        for (;;) {
            std::error_code ec;
            std::size_t n = sock_.recv(tmp, sizeof tmp, ec);
            if (ec || n == 0) return;
        }
    }
    /** Closes with a reset (SO_LINGER 0): the client sees ECONNRESET. */
    void reset() {
        linger l{1, 0};
        ::setsockopt(sock_.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        sock_.close();
    }
    /** Closes normally (FIN). */
    void close() { sock_.close(); }

    /** The value of header @p lower_name (lower case) in a request head, or "". */
    static std::string find_header(const std::string& head, const std::string& lower_name) {
        std::size_t pos = 0;
        while (pos < head.size()) {
            std::size_t eol = head.find("\r\n", pos);
            if (eol == std::string::npos) eol = head.size();
            std::string line = head.substr(pos, eol - pos);
            auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (auto& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (name == lower_name) {
                    std::string v = line.substr(colon + 1);
                    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
                    return v;
                }
            }
            pos = eol + 2;
        }
        return {};
    }

private:
    socklite::Socket sock_;
    int index_;
    RequestLog& log_;
    std::string buf_;
};

/** The server: `ScriptedServer srv([](ScriptConn& c) { c.read_request(); c.send("..."); });` */
class ScriptedServer {
public:
    using Script = std::function<void(ScriptConn&)>;

    explicit ScriptedServer(Script script, const std::string& host = "127.0.0.1")
        : script_(std::move(script)), listener_(socklite::Listener::bind(host, 0)), host_(host) {
        port_ = listener_.local_address().port();
        thread_ = std::thread([this] { loop(); });
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;
    ~ScriptedServer() { stop(); }

    std::uint16_t port() const { return port_; }
    /** `http://127.0.0.1:PORT` followed by @p path. */
    std::string url(const std::string& path = "") const {
        std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
        return "http://" + h + ":" + std::to_string(port_) + path;
    }
    /** Connections accepted so far. */
    int connections() const { return accepted_.load(); }
    /** Every request read by ScriptConn::read_request() so far, in order. */
    std::vector<std::string> requests() {
        std::lock_guard<std::mutex> lock(log_.mutex);
        return log_.requests;
    }
    /** Waits (bounded) until @p n scripts have finished; false on timeout. */
    bool wait_scripts_done(int n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return done_cv_.wait_for(lock, script_timeout, [&] { return done_ >= n; });
    }
    /** Stops the thread (idempotent); rethrows what a script threw. */
    void stop() {
        if (thread_.joinable()) {
            stopping_ = true;
            std::error_code ec;
            // Wake a pending accept with a connection of our own.
            socklite::Socket::connect(host_, port_, script_timeout, ec);
            thread_.join();
        }
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    // Each connection gets its own thread (two clients may be served at once); they are all
    // joined by stop().
    void loop() {
        int index = 0;
        std::vector<std::thread> workers;
        while (!stopping_) {
            std::error_code ec;
            auto acc = listener_.accept(std::chrono::milliseconds(60000), ec);
            if (ec || stopping_) break;
            accepted_++;
            workers.emplace_back([this, s = std::move(acc.socket), i = index++]() mutable {
                try {
                    ScriptConn conn(std::move(s), i, log_);
                    script_(conn);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mutex_);
                    if (!error_) error_ = std::current_exception();
                }
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    ++done_;
                }
                done_cv_.notify_all();
            });
        }
        for (auto& w : workers) w.join();
    }

    Script script_;
    socklite::Listener listener_;
    std::string host_;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::mutex mutex_;
    std::condition_variable done_cv_;
    int done_ = 0;
    RequestLog log_;
    std::exception_ptr error_;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_HTTP_CLIENT_SCRIPTED_HPP
