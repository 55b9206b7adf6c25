// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Drives the built examples/support_server (scenario 3) as a child process: its stdin, stdout
// and stderr are pipes held by the test, and real TCP clients connect to it on loopback.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <socklite/line_buffer.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include "support/example_path.hpp"
#include "support/rlimit.hpp"

using namespace std::chrono_literals;
using socklite::Socket;
using Clock = std::chrono::steady_clock;

namespace {

// The example program @p name (the test fails without it).
std::string example(const std::string& name) {
    std::string path = socklite_test::example_path(name);
    if (path.empty())
        FAIL("cannot find the example program " << name << " (set SOCKLITE_EXAMPLES_DIR)");
    return path;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// A child process with its three standard streams on pipes. Every wait is bounded; the
// destructor kills the child (by its PID) if it is still running.
struct ChildOptions {
    rlim_t nofile = 0;       // RLIMIT_NOFILE for the child (0: inherit)
    std::string stdin_file;  // stdin from this file instead of a pipe
};

class Child {
public:
    using Options = ChildOptions;

    Child(const std::string& path, const std::vector<std::string>& args,
          const Options& options = {}) {
        int in[2], out[2], err[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
        std::vector<std::string> argv_s{path};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        int file = -1;
        if (!options.stdin_file.empty())
            file = ::open(options.stdin_file.c_str(), O_RDONLY | O_CLOEXEC);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {  // child: only async-signal-safe calls until exec
            ::dup2(file >= 0 ? file : in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            if (options.nofile > 0) {
                rlimit rl{options.nofile, options.nofile};
                ::setrlimit(RLIMIT_NOFILE, &rl);
            }
            ::execv(path.c_str(), argv.data());
            ::_exit(127);
        }
        if (file >= 0) ::close(file);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        in_ = in[1];
        out_ = out[0];
        err_ = err[0];
        set_nonblocking(in_);
        set_nonblocking(out_);
        set_nonblocking(err_);
        if (file >= 0) close_stdin();
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            int st;
            ::waitpid(pid_, &st, 0);
        }
        for (int fd : {in_, out_, err_})
            if (fd >= 0) ::close(fd);
    }

    pid_t pid() const { return pid_; }
    const std::vector<std::string>& out() const { return out_lines_; }
    const std::vector<std::string>& err() const { return err_lines_; }

    // Reads what the child printed (and writes pending stdin) for up to @p ms milliseconds.
    void pump(int ms) {
        pollfd fds[3] = {
            {out_, POLLIN, 0}, {err_, POLLIN, 0}, {in_pending_.empty() ? -1 : in_, POLLOUT, 0}};
        if (::poll(fds, 3, ms) <= 0) return;
        read_from(out_, out_buf_, out_lines_);
        read_from(err_, err_buf_, err_lines_);
        if (!in_pending_.empty() && in_ >= 0) {
            ssize_t n = ::write(in_, in_pending_.data(), in_pending_.size());
            if (n > 0) in_pending_.erase(0, static_cast<std::size_t>(n));
            if (n < 0 && errno != EAGAIN && errno != EINTR) in_pending_.clear();  // child gone
        }
    }
    // Pumps until @p done() or @p limit passes; returns done().
    bool wait(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
        auto deadline = Clock::now() + limit;
        while (!done()) {
            if (Clock::now() > deadline) return false;
            pump(20);
        }
        return true;
    }
    bool has_out(const std::string& line) const {
        return std::find(out_lines_.begin(), out_lines_.end(), line) != out_lines_.end();
    }
    bool wait_out(const std::string& line, std::chrono::milliseconds limit = 20s) {
        return wait([&] { return has_out(line); }, limit);
    }
    bool err_contains(const std::string& text) const {
        for (const auto& l : err_lines_)
            if (l.find(text) != std::string::npos) return true;
        return false;
    }
    bool wait_err(const std::string& text, std::chrono::milliseconds limit = 20s) {
        return wait([&] { return err_contains(text); }, limit);
    }
    // Queues @p text for the child's stdin and pumps until it is written.
    bool type(const std::string& text, std::chrono::milliseconds limit = 20s) {
        in_pending_ += text;
        return wait([&] { return in_pending_.empty(); }, limit);
    }
    void close_stdin() {
        if (in_ >= 0) ::close(in_);
        in_ = -1;
    }
    // Waits for the child to exit; its exit status, or nothing on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds limit = 20s) {
        auto deadline = Clock::now() + limit;
        while (!status_ && Clock::now() < deadline) {
            pump(20);
            int st;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
        }
        if (!status_) return std::nullopt;
        pump(0);
        return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : 128 + WTERMSIG(*status_);
    }
    // The resident set size in KiB, from /proc/PID/status.
    long rss_kib() const {
        std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(f, line))
            if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
        return -1;
    }
    // CPU time used (user + system), in clock ticks, from /proc/PID/stat.
    long cpu_ticks() const {
        std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
        std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::istringstream rest(all.substr(all.rfind(')') + 2));  // after "pid (comm) "
        std::string field;
        long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stol(field);
            if (i == 15) stime = std::stol(field);
        }
        return utime + stime;
    }

private:
    static void read_from(int& fd, socklite::LineBuffer& buf, std::vector<std::string>& lines) {
        if (fd < 0) return;
        char chunk[65536];
        for (;;) {
            ssize_t n = ::read(fd, chunk, sizeof chunk);
            if (n > 0) {
                buf.append(std::string_view(chunk, static_cast<std::size_t>(n)));
                std::string line;
                while (buf.next_line(line)) lines.push_back(line);
                continue;
            }
            if (n == 0) {  // the child closed it
                ::close(fd);
                fd = -1;
            }
            return;
        }
    }

