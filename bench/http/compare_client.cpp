// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Keep-alive GET on one connection against a local nginx (worker_processes 1) that this program
// starts: a 13-byte file and a 1 MiB file, fetched by
//   - a plain socket loop (one write, one read per small request; 256 KiB reads for large ones),
//     and the same loop keeping the whole response in one buffer (reference: what storing the
//     body costs; the ratios stay to the first loop),
//   - socklite::HttpClient (get() returning a Response, get() into a reused Response, and
//     streaming through a body callback),
//   - cpp-httplib's client (when built with it), libcurl with a reused handle (when built with it),
//   - `wrk -t1 -c1` as a reference, when installed.
// Prints requests/s and the ratio to the plain loop. Every run is bounded in time.
//
//   compare_client [--seconds S] [--rounds N] [--no-wrk]   (defaults 0.1 s x 15 rounds)
//   compare_client --run NAME COUNT [--large]               one client, untimed (strace -c)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include <socklite/http/client.hpp>

#include "http_client/servers.hpp"

#if SOCKLITE_BENCH_HAVE_HTTPLIB
#include <httplib.h>
#endif
#if SOCKLITE_BENCH_HAVE_CURL
#include <curl/curl.h>
#endif

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

double g_seconds = 0.1;
int g_rounds = 15;
bool g_no_wrk = false;
std::string g_only;  // --run NAME: run only the contender whose name contains NAME ...
long g_count = 0;    // ... this many requests, untimed (for strace -c / valgrind)
std::string g_size = "small";

// One client under test: a name and a function making one request (false on failure).
struct Contender {
    Contender(std::string n, std::function<bool()> f) : name(std::move(n)), one(std::move(f)) {}
    std::string name;
    std::function<bool()> one;
    double best = 0;
    bool failed = false;
    std::vector<double> ratios;  // this round's rate / the plain loop's rate in the same round
};

// Runs every contender for g_seconds per round, g_rounds rounds, interleaved (round 1 of each,
// then round 2 ..., each round starting with the next contender) so that load from elsewhere on the machine spreads over all of them; keeps
// each one's best round in requests/s and its ratio to the first contender (the plain loop) in
// every round: the median of those ratios is the figure least disturbed by other load.
void measure(std::vector<Contender>& all) {
    for (int r = 0; r < g_rounds; ++r) {
        // Each round starts with another contender, so that none always runs first.
        for (std::size_t k = 0; k < all.size(); ++k) {
            auto& c = all[(k + static_cast<std::size_t>(r)) % all.size()];
            if (c.failed) continue;
            auto start = clock_type::now();
            auto end = start + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(g_seconds));
            std::uint64_t n = 0;
            auto now = start;
            while (now < end && !c.failed) {
                for (int i = 0; i < 8; ++i) {
                    if (!c.one()) {
                        c.failed = true;
                        break;
                    }
                    ++n;
                }
                now = clock_type::now();
            }
            if (c.failed) {
                c.best = 0;
                continue;
            }
            double rate =
                static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
            c.best = std::max(c.best, rate);
            c.ratios.push_back(rate);
        }
    }
}

// The plain loop: one write of the request, reads until the whole response is in. With `keep`,
// the whole response is kept in one buffer (as a client returning the body must), each read
// going after the last; otherwise every read of the body reuses the same 256 KiB.
class PlainLoop {
public:
    PlainLoop(std::uint16_t port, const std::string& path, bool keep = false)
        : buf_(keep ? 2 << 20 : 256 * 1024), keep_(keep) {
        sock_ = socklite::Socket::connect(socklite::Address::ipv4("127.0.0.1", port), 5s);
        sock_.nodelay(true);
        req_ = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
    }
    // Returns the body size, or -1 on error.
    long long once() {
        int fd = sock_.native_handle();
        if (::send(fd, req_.data(), req_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req_.size()))
            return -1;
        std::size_t have = 0, need = SIZE_MAX, body = 0;
        bool head = true;
        while (have < need) {
            char* dst = head || keep_ ? buf_.data() + have : buf_.data();
            std::size_t room = head || keep_ ? std::min(buf_.size() - have, need - have)
                                             : std::min(buf_.size(), need - have);
            ssize_t n = ::recv(fd, dst, room, 0);
            if (n <= 0) return -1;
            have += static_cast<std::size_t>(n);
            if (head) {
                const char* end =
                    static_cast<const char*>(::memmem(buf_.data(), have, "\r\n\r\n", 4));
                if (end == nullptr) continue;
                const char* cl = static_cast<const char*>(
                    ::memmem(buf_.data(), static_cast<std::size_t>(end - buf_.data()),
                             "Content-Length: ", 16));
                if (cl == nullptr) return -1;
                body = std::strtoull(cl + 16, nullptr, 10);
                need = static_cast<std::size_t>(end + 4 - buf_.data()) + body;
                head = false;
            }
        }
        return have == need ? static_cast<long long>(body) : -1;
    }

private:
    socklite::Socket sock_;
    std::string req_;
    std::vector<char> buf_;
    bool keep_;
};

