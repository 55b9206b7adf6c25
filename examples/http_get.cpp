// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 4: the tutorial's hand-written GET, grown into a small HTTP client.
//
//   http_get http://127.0.0.1:8000/index.html       status line, headers, blank line, body
//   http_get -o page.html URL                        body to a file, progress bar on stderr
//   http_get --raw URL                               the tutorial's exact flow (bytes as received)
//   http_get URL1 URL2 ...                           in order, one kept-alive connection per host
//   http_get --unix-socket /var/run/docker.sock http://localhost/v1.43/info   over a Unix socket
//   http_get http://user:secret@host/private          user:password@ becomes Basic authentication
//   http_get --compressed URL                         asks for gzip/deflate, prints it decoded
//   http_get --cacert ca.pem https://localhost:8443/  HTTPS, trusting ca.pem (-k: no checks)

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <socklite.hpp>

#include "cli.hpp"

namespace {

using namespace std::chrono_literals;

const char* const usage =
    "usage: http_get [options] URL...\n"
    "Fetches each http:// or https:// URL in order (one kept-alive connection per host) and\n"
    "prints the status line, the header block, a blank line and the body (decoded from\n"
    "chunked). https:// verifies the certificate and host name against the system's CA store.\n"
    "\n"
    "options:\n"
    "  -o FILE             write the bodies to FILE instead, with a progress bar on stderr\n"
    "  --raw               the tutorial's flow: one GET with `Connection: close`, read until the\n"
    "                      server closes, print the bytes exactly as received\n"
    "  --timeout S         deadline in seconds for each transfer (connect, redirects, body)\n"
    "  --max-redirects N   redirects to follow (default 10; 0: the 3xx itself is the result)\n"
    "  --unix-socket PATH  connect to this Unix-domain socket (`@name`: abstract) instead of\n"
    "                      the URL's host and port, which still name the Host\n"
    "  --compressed        ask for gzip/deflate (Accept-Encoding) and decode the body; the\n"
    "                      Content-Encoding field is printed as received (needs zlib)\n"
    "  --cacert FILE       https://: trust the CA certificates in FILE (PEM) instead of the\n"
    "                      system's store\n"
    "  -k, --insecure      https://: no certificate or host name verification (warns)\n"
    "  -h, --help          this text\n"
    "\n"
    "`user:password@` in a URL is sent as Basic authentication.\n"
    "\n"
    "Exit status 0 when every transfer completed (whatever the HTTP status), 1 on a transport or\n"
    "protocol error, reported as one line `http_get: what failed: why` on stderr.\n";

struct Settings {
    std::vector<std::string> urls;
    std::string output;
    bool raw = false;
    bool compressed = false;
    std::chrono::milliseconds timeout = socklite::no_timeout;
    int max_redirects = 10;
    std::string unix_socket;
    std::string cacert;
    bool insecure = false;
};

Settings parse_args(int argc, char** argv) {
    Settings s;
    auto bad = [](const std::string& why) { cli::fail("bad arguments: " + why + " (see --help)"); };
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            s.urls.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            std::exit(std::fflush(stdout) == 0 ? 0 : 1);
        }
        if (arg == "--raw") {
            s.raw = true;
            continue;
        }
        if (arg == "--compressed") {
#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
            s.compressed = true;
            continue;
#else
            bad("--compressed needs zlib (this http_get was built without SOCKLITE_WITH_ZLIB)");
#endif
        }
        if (arg == "-k" || arg == "--insecure") {
            s.insecure = true;
            continue;
        }
        std::string name = arg, value;
        std::size_t eq = arg.find('=');
        if (eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        } else if (arg == "-o" || arg == "--timeout" || arg == "--max-redirects" ||
                   arg == "--unix-socket" || arg == "--cacert") {
            if (i + 1 == argc) bad(arg + " needs a value");
            value = argv[++i];
        } else {
            bad("unknown option '" + arg + "'");
        }
        if (name == "-o") {
            if (value.empty()) bad("-o needs a file name");
            s.output = value;
        } else if (name == "--timeout") {
            char* end = nullptr;
            errno = 0;
            double secs = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || errno != 0 || !(secs > 0) || secs > 1e6)
                bad("--timeout needs a positive number of seconds, not '" + value + "'");
            s.timeout = std::chrono::milliseconds(std::llround(secs * 1000));
            if (s.timeout.count() == 0) s.timeout = std::chrono::milliseconds(1);
        } else if (name == "--unix-socket") {
            if (value.empty()) bad("--unix-socket needs a path");
            s.unix_socket = value;
        } else if (name == "--cacert") {
            if (value.empty()) bad("--cacert needs a file name");
            s.cacert = value;
        } else if (name == "--max-redirects") {
            bool ok = !value.empty() && value.size() <= 4 &&
                      value.find_first_not_of("0123456789") == std::string::npos;
            if (!ok) bad("--max-redirects needs a number from 0 to 9999, not '" + value + "'");
            s.max_redirects = std::stoi(value);
        } else {
            bad("unknown option '" + arg + "'");
        }
    }
    if (s.urls.empty()) bad("no URL given");
    if (s.insecure)
        cli::note(
            "http_get: warning: --insecure: https:// certificates and host names are not "
            "verified");
    return s;
}

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
// The TLS context that --cacert and --insecure ask for; empty (the client's default: the
// system's store, verification on) without them.
socklite::tls::Context tls_context(const Settings& s) {
    if (s.cacert.empty() && !s.insecure) return {};
    socklite::tls::ClientOptions t;
    t.ca_file = s.cacert;
    t.verify = !s.insecure;
    return socklite::tls::Context::client(t);
}
#endif

