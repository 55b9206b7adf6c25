// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// WebSocket sessions on HttpServer under faults: a broadcast with one client that never reads
// (its queue stays within ServerOptions::max_queued, it is dropped with 1006, the others get
// everything in order); thousands of idle sessions opened, messaged and closed (cleanly, with a
// FIN, with a reset); clients that vanish in the middle of a handshake or a frame. Every
// descriptor is given back. Under sanitizers the counts are scaled down (the checks stay).

#include <socklite/http/server.hpp>
#include <socklite/ws/client.hpp>
#include <socklite/ws/server.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"
#include "support/rlimit.hpp"
#include "support/sanitizer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::WebSocket;
namespace ws = socklite::ws;

namespace {

socklite::Deadline soon() { return socklite::Deadline::after(io_timeout); }

std::string url(std::uint16_t port, const std::string& path) {
    return "ws://127.0.0.1:" + std::to_string(port) + path;
}

const std::string handshake_request =
    "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// Every on_open and on_close of a route, by session (tag = order of opening, from 1).
struct Sessions {
    std::mutex mutex;
    std::uint64_t next_tag = 1;
    std::map<std::uint64_t, std::vector<std::uint16_t>> closes;  // tag -> every on_close code
    std::vector<ws::SessionHandle> handles;                      // by tag - 1
    std::atomic<int> opens{0};
    std::atomic<int> closed{0};

