// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_HTTP_CLIENT_SERVERS_HPP
#define SOCKLITE_TESTS_HTTP_CLIENT_SERVERS_HPP

// Real HTTP servers on loopback for the client tests and benchmarks: a child-process wrapper
// (bounded, killed by PID), Python's http.server, nginx with a generated configuration, and a
// scratch directory. No doctest here, so the benchmark programs can use it too.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include "support/temp_dir.hpp"

extern char** environ;

namespace socklite_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/** Writes @p data to @p path. */
inline void write_file(const fs::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

/** Reads the whole of @p path. */
inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/** @p n pseudo-random bytes (fixed seed: reproducible). */
inline std::string random_bytes(std::size_t n, unsigned seed = 12345) {
    std::mt19937 gen(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(gen() & 0xff);
    return out;
}

/** A child process, started with posix_spawn; killed (SIGTERM, then SIGKILL) and reaped by PID
 *  on destruction. Its stdout can be captured through a pipe; stderr goes to a file. */
class Child {
public:
    Child() = default;
    /** Starts @p argv[0] (an absolute path) with @p argv; stdout piped if @p capture_stdout. */
    Child(const std::vector<std::string>& argv, bool capture_stdout,
          const std::string& stderr_path) {
        int out[2] = {-1, -1};
        if (capture_stdout && ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        if (capture_stdout) {
            posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        } else {
            posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        }
        posix_spawn_file_actions_addopen(&fa, 2,
                                         stderr_path.empty() ? "/dev/null" : stderr_path.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        int rc = ::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (capture_stdout) ::close(out[1]);
        if (rc != 0) {
            if (capture_stdout) ::close(out[0]);
            pid_ = -1;
            throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
        }
        stdout_fd_ = capture_stdout ? out[0] : -1;
    }
    Child(Child&& o) noexcept : pid_(o.pid_), stdout_fd_(o.stdout_fd_), status_(o.status_) {
        o.pid_ = -1;
        o.stdout_fd_ = -1;
    }
    Child& operator=(Child&& o) noexcept {
        if (this != &o) {
            stop();
            pid_ = o.pid_;
            stdout_fd_ = o.stdout_fd_;
            status_ = o.status_;
            o.pid_ = -1;
            o.stdout_fd_ = -1;
        }
        return *this;
    }
    ~Child() { stop(); }

    pid_t pid() const { return pid_; }

    /** Reads one line of the child's stdout, waiting at most @p timeout; false on EOF/timeout. */
    bool read_line(std::string& line, std::chrono::milliseconds timeout) {
        auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto nl = pending_.find('\n');
            if (nl != std::string::npos) {
                line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                return true;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0 || stdout_fd_ < 0) return false;
            pollfd p{stdout_fd_, POLLIN, 0};
            int n = ::poll(&p, 1, static_cast<int>(left.count()));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            char buf[512];
            ssize_t r = ::read(stdout_fd_, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return false;
            pending_.append(buf, static_cast<std::size_t>(r));
        }
    }

    /** Reads the child's stdout until end of file, waiting at most @p timeout in all;
     *  false on timeout. */
    bool read_all(std::string& out, std::chrono::milliseconds timeout) {
        auto end = std::chrono::steady_clock::now() + timeout;
        out = std::move(pending_);
        pending_.clear();
        while (stdout_fd_ >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{stdout_fd_, POLLIN, 0};
            int n = ::poll(&p, 1, static_cast<int>(left.count()));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            char buf[65536];
            ssize_t r = ::read(stdout_fd_, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return true;
            out.append(buf, static_cast<std::size_t>(r));
        }
        return true;
    }

    /** Whether the child is still running (reaps it if it exited). */
    bool running() {
        if (pid_ < 0) return false;
        int st = 0;
        pid_t r = ::waitpid(pid_, &st, WNOHANG);
        if (r == pid_) {
            status_ = st;
            pid_ = -1;
            return false;
        }
        return true;
    }

    /** Waits at most @p timeout for the child to exit by itself; returns its wait status or -1. */
    int wait(std::chrono::milliseconds timeout) {
        auto end = std::chrono::steady_clock::now() + timeout;
        while (running()) {
            if (std::chrono::steady_clock::now() >= end) return -1;
            std::this_thread::sleep_for(2ms);  // polling a child for exit: bounded by timeout
        }
        return status_;
    }

    /** Stops the child: SIGTERM, up to 5 s, then SIGKILL; always reaps it. */
    void stop() {
        if (stdout_fd_ >= 0) ::close(stdout_fd_);
        stdout_fd_ = -1;
        if (pid_ < 0) return;
        ::kill(pid_, SIGTERM);
        if (wait(5s) == -1 && pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
            pid_ = -1;
        }
    }

private:
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    int status_ = 0;
    std::string pending_;
};

/** Whether a TCP connection to 127.0.0.1:@p port succeeds now. */
inline bool can_connect(std::uint16_t port) {
    std::error_code ec;
    auto s = socklite::Socket::connect(socklite::Address::ipv4("127.0.0.1", port), 1s, ec);
    return !ec;
}

/** A free loopback port right now (bind port 0, read it, close): racy by nature, so callers
 *  retry on collision. */
inline std::uint16_t pick_free_port() {
    auto l = socklite::Listener::bind("127.0.0.1", 0);
    return l.local_address().port();
}

/** `python3 -m http.server` (HTTP/1.0) serving a directory on 127.0.0.1, ephemeral port. */
class PythonServer {
public:
    /** Starts the server on @p dir; throws when it does not report its port within 20 s. */
    explicit PythonServer(const fs::path& dir) {
        std::string log = (dir.parent_path() / "python-http.log").string();
        child_ = Child({"/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1",
                        "--directory", dir.string(), "0"},
                       true, log);
        std::string line;
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        if (!child_.read_line(line, 20s))
            throw std::runtime_error("python http.server did not start");
        auto at = line.find(" port ");
        if (at == std::string::npos) throw std::runtime_error("python http.server said: " + line);
        port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + 6)));
    }
    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    Child& child() { return child_; }

private:
    Child child_;
    std::uint16_t port_ = 0;
};

/** nginx (worker_processes 1, no daemon, no master) serving @p root on 127.0.0.1 with a
 *  generated configuration in @p work. Locations: `/` static files (keep-alive), `/chunked/`
 *  the same files through SSI (so the responses are chunked), `/redirect/` → 301 to `/`,
 *  `/echo` (when the echo module is installed) a chunked body. @p extra: more directives for
 *  the `http` block (`gzip on;`). */
class NginxServer {
public:
    NginxServer(const fs::path& root, const fs::path& work, const std::string& extra = "") {
        for (int attempt = 0; attempt < 20; ++attempt) {
            port_ = pick_free_port();
            write_config(root, work, extra);
            child_ = Child({"/usr/sbin/nginx", "-p", work.string(), "-c",
                            (work / "nginx.conf").string(), "-e", (work / "error.log").string()},
                           false, (work / "stderr.log").string());
            auto end = std::chrono::steady_clock::now() + 20s;
            while (std::chrono::steady_clock::now() < end) {
                if (!child_.running()) break;  // e.g. the port was taken meanwhile: retry
                if (can_connect(port_)) return;
                std::this_thread::sleep_for(5ms);  // readiness polling, bounded above
            }
            child_.stop();
        }
        throw std::runtime_error("nginx did not start: " + read_file(work / "error.log") +
                                 read_file(work / "stderr.log"));
    }
    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    Child& child() { return child_; }

    /** Whether the echo module (chunked bodies) is available. */
    static bool have_echo() { return fs::exists("/usr/lib/nginx/modules/ngx_http_echo_module.so"); }

private:
    void write_config(const fs::path& root, const fs::path& work, const std::string& extra) {
        std::string w = work.string();
        std::string conf;
        if (have_echo()) conf += "load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;\n";
        conf += "daemon off;\nmaster_process off;\nworker_processes 1;\n";
        conf += "pid " + w + "/nginx.pid;\nerror_log " + w + "/error.log error;\n";
        conf += "events { worker_connections 256; }\n";
        conf += "http {\n  access_log off;\n  default_type application/octet-stream;\n";
        conf += "  sendfile on;\n  tcp_nopush off;\n  keepalive_timeout 60s;\n";
        conf += "  keepalive_requests 100000000;\n";
        conf += extra;
        for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            conf += std::string("  ") + t + "_temp_path " + w + "/" + t + ";\n";
        conf += "  server {\n    listen 127.0.0.1:" + std::to_string(port_) + ";\n";
        conf += "    root " + root.string() + ";\n";
        conf += "    location / { }\n";
        conf += "    location /chunked/ { alias " + root.string() + "/; ssi on; ssi_types *; }\n";
        conf += "    location = /redirect { return 301 /hello.txt; }\n";
        conf += "    location = /found { return 302 http://127.0.0.1:" + std::to_string(port_) +
                "/hello.txt; }\n";
        conf += "    location = /close { keepalive_timeout 0; alias " + root.string() +
                "/hello.txt; }\n";
        if (have_echo())
            conf +=
                "    location = /echo { echo_status 200; echo \"chunk one\"; echo_flush; "
                "echo \"chunk two\"; }\n";
        conf += "  }\n}\n";
        write_file(work / "nginx.conf", conf);
    }

    Child child_;
    std::uint16_t port_ = 0;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_HTTP_CLIENT_SERVERS_HPP
