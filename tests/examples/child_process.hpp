// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_EXAMPLES_CHILD_PROCESS_HPP
#define SOCKLITE_TESTS_EXAMPLES_CHILD_PROCESS_HPP

// Runs an example program as a child process with its stdin, stdout and stderr on pipes, for
// the end-to-end tests. Everything is bounded: the pipes are driven with poll() against a
// deadline, a child still running at the end is killed by PID and reaped, so a test can fail
// but never hang, and leaves neither zombies nor descriptors behind.

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace examples_test {

/** A program that uses Child ignores SIGPIPE: writing into a child that has exited must be an
 *  EPIPE that the test sees, not the end of the test program. (Child gives the programs it
 *  starts the default disposition back.) Set when the program starts. */
inline const bool sigpipe_ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/** A generous upper bound for anything a child should do (the machine may be loaded). */
inline constexpr milliseconds patience{30000};

/** The number of descriptors this process has open. */
inline int fd_count() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d) != nullptr) ++n;
        ::closedir(d);
    }
    return n - 3;  // ".", ".." and the directory's own descriptor
}

/** One running example program. */
class Child {
public:
    /** Starts @p path with @p args (argv[0] is @p path). @throws std::runtime_error. */
    Child(const std::string& path, const std::vector<std::string>& args) {
        std::vector<std::string> argv_text{path};
        argv_text.insert(argv_text.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_text) argv.push_back(a.data());
        argv.push_back(nullptr);

        int in[2], out[2], err[2];  // every end CLOEXEC: only the dup2'ed copies reach exec
        if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        if (::pipe2(out, O_CLOEXEC) != 0) {
            close_all({in[0], in[1]});
            throw std::runtime_error("pipe");
        }
        if (::pipe2(err, O_CLOEXEC) != 0) {
            close_all({in[0], in[1], out[0], out[1]});
            throw std::runtime_error("pipe");
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            // In the child only async-signal-safe calls until exec. The test ignores SIGPIPE
            // (see the test file); the program must get the default back, or the SIGPIPE
            // tests would prove nothing.
            struct sigaction dfl {};
            dfl.sa_handler = SIG_DFL;
            ::sigaction(SIGPIPE, &dfl, nullptr);
            if (::dup2(in[0], 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0) _exit(126);
            ::execv(argv[0], argv.data());
            static const char msg[] = "exec failed\n";
            (void)!::write(2, msg, sizeof msg - 1);
            _exit(127);
        }
        close_all({in[0], out[1], err[1]});
        if (pid_ < 0) {
            close_all({in[1], out[0], err[0]});
            throw std::runtime_error("fork");
        }
        in_ = in[1];
        out_ = out[0];
        err_ = err[0];
        ::fcntl(in_, F_SETFL, O_NONBLOCK);  // our end only: never block writing to the child
        pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));  // -1: poll in slices
    }

    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    /** Kills the child if it still runs, reaps it, closes every pipe. */
    ~Child() {
        kill();
        close_all({in_, out_, err_, pidfd_});
    }

    /** Queues @p text for the child's stdin: what the pipe takes now is written at once, the
     *  rest while pump_until() runs. */
    void write(const std::string& text) {
        to_stdin_ += text;
        service_stdin();
    }
    /** Closes the child's stdin once the queued text is written (the child reads end of file). */
    void close_stdin() {
        close_stdin_ = true;
        service_stdin();
    }
    /** Whether everything queued for stdin was written (and stdin closed, if asked). */
    bool stdin_done() const { return to_stdin_.empty() && !(close_stdin_ && in_ >= 0); }
    /** Closes our end of the child's stdout: its next write fails with EPIPE (or SIGPIPE). */
    void close_stdout() { close_fd(out_); }

    /** The child's process id. */
    pid_t pid() const { return pid_; }
    /** Everything the child wrote on stdout so far. */
    const std::string& out() const { return out_text_; }
    /** Everything the child wrote on stderr so far. */
    const std::string& err() const { return err_text_; }
    /** Whether the child has exited (and was reaped). */
    bool exited() const { return reaped_; }
    /** The exit status (valid once exited(); -1 when a signal ended it). */
    int exit_code() const { return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }
    /** The signal that ended the child, or 0. */
    int term_signal() const { return WIFSIGNALED(status_) ? WTERMSIG(status_) : 0; }
    /** Whether stdout and stderr reached end of file. */
    bool output_done() const { return out_ < 0 && err_ < 0; }

    /** Waits until the child has exited and closed its output, at most @p timeout; on timeout
     *  kills it. @return whether it exited by itself. */
    bool wait_exit(milliseconds timeout = patience) {
        bool ok = pump_until({this}, timeout, [&] { return reaped_ && output_done(); });
        if (!ok) kill();
        return ok;
    }

    /** Waits until stderr holds a whole line starting with `listening on ` and returns the
     *  port it names (0 when none came within @p timeout). */
    std::uint16_t listening_port(milliseconds timeout = patience) {
        std::uint16_t port = 0;
        pump_until({this}, timeout, [&] {
            auto at = err_text_.find("listening on ");
            if (at == std::string::npos) return reaped_ && output_done();
            auto end = err_text_.find('\n', at);
            if (end == std::string::npos) return reaped_ && output_done();
            auto colon = err_text_.rfind(':', end);
            port = static_cast<std::uint16_t>(
                std::stoul(err_text_.substr(colon + 1, end - colon - 1)));
            return true;
        });
        return port;
    }

    /** Drives the pipes of @p children (writes queued stdin, reads stdout and stderr, reaps
     *  exits) until @p done() holds or @p timeout passes. @return done(). */
    static bool pump_until(std::initializer_list<Child*> children, milliseconds timeout,
                           const std::function<bool()>& done) {
        auto deadline = Clock::now() + timeout;
        for (;;) {
            for (Child* c : children) c->service_stdin(), c->reap();
            if (done()) return true;
            auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return false;
            std::vector<pollfd> fds;
            std::vector<std::pair<Child*, int>> who;
            for (Child* c : children) {
                auto add = [&](int fd, short events) {
                    if (fd < 0) return;
                    fds.push_back({fd, events, 0});
                    who.emplace_back(c, fd);
                };
                if (!c->to_stdin_.empty()) add(c->in_, POLLOUT);
                add(c->out_, POLLIN);
                add(c->err_, POLLIN);
                if (!c->reaped_) add(c->pidfd_, POLLIN);
            }
            // Without a pidfd an exit is noticed by polling in short slices.
            int slice = static_cast<int>(left.count());
            for (Child* c : children) {
                if (c->pidfd_ < 0 && !c->reaped_ && slice > 20) slice = 20;
            }
            if (::poll(fds.data(), fds.size(), slice) < 0 && errno != EINTR) return done();
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                Child* c = who[i].first;
                int fd = who[i].second;
                if (fd == c->out_) c->read_from(c->out_, c->out_text_);
                if (fd == c->err_) c->read_from(c->err_, c->err_text_);
            }
        }
    }

