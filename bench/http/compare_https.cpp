// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The TLS client (issue 10) against libcurl, on one nginx (worker_processes 1) that this program
// starts with a fresh test CA (tests/tls/make_ca.sh), plain HTTP and HTTPS in the same run:
//   - keep-alive GETs of a 13-byte and a 1 MiB file on one connection: socklite::HttpClient (and
//     the same with OpenSSL's read-ahead turned off, as it was before) and
//     libcurl with a reused handle, over http:// and https://;
//   - new connections per request (a TLS handshake each): HttpClient with keep-alive off (the
//     session resumed from the last ticket) and a new HttpClient per request (full handshakes),
//     libcurl with CURLOPT_FORBID_REUSE on one handle (its session cache resumes) and a new
//     handle per request (full handshakes).
// Contenders run interleaved, rounds of --seconds each; each row shows its best round, the
// median ratio to the first row of its table in the same round, and the client's CPU time per
// request (this thread's, median over rounds) with its median ratio: the steadier figure on a
// shared machine, since nginx's time and other processes' are not in it.
//
//   compare_https [--seconds S] [--rounds N] [--per-round]   (defaults 0.2 s x 10 rounds;
//   --per-round prints each round's ratios too)

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <time.h>

#include <socklite/http/client.hpp>
#include <socklite/tls.hpp>

#include "tls/tls_servers.hpp"

#if SOCKLITE_BENCH_HAVE_CURL
#include <curl/curl.h>
#endif

namespace {

using clock_type = std::chrono::steady_clock;

double g_seconds = 0.2;
int g_rounds = 10;
bool g_per_round = false;

struct Contender {
    Contender(std::string n, std::function<bool()> f) : name(std::move(n)), one(std::move(f)) {}
    std::string name;
    std::function<bool()> one;  // one request; false on failure
    double best = 0;
    bool failed = false;
    std::vector<double> rates;  // per round
    std::vector<double> cpu;    // per round: this thread's CPU time per request, microseconds
};

// This thread's CPU time (user and system), in seconds: what a request costs the client whatever
// else runs on the machine (nginx is another process).
double thread_cpu() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

void measure(std::vector<Contender>& all) {
    for (int r = 0; r < g_rounds; ++r) {
        for (std::size_t k = 0; k < all.size(); ++k) {
            auto& c = all[(k + static_cast<std::size_t>(r)) % all.size()];
            if (c.failed) continue;
            const auto start = clock_type::now();
            const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                                         std::chrono::duration<double>(g_seconds));
            std::uint64_t n = 0;
            auto now = start;
            const double cpu_start = thread_cpu();
            while (now < end && !c.failed) {
                if (!c.one()) c.failed = true;
                ++n;
                now = clock_type::now();
            }
            const double rate =
                static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
            c.best = c.failed ? 0 : std::max(c.best, rate);
            c.rates.push_back(c.failed ? 0 : rate);
            c.cpu.push_back(
                c.failed || n == 0 ? 0 : (thread_cpu() - cpu_start) * 1e6 / static_cast<double>(n));
        }
    }
}

double median(std::vector<double> r) {
    if (r.empty()) return 0;
    std::sort(r.begin(), r.end());
    return r.size() % 2 ? r[r.size() / 2] : (r[r.size() / 2 - 1] + r[r.size() / 2]) / 2;
}

// The median over rounds of a / b, round by round (rates, or CPU times per request).
double median_ratio(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> r;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (b[i] > 0 && a[i] > 0) r.push_back(a[i] / b[i]);
    return median(r);
}

