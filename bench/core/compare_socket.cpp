// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// compare_socket: loopback TCP, one connection per variant and exercise, measured in a single
// run for
//   - raw POSIX calls (the floor), without and with SO_RCVTIMEO/SO_SNDTIMEO set,
//   - socklite's blocking Socket, without timeouts and with read/write timeouts set (the two
//     take different paths through Socket::io),
//   - standalone Asio's synchronous API (when asio.hpp was found at configure time),
// in two exercises: (a) 64-byte ping-pong round trips per second and (b) bulk throughput with
// 64 KiB writes. The peer is plain POSIX code in forked processes, the same for every variant.
//
// Method, built for a shared, noisy machine: the client and the peer are pinned to CPUs, and
// the variants take turns in short time slices (a round = one slice of each variant, in an
// order that rotates every round). A burst of load elsewhere hits the slices of one round, not
// one variant, so the per-round ratios to raw POSIX are paired measurements; the table gives
// their median (and each variant's median rate and client CPU time per operation).
// Everything is bounded: a watchdog alarm ends the run, and the peers die with it.
//
// Usage: compare_socket [--rounds N] [--slice-ms MS] [--pin split|same|none]

#include <socklite.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if SOCKLITE_BENCH_HAVE_ASIO
#include <asio.hpp>
#endif

#include "support/raw_posix.hpp"

namespace {

using socklite_bench::connect_loopback;
using socklite_bench::fail;
using socklite_bench::read_full;

using Clock = std::chrono::steady_clock;

constexpr std::size_t ping_size = 64;
constexpr std::size_t chunk_size = 64 * 1024;
// The timeouts of the "with timeouts" variant: long enough never to fire.
constexpr std::chrono::milliseconds io_timeout{10000};
// The peer gives up after this long without a connection (a backstop: it also dies with us).
constexpr int peer_idle_ms = 60000;

/** CPU time (user + system) this process has used, in seconds: the client's own cost, much
 *  less disturbed by other load on the machine than the wall clock. */
double cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/** Pins the calling process (and the children it forks later) to CPU @p cpu; -1 leaves it. */
void pin_to(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) fail("sched_setaffinity");
}

// ---------------------------------------------------------------------------------------------
// The peer: plain POSIX in forked processes, the same for every variant.

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
    while (read_full(fd, buf.data(), buf.size()) && write_full(fd, buf.data(), buf.size())) {}
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

// Accepts connections; the first byte of each says what to do: 'P' ping-pong echo, 'B' bulk
// sink (replies with the byte count at end of stream), each served by a child process until the
// client closes; 'Q' quit.
[[noreturn]] void run_peer(int listen_fd, pid_t parent, int cpu) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    pin_to(cpu);
    ::signal(SIGCHLD, SIG_IGN);  // children reap themselves
    pid_t self = ::getpid();
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
        pollfd q{fd, POLLIN, 0};
        if (::poll(&q, 1, peer_idle_ms) == 1 && read_full(fd, &mode, 1)) {
            if (mode == 'Q') ::_exit(0);
            if ((mode == 'P' || mode == 'B') && ::fork() == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (::getppid() != self) ::_exit(0);
                ::close(listen_fd);
                if (mode == 'P') serve_ping(fd);
                if (mode == 'B') serve_bulk(fd);
                ::_exit(0);
            }
        }
        ::close(fd);
    }
}

// ---------------------------------------------------------------------------------------------
// The clients: the same four operations over one connection.

/** The floor: the system calls an experienced programmer would write by hand. With Timeouts,
 *  SO_RCVTIMEO and SO_SNDTIMEO are set as socklite sets them (never firing): the floor for
 *  socklite's timeout path, which shows what the kernel's timers cost apart from socklite. */