    pid_t pid_ = -1;
    std::optional<int> status_;
    int in_ = -1, out_ = -1, err_ = -1;
    std::string in_pending_;
    socklite::LineBuffer out_buf_{1 << 20}, err_buf_{1 << 20};
    std::vector<std::string> out_lines_, err_lines_;
};

// Starts support_server on 127.0.0.1, an ephemeral port; returns the port.
std::uint16_t start(Child& server) {
    REQUIRE(server.wait_err("listening on "));
    const std::string& line = server.err().back();
    REQUIRE(line.rfind("listening on 127.0.0.1:", 0) == 0);
    return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
}

Socket client(std::uint16_t port) {
    Socket s = Socket::connect("127.0.0.1", port, 10s);
    s.read_timeout(10s);
    s.write_timeout(10s);
    return s;
}

// Reads from @p s until @p n bytes arrived or 10 s passed (the socket's read timeout).
std::string read_n(Socket& s, std::size_t n) {
    std::string got(n, '\0');
    std::error_code ec;
    got.resize(s.recv_exact(got.data(), n, ec));
    return got;
}

// Joins a client and learns its id from the server's `[N] hello TAG` line.
struct Customer {
    Socket sock;
    int id = 0;
};
Customer join(Child& server, std::uint16_t port, const std::string& tag) {
    Customer c{client(port), 0};
    c.sock.send_all("hello " + tag + "\n");
    std::string suffix = "] hello " + tag;
    REQUIRE(server.wait([&] {
        for (const auto& l : server.out())
            if (l.size() > suffix.size() &&
                l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0) {
                c.id = std::stoi(l.substr(1));
                return true;
            }
        return false;
    }));
    return c;
}

const std::vector<std::string> local_args{"--host", "127.0.0.1", "--port", "0"};

}  // namespace

