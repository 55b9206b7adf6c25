// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The one client of bench/ws/ws_vs_peers.py, written on raw POSIX sockets so that only the
// server differs between the peers (it frames and masks by hand, RFC 6455 section 5).
//
//   ws_bench_client echo COUNT ROUNDS TARGET...
//     TARGET is NAME,raw,PORT (plain TCP echo: 32 bytes out, 32 back) or NAME,ws,PORT,PATH
//     (a WebSocket: a masked 32-byte binary frame out, its unmasked echo back). One connection
//     per target, all open at once; each round measures COUNT round trips on each target in
//     turn, the order rotating by one every round. Prints "echo ROUND NAME ROUND_TRIPS_PER_S".
//   ws_bench_client broadcast CLIENTS ROUNDS TARGET...
//     TARGET is NAME,PORT,PATH (PATH "-": plain TCP, no handshake, for the floor
//     `ws_bench_server rawcast`). CLIENTS WebSocket connections per target, all open at once
//     (non-blocking, epoll). Each round, on each target in turn (order rotating), the first
//     client sends the text "go"; the server answers with "b <ns>" to every client, <ns> its
//     steady clock at the send. Prints "broadcast ROUND NAME LAST_US FIRST_US GO_TO_LAST_US":
//     from the server's stamp to the last and the first client's receipt, and from our "go" to
//     the last receipt.
// Needs RLIMIT_NOFILE above CLIENTS times the targets (it raises the soft limit to the hard).

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + (errno ? std::string(": ") + std::strerror(errno) : ""));
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep)
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

std::uint16_t to_port(const std::string& s) {
    return static_cast<std::uint16_t>(std::strtoul(s.c_str(), nullptr, 10));
}

int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("connect");
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t m = ::send(fd, p, n, MSG_NOSIGNAL);
        if (m < 0 && errno == EINTR) continue;
        if (m <= 0) fail("send");
        p += m;
        n -= static_cast<std::size_t>(m);
    }
}

void recv_exact(int fd, char* p, std::size_t n) {
    while (n > 0) {
        ssize_t m = ::recv(fd, p, n, 0);
        if (m < 0 && errno == EINTR) continue;
        if (m <= 0) fail("recv");
        p += m;
        n -= static_cast<std::size_t>(m);
    }
}

// The opening handshake on a blocking socket; returns what came after the 101's head.
std::string handshake(int fd, std::uint16_t port, const std::string& path) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n";
    send_all(fd, req.data(), req.size());
    std::string in;
    char buf[4096];
    for (;;) {
        std::size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos) {
            if (in.compare(0, 12, "HTTP/1.1 101") != 0) fail("handshake refused: " + in);
            return in.substr(end + 4);
        }
        ssize_t m = ::recv(fd, buf, sizeof buf, 0);
        if (m <= 0) fail("handshake recv");
        in.append(buf, static_cast<std::size_t>(m));
    }
}

// A client frame (FIN, @p opcode, masked) of a payload under 126 bytes into @p out.
void make_frame(std::string& out, unsigned opcode, const char* payload, std::size_t n,
                std::uint32_t mask) {
    out.resize(6 + n);
    out[0] = static_cast<char>(0x80u | opcode);
    out[1] = static_cast<char>(0x80u | n);
    unsigned char key[4];
    std::memcpy(key, &mask, 4);
    std::memcpy(&out[2], key, 4);
    for (std::size_t i = 0; i < n; ++i)
        out[6 + i] = static_cast<char>(static_cast<unsigned char>(payload[i]) ^ key[i % 4]);
}

struct EchoTarget {
    std::string name;
    bool ws = false;
    int fd = -1;
};

constexpr std::size_t message_size = 32;

// @p count round trips of a 32-byte message on @p t; returns round trips per second.
double echo_run(EchoTarget& t, long count, std::uint32_t& mask) {
    char payload[message_size];
    std::memset(payload, 'x', sizeof payload);
    std::string frame;
    char back[2 + message_size];
    auto start = Clock::now();
    for (long i = 0; i < count; ++i) {
        if (t.ws) {
            mask = mask * 1664525u + 1013904223u;
            make_frame(frame, 0x2, payload, sizeof payload, mask);
            send_all(t.fd, frame.data(), frame.size());
            recv_exact(t.fd, back, sizeof back);
            if (static_cast<unsigned char>(back[0]) != 0x82 || back[1] != message_size)
                fail(t.name + ": unexpected frame header");
        } else {
            send_all(t.fd, payload, sizeof payload);
            recv_exact(t.fd, back, message_size);
        }
    }
    std::chrono::duration<double> took = Clock::now() - start;
    return static_cast<double>(count) / took.count();
}

int run_echo(long count, int rounds, const std::vector<std::string>& specs) {
    std::vector<EchoTarget> targets;
    for (const std::string& spec : specs) {
        std::vector<std::string> f = split(spec, ',');
        if (f.size() < 3 || (f[1] == "ws" && f.size() != 4) || (f[1] != "ws" && f[1] != "raw"))
            fail("bad target " + spec);
        EchoTarget t;
        t.name = f[0];
        t.ws = f[1] == "ws";
        t.fd = connect_to(to_port(f[2]));
        if (t.ws && !handshake(t.fd, to_port(f[2]), f[3]).empty()) fail("bytes after the 101");
        targets.push_back(t);
    }
    std::uint32_t mask = 12345;
    for (EchoTarget& t : targets) echo_run(t, count / 10 + 1, mask);  // warm up
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t k = 0; k < targets.size(); ++k) {
            EchoTarget& t = targets[(k + static_cast<std::size_t>(r)) % targets.size()];
            double rate = echo_run(t, count, mask);
            std::printf("echo %d %s %.0f\n", r, t.name.c_str(), rate);
            std::fflush(stdout);
        }
    }
    return 0;
}