void print(const std::string& title, std::size_t body, const std::vector<Contender>& all) {
    std::printf("\n%s\n| %-52s | %10s | %9s | %6s | %13s | %9s |\n", title.c_str(), "client",
                "requests/s", "MB/s", "ratio", "CPU us/req", "CPU ratio");
    std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(54, '-').c_str(), std::string(12, '-').c_str(),
                std::string(11, '-').c_str(), std::string(8, '-').c_str(),
                std::string(15, '-').c_str(), std::string(11, '-').c_str());
    for (const auto& c : all) {
        if (c.failed) {
            std::printf("| %-52s | %10s | %9s | %6s | %13s | %9s |\n", c.name.c_str(), "failed", "",
                        "", "", "");
            continue;
        }
        std::printf("| %-52s | %10.0f | %9.1f | %6.2f | %13.1f | %9.2f |\n", c.name.c_str(), c.best,
                    c.best * static_cast<double>(body) / 1e6,
                    median_ratio(c.rates, all.front().rates), median(c.cpu),
                    median_ratio(c.cpu, all.front().cpu));
    }
    if (!g_per_round) return;
    for (int cpu = 0; cpu < 2; ++cpu) {
        std::printf("%s ratio to the first row, per round:\n", cpu ? "CPU per request" : "rate");
        for (const auto& c : all) {
            const auto& mine = cpu ? c.cpu : c.rates;
            const auto& base = cpu ? all.front().cpu : all.front().rates;
            std::printf("  %-52s", c.name.c_str());
            for (std::size_t i = 0; i < mine.size() && i < base.size(); ++i)
                std::printf(" %.2f", base[i] > 0 ? mine[i] / base[i] : 0);
            std::printf("\n");
        }
    }
}

socklite::HttpClient::Options client_options(const tls_test::Pki& pki, bool keep_alive) {
    socklite::tls::ClientOptions t;
    t.ca_file = pki.ca();
    socklite::HttpClient::Options o;
    o.tls = socklite::tls::Context::client(t);
    o.keep_alive = keep_alive;
    o.max_body_size = 4u << 20;
    return o;
}

#if SOCKLITE_BENCH_HAVE_CURL
std::size_t curl_sink(char*, std::size_t size, std::size_t n, void* user) {
    *static_cast<std::size_t*>(user) += size * n;
    return size * n;
}

// A libcurl easy handle set up for @p url, counting the body bytes into @p got.
CURL* curl_handle(const std::string& url, const tls_test::Pki& pki, std::size_t* got) {
    CURL* h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_CAINFO, pki.ca().c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, got);
    return h;
}
#endif

// Keep-alive GETs of @p path (a body of @p size bytes), http:// and https://.
void keep_alive_table(const tls_test::Pki& pki, const tls_test::TlsNginx& nginx,
                      const std::string& path, std::size_t size) {
    const std::string plain = nginx.plain_url(path), secure = nginx.url("localhost", path);
    std::vector<Contender> all;
    socklite::HttpClient http_cli(client_options(pki, true)), https_cli(client_options(pki, true));
    socklite::http::Response res_http, res_https;
    all.emplace_back("socklite HttpClient https://", [&] {
        https_cli.get(secure, res_https);
        return res_https.body.size() == size;
    });
    // The same with OpenSSL's read-ahead off, as before it was on: a recv for each record's
    // 5-byte header, another for its body.
    auto off = client_options(pki, true);
    SSL_CTX_set_read_ahead(off.tls.native_handle(), 0);
    socklite::HttpClient https_off(off);
    socklite::http::Response res_off;
    all.emplace_back("socklite https://, read-ahead off (as before)", [&] {
        https_off.get(secure, res_off);
        return res_off.body.size() == size;
    });
    all.emplace_back("socklite HttpClient http://", [&] {
        http_cli.get(plain, res_http);
        return res_http.body.size() == size;
    });
#if SOCKLITE_BENCH_HAVE_CURL
    std::size_t got_http = 0, got_https = 0;
    std::unique_ptr<CURL, void (*)(CURL*)> ch(curl_handle(plain, pki, &got_http),
                                              curl_easy_cleanup);
    std::unique_ptr<CURL, void (*)(CURL*)> chs(curl_handle(secure, pki, &got_https),
                                               curl_easy_cleanup);
    all.emplace_back("libcurl https://, handle reused", [&] {
        got_https = 0;
        return curl_easy_perform(chs.get()) == CURLE_OK && got_https == size;
    });
    all.emplace_back("libcurl http://, handle reused", [&] {
        got_http = 0;
        return curl_easy_perform(ch.get()) == CURLE_OK && got_http == size;
    });
#endif
    measure(all);
    print("Keep-alive GET " + path + " (" + std::to_string(size) +
              " B body), one connection; ratio to socklite https://",
          size, all);
}