TEST_CASE("support_server: --help, bad arguments, a busy port") {
    {
        Child c(example("support_server"), {"--help"});
        CHECK(c.wait_exit() == 0);
        REQUIRE_FALSE(c.out().empty());
        CHECK(c.out()[0].rfind("usage: support_server [--host H] [--port P]", 0) == 0);
    }
    {
        Child c(example("support_server"), {"--bogus"});
        CHECK(c.wait_exit() == 1);
        REQUIRE(c.err().size() == 1);
        CHECK(c.err()[0].rfind("support_server: ", 0) == 0);
    }
    {
        auto busy = socklite::Listener::bind("127.0.0.1", 0);
        std::string port = std::to_string(busy.local_address().port());
        Child c(example("support_server"), {"--host", "127.0.0.1", "--port", port});
        CHECK(c.wait_exit() == 1);
        REQUIRE(c.err().size() == 1);
        CHECK(c.err()[0] == "support_server: bind 127.0.0.1:" + port + ": Address already in use");
    }
}

TEST_CASE("support_server: the contract, with raw clients") {
    Child server(example("support_server"), local_args);
    std::uint16_t port = start(server);

    Socket a = client(port);
    REQUIRE(server.wait_out("* 1 joined"));
    Socket b = client(port);
    REQUIRE(server.wait_out("* 2 joined"));

    a.send_all("hello from a\n");
    b.send_all("héllo from b\r\n");  // UTF-8, and a CR LF line end
    REQUIRE(server.wait_out("[1] hello from a"));
    REQUIRE(server.wait_out("[2] héllo from b"));
    a.send_all("\x1b[1A\rfake\n");  // no cursor moves, no forged lines on the agent's screen
    REQUIRE(server.wait_out("[1] ^[[1A^Mfake"));

    REQUIRE(server.type("/list\n"));
    REQUIRE(server.wait_out("* connected: 1 2"));

    // A reply reaches its addressee alone: b's next bytes are the second reply to b, so the
    // reply to a never reached b (and vice versa).
    REQUIRE(server.type("@2 for b\n@1 for a\n@2 again b\n"));
    CHECK(read_n(b, 14) == "for b\nagain b\n");
    CHECK(read_n(a, 6) == "for a\n");

    // Unknown ids and malformed commands: an error on stderr, nothing sent.
    for (const char* bad : {"@9 nobody", "@ x", "@x y", "@1", "@1x", "hello", "/lis"}) {
        std::size_t before = server.err().size();
        REQUIRE(server.type(std::string(bad) + "\n"));
        REQUIRE(server.wait([&] { return server.err().size() > before; }));
        CHECK(server.err().back().rfind("support_server: ", 0) == 0);
    }
    CHECK(server.err_contains("no customer 9"));
    REQUIRE(server.type("@1 after errors\n"));
    CHECK(read_n(a, 13) == "after errors\n");  // nothing else came before it

    // An empty reply is an empty line.
    REQUIRE(server.type("@1 \n"));
    CHECK(read_n(a, 1) == "\n");

    a.close();
    REQUIRE(server.wait_out("* 1 left"));
    REQUIRE(server.type("/list\n"));
    REQUIRE(server.wait_out("* connected: 2"));

    // stdin ends: the server says goodbye to b (end of stream) and exits 0.
    server.close_stdin();
    char c;
    CHECK(b.recv(&c, 1) == 0);
    b.close();
    CHECK(server.wait_exit() == 0);
    CHECK(server.has_out("* 2 left"));
}

TEST_CASE("support_server: unchanged chat_clients") {
    Child server(example("support_server"), local_args);
    std::string port = std::to_string(start(server));
    Child one(example("chat_client"), {"--port", port});
    REQUIRE(server.wait_out("* 1 joined"));
    Child two(example("chat_client"), {"--port", port});
    REQUIRE(server.wait_out("* 2 joined"));

    REQUIRE(two.type("I need help\n"));
    REQUIRE(server.wait_out("[2] I need help"));
    REQUIRE(server.type("@2 how can I help?\n@1 just you\n"));
    REQUIRE(two.wait_out("how can I help?"));
    REQUIRE(one.wait_out("just you"));
    CHECK(one.out() == std::vector<std::string>{"just you"});
    CHECK(two.out() == std::vector<std::string>{"how can I help?"});

    // A customer leaves: chat_client exits on stdin EOF once the server hung up.
    one.close_stdin();
    CHECK(one.wait_exit() == 0);
    REQUIRE(server.wait_out("* 1 left"));
    server.close_stdin();
    CHECK(server.wait_exit() == 0);
    CHECK(two.wait_exit() == 0);
}