struct Client {
    int fd = -1;
    std::string in;
    bool got = false;
};

struct BroadcastTarget {
    std::string name;
    std::vector<Client> clients;
};

// Reads what @p c has; returns the server's stamp when a whole "b <ns>" text frame arrived.
bool read_stamp(Client& c, std::int64_t& stamp) {
    // One recv per readiness (epoll is level-triggered: what is left is reported again), so
    // that the client spends as little as it can per message.
    char buf[4096];
    ssize_t m = ::recv(c.fd, buf, sizeof buf, 0);
    if (m > 0) {
        c.in.append(buf, static_cast<std::size_t>(m));
    } else if (m == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        fail("broadcast client: connection lost");
    }
    if (c.in.size() < 2) return false;
    std::size_t len = static_cast<unsigned char>(c.in[1]) & 0x7fu;
    if (static_cast<unsigned char>(c.in[0]) != 0x81 || len >= 126)
        fail("broadcast client: unexpected frame");
    if (c.in.size() < 2 + len) return false;
    std::string text = c.in.substr(2, len);
    c.in.erase(0, 2 + len);
    if (text.compare(0, 2, "b ") != 0) fail("broadcast client: unexpected message " + text);
    stamp = std::strtoll(text.c_str() + 2, nullptr, 10);
    return true;
}

int run_broadcast(std::size_t clients, int rounds, const std::vector<std::string>& specs) {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);

    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) fail("epoll_create1");
    std::vector<BroadcastTarget> targets(specs.size());
    for (std::size_t ti = 0; ti < specs.size(); ++ti) {
        std::vector<std::string> f = split(specs[ti], ',');
        if (f.size() != 3) fail("bad target " + specs[ti]);
        BroadcastTarget& t = targets[ti];
        t.name = f[0];
        t.clients.resize(clients);
        for (std::size_t i = 0; i < clients; ++i) {
            Client& c = t.clients[i];
            c.fd = connect_to(to_port(f[1]));
            if (f[2] != "-") c.in = handshake(c.fd, to_port(f[1]), f[2]);
            ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = (static_cast<std::uint64_t>(ti) << 32) | i;
            if (::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev) != 0) fail("epoll_ctl");
        }
        std::fprintf(stderr, "%s: %zu clients connected\n", t.name.c_str(), clients);
    }
    ::usleep(200000);  // let the servers settle after the connection burst

    std::vector<epoll_event> events(1024);
    std::uint32_t mask = 777;
    std::string frame;
    for (int r = -1; r < rounds; ++r) {  // round -1: a warm-up, not printed
        for (std::size_t k = 0; k < targets.size(); ++k) {
            std::size_t ti = (k + static_cast<std::size_t>(r + 1)) % targets.size();
            BroadcastTarget& t = targets[ti];
            for (Client& c : t.clients) c.got = false;
            mask = mask * 1664525u + 1013904223u;
            make_frame(frame, 0x1, "go", 2, mask);
            std::int64_t go = now_ns();
            send_all(t.clients[0].fd, frame.data(), frame.size());
            std::size_t left = clients;
            std::int64_t stamp = 0, first = 0, last = 0;
            while (left > 0) {
                int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 10000);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) fail(t.name + ": broadcast not received within 10 s");
                for (int e = 0; e < n; ++e) {
                    std::uint64_t id = events[static_cast<std::size_t>(e)].data.u64;
                    if ((id >> 32) != ti) fail("a message from the wrong server");
                    Client& c = t.clients[id & 0xffffffffu];
                    std::int64_t s = 0;
                    if (!read_stamp(c, s)) continue;
                    if (c.got) fail(t.name + ": two broadcasts to one client");
                    std::int64_t at = now_ns();
                    c.got = true;
                    if (left == clients) first = at;
                    last = at;
                    stamp = s;
                    --left;
                }
            }
            if (r >= 0) {
                std::printf("broadcast %d %s %.1f %.1f %.1f\n", r, t.name.c_str(),
                            static_cast<double>(last - stamp) / 1e3,
                            static_cast<double>(first - stamp) / 1e3,
                            static_cast<double>(last - go) / 1e3);
                std::fflush(stdout);
            }
            ::usleep(50000);
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5 || (std::strcmp(argv[1], "echo") != 0 && std::strcmp(argv[1], "broadcast") != 0)) {
        std::fprintf(stderr,
                     "usage: ws_bench_client echo COUNT ROUNDS NAME,raw,PORT|NAME,ws,PORT,PATH...\n"
                     "       ws_bench_client broadcast CLIENTS ROUNDS NAME,PORT,PATH...\n");
        return 2;
    }
    std::vector<std::string> specs(argv + 4, argv + argc);
    long n = std::strtol(argv[2], nullptr, 10);
    int rounds = static_cast<int>(std::strtol(argv[3], nullptr, 10));
    try {
        errno = 0;
        if (std::strcmp(argv[1], "echo") == 0) return run_echo(n, rounds, specs);
        return run_broadcast(static_cast<std::size_t>(n), rounds, specs);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ws_bench_client: %s\n", e.what());
        return 1;
    }
}