// A new connection (and TLS handshake) per GET of the 13-byte file.
void handshake_table(const tls_test::Pki& pki, const tls_test::TlsNginx& nginx) {
    const std::string url = nginx.url("localhost", "/hello.txt");
    std::vector<Contender> all;
    socklite::HttpClient resuming(client_options(pki, false));
    const auto opts = client_options(pki, false);
    all.emplace_back("socklite, keep-alive off (resumed: last ticket)",
                     [&] { return resuming.get(url).body.size() == 13; });
    all.emplace_back("socklite, a new HttpClient each time (full)", [&] {
        socklite::HttpClient fresh(opts);
        return fresh.get(url).body.size() == 13;
    });
#if SOCKLITE_BENCH_HAVE_CURL
    std::size_t got = 0;
    std::unique_ptr<CURL, void (*)(CURL*)> h(curl_handle(url, pki, &got), curl_easy_cleanup);
    curl_easy_setopt(h.get(), CURLOPT_FORBID_REUSE, 1L);
    all.emplace_back("libcurl, FORBID_REUSE on one handle (resumed)", [&] {
        got = 0;
        return curl_easy_perform(h.get()) == CURLE_OK && got == 13;
    });
    all.emplace_back("libcurl, a new handle each time (full)", [&] {
        std::size_t n = 0;
        CURL* fresh = curl_handle(url, pki, &n);
        bool ok = curl_easy_perform(fresh) == CURLE_OK && n == 13;
        curl_easy_cleanup(fresh);
        return ok;
    });
#endif
    measure(all);
    print("New connection per GET (13 B): TLS handshakes/s; ratio to socklite resumed", 13, all);
    std::printf("socklite resumed %llu of %llu connections in the first row\n",
                static_cast<unsigned long long>(resuming.connections_resumed()),
                static_cast<unsigned long long>(resuming.connections_opened()));
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--per-round") g_per_round = true;
        if (a == "--seconds" && i + 1 < argc) g_seconds = std::atof(argv[++i]);
        if (a == "--rounds" && i + 1 < argc) g_rounds = std::atoi(argv[++i]);
    }
#if SOCKLITE_BENCH_HAVE_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
    std::printf("libcurl %s (%s)\n", v->version, v->ssl_version);
#else
    std::printf("libcurl not built in: its rows are left out\n");
#endif
    tls_test::Pki pki;
    socklite_test::TempDir dir;
    socklite_test::fs::create_directories(dir.path() / "www");
    socklite_test::fs::create_directories(dir.path() / "nginx");
    socklite_test::write_file(dir.path() / "www" / "hello.txt", "Hello, world!");
    socklite_test::write_file(dir.path() / "www" / "1m.bin", socklite_test::random_bytes(1 << 20));
    tls_test::TlsNginx nginx(pki, dir.path() / "www", dir.path() / "nginx");
    std::printf("nginx 1 worker; %d rounds of %.2f s per contender, interleaved\n", g_rounds,
                g_seconds);
    keep_alive_table(pki, nginx, "/hello.txt", 13);
    keep_alive_table(pki, nginx, "/1m.bin", 1 << 20);
    handshake_table(pki, nginx);
#if SOCKLITE_BENCH_HAVE_CURL
    curl_global_cleanup();
#endif
    return 0;
}