TEST_CASE("support_server: stdin may be a regular file") {
    char path[] = "/tmp/socklite-support-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const char script[] = "/list\n@3 nobody\n";
    REQUIRE(::write(fd, script, sizeof script - 1) == static_cast<ssize_t>(sizeof script - 1));
    ::close(fd);
    Child::Options options;
    options.stdin_file = path;
    Child server(example("support_server"), local_args, options);
    CHECK(server.wait_exit() == 0);
    ::unlink(path);
    CHECK(server.has_out("* connected: none"));
    CHECK(server.err_contains("no customer 3"));
}

TEST_CASE("support_server: 1,000 clients at once, each sending a burst") {
    constexpr int clients = 1000, burst = 10;
    socklite_test::FdLimit limit(4096);  // the child inherits it
    Child server(example("support_server"), local_args);
    std::uint16_t port = start(server);
    auto started = Clock::now();

    std::vector<Socket> socks;
    for (int i = 0; i < clients; ++i) {
        socks.push_back(client(port));
        // Each client says who it is, then a burst of lines, in one send.
        std::string msg = "hello " + std::to_string(i) + "\n";
        for (int j = 0; j < burst; ++j) msg += std::to_string(i) + ":" + std::to_string(j) + "\n";
        socks.back().send_all(msg);
        if (i % 50 == 0) server.pump(0);  // keep the server's stdout flowing
    }
    const std::size_t expected =
        static_cast<std::size_t>(clients) * (2 + burst);  // joined + hello + burst
    REQUIRE(server.wait([&] { return server.out().size() >= expected; }, 60s));
    CHECK(server.out().size() == expected);

    // Every line exactly once, in order per client, under that client's id.
    std::map<int, int> id_of;  // client -> id
    std::map<int, std::vector<std::string>> by_id;
    std::set<int> joined;
    for (const auto& l : server.out()) {
        if (l.rfind("* ", 0) == 0) {
            joined.insert(std::stoi(l.substr(2)));
            continue;
        }
        REQUIRE(l[0] == '[');
        int id = std::stoi(l.substr(1));
        std::string text = l.substr(l.find("] ") + 2);
        CHECK(joined.count(id) == 1);  // "joined" came first
        if (text.rfind("hello ", 0) == 0) id_of[std::stoi(text.substr(6))] = id;
        by_id[id].push_back(text);
    }
    CHECK(joined.size() == clients);
    REQUIRE(id_of.size() == clients);
    bool all_right = true;
    for (int i = 0; i < clients; ++i) {
        std::vector<std::string> want{"hello " + std::to_string(i)};
        for (int j = 0; j < burst; ++j) want.push_back(std::to_string(i) + ":" + std::to_string(j));
        all_right = all_right && by_id[id_of[i]] == want;
    }
    CHECK(all_right);

    // Ids are 1..1000 in connection order (clients connected one after another).
    std::vector<int> ids;
    for (int i = 0; i < clients; ++i) ids.push_back(id_of[i]);
    CHECK(std::is_sorted(ids.begin(), ids.end()));

    // A reply to every client, and each one reads only its own.
    std::string commands;
    for (int i = 0; i < clients; ++i)
        commands += "@" + std::to_string(id_of[i]) + " for " + std::to_string(i) + "\n";
    REQUIRE(server.type(commands, 60s));
    std::vector<pollfd> fds;
    std::vector<std::string> got(clients);
    for (auto& s : socks) {
        s.non_blocking(true);
        fds.push_back({s.native_handle(), POLLIN, 0});
    }
    auto want_reply = [](int i) { return "for " + std::to_string(i) + "\n"; };
    int complete = 0;
    auto deadline = Clock::now() + 60s;
    while (complete < clients && Clock::now() < deadline) {
        server.pump(0);
        if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
        for (int i = 0; i < clients; ++i) {
            auto& p = fds[static_cast<std::size_t>(i)];
            if (!p.revents) continue;
            char buf[256];
            std::error_code ec;
            std::size_t n = socks[static_cast<std::size_t>(i)].recv(buf, sizeof buf, ec);
            if (ec || n == 0) {
                p.fd = -1;
                continue;
            }
            auto& g = got[static_cast<std::size_t>(i)];
            g.append(buf, n);
            if (g.size() >= want_reply(i).size() && p.fd >= 0) {
                ++complete;
                p.fd = -1;  // stop watching: anything more would show up below
            }
        }
    }
    bool replies_right = true;
    for (int i = 0; i < clients; ++i)
        replies_right = replies_right && got[static_cast<std::size_t>(i)] == want_reply(i);
    CHECK(replies_right);
    // Nothing more arrives for anyone: a last round of replies comes right after the first.
    for (int i = 0; i < clients; ++i) {
        char buf[64];
        std::error_code ec;
        std::size_t n = socks[static_cast<std::size_t>(i)].recv(buf, sizeof buf, ec);
        if (!ec) {
            CHECK(n == 0);
            replies_right = false;
        }
    }
    CHECK(replies_right);
    MESSAGE("1,000 clients: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
            << " ms for connect, bursts and replies");

    socks.clear();  // all leave
    REQUIRE(server.wait([&] { return server.out().size() >= expected + clients; }, 60s));
    server.close_stdin();
    CHECK(server.wait_exit() == 0);
}

