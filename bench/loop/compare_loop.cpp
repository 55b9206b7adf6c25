// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// compare_loop: the support-desk load of scenario 3, served two ways in the same run:
//   - "event loop": one thread, one socklite::EventLoop, an Acceptor and a Connection per client
//     (what examples/support_server does);
//   - "thread per connection": the tutorial's design, one std::thread per client doing blocking
//     recv()/send() (default thread stack size).
// For each server, in this process: N concurrent connections (default 10,000) are opened by a
// forked client process (several threads, epoll); then
//   1. memory per idle connection: the server process's RSS after accepting the N connections
//      minus before, divided by N (kernel socket buffers are not in RSS; /proc/net/sockstat's
//      TCP page count is shown apart);
//   2. latency at a steady rate (default 10,000 lines/s spread round-robin over all clients):
//      client -> agent side (a client stamps each line with CLOCK_MONOTONIC, the server's line
//      handler takes the difference) and the routed reply back (the agent side answers the
//      sender by its id, stamping the reply; the client takes the difference on receipt).
// Both processes read the same system-wide monotonic clock, so one-way latencies are exact.
// Bounded: a watchdog alarm ends the run after --deadline seconds.
//
// Usage: compare_loop [--connections N] [--rate R] [--seconds S] [--deadline S] [--only loop|threads]

#include <socklite.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

struct Config {
    int connections = 10000;
    int rate = 10000;
    int seconds = 5;
    int deadline = 300;
    std::string only;
};

long rss_kib() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

long tcp_mem_pages() {  // kernel memory of all TCP sockets, in pages (/proc/net/sockstat)
    std::ifstream f("/proc/net/sockstat");
    std::string word;
    while (f >> word)
        if (word == "mem") {
            long pages = 0;
            f >> pages;
            return pages;
        }
    return -1;
}

double cpu_seconds() {  // user + system CPU time of this process (all its threads)
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

void raise_nofile() {
    rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

struct Percentiles {
    std::size_t count = 0;
    double p50 = 0, p99 = 0, max = 0;  // milliseconds
};

Percentiles summarize(std::vector<std::int64_t> ns) {
    Percentiles p;
    p.count = ns.size();
    if (ns.empty()) return p;
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
        return ns[std::min(ns.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(ns.size())))] /
               1e6;
    };
    p.p50 = at(0.50);
    p.p99 = at(0.99);
    p.max = ns.back() / 1e6;
    return p;
}