template <bool Timeouts>
class RawClient {
public:
    explicit RawClient(std::uint16_t port) {
        fd_ = connect_loopback(port);
        if (Timeouts) {
            timeval tv{};
            tv.tv_sec = static_cast<time_t>(io_timeout.count() / 1000);
            if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
                ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
                fail("setsockopt");
        }
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
// The variants: two open connections each (ping-pong and bulk), worked a time slice at a time.

/** One time slice: operations done (round trips, or 64 KiB writes), wall and CPU seconds. */
struct Slice {
    double ops = 0;
    double wall = 0;
    double cpu = 0;
};

class Variant {
public:
    explicit Variant(const char* name) : name_(name) {}
    virtual ~Variant() = default;
    Variant(const Variant&) = delete;
    Variant& operator=(const Variant&) = delete;

    const char* name() const noexcept { return name_; }
    /** Ping-pong on the variant's open connection until @p until (at least one batch). */
    virtual Slice ping(Clock::time_point until) = 0;
    /** On a new connection, 64 KiB writes until @p until, then end of stream; the slice ends
     *  when the peer has counted every byte (its reply), so it measures bytes delivered. */
    virtual Slice bulk(Clock::time_point until) = 0;

    std::vector<Slice> ping_slices;
    std::vector<Slice> bulk_slices;

private:
    const char* name_;
};

// Ping-pong keeps one connection (it has no state that matters but its CPUs, which are pinned);
// bulk opens one per slice, so that no variant keeps a connection whose buffers the kernel
// happened to tune differently.
template <class Client>
class VariantOf final : public Variant {
public:
    VariantOf(const char* name, std::uint16_t port)
        : Variant(name), port_(port), ping_client_(port), chunk_(chunk_size, 'b') {
        ping_client_.write_all("P", 1);
        buf_.fill('p');
    }

    Slice ping(Clock::time_point until) override {
        double cpu0 = cpu_seconds();
        auto start = Clock::now();
        Clock::time_point now;
        std::uint64_t trips = 0;
        do {
            for (int i = 0; i < 16; ++i) {
                ping_client_.write_all(buf_.data(), buf_.size());
                ping_client_.read_exact(buf_.data(), buf_.size());
            }
            trips += 16;
        } while ((now = Clock::now()) < until);
        return {static_cast<double>(trips), std::chrono::duration<double>(now - start).count(),
                cpu_seconds() - cpu0};
    }

    Slice bulk(Clock::time_point until) override {
        Client c(port_);
        c.write_all("B", 1);
        double cpu0 = cpu_seconds();
        auto start = Clock::now();
        std::uint64_t writes = 0;
        do {
            c.write_all(chunk_.data(), chunk_.size());
            ++writes;
        } while (Clock::now() < until);
        c.shutdown_write();
        std::uint64_t counted = 0;
        c.read_exact(&counted, sizeof counted);
        auto stop = Clock::now();
        double cpu = cpu_seconds() - cpu0;
        if (counted != writes * chunk_size)
            throw std::runtime_error(std::string(name()) + ": the peer counted " +
                                     std::to_string(counted) + " bytes of " +
                                     std::to_string(writes * chunk_size));
        return {static_cast<double>(writes), std::chrono::duration<double>(stop - start).count(),
                cpu};
    }

private:
    std::uint16_t port_;
    Client ping_client_;
    std::vector<char> chunk_;
    std::array<char, ping_size> buf_{};
};

// ---------------------------------------------------------------------------------------------
// Statistics and the table.

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** One cell of the table: the median of a per-slice quantity, and the median of its per-round
 *  ratios to raw POSIX, as speeds (above 1 = faster than raw), with a 95% confidence interval
 *  for that median (order statistics: n/2 -+ 0.98 sqrt(n)). */
struct Cell {
    double value = 0;
    double ratio = 0;
    double lo = 0;
    double hi = 0;
};

template <class Get>
Cell cell(const std::vector<Slice>& v, const std::vector<Slice>& raw, Get get, bool lower_wins) {
    std::vector<double> values;
    std::vector<double> r;
    for (std::size_t i = 0; i < v.size() && i < raw.size(); ++i) {
        values.push_back(get(v[i]));
        r.push_back(lower_wins ? get(raw[i]) / get(v[i]) : get(v[i]) / get(raw[i]));
    }
    Cell c{median(values), median(r), 0, 0};
    if (r.empty()) return c;
    std::sort(r.begin(), r.end());
    double n = static_cast<double>(r.size());
    double k = 0.98 * std::sqrt(n);
    auto at = [&](double i) {
        return r[static_cast<std::size_t>(std::min(std::max(i, 0.0), n - 1))];
    };
    c.lo = at(std::floor(n / 2 - k));
    c.hi = at(std::ceil(n / 2 + k) - 1);
    return c;
}

struct Options {
    int rounds = 200;
    int slice_ms = 10;
    std::string pin = "split";
};

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: compare_socket [--rounds N] [--slice-ms MS] [--pin split|same|none]\n"
                 "  --rounds N     rounds per exercise, 1 to 10000 (default 200)\n"
                 "  --slice-ms MS  each variant's time slice per round, 1 to 1000 (default 10)\n"
                 "  --pin split    client and peer pinned to two different CPUs (default)\n"
                 "  --pin same     both pinned to one CPU (no cross-CPU wake-ups: the per-call\n"
                 "                 cost weighs most)\n"
                 "  --pin none     wherever the scheduler puts them\n"
                 "Each variant runs rounds x slice per exercise (2 s by default); the run takes\n"
                 "about 2 x variants x rounds x slice.\n");
}