TEST_CASE("support_server: a client that never reads is cut off; others are unaffected") {
    // Under AddressSanitizer freed memory is held in a quarantine (256 MiB by default), which
    // would show as RSS growth here; keep it small for the child (ignored without ASan).
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    ::setenv("ASAN_OPTIONS", (asan + (asan.empty() ? "" : ":") + "quarantine_size_mb=1").c_str(),
             1);
    Child server(example("support_server"), local_args);
    if (asan.empty())
        ::unsetenv("ASAN_OPTIONS");
    else
        ::setenv("ASAN_OPTIONS", asan.c_str(), 1);
    std::uint16_t port = start(server);
    // A small receive window, so the kernel does not absorb megabytes first.
    Socket stuck;
    {
        auto addr = socklite::Address::parse("127.0.0.1:" + std::to_string(port));
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int small = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        REQUIRE(::connect(fd, addr.data(), addr.size()) == 0);
        stuck = Socket(fd);
        stuck.write_timeout(10s);
    }
    stuck.send_all("hello stuck\n");
    REQUIRE(server.wait_out("[1] hello stuck"));
    Customer good = join(server, port, "good");
    long rss_before = server.rss_kib();
    REQUIRE(rss_before > 0);

    // The agent keeps writing to the stuck client: 1 KiB lines, up to 64 MiB in all.
    const std::string line = "@1 " + std::string(1024, 'z') + "\n";
    std::string block;
    for (int i = 0; i < 64; ++i) block += line;
    long rss_max = rss_before;
    std::size_t written = 0;
    for (int i = 0; i < 1024 && !server.has_out("* 1 left"); ++i) {
        REQUIRE(server.type(block));
        written += block.size();
        if (i % 16 == 0) rss_max = std::max(rss_max, server.rss_kib());
    }
    REQUIRE(server.wait_out("* 1 left"));
    CHECK(server.err_contains("customer 1 does not read its replies: disconnected"));
    rss_max = std::max(rss_max, server.rss_kib());
    MESSAGE("server RSS " << rss_before << " KiB before, at most " << rss_max << " KiB while "
                          << written / 1024 << " KiB were written to a client that never reads");
    CHECK(rss_max - rss_before < 16 * 1024);  // the 256 KiB queue bound, plus slack

    // The other customer is served as before.
    good.sock.send_all("still here\n");
    REQUIRE(server.wait_out("[" + std::to_string(good.id) + "] still here"));
    REQUIRE(server.type("@" + std::to_string(good.id) + " yes\n"));
    CHECK(read_n(good.sock, 4) == "yes\n");
    server.close_stdin();
    CHECK(server.wait_exit() == 0);
}

