// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// compare_socket: one loopback TCP connection, measured in a single run for
//   - raw POSIX calls (the floor),
//   - socklite's blocking Socket, without timeouts and with read/write timeouts set (the two
//     take different paths through Socket::io),
//   - standalone Asio's synchronous API (when asio.hpp was found at configure time),
// in two exercises: (a) 64-byte ping-pong round trips per second and (b) bulk throughput with
// 64 KiB writes. The peer is one forked process running plain POSIX code, the same for every
// variant. The variants are interleaved over several rounds (the order rotates each round) and
// the table gives each variant's median and the median of its per-round ratios to raw POSIX.
// Everything is bounded: a watchdog alarm ends the run, and the peer dies with its parent.
//
// Usage: compare_socket [--seconds S] [--rounds N]

#include <socklite.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if SOCKLITE_BENCH_HAVE_ASIO
#include <asio.hpp>
#endif

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t ping_size = 64;
constexpr std::size_t chunk_size = 64 * 1024;
constexpr int ping_warmup = 200;
// The timeouts of the "with timeouts" variant: long enough never to fire.
constexpr std::chrono::milliseconds io_timeout{10000};
// The peer gives up after this long without a connection (a backstop: it also dies with us).
constexpr int peer_idle_ms = 60000;

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::system_category(), what);
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/** CPU time (user + system) this process has used, in seconds: the client's own cost, much
 *  less disturbed by other load on the machine than the wall clock. */
double cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/** One measurement: operations (round trips, or 64 KiB writes) per wall-clock second, and the
 *  client's CPU seconds per operation. */
struct Sample {
    double rate;
    double cpu_per_op;
};

// ---------------------------------------------------------------------------------------------
// The peer: plain POSIX, in a forked process, the same for every variant.