// Parses "<id> <stamp>" or "<stamp>" lines.
std::int64_t last_number(std::string_view line) {
    std::size_t sp = line.rfind(' ');
    std::string_view digits = sp == std::string_view::npos ? line : line.substr(sp + 1);
    std::int64_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

// ---------------------------------------------------------------------------------------------
// The two servers. Each records client -> agent latencies and answers the sender by its id.

class Server {
public:
    virtual ~Server() = default;
    virtual std::uint16_t port() const = 0;
    virtual int connected() const = 0;             // connections accepted and being served
    virtual std::vector<std::int64_t> stop() = 0;  // stops; returns the recorded latencies
    virtual std::string note() const { return {}; }
};

class LoopServer : public Server {
public:
    LoopServer() {
        socklite::ListenOptions lo;
        lo.accept_non_blocking = true;
        auto listener = socklite::Listener::bind("127.0.0.1", 0, lo);
        port_ = listener.local_address().port();
        acceptor_ = std::make_unique<socklite::Acceptor>(
            loop_, std::move(listener), [this](socklite::Accepted a) {
                std::uint64_t id = next_id_++;
                auto conn = std::make_unique<socklite::Connection>(loop_, std::move(a.socket));
                conn->on_line([this, id](std::string_view line) { agent(id, line); });
                conn->on_close([this, id](std::error_code) {
                    clients_.erase(id);
                    count_ = static_cast<int>(clients_.size());
                });
                clients_.emplace(id, std::move(conn));
                count_ = static_cast<int>(clients_.size());
            });
        thread_ = std::thread([this] { loop_.run(); });
    }
    std::uint16_t port() const override { return port_; }
    int connected() const override { return count_; }
    std::vector<std::int64_t> stop() override {
        loop_.post([this] {
            acceptor_.reset();
            clients_.clear();
            loop_.stop();
        });
        thread_.join();
        return std::move(latencies_);
    }

private:
    // The agent side: a line from client `id` arrives; answer `id` alone (routed by id).
    void agent(std::uint64_t id, std::string_view line) {
        std::int64_t sent = last_number(line);
        std::int64_t t = now_ns();
        if (sent > 0) latencies_.push_back(t - sent);
        auto it = clients_.find(id);
        if (it == clients_.end()) return;
        std::error_code ec;
        it->second->send(std::to_string(now_ns()) + "\n", ec);
    }

    socklite::EventLoop loop_;
    std::unique_ptr<socklite::Acceptor> acceptor_;
    std::map<std::uint64_t, std::unique_ptr<socklite::Connection>> clients_;
    std::uint64_t next_id_ = 1;
    std::atomic<int> count_{0};
    std::uint16_t port_ = 0;
    std::vector<std::int64_t> latencies_;
    std::thread thread_;
};

class ThreadServer : public Server {
public:
    ThreadServer() {
        listener_ = socklite::Listener::bind("127.0.0.1", 0);
        port_ = listener_.local_address().port();
        accept_thread_ = std::thread([this] { accept_loop(); });
    }
    std::uint16_t port() const override { return port_; }
    int connected() const override { return count_; }
    std::string note() const override { return failure_; }
    std::vector<std::int64_t> stop() override {
        stopping_ = true;
        ::shutdown(listener_.native_handle(), SHUT_RDWR);  // wakes accept()
        accept_thread_.join();
        // The accept thread is gone: nobody else touches threads_ and sockets_ now. (The
        // serving threads lock mutex_ on their way out, so it must not be held here.)
        for (auto& s : sockets_) ::shutdown(s, SHUT_RDWR);  // wakes recv()
        for (auto& t : threads_) t.join();
        std::lock_guard<std::mutex> lock(mutex_);
        return std::move(latencies_);
    }

private:
    void accept_loop() {
        while (!stopping_) {
            std::error_code ec;
            auto a = listener_.accept(ec);
            if (ec) {
                if (stopping_) return;
                continue;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            int fd = a.socket.native_handle();
            try {
                // The tutorial's way: a thread per client, blocking calls, default stack.
                threads_.emplace_back([this, s = std::make_shared<socklite::Socket>(
                                                 std::move(a.socket))] { serve(*s); });
                sockets_.push_back(fd);
                ++count_;
            } catch (const std::system_error& e) {
                if (failure_.empty())
                    failure_ = "thread creation failed after " + std::to_string(count_.load()) +
                               " threads: " + e.what();
                // a.socket was moved into the lambda that was never started: it is closed now.
            }
        }
    }
    void serve(socklite::Socket& s) {
        socklite::LineBuffer lines;
        char buf[4096];
        std::string line;
        std::vector<std::int64_t> mine;
        for (;;) {
            std::error_code ec;
            std::size_t n = s.recv(buf, sizeof buf, ec);
            if (ec || n == 0) break;
            lines.append(std::string_view(buf, n));
            while (lines.next_line(line)) {
                std::int64_t sent = last_number(line);
                if (sent > 0) mine.push_back(now_ns() - sent);
                s.send_all(std::to_string(now_ns()) + "\n", ec);
            }
        }
        std::lock_guard<std::mutex> lock(mutex_);
        latencies_.insert(latencies_.end(), mine.begin(), mine.end());
    }

    socklite::Listener listener_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> count_{0};
    std::mutex mutex_;
    std::vector<std::thread> threads_;
    std::vector<int> sockets_;
    std::vector<std::int64_t> latencies_;
    std::string failure_;
    std::thread accept_thread_;
};

// ---------------------------------------------------------------------------------------------
// The client process: N connections, a paced sender, receiver threads on epoll.

struct ClientReport {
    int connected = 0;
    std::int64_t sent = 0;
    Percentiles reply;
    double connect_seconds = 0;
};

// Runs in the forked child. Protocol on the pipes: child writes 'c' once connected; parent
// writes 'g' to start the load; child writes its ClientReport and exits.
[[noreturn]] void client_process(const Config& cfg, std::uint16_t port, int to_parent,
                                 int from_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    raise_nofile();
    auto address = socklite::Address::ipv4("127.0.0.1", port);
    auto t0 = Clock::now();
    std::vector<socklite::Socket> socks;
    socks.reserve(static_cast<std::size_t>(cfg.connections));
    for (int i = 0; i < cfg.connections; ++i) {
        std::error_code ec;
        auto s = socklite::Socket::connect(address, std::chrono::seconds(10), ec);
        if (ec) break;
        s.nodelay(true, ec);
        socks.push_back(std::move(s));
    }
    ClientReport report;
    report.connected = static_cast<int>(socks.size());
    report.connect_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    char c = 'c';
    if (::write(to_parent, &c, 1) != 1 || ::read(from_parent, &c, 1) != 1) ::_exit(2);

    const int receivers = 2;
    std::vector<std::atomic<bool>> dead(socks.size());
    std::atomic<bool> done{false};
    std::vector<std::vector<std::int64_t>> lat(receivers);
    std::vector<std::thread> threads;
    for (int r = 0; r < receivers; ++r) {
        threads.emplace_back([&, r] {
            int ep = ::epoll_create1(EPOLL_CLOEXEC);
            std::vector<socklite::LineBuffer> bufs(socks.size());
            for (std::size_t i = static_cast<std::size_t>(r); i < socks.size(); i += receivers) {
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.u64 = i;
                ::epoll_ctl(ep, EPOLL_CTL_ADD, socks[i].native_handle(), &ev);
            }
            epoll_event evs[256];
            char buf[4096];
            std::string line;
            while (!done) {
                int n = ::epoll_wait(ep, evs, 256, 50);
                for (int k = 0; k < n; ++k) {
                    std::size_t i = evs[k].data.u64;
                    ssize_t got = ::recv(socks[i].native_handle(), buf, sizeof buf, MSG_DONTWAIT);
                    if (got <= 0) {
                        if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                            dead[i] = true;
                            ::epoll_ctl(ep, EPOLL_CTL_DEL, socks[i].native_handle(), nullptr);
                        }
                        continue;
                    }
                    std::int64_t t = now_ns();
                    bufs[i].append(std::string_view(buf, static_cast<std::size_t>(got)));
                    while (bufs[i].next_line(line)) {
                        std::int64_t stamp = last_number(line);
                        if (stamp > 0) lat[static_cast<std::size_t>(r)].push_back(t - stamp);
                    }
                }
            }
            ::close(ep);
        });
    }
    // The pacer: every millisecond, the lines due by then, round-robin over the clients.
    auto start = Clock::now();
    auto end = start + std::chrono::seconds(cfg.seconds);
    std::size_t next = 0;
    std::int64_t sent = 0;
    while (Clock::now() < end && !socks.empty()) {
        double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        auto due = static_cast<std::int64_t>(elapsed * cfg.rate);
        for (; sent < due; ++sent) {
            for (std::size_t tries = 0; tries < socks.size() && dead[next]; ++tries)
                next = (next + 1) % socks.size();
            std::string msg = std::to_string(next) + " " + std::to_string(now_ns()) + "\n";
            ::send(socks[next].native_handle(), msg.data(), msg.size(),
                   MSG_NOSIGNAL | MSG_DONTWAIT);
            next = (next + 1) % socks.size();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing, not synchronisation
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the last replies land
    done = true;
    for (auto& t : threads) t.join();
    std::vector<std::int64_t> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    report.sent = sent;
    report.reply = summarize(std::move(all));
    if (::write(to_parent, &report, sizeof report) != sizeof report) ::_exit(3);
    // Reset instead of FIN: no TIME_WAIT left behind to eat the ephemeral ports.
    for (auto& s : socks) {
        linger lg{1, 0};
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ::_exit(0);
}

struct Result {
    std::string name;
    int connected = 0;
    double kib_per_conn = 0;
    double cpu_percent = 0;  // server process CPU time during the load, % of one CPU
    long tcp_pages = 0;
    double connect_seconds = 0;
    std::int64_t sent = 0;
    Percentiles to_agent, reply;
    std::string note;
};

bool read_all(int fd, void* p, std::size_t n) {
    auto* c = static_cast<char*>(p);
    while (n > 0) {
        ssize_t r = ::read(fd, c, n);
        if (r <= 0) return false;
        c += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

Result run(const std::string& name, Server& server, const Config& cfg) {
    Result res;
    res.name = name;
    long rss0 = rss_kib();
    long tcp0 = tcp_mem_pages();
    int up[2], down[2];
    if (::pipe2(up, O_CLOEXEC) != 0 || ::pipe2(down, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe");
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid == 0) client_process(cfg, server.port(), up[1], down[0]);
    ::close(up[1]);
    ::close(down[0]);
    ClientReport report;
    char c;
    if (!read_all(up[0], &c, 1)) throw std::runtime_error("client process failed");
    std::fprintf(stderr, "  %s: client process connected; server has %d\n", name.c_str(),
                 server.connected());
    // Wait (bounded) until the server has accepted what the client connected.
    auto until = Clock::now() + std::chrono::seconds(30);
    int last = -1;
    while (Clock::now() < until) {
        int now = server.connected();
        if (now >= cfg.connections) break;
        if (now == last && !server.note().empty()) break;  // threads ran out
        last = now;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    res.connected = server.connected();
    long rss1 = rss_kib();
    res.tcp_pages = tcp_mem_pages() - tcp0;
    res.kib_per_conn = res.connected > 0 ? static_cast<double>(rss1 - rss0) / res.connected : 0;
    double cpu0 = cpu_seconds();
    auto load0 = Clock::now();
    c = 'g';
    if (::write(down[1], &c, 1) != 1 || !read_all(up[0], &report, sizeof report))
        throw std::runtime_error("client process failed");
    int status;
    ::waitpid(pid, &status, 0);
    ::close(up[0]);
    ::close(down[1]);
    res.connect_seconds = report.connect_seconds;
    res.sent = report.sent;
    res.reply = report.reply;
    res.cpu_percent =
        100 * (cpu_seconds() - cpu0) / std::chrono::duration<double>(Clock::now() - load0).count();
    res.note = server.note();
    std::fprintf(stderr, "  %s: load done, stopping the server\n", name.c_str());
    res.to_agent = summarize(server.stop());
    return res;
}

}  // namespace

int main(int argc, char** argv) {
    Config cfg;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--connections")
            cfg.connections = std::atoi(argv[i + 1]);
        else if (a == "--rate")
            cfg.rate = std::atoi(argv[i + 1]);
        else if (a == "--seconds")
            cfg.seconds = std::atoi(argv[i + 1]);
        else if (a == "--deadline")
            cfg.deadline = std::atoi(argv[i + 1]);
        else if (a == "--only")
            cfg.only = argv[i + 1];
        else {
            std::fprintf(stderr,
                         "usage: compare_loop [--connections N] [--rate R] [--seconds S] "
                         "[--deadline S] [--only loop|threads]\n");
            return 1;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    ::alarm(static_cast<unsigned>(cfg.deadline));  // the watchdog: the clients die with us
    raise_nofile();
    rlimit rl;
    ::getrlimit(RLIMIT_NOFILE, &rl);
    std::printf("compare_loop: %d connections, %d lines/s for %d s, RLIMIT_NOFILE %llu\n",
                cfg.connections, cfg.rate, cfg.seconds,
                static_cast<unsigned long long>(rl.rlim_cur));
    std::vector<Result> results;
    try {
        if (cfg.only.empty() || cfg.only == "loop") {
            LoopServer s;
            results.push_back(run("event loop (1 thread)", s, cfg));
        }
        if (cfg.only.empty() || cfg.only == "threads") {
            ThreadServer s;
            results.push_back(run("thread per connection", s, cfg));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compare_loop: %s\n", e.what());
        return 1;
    }
    std::printf(
        "\n| server | connections | KiB/idle conn (RSS) | kernel TCP pages | lines sent | "
        "client->agent p50 / p99 / max ms | reply p50 / p99 / max ms | server CPU "
        "|\n|---|---|---|---|---|---|---|---|\n");
    for (const auto& r : results) {
        std::printf(
            "| %s | %d | %.2f | %ld | %lld (%zu seen) | %.3f / %.3f / %.1f | %.3f / %.3f / %.1f "
            "(%zu) | %.1f%% |\n",
            r.name.c_str(), r.connected, r.kib_per_conn, r.tcp_pages,
            static_cast<long long>(r.sent), r.to_agent.count, r.to_agent.p50, r.to_agent.p99,
            r.to_agent.max, r.reply.p50, r.reply.p99, r.reply.max, r.reply.count, r.cpu_percent);
        if (!r.note.empty()) std::printf("  note: %s\n", r.note.c_str());
    }
    return 0;
}