bool parse_int(const char* text, int lo, int hi, int& out) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi) return false;
    out = static_cast<int>(v);
    return true;
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) return false;
        const char* value = argv[++i];
        if (arg == "--rounds") {
            if (!parse_int(value, 1, 10000, o.rounds)) return false;
        } else if (arg == "--slice-ms") {
            if (!parse_int(value, 1, 1000, o.slice_ms)) return false;
        } else if (arg == "--pin") {
            o.pin = value;
            if (o.pin != "split" && o.pin != "same" && o.pin != "none") return false;
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
    std::printf("%-20s %12.*f  %5.3f (%5.3f-%5.3f)  %12.*f  %5.3f (%5.3f-%5.3f)\n", name, decimals,
                a.value, a.ratio, a.lo, a.hi, decimals, b.value, b.ratio, b.lo, b.hi);
}

void print_tables(const Options& o, const std::vector<std::unique_ptr<Variant>>& vs) {
    const Variant& raw = *vs.front();
    auto trips = [](const Slice& s) { return s.ops / s.wall; };
    auto megabytes = [](const Slice& s) {
        return s.ops * static_cast<double>(chunk_size) / s.wall / 1e6;
    };
    auto micros = [](const Slice& s) { return s.cpu / s.ops * 1e6; };
    std::printf(
        "\nloopback TCP; %d rounds x %d ms slices per variant and exercise; peer: plain "
        "POSIX in forked processes; CPUs: %s\n",
        o.rounds, o.slice_ms, o.pin.c_str());
    std::printf(
        "value: median over slices; vs raw: median of per-round speed ratios to raw POSIX "
        "(95%% confidence interval)\n");

    std::printf(
        "\nthroughput (wall clock)       64 B ping-pong                      64 KiB writes\n");
    std::printf("%-20s %12s  %-20s  %12s  %s\n", "variant", "round trips/s", "vs raw", "MB/s",
                "vs raw");
    bool met = true;
    for (const auto& v : vs) {
        Cell p = cell(v->ping_slices, raw.ping_slices, trips, false);
        Cell b = cell(v->bulk_slices, raw.bulk_slices, megabytes, false);
        print_row(v->name(), p, b, 0);
        if (std::strncmp(v->name(), "socklite", 8) == 0 && (p.ratio < 0.97 || b.ratio < 0.97))
            met = false;
    }

    std::printf(
        "\nclient CPU (user+sys)         64 B ping-pong                      64 KiB writes\n");
    std::printf("%-20s %12s  %-20s  %12s  %s\n", "variant", "us per trip", "vs raw", "us per write",
                "vs raw");
    for (const auto& v : vs) {
        print_row(v->name(), cell(v->ping_slices, raw.ping_slices, micros, true),
                  cell(v->bulk_slices, raw.bulk_slices, micros, true), 2);
    }
    std::printf(
        "\ntarget, socklite >= 0.97 of raw POSIX in throughput (both variants, both "
        "exercises): %s\n",
        met ? "met" : "MISSED");
}