#if SOCKLITE_BENCH_HAVE_CURL
std::size_t curl_sink(char*, std::size_t size, std::size_t n, void* user) {
    *static_cast<std::size_t*>(user) += size * n;
    return size * n;
}
#endif

double run_wrk(const std::string& url) {
    if (::access("/usr/bin/wrk", X_OK) != 0) return 0;
    socklite_test::TempDir dir;
    auto out = dir.path() / "wrk.txt";
    std::string secs = std::to_string(std::max(1L, std::lround(g_seconds * g_rounds))) + "s";
    // wrk runs alone (not interleaved): its figure is a reference, not a ratio to trust.
    socklite_test::Child wrk({"/usr/bin/wrk", "-t1", "-c1", "-d" + secs, url}, true, "");
    std::string line;
    double rate = 0;
    while (wrk.read_line(line, 60s)) {
        if (line.rfind("Requests/sec:", 0) == 0) rate = std::atof(line.c_str() + 13);
    }
    wrk.wait(10s);
    return rate;
}

struct Row {
    std::string name;
    double rate;
    double ratio = 0;  // median over rounds of rate / plain loop's rate in the same round
};

double median_ratio(const std::vector<double>& mine, const std::vector<double>& base) {
    std::vector<double> r;
    for (std::size_t i = 0; i < mine.size() && i < base.size(); ++i) {
        if (base[i] > 0) r.push_back(mine[i] / base[i]);
    }
    if (r.empty()) return 0;
    std::sort(r.begin(), r.end());
    return r.size() % 2 ? r[r.size() / 2] : (r[r.size() / 2 - 1] + r[r.size() / 2]) / 2;
}

void print_table(const std::string& title, std::size_t body, const std::vector<Row>& rows) {
    double base = rows.empty() ? 0 : rows.front().rate;  // for rows without per-round ratios
    std::printf("\n%s\n", title.c_str());
    std::printf("| %-40s | %12s | %10s | %8s |\n", "client", "requests/s", "MB/s", "ratio");
    // requests/s: best round; ratio: median over rounds of the ratio to the plain loop in the
    // same round (wrk runs alone: its ratio is to the plain loop's best round).
    std::printf("|%s|%s|%s|%s|\n", std::string(42, '-').c_str(), std::string(14, '-').c_str(),
                std::string(12, '-').c_str(), std::string(10, '-').c_str());
    for (const auto& r : rows) {
        if (r.rate <= 0) {
            std::printf("| %-40s | %12s | %10s | %8s |\n", r.name.c_str(), "n/a", "", "");
            continue;
        }
        std::printf("| %-40s | %12.0f | %10.1f | %8.2f |\n", r.name.c_str(), r.rate,
                    r.rate * static_cast<double>(body) / 1e6,
                    r.ratio > 0 ? r.ratio
                    : base > 0  ? r.rate / base
                                : 0);
    }
    std::fflush(stdout);
}

std::vector<Row> run_all(std::uint16_t port, const std::string& path, std::size_t size) {
    std::vector<Contender> all;
    PlainLoop plain(port, path);
    all.emplace_back("plain socket loop (1 write, reads)",
                     [&] { return plain.once() == static_cast<long long>(size); });

    socklite::HttpClient cli("http://127.0.0.1:" + std::to_string(port));
    all.emplace_back("socklite::HttpClient get()", [&] {
        auto res = cli.get(path);
        return res.status == 200 && res.body.size() == size;
    });
    PlainLoop kept(port, path, true);
    all.emplace_back("plain loop keeping the body (reference)",
                     [&] { return kept.once() == static_cast<long long>(size); });
    socklite::HttpClient cli3("http://127.0.0.1:" + std::to_string(port));
    socklite::http::Response reused;  // one Response filled again and again: no allocation
    all.emplace_back("socklite::HttpClient get(path, response)", [&] {
        cli3.get(path, reused);
        return reused.status == 200 && reused.body.size() == size;
    });
    socklite::HttpClient cli2("http://127.0.0.1:" + std::to_string(port));
    std::size_t got = 0;
    socklite::HttpClient::Handlers h;
    h.on_body = [&](std::string_view chunk) {
        got += chunk.size();
        return true;
    };
    socklite::http::Request req;
    req.method = "GET";
    req.target = path;
    all.emplace_back("socklite::HttpClient streaming callback", [&] {
        got = 0;
        auto res = cli2.request(req, h);
        return res.status == 200 && got == size;
    });
#if SOCKLITE_BENCH_HAVE_HTTPLIB
    httplib::Client hl("127.0.0.1", port);
    hl.set_keep_alive(true);
    all.emplace_back("cpp-httplib Client::Get", [&] {
        auto res = hl.Get(path.c_str());
        return res && res->status == 200 && res->body.size() == size;
    });
#endif
#if SOCKLITE_BENCH_HAVE_CURL
    CURL* curl = curl_easy_init();
    std::size_t curl_got = 0;
    std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, curl_sink);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &curl_got);
    all.emplace_back("libcurl easy handle reused", [&] {
        curl_got = 0;
        return curl_easy_perform(curl) == CURLE_OK && curl_got == size;
    });