    ws::ServerHandlers handlers() {
        ws::ServerHandlers h;
        h.on_open = [this](ws::ServerSession& s) {
            std::lock_guard<std::mutex> lock(mutex);
            s.tag = next_tag++;
            handles.push_back(s.handle());
            ++opens;
        };
        h.on_message = [](ws::ServerSession& s, std::string& m, ws::MessageType t) {
            s.send(m, t);
        };
        h.on_close = [this](ws::ServerSession& s, std::uint16_t code, std::string_view) {
            std::lock_guard<std::mutex> lock(mutex);
            closes[s.tag].push_back(code);
            ++closed;
        };
        return h;
    }
    // Waits (bounded) until @p pred holds, checking every @p step.
    template <class Pred>
    static bool wait_for(Pred pred,
                         std::chrono::microseconds step = std::chrono::microseconds(5000)) {
        auto start = std::chrono::steady_clock::now();
        while (!pred()) {
            if (elapsed_since(start) > io_timeout) return false;
            std::this_thread::sleep_for(step);
        }
        return true;
    }
};

// Waits (bounded) until the process has @p count descriptors open; returns the last count.
int wait_fd_count(int count) {
    int now = open_fd_count();
    for (int i = 0; i < 2000 && now != count; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        now = open_fd_count();
    }
    return now;
}

// A raw client descriptor (closed on destruction).
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { close(); }
    int get() const { return fd_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    // Closes with a reset (SO_LINGER 0).
    void reset() {
        if (fd_ < 0) return;
        linger l{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close();
    }

private:
    int fd_ = -1;
};

// A socket connecting to 127.0.0.1:@p port; non-blocking unless @p blocking, with a small
// receive buffer when @p rcvbuf is not 0 (set before connecting, so the window stays small).
Fd connect_to(std::uint16_t port, bool blocking, int rcvbuf = 0) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
    REQUIRE(fd >= 0);
    Fd out(fd);
    if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (blocking) {
        timeval tv{static_cast<time_t>(io_timeout.count() / 1000), 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    REQUIRE((r == 0 || (!blocking && errno == EINPROGRESS)));
    return out;
}

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        REQUIRE(n > 0);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Reads a blocking socket up to the end of the 101 answer's head (byte by byte: nothing after
// it is taken); true when it was a 101.
bool read_101(int fd) {
    std::string head;
    while (head.size() < 4096 && head.find("\r\n\r\n") == std::string::npos) {
        char c;
        if (::recv(fd, &c, 1, 0) != 1) return false;
        head += c;
    }
    return head.rfind("HTTP/1.1 101 ", 0) == 0;
}

// A masked client frame.
std::string client_frame(ws::Opcode op, std::string_view payload) {
    std::string out;
    ws::append_frame<ws::Role::client>(out, op, payload, true, ws::MaskKey{9, 8, 7, 6});
    return out;
}

// Message @p i of the broadcast: its number, then bytes that depend on it.
std::string broadcast_message(std::size_t i, std::size_t size) {
    std::string m(size, '\0');
    std::snprintf(&m[0], size, "%08zu", i);
    for (std::size_t j = 8; j < size; ++j) m[j] = static_cast<char>((i * 131 + j * 7) & 0xFF);
    return m;
}

// The process's resident set in bytes (from /proc/self/statm).
std::size_t resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    int got = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    return got == 2 ? resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

TEST_CASE("ws faults: a broadcast with one client that never reads") {
    FdLeakGuard leaks;
    const std::size_t message_size = 16 * 1024;
    const std::size_t count = sanitized ? 800 : 2000;
    const std::size_t readers = 3;
    const std::size_t window = 16;  // messages the broadcaster runs ahead of the slowest reader
    ws::ServerOptions options;
    options.max_queued = 1024 * 1024;
    options.ping_interval = std::chrono::milliseconds(0);

    // Loop-thread state: the open /ws sessions; the largest queue seen per session.
    std::vector<ws::ServerSession*> live;
    std::map<std::uint64_t, std::size_t> max_queue;
    std::size_t dropped_queue = 0;  // the non-reader's queue when it was dropped
    // Shared with the test thread.
    std::mutex mutex;
    std::map<std::uint64_t, std::uint16_t> close_code;  // by tag
    std::map<std::uint64_t, std::string> close_reason;  // by tag
    std::atomic<int> opened{0};
    std::atomic<std::size_t> broadcast_done{0};
    std::uint64_t next_tag = 1;

    HttpServer server;
    ws::ServerHandlers h;
    h.on_open = [&](ws::ServerSession& s) {
        s.tag = next_tag++;
        live.push_back(&s);
        ++opened;
    };
    h.on_close = [&](ws::ServerSession& s, std::uint16_t code, std::string_view reason) {
        live.erase(std::remove(live.begin(), live.end(), &s), live.end());
        if (s.tag == 1) dropped_queue = s.queued_bytes();
        std::lock_guard<std::mutex> lock(mutex);
        close_code[s.tag] = code;
        close_reason[s.tag] = std::string(reason);
    };
    server.upgrade("/ws", ws::serve(h, options));
    // The broadcaster's control session: "N" sends message N to every open /ws session, through
    // ServerSession::send on the loop, whatever send() answers (the queue bound applies).
    ws::ServerHandlers control;
    control.on_message = [&](ws::ServerSession&, std::string& m, ws::MessageType) {
        const std::size_t i = std::stoul(m);
        const std::string body = broadcast_message(i, message_size);
        for (ws::ServerSession* s : live) {
            s->send_binary(body);
            std::size_t& top = max_queue[s->tag];
            top = std::max(top, s->queued_bytes());
        }
        broadcast_done = i + 1;
    };
    server.upgrade("/control", ws::serve(control, options));
    RunningServer run(server);
    const std::size_t rss_before = resident_bytes();

    // The non-reader opens first (tag 1), with a small receive window; it never reads again.
    Fd stuck = connect_to(run.port(), true, 4096);
    send_all(stuck.get(), handshake_request);
    REQUIRE(read_101(stuck.get()));
    REQUIRE(Sessions::wait_for([&] { return opened.load() == 1; }));
    std::vector<std::unique_ptr<std::atomic<std::size_t>>> received;
    std::vector<WebSocket> clients;
    for (std::size_t r = 0; r < readers; ++r) {
        clients.push_back(WebSocket::connect(url(run.port(), "/ws")));
        received.push_back(std::make_unique<std::atomic<std::size_t>>(0));
    }
    REQUIRE(Sessions::wait_for([&] { return opened.load() == 1 + static_cast<int>(readers); }));
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (std::size_t r = 0; r < readers; ++r) {
        threads.emplace_back([&, r] {
            for (std::size_t i = 0; i < count; ++i) {
                WebSocket::Message m;
                try {
                    m = clients[r].receive(soon());
                } catch (...) {
                    ++wrong;
                    return;
                }
                if (m.type != WebSocket::MessageType::binary ||
                    m.data != broadcast_message(i, message_size)) {
                    ++wrong;
                    return;
                }
                ++*received[r];
            }
        });
    }
    WebSocket ctl = WebSocket::connect(url(run.port(), "/control"));
    auto slowest = [&] {
        std::size_t least = count;
        for (const auto& n : received) least = std::min(least, n->load());
        return least;
    };
    bool paced = true;
    for (std::size_t i = 0; i < count && paced; ++i) {
        paced = Sessions::wait_for([&] { return i < slowest() + window || wrong.load() > 0; },
                                   std::chrono::microseconds(200)) &&
                wrong.load() == 0;
        ctl.send_text(std::to_string(i), soon());
    }
    for (auto& t : threads) t.join();
    CHECK(paced);
    CHECK(wrong.load() == 0);
    for (std::size_t r = 0; r < readers; ++r) CHECK(received[r]->load() == count);
    REQUIRE(Sessions::wait_for([&] { return broadcast_done.load() == count; }));
    const std::size_t rss_after = resident_bytes();

    // The non-reader was dropped (on_close 1006) and its queue never passed the bound.
    REQUIRE(Sessions::wait_for([&] {
        std::lock_guard<std::mutex> lock(mutex);
        return close_code.count(1) == 1;
    }));
    for (auto& c : clients) c.close(1000, "done", soon());
    REQUIRE(Sessions::wait_for([&] {
        std::lock_guard<std::mutex> lock(mutex);
        return close_code.size() == 1 + readers;
    }));
    // Every client ends its TCP side, so that stop() has no close handshake left to wait for.
    for (auto& c : clients) CHECK(c.receive(soon()).type == WebSocket::MessageType::close);
    clients.clear();
    ctl.close(1000, "done", soon());
    CHECK(ctl.receive(soon()).type == WebSocket::MessageType::close);
    ctl = WebSocket();
    run.stop();  // the loop's state may be read now
    const std::size_t offered = count * message_size;
    MESSAGE("offered " << offered << " bytes per session; the non-reader's largest queue "
                       << max_queue[1] << ", at its drop " << dropped_queue
                       << "; resident set grew by " << (rss_after - std::min(rss_after, rss_before))
                       << " bytes");
    CHECK(close_code[1] == 1006);
    CHECK(close_reason[1] == "peer not reading: output queue over max_queued");
    CHECK(max_queue[1] <= options.max_queued);
    CHECK(dropped_queue <= options.max_queued);
    for (std::uint64_t tag = 2; tag <= 1 + readers; ++tag) {
        CAPTURE(tag);
        CHECK(close_code[tag] == 1000);
        CHECK(max_queue[tag] <= options.max_queued);
    }
    if (!sanitized) CHECK(rss_after < rss_before + offered / 2);
    stuck.close();
}

TEST_CASE("ws faults: thousands of idle sessions, messaged, then closed three ways") {
    FdLeakGuard leaks;
    FdLimit limit;
    std::size_t wanted = sanitized ? 500 : 5000;
    // Two descriptors per connection (both ends are in this process), plus a margin.
    const std::size_t room = limit.limit() > 200 ? (limit.limit() - 200) / 2 : 0;
    const std::size_t n = std::min(wanted, room);
    if (n < wanted) MESSAGE("RLIMIT_NOFILE " << limit.limit() << ": " << n << " connections");
    if (sanitized) MESSAGE("under a sanitizer: " << n << " connections instead of 5000");
    REQUIRE(n >= 100);

    Sessions sessions;
    HttpServer::Options o;
    o.max_connections = n + 100;
    HttpServer server(o);
    ws::ServerOptions wo;
    wo.ping_interval = std::chrono::milliseconds(0);
    wo.close_timeout = std::chrono::milliseconds(2000);
    server.upgrade("/ws", ws::serve(sessions.handlers(), wo));
    RunningServer run(server);
    const int baseline = open_fd_count();

    // Connect and handshake, at most 256 under way at once, in one poll loop.
    std::vector<Fd> fds(n);
    std::vector<std::string> in(n);
    std::vector<std::size_t> sent(n, 0);
    std::vector<bool> done(n, false);
    std::size_t started = 0, upgraded = 0;
    auto start = std::chrono::steady_clock::now();
    while (upgraded < n && elapsed_since(start) < io_timeout * 3) {
        while (started < n && started - upgraded < 256) {
            fds[started] = connect_to(run.port(), false);
            ++started;
        }
        std::vector<pollfd> polls;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < started; ++i) {
            if (done[i]) continue;
            short events = sent[i] < handshake_request.size() ? POLLOUT : POLLIN;
            polls.push_back({fds[i].get(), events, 0});
            which.push_back(i);
        }
        REQUIRE(::poll(polls.data(), polls.size(), 1000) >= 0);
        for (std::size_t k = 0; k < polls.size(); ++k) {
            const std::size_t i = which[k];
            if (polls[k].revents & (POLLERR | POLLNVAL)) FAIL("connection " << i << " failed");
            if (sent[i] < handshake_request.size() && (polls[k].revents & POLLOUT)) {
                ssize_t w = ::send(fds[i].get(), handshake_request.data() + sent[i],
                                   handshake_request.size() - sent[i], MSG_NOSIGNAL);
                if (w > 0) sent[i] += static_cast<std::size_t>(w);
            } else if (polls[k].revents & (POLLIN | POLLHUP)) {
                char buf[512];
                ssize_t r = ::recv(fds[i].get(), buf, sizeof buf, 0);
                REQUIRE_MESSAGE(r > 0, "connection " << i << " ended during its handshake");
                in[i].append(buf, static_cast<std::size_t>(r));
                std::size_t end = in[i].find("\r\n\r\n");
                if (end != std::string::npos) {
                    REQUIRE(in[i].rfind("HTTP/1.1 101 ", 0) == 0);
                    in[i].erase(0, end + 4);
                    done[i] = true;
                    ++upgraded;
                }
            }
        }
    }
    REQUIRE(upgraded == n);
    REQUIRE(Sessions::wait_for([&] { return sessions.opens.load() == static_cast<int>(n); }));
    MESSAGE(n << " sessions open after " << elapsed_since(start).count() << " ms");

    // Idle a moment: nothing arrives, nobody is closed.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(sessions.closed.load() == 0);

    // A message to each session, through its handle; each client gets exactly its own.
    std::vector<ws::SessionHandle> handles;
    {
        std::lock_guard<std::mutex> lock(sessions.mutex);
        handles = sessions.handles;
    }
    REQUIRE(handles.size() == n);
    for (std::size_t t = 0; t < n; ++t) CHECK(handles[t].send_text("to " + std::to_string(t + 1)));
    std::vector<std::string> got(n);
    std::fill(done.begin(), done.end(), false);
    std::size_t complete = 0;
    start = std::chrono::steady_clock::now();
    auto frame_done = [](const std::string& b) {
        return b.size() >= 2 && b.size() >= 2u + (static_cast<unsigned char>(b[1]) & 0x7F);
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (!frame_done(in[i])) continue;
        done[i] = true;
        ++complete;
    }
    while (complete < n && elapsed_since(start) < io_timeout) {
        std::vector<pollfd> polls;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < n; ++i) {
            if (done[i]) continue;
            polls.push_back({fds[i].get(), POLLIN, 0});
            which.push_back(i);
        }
        REQUIRE(::poll(polls.data(), polls.size(), 1000) >= 0);
        for (std::size_t k = 0; k < polls.size(); ++k) {
            if (!(polls[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const std::size_t i = which[k];
            char buf[256];
            ssize_t r = ::recv(fds[i].get(), buf, sizeof buf, 0);
            REQUIRE(r > 0);
            in[i].append(buf, static_cast<std::size_t>(r));
            if (frame_done(in[i])) {
                done[i] = true;
                ++complete;
            }
        }
    }
    REQUIRE(complete == n);
    // Which session a client is was fixed by the order of opening: match them by content.
    std::vector<int> seen(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& b = in[i];
        REQUIRE(static_cast<unsigned char>(b[0]) == 0x81);  // FIN, text, unmasked
        const std::size_t len = static_cast<unsigned char>(b[1]);
        REQUIRE(b.size() == 2 + len);
        const std::string text = b.substr(2);
        REQUIRE(text.rfind("to ", 0) == 0);
        const std::size_t tag = std::stoul(text.substr(3));
        REQUIRE((tag >= 1 && tag <= n));
        ++seen[tag];
        in[i].clear();
    }
    for (std::size_t t = 1; t <= n; ++t) CHECK(seen[t] == 1);

    // Close: a third with the close handshake, a third with a FIN, a third with a reset.
    const std::string close_frame = client_frame(ws::Opcode::close, std::string("\x03\xe8", 2));
    std::size_t clean = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 3 == 0) {
            REQUIRE(::send(fds[i].get(), close_frame.data(), close_frame.size(), MSG_NOSIGNAL) ==
                    static_cast<ssize_t>(close_frame.size()));
            done[i] = false;
            ++clean;
        } else if (i % 3 == 1) {
            fds[i].close();
        } else {
            fds[i].reset();
        }
    }
    // The clean ones: the server's close echo (0x88, a length, code 1000), then its end.
    std::size_t ended = 0;
    start = std::chrono::steady_clock::now();
    while (ended < clean && elapsed_since(start) < io_timeout) {
        std::vector<pollfd> polls;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < n; i += 3) {
            if (done[i]) continue;
            polls.push_back({fds[i].get(), POLLIN, 0});
            which.push_back(i);
        }
        REQUIRE(::poll(polls.data(), polls.size(), 1000) >= 0);
        for (std::size_t k = 0; k < polls.size(); ++k) {
            if (!(polls[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const std::size_t i = which[k];
            char buf[64];
            ssize_t r = ::recv(fds[i].get(), buf, sizeof buf, 0);
            REQUIRE(r >= 0);
            if (r > 0) {
                in[i].append(buf, static_cast<std::size_t>(r));
                continue;
            }
            CHECK(in[i].size() >= 4);
            CHECK(in[i].substr(0, 1) == "\x88");
            CHECK(in[i].substr(2, 2) == std::string("\x03\xe8", 2));
            fds[i].close();
            done[i] = true;
            ++ended;
        }
    }
    CHECK(ended == clean);
    REQUIRE(Sessions::wait_for([&] { return sessions.closed.load() == static_cast<int>(n); }));
    {
        std::lock_guard<std::mutex> lock(sessions.mutex);
        REQUIRE(sessions.closes.size() == n);
        std::size_t normal = 0, lost = 0;
        for (const auto& entry : sessions.closes) {
            const std::uint64_t tag = entry.first;
            const std::vector<std::uint16_t>& codes = entry.second;
            CAPTURE(tag);
            CHECK(codes.size() == 1);
            if (codes.at(0) == 1000) ++normal;
            if (codes.at(0) == 1006) ++lost;
        }
        CHECK(normal == clean);
        CHECK(lost == n - clean);
    }
    // Every server-side descriptor is closed while the server still runs.
    for (auto& f : fds) f.close();
    CHECK(wait_fd_count(baseline) == baseline);
    sessions.handles.clear();
    handles.clear();
}

TEST_CASE("ws faults: clients that vanish inside a handshake or a frame") {
    FdLeakGuard leaks;
    Sessions sessions;
    HttpServer server;
    ws::ServerOptions wo;
    wo.ping_interval = std::chrono::milliseconds(0);
    wo.close_timeout = std::chrono::milliseconds(2000);
    server.upgrade("/ws", ws::serve(sessions.handlers(), wo));
    RunningServer run(server);
    WebSocket good = WebSocket::connect(url(run.port(), "/ws"));
    REQUIRE(Sessions::wait_for([&] { return sessions.opens.load() == 1; }));
    const int baseline = open_fd_count();

    const std::string payload(300, 'p');
    const std::string frame = client_frame(ws::Opcode::binary, payload);  // 2 + 2 + 4 + 300 bytes
    struct Case {
        const char* name;
        std::string bytes;  // sent after the 101 (or, with no upgrade, instead of a handshake)
        bool upgrade;
    };
    const Case cases[] = {
        {"half a handshake", handshake_request.substr(0, handshake_request.size() / 2), false},
        {"a handshake without its last CRLF",
         handshake_request.substr(0, handshake_request.size() - 2), false},
        {"one byte of a frame header", frame.substr(0, 1), true},
        {"half an extended length", frame.substr(0, 3), true},
        {"half a masking key", frame.substr(0, 6), true},
        {"the header and half the masked payload", frame.substr(0, 8 + payload.size() / 2), true},
        {"a whole frame and one byte of the next", frame + frame.substr(0, 1), true},
    };
    int expected_opens = 1;
    for (const Case& c : cases) {
        for (bool reset : {false, true}) {
            CAPTURE(c.name);
            CAPTURE(reset);
            const int closed_before = sessions.closed.load();
            Fd fd = connect_to(run.port(), true);
            if (c.upgrade) {
                send_all(fd.get(), handshake_request);
                REQUIRE(read_101(fd.get()));
                ++expected_opens;
                REQUIRE(
                    Sessions::wait_for([&] { return sessions.opens.load() == expected_opens; }));
            }
            send_all(fd.get(), c.bytes);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the server read it
            if (reset)
                fd.reset();
            else
                fd.close();
            if (c.upgrade) {
                CHECK(Sessions::wait_for(
                    [&] { return sessions.closed.load() == closed_before + 1; }));
            }
            // The good client is served meanwhile.
            const std::string hello = std::string("still here: ") + c.name;
            good.send_text(hello, soon());
            WebSocket::Message m = good.receive(soon());
            CHECK(m.type == WebSocket::MessageType::text);
            CHECK(m.data == hello);
            CHECK(wait_fd_count(baseline) == baseline);
            CHECK(sessions.closed.load() == closed_before + (c.upgrade ? 1 : 0));
        }
    }
    CHECK(sessions.opens.load() == expected_opens);
    good.close(1000, "bye", soon());
    CHECK(good.receive(soon()).type == WebSocket::MessageType::close);
    REQUIRE(Sessions::wait_for([&] { return sessions.closed.load() == expected_opens; }));
    std::lock_guard<std::mutex> lock(sessions.mutex);
    for (const auto& entry : sessions.closes) {
        const std::uint64_t tag = entry.first;
        const std::vector<std::uint16_t>& codes = entry.second;
        CAPTURE(tag);
        REQUIRE(codes.size() == 1);
        CHECK(codes[0] == (tag == 1 ? 1000 : 1006));
    }
    sessions.handles.clear();
}