TEST_CASE("support_server: clients that vanish mid-line or reset") {
    Child server(example("support_server"), local_args);
    std::uint16_t port = start(server);

    Customer quits = join(server, port, "q");
    quits.sock.send_all("half a li");
    quits.sock.close();  // orderly close: the tail is what it said, so it is printed
    std::string q = std::to_string(quits.id);
    REQUIRE(server.wait_out("* " + q + " left"));
    CHECK(server.has_out("[" + q + "] half a li"));

    Customer resets = join(server, port, "r");
    resets.sock.send_all("never fini");
    linger lg{1, 0};
    REQUIRE(::setsockopt(resets.sock.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    resets.sock.close();  // RST: the tail is dropped
    std::string r = std::to_string(resets.id);
    REQUIRE(server.wait_out("* " + r + " left"));
    CHECK_FALSE(server.has_out("[" + r + "] never fini"));

    // Replies to those who left are refused; the server goes on serving newcomers.
    REQUIRE(server.type("@" + r + " gone?\n"));
    REQUIRE(server.wait_err("no customer " + r));
    Customer next = join(server, port, "n");
    REQUIRE(server.type("@" + std::to_string(next.id) + " welcome\n"));
    CHECK(read_n(next.sock, 8) == "welcome\n");
    server.close_stdin();
    CHECK(server.wait_exit() == 0);
}

TEST_CASE("support_server: out of descriptors (EMFILE), it neither spins nor dies, and recovers") {
    Child::Options options;
    options.nofile = 24;  // stdio, epoll, eventfd, listener: room for ~18 customers
    Child server(example("support_server"), local_args, options);
    std::uint16_t port = start(server);

    // More clients than the server has descriptors for: the last ones wait in the backlog.
    constexpr int total = 30;
    std::vector<Socket> socks;
    for (int i = 0; i < total; ++i) socks.push_back(client(port));
    REQUIRE(server.wait_err("accept: Too many open files"));
    auto count_joined = [&] {
        return std::count_if(server.out().begin(), server.out().end(), [](const std::string& l) {
            return l.find(" joined") != std::string::npos;
        });
    };
    long joined = count_joined();
    CHECK(joined > 5);
    CHECK(joined < total);

    // Idle but out of descriptors: it must not burn the CPU. One second of wall time; a
    // spinning loop would use most of it, the paused acceptor almost none.
    long cpu_before = server.cpu_ticks();
    auto until = Clock::now() + 1s;
    while (Clock::now() < until) server.pump(50);
    long cpu_used = server.cpu_ticks() - cpu_before;
    long hz = ::sysconf(_SC_CLK_TCK);
    MESSAGE("EMFILE: " << joined << " joined; CPU while waiting: " << cpu_used << " ticks of " << hz
                       << "/s");
    CHECK(cpu_used < hz / 2);
    CHECK(::kill(server.pid(), 0) == 0);  // alive

    // Five customers leave: five waiting ones are accepted.
    for (int i = 0; i < 5; ++i) socks[static_cast<std::size_t>(i)].close();
    REQUIRE(server.wait([&] { return count_joined() >= joined + 5; }));
    // And they are served: the newest one gets a reply.
    std::string newest = std::to_string(joined + 5);
    REQUIRE(server.type("@" + newest + " you are in\n"));
    CHECK(read_n(socks[static_cast<std::size_t>(joined + 4)], 11) == "you are in\n");
    server.close_stdin();
    CHECK(server.wait_exit() == 0);
}