template <class Work>
void run_rounds(std::vector<std::unique_ptr<Variant>>& vs, int rounds, Clock::duration slice,
                Work work) {
    std::size_t nv = vs.size();
    for (const auto& v : vs) work(*v, Clock::now() + slice, false);  // warm-up
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t k = 0; k < nv; ++k) {
            work(*vs[(k + static_cast<std::size_t>(r)) % nv], Clock::now() + slice, true);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    if (!parse_options(argc, argv, opt)) {
        usage(stderr);
        return 2;
    }
    pid_t peer = -1;
    try {
        // Where the client and the peer run: on a small machine the scheduler otherwise
        // alternates between putting both on one CPU and splitting them, which changes the
        // round-trip rate several times over and swamps the differences between variants.
        int client_cpu = -1;
        int peer_cpu = -1;
        if (opt.pin != "none") {
            cpu_set_t allowed;
            CPU_ZERO(&allowed);
            if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) fail("sched_getaffinity");
            std::vector<int> cpus;
            for (int c = 0; c < CPU_SETSIZE; ++c)
                if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
            client_cpu = cpus.front();
            peer_cpu = opt.pin == "split" && cpus.size() > 1 ? cpus[1] : cpus.front();
        }
        std::fprintf(stderr, "compare_socket: client on CPU %d, peer on CPU %d (-1: not pinned)\n",
                     client_cpu, peer_cpu);

        std::uint16_t port = 0;
        int listen_fd = listen_loopback(port);
        pid_t self = ::getpid();
        peer = ::fork();
        if (peer < 0) fail("fork");
        if (peer == 0) {
            try {
                run_peer(listen_fd, self, peer_cpu);
            } catch (...) {
                ::_exit(1);
            }
        }
        ::close(listen_fd);
        pin_to(client_cpu);

        std::vector<std::unique_ptr<Variant>> vs;
        vs.push_back(std::make_unique<VariantOf<RawClient<false>>>("raw POSIX", port));
        vs.push_back(std::make_unique<VariantOf<RawClient<true>>>("raw + SO_*TIMEO", port));
        vs.push_back(std::make_unique<VariantOf<SockliteClient<false>>>("socklite", port));
        vs.push_back(
            std::make_unique<VariantOf<SockliteClient<true>>>("socklite + timeouts", port));
#if SOCKLITE_BENCH_HAVE_ASIO
        vs.push_back(std::make_unique<VariantOf<AsioClient>>("asio (sync)", port));
#endif

        // The watchdog: a stuck measurement ends the run (SIGALRM terminates; the peers follow).
        double planned =
            2.0 * static_cast<double>(vs.size()) * (opt.rounds + 1) * opt.slice_ms / 1000;
        ::alarm(static_cast<unsigned>(2 * planned + 60));
        std::fprintf(stderr, "compare_socket: about %.0f s\n", planned);

        auto slice =
            std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(opt.slice_ms));
        run_rounds(vs, opt.rounds, slice, [](Variant& v, Clock::time_point until, bool record) {
            Slice s = v.ping(until);
            if (record) v.ping_slices.push_back(s);
        });
        run_rounds(vs, opt.rounds, slice, [](Variant& v, Clock::time_point until, bool record) {
            Slice s = v.bulk(until);
            if (record) v.bulk_slices.push_back(s);
        });
        print_tables(opt, vs);
        vs.clear();  // closes every connection: the peer's children end

        RawClient<false> quit(port);
        quit.write_all("Q", 1);
        ::waitpid(peer, nullptr, 0);
        peer = -1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compare_socket: %s\n", e.what());
        if (peer > 0) {
            ::kill(peer, SIGKILL);
            ::waitpid(peer, nullptr, 0);
        }
        return 1;
    }
    return 0;
}