bool read_full(int fd, void* buf, std::size_t len) {
    auto* p = static_cast<char*>(buf);
    while (len > 0) {
        ssize_t n = ::recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

bool write_full(int fd, const void* buf, std::size_t len) {
    auto* p = static_cast<const char*>(buf);
    while (len > 0) {
        ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        p += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

void serve_ping(int fd) {
    std::array<char, ping_size> buf{};
    while (read_full(fd, buf.data(), buf.size()) && write_full(fd, buf.data(), buf.size())) {
    }
}

void serve_bulk(int fd) {
    std::vector<char> buf(256 * 1024);
    std::uint64_t total = 0;
    for (;;) {
        ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += static_cast<std::uint64_t>(n);
    }
    write_full(fd, &total, sizeof total);  // the count tells the client that all bytes arrived
}

// Serves one connection at a time; the first byte says what to do: 'P' ping-pong echo,
// 'B' bulk sink (replies with the byte count at end of stream), 'Q' quit.
[[noreturn]] void run_peer(int listen_fd, pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    for (;;) {
        pollfd p{listen_fd, POLLIN, 0};
        int r = ::poll(&p, 1, peer_idle_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) ::_exit(r == 0 ? 0 : 1);
        int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char mode = 0;
        if (read_full(fd, &mode, 1)) {
            if (mode == 'P') serve_ping(fd);
            if (mode == 'B') serve_bulk(fd);
            if (mode == 'Q') {
                ::close(fd);
                ::_exit(0);
            }
        }
        ::close(fd);
    }
}

// ---------------------------------------------------------------------------------------------
// The clients: one connection each, the same four operations.

/** The floor: the system calls an experienced programmer would write by hand. */
class RawClient {
public:
    explicit RawClient(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) fail("socket");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
            int e = errno;
            ::close(fd_);
            errno = e;
            fail("connect");
        }
        int one = 1;
        if (::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) fail("setsockopt");
    }
    ~RawClient() { ::close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void write_all(const void* buf, std::size_t len) {
        auto* p = static_cast<const char*>(buf);
        while (len > 0) {
            ssize_t n = ::send(fd_, p, len, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("send");
            }
            p += n;
            len -= static_cast<std::size_t>(n);
        }
    }
    void read_exact(void* buf, std::size_t len) {
        auto* p = static_cast<char*>(buf);
        while (len > 0) {
            ssize_t n = ::recv(fd_, p, len, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("recv");
            }
            if (n == 0) throw std::runtime_error("recv: the peer closed early");
            p += n;
            len -= static_cast<std::size_t>(n);
        }
    }
    void shutdown_write() {
        if (::shutdown(fd_, SHUT_WR) != 0) fail("shutdown");
    }

private:
    int fd_ = -1;
};

/** socklite's blocking Socket; with Timeouts, read and write timeouts are set (never firing). */
template <bool Timeouts>
class SockliteClient {
public:
    explicit SockliteClient(std::uint16_t port)
        : sock_(socklite::Socket::connect(socklite::Address::ipv4("127.0.0.1", port),
                                          Timeouts ? io_timeout : socklite::no_timeout)) {
        sock_.nodelay(true);
        if (Timeouts) {
            sock_.read_timeout(io_timeout);
            sock_.write_timeout(io_timeout);
        }
    }
    void write_all(const void* buf, std::size_t len) { sock_.send_all(buf, len); }
    void read_exact(void* buf, std::size_t len) { sock_.recv_exact(buf, len); }
    void shutdown_write() { sock_.shutdown(socklite::Shutdown::write); }

private:
    socklite::Socket sock_;
};

#if SOCKLITE_BENCH_HAVE_ASIO
/** Standalone Asio, synchronous API (asio::write / asio::read on a blocking tcp::socket). */
class AsioClient {
public:
    explicit AsioClient(std::uint16_t port) {
        sock_.connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port));
        sock_.set_option(asio::ip::tcp::no_delay(true));
    }
    void write_all(const void* buf, std::size_t len) { asio::write(sock_, asio::buffer(buf, len)); }
    void read_exact(void* buf, std::size_t len) { asio::read(sock_, asio::buffer(buf, len)); }
    void shutdown_write() { sock_.shutdown(asio::ip::tcp::socket::shutdown_send); }

private:
    asio::io_context ctx_;
    asio::ip::tcp::socket sock_{ctx_};
};
#endif

// ---------------------------------------------------------------------------------------------
// The two exercises.

/** 64-byte messages echoed by the peer, one at a time. @return round trips per second. */
template <class Client>
Sample ping_pong(std::uint16_t port, Clock::duration span) {
    Client c(port);
    char mode = 'P';
    c.write_all(&mode, 1);
    std::array<char, ping_size> buf{};
    buf.fill('p');
    for (int i = 0; i < ping_warmup; ++i) {
        c.write_all(buf.data(), buf.size());
        c.read_exact(buf.data(), buf.size());
    }
    std::uint64_t trips = 0;
    double cpu0 = cpu_seconds();
    auto start = Clock::now();
    auto end = start + span;
    Clock::time_point now;
    do {
        for (int i = 0; i < 16; ++i) {
            c.write_all(buf.data(), buf.size());
            c.read_exact(buf.data(), buf.size());
        }
        trips += 16;
    } while ((now = Clock::now()) < end);
    double n = static_cast<double>(trips);
    return {n / seconds_between(start, now), (cpu_seconds() - cpu0) / n};
}

/** 64 KiB writes to a peer that only reads; the clock stops when the peer has counted every
 *  byte (its reply to our end of stream). @return 64 KiB writes per second. */
template <class Client>
Sample bulk(std::uint16_t port, Clock::duration span) {
    Client c(port);
    char mode = 'B';
    c.write_all(&mode, 1);
    std::vector<char> chunk(chunk_size, 'b');
    std::uint64_t sent = 0;
    double cpu0 = cpu_seconds();
    auto start = Clock::now();
    auto end = start + span;
    do {
        for (int i = 0; i < 4; ++i) c.write_all(chunk.data(), chunk.size());
        sent += 4 * chunk_size;
    } while (Clock::now() < end);
    c.shutdown_write();
    std::uint64_t counted = 0;
    c.read_exact(&counted, sizeof counted);
    auto stop = Clock::now();
    double cpu = cpu_seconds() - cpu0;
    if (counted != sent) throw std::runtime_error("bulk: the peer counted a different byte total");
    double writes = static_cast<double>(sent / chunk_size);
    return {writes / seconds_between(start, stop), cpu / writes};
}

using Exercise = Sample (*)(std::uint16_t, Clock::duration);

struct Variant {
    const char* name;
    Exercise ping;
    Exercise bulk;
    std::vector<Sample> ping_samples;
    std::vector<Sample> bulk_samples;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** One cell of the table: the median of a quantity over the rounds, and the median, minimum and
 *  maximum of its per-round ratios to raw POSIX (each round's measurements ran back to back).
 *  Ratios are "speed relative to raw": above 1 is faster, whichever way the quantity goes. */
struct Cell {
    double value = 0;
    double ratio = 0;
    double lo = 0;
    double hi = 0;
};

template <class Get>
Cell cell(const std::vector<Sample>& v, const std::vector<Sample>& raw, Get get, bool lower_wins) {
    std::vector<double> values;
    std::vector<double> r;
    for (std::size_t i = 0; i < v.size() && i < raw.size(); ++i) {
        values.push_back(get(v[i]));
        r.push_back(lower_wins ? get(raw[i]) / get(v[i]) : get(v[i]) / get(raw[i]));
    }
    Cell c;
    if (r.empty()) return c;
    c.value = median(values);
    c.ratio = median(r);
    c.lo = *std::min_element(r.begin(), r.end());
    c.hi = *std::max_element(r.begin(), r.end());
    return c;
}

struct Options {
    double seconds = 0.25;
    int rounds = 11;
};

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: compare_socket [--seconds S] [--rounds N]\n"
                 "  --seconds S  length of each measurement, 0.05 to 10 (default 0.25)\n"
                 "  --rounds N   interleaved rounds, 1 to 50 (default 11); the table shows medians\n");
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) return false;
        char* endp = nullptr;
        const char* value = argv[++i];
        if (arg == "--seconds") {
            o.seconds = std::strtod(value, &endp);
            if (*endp != '\0' || !(o.seconds >= 0.05 && o.seconds <= 10)) return false;
        } else if (arg == "--rounds") {
            long n = std::strtol(value, &endp, 10);
            if (*endp != '\0' || n < 1 || n > 50) return false;
            o.rounds = static_cast<int>(n);
        } else {
            return false;
        }
    }
    return true;
}