#endif
    if (!g_only.empty()) {
        for (auto& c : all) {
            if (c.name.find(g_only) == std::string::npos) continue;
            for (long i = 0; i < g_count; ++i) {
                if (!c.one()) throw std::runtime_error(c.name + ": request failed");
            }
            std::printf("%s: %ld requests\n", c.name.c_str(), g_count);
        }
    } else {
        measure(all);
    }
#if SOCKLITE_BENCH_HAVE_CURL
    curl_easy_cleanup(curl);
#endif
    if (!g_only.empty()) return {};
    std::vector<Row> rows;
    rows.reserve(all.size() + 3);
    for (const auto& c : all)
        rows.push_back({c.name, c.best, c.failed ? 0 : median_ratio(c.ratios, all.front().ratios)});
#if !SOCKLITE_BENCH_HAVE_HTTPLIB
    rows.push_back({"cpp-httplib (not built)", 0});
#endif
#if !SOCKLITE_BENCH_HAVE_CURL
    rows.push_back({"libcurl (not built)", 0});
#endif
    if (!g_no_wrk)
        rows.push_back({"wrk -t1 -c1 (reference)",
                        run_wrk("http://127.0.0.1:" + std::to_string(port) + path)});
    return rows;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc) {
            g_seconds = std::max(0.05, std::atof(argv[++i]));
        } else if (a == "--rounds" && i + 1 < argc) {
            g_rounds = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--no-wrk") {
            g_no_wrk = true;
        } else if (a == "--run" && i + 2 < argc) {
            g_only = argv[++i];
            g_count = std::max(0L, std::atol(argv[++i]));
        } else if (a == "--large") {
            g_size = "large";
        } else {
            std::printf(
                "usage: compare_client [--seconds S] [--rounds N] [--no-wrk]\n"
                "       compare_client --run NAME COUNT [--large]\n"
                "Keep-alive GET against a local nginx it starts: plain loop, socklite, "
                "cpp-httplib, libcurl, wrk.\n"
                "--run: only COUNT untimed requests by the client whose name contains NAME\n"
                "(13-byte file, or 1 MiB with --large), e.g. under strace -c.\n");
            return a == "--help" || a == "-h" ? 0 : 1;
        }
    }
#if SOCKLITE_BENCH_HAVE_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
#endif
    try {
        socklite_test::TempDir dir;
        auto www = dir.path() / "www";
        auto work = dir.path() / "nginx";
        socklite_test::fs::create_directories(www);
        socklite_test::fs::create_directories(work);
        socklite_test::write_file(www / "hello.txt", "Hello, world!");
        socklite_test::write_file(www / "1m.bin", socklite_test::random_bytes(1 << 20));
        socklite_test::NginxServer nginx(www, work);
        if (!g_only.empty()) {
            if (g_size == "large") {
                run_all(nginx.port(), "/1m.bin", 1 << 20);
            } else {
                run_all(nginx.port(), "/hello.txt", 13);
            }
            return 0;
        }
        std::printf(
            "nginx 127.0.0.1:%u, worker_processes 1; %.2f s x %d rounds per client, best "
            "round\n",
            nginx.port(), g_seconds, g_rounds);
        print_table("Keep-alive GET, 13-byte file", 13, run_all(nginx.port(), "/hello.txt", 13));
        print_table("Keep-alive GET, 1 MiB file", 1 << 20,
                    run_all(nginx.port(), "/1m.bin", 1 << 20));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compare_client: %s\n", e.what());
        return 1;
    }
#if SOCKLITE_BENCH_HAVE_CURL
    curl_global_cleanup();
#endif
    return 0;
}