void write_out(std::FILE* f, std::string_view data, const char* what) {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size())
        throw std::system_error(errno, std::system_category(), what);
}

void flush_out(std::FILE* f, const char* what) {
    if (std::fflush(f) != 0 || std::ferror(f))
        throw std::system_error(errno, std::system_category(), what);
}

// A one-line progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
public:
    void update(std::uint64_t got, std::optional<std::uint64_t> total, bool force = false) {
        auto now = std::chrono::steady_clock::now();
        if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        drawn_ = true;
        char line[128];
        if (total && *total > 0) {
            int pct = static_cast<int>(got * 100 / *total);
            int fill = pct * 30 / 100;
            std::string bar(static_cast<std::size_t>(fill), '#');
            bar.resize(30, '.');
            std::snprintf(line, sizeof line, "\r[%s] %3d%% %.1f/%.1f KiB", bar.c_str(), pct,
                          static_cast<double>(got) / 1024, static_cast<double>(*total) / 1024);
        } else {
            std::snprintf(line, sizeof line, "\r%.1f KiB", static_cast<double>(got) / 1024);
        }
        std::fputs(line, stderr);
        std::fflush(stderr);
    }
    void finish() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }

private:
    std::chrono::steady_clock::time_point last_{};
    bool drawn_ = false;
};

// The tutorial's flow: one request with Connection: close, then read until the server closes.
void fetch_raw(const std::string& text, const Settings& s) {
    auto url = socklite::http::Url::parse(text);
#if !(defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL)
    if (url.is_https()) throw socklite::Error(socklite::http::errc::tls_not_enabled, "GET " + text);
#endif
    socklite::http::Request req;
    req.target = url.target();
    req.headers.add("Connection", "close");
    if (!url.userinfo().empty())
        req.headers.add("Authorization", socklite::http::basic_authorization(url.userinfo()));
    std::string wire = socklite::http::serialize_request(req, url);
    // One deadline for the whole transfer; without --timeout, 30 s of silence ends it.
    auto deadline = socklite::Deadline::after(s.timeout);
    const auto connect_timeout = std::min<std::chrono::milliseconds>(deadline.remaining(), 30s);
    auto sock = s.unix_socket.empty()
                    ? socklite::Socket::connect(url.host(), url.port(), connect_timeout)
                    : socklite::Socket::connect(socklite::Address::unix_path(s.unix_socket),
                                                connect_timeout);
    sock.read_timeout(30s);
    sock.write_timeout(30s);
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    if (url.is_https()) {
        socklite::tls::Context context = tls_context(s);
        if (!context) context = socklite::tls::Context::client(socklite::tls::ClientOptions());
        socklite::tls::connect(sock, context, url.host(),
                               socklite::Deadline::after(connect_timeout));
    }
#endif
    for (std::size_t sent = 0; sent < wire.size();)
        sent += sock.write_some(wire.data() + sent, wire.size() - sent, deadline);
    char buf[16384];
    while (std::size_t n = sock.read_some(buf, sizeof buf, deadline))
        write_out(stdout, std::string_view(buf, n), "write stdout");
    flush_out(stdout, "write stdout");
}

int run(int argc, char** argv) {
    Settings s = parse_args(argc, argv);
    // Fully buffered stdout: a head and a small body leave in one write, flushed once per URL.
    static char out_buffer[64 * 1024];
    std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    if (s.raw) {
        for (const auto& u : s.urls) fetch_raw(u, s);
        return 0;
    }
    socklite::HttpClient::Options opts;
    opts.deadline = s.timeout;
    opts.max_redirects = s.max_redirects;
    opts.max_body_size = UINT64_MAX;  // streamed: never held in memory
    opts.unix_socket = s.unix_socket;
    opts.decompress = s.compressed;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    opts.tls = tls_context(s);
#endif
    socklite::HttpClient client(opts);

    std::FILE* file = nullptr;
    if (!s.output.empty()) {
        file = std::fopen(s.output.c_str(), "wb");
        if (file == nullptr)
            throw std::system_error(errno, std::system_category(), "open " + s.output);
    }
    ProgressBar bar;
    socklite::HttpClient::Handlers h;
    h.on_head = [&](const socklite::http::Response& head) {
        std::string block = head.status_line() + "\r\n";
        for (const auto& f : head.headers) block += f.name + ": " + f.value + "\r\n";
        block += "\r\n";
        write_out(stdout, block, "write stdout");  // buffered: flushed once per URL
        return true;
    };
    h.on_body = [&](std::string_view data) {
        write_out(file ? file : stdout, data, file ? "write file" : "write stdout");
        return true;
    };
    std::uint64_t got = 0;
    std::optional<std::uint64_t> total;
    if (file) {
        h.on_progress = [&](std::uint64_t n, std::optional<std::uint64_t> t) {
            got = n;
            total = t;
            bar.update(n, t);
        };
    }
    for (const auto& u : s.urls) {
        socklite::http::Request req;
        req.target = u;
        got = 0;
        total.reset();
        try {
            client.request(req, h);
            if (file) bar.update(got, total, true);
        } catch (...) {
            bar.finish();
            if (file) std::fclose(file);
            throw;
        }
        bar.finish();
        flush_out(stdout, "write stdout");
        if (file) flush_out(file, "write file");
    }
    if (file && std::fclose(file) != 0)
        throw std::system_error(errno, std::system_category(), "close " + s.output);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return cli::run("http_get", [&] { return run(argc, argv); });
}