int listen_loopback(std::uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        fail("listen on 127.0.0.1");
    port = ntohs(a.sin_port);
    return fd;
}

void print_row(const char* name, const Cell& a, const Cell& b, int decimals) {
    std::printf("%-20s %12.*f  %5.3f [%4.2f-%4.2f]  %12.*f  %5.3f [%4.2f-%4.2f]\n", name, decimals,
                a.value, a.ratio, a.lo, a.hi, decimals, b.value, b.ratio, b.lo, b.hi);
}

bool print_tables(const Options& o, const std::vector<Variant>& vs) {
    const Variant& raw = vs.front();
    auto trips = [](const Sample& s) { return s.rate; };
    auto megabytes = [](const Sample& s) { return s.rate * static_cast<double>(chunk_size) / 1e6; };
    auto micros = [](const Sample& s) { return s.cpu_per_op * 1e6; };
    std::printf("\nloopback TCP, one connection; %d interleaved rounds x %.2f s per measurement; "
                "peer: a forked process, plain POSIX\n",
                o.rounds, o.seconds);
    std::printf("value: median over rounds; vs raw: median [min-max] of per-round speed ratios "
                "to raw POSIX (above 1 = faster)\n");

    std::printf("\nthroughput (wall clock)    64 B ping-pong                    64 KiB writes\n");
    std::printf("%-20s %12s  %-18s  %12s  %s\n", "variant", "round trips/s", "vs raw", "MB/s",
                "vs raw");
    bool met = true;
    for (const Variant& v : vs) {
        Cell p = cell(v.ping_samples, raw.ping_samples, trips, false);
        Cell b = cell(v.bulk_samples, raw.bulk_samples, megabytes, false);
        print_row(v.name, p, b, 0);
        if (std::strncmp(v.name, "socklite", 8) == 0 && (p.ratio < 0.97 || b.ratio < 0.97)) met = false;
    }

    std::printf("\nclient CPU (user+sys)      64 B ping-pong                    64 KiB writes\n");
    std::printf("%-20s %12s  %-18s  %12s  %s\n", "variant", "us per trip", "vs raw",
                "us per write", "vs raw");
    for (const Variant& v : vs) {
        print_row(v.name, cell(v.ping_samples, raw.ping_samples, micros, true),
                  cell(v.bulk_samples, raw.bulk_samples, micros, true), 2);
    }
    std::printf("\ntarget, socklite >= 0.97 of raw POSIX in throughput (both variants, both "
                "exercises): %s\n",
                met ? "met" : "MISSED");
    return met;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    if (!parse_options(argc, argv, opt)) {
        usage(stderr);
        return 2;
    }
    std::vector<Variant> variants;
    variants.push_back({"raw POSIX", &ping_pong<RawClient>, &bulk<RawClient>, {}, {}});
    variants.push_back({"socklite", &ping_pong<SockliteClient<false>>,
                        &bulk<SockliteClient<false>>, {}, {}});
    variants.push_back({"socklite + timeouts", &ping_pong<SockliteClient<true>>,
                        &bulk<SockliteClient<true>>, {}, {}});
#if SOCKLITE_BENCH_HAVE_ASIO
    variants.push_back({"asio (sync)", &ping_pong<AsioClient>, &bulk<AsioClient>, {}, {}});
#endif

    pid_t peer = -1;
    try {
        std::uint16_t port = 0;
        int listen_fd = listen_loopback(port);
        pid_t self = ::getpid();
        peer = ::fork();
        if (peer < 0) fail("fork");
        if (peer == 0) run_peer(listen_fd, self);
        ::close(listen_fd);

        // The watchdog: a stuck measurement ends the run (SIGALRM terminates; the peer follows).
        double budget = opt.rounds * static_cast<double>(variants.size()) * 2 * (opt.seconds + 5) + 30;
        ::alarm(static_cast<unsigned>(budget));

        auto span = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.seconds));
        std::size_t nv = variants.size();
        for (int r = 0; r < opt.rounds; ++r) {
            for (std::size_t k = 0; k < nv; ++k) {
                Variant& v = variants[(k + static_cast<std::size_t>(r)) % nv];
                v.ping_samples.push_back(v.ping(port, span));
            }
            for (std::size_t k = 0; k < nv; ++k) {
                Variant& v = variants[(k + static_cast<std::size_t>(r)) % nv];
                v.bulk_samples.push_back(v.bulk(port, span));
            }
            std::fprintf(stderr, "round %d/%d done\n", r + 1, opt.rounds);
        }

        RawClient quit(port);
        quit.write_all("Q", 1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compare_socket: %s\n", e.what());
        if (peer > 0) {
            ::kill(peer, SIGKILL);
            ::waitpid(peer, nullptr, 0);
        }
        return 1;
    }
    ::waitpid(peer, nullptr, 0);
    print_tables(opt, variants);
    return 0;
}