private:
    static void close_all(std::initializer_list<int> fds) {
        for (int fd : fds) {
            if (fd >= 0) ::close(fd);
        }
    }
    static void close_fd(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }

    void service_stdin() {
        while (in_ >= 0 && !to_stdin_.empty()) {
            ssize_t n = ::write(in_, to_stdin_.data(), to_stdin_.size());
            if (n > 0) {
                to_stdin_.erase(0, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;
            to_stdin_.clear();  // EPIPE: the child closed its stdin or exited
            close_fd(in_);
        }
        if (in_ >= 0 && to_stdin_.empty() && close_stdin_) close_fd(in_);
    }

    void read_from(int& fd, std::string& text) {
        char buf[65536];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            text.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            close_fd(fd);
        }
    }

    void reap() {
        if (reaped_ || pid_ <= 0) return;
        pid_t r = ::waitpid(pid_, &status_, WNOHANG);
        if (r == pid_) reaped_ = true;
    }

    void kill() {
        if (pid_ <= 0 || reaped_) return;
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {}
        reaped_ = true;
    }

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1, pidfd_ = -1;
    std::string to_stdin_, out_text_, err_text_;
    bool close_stdin_ = false;
    bool reaped_ = false;
    int status_ = 0;
};

}  // namespace examples_test

#endif  // SOCKLITE_TESTS_EXAMPLES_CHILD_PROCESS_HPP
