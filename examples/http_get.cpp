// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 4: the tutorial's hand-written GET, grown into a small HTTP client.
//
//   http_get http://127.0.0.1:8000/index.html       status line, headers, blank line, body
//   http_get -o page.html URL                        body to a file, progress bar on stderr
//   http_get --raw URL                               the tutorial's exact flow (bytes as received)
//   http_get URL1 URL2 ...                           in order, one kept-alive connection per host

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

const char* const usage =
    "usage: http_get [options] URL...\n"
    "Fetches each http:// URL in order (one kept-alive connection per host) and prints the\n"
    "status line, the header block, a blank line and the body (decoded from chunked).\n"
    "\n"
    "options:\n"
    "  -o FILE             write the bodies to FILE instead, with a progress bar on stderr\n"
    "  --raw               the tutorial's flow: one GET with `Connection: close`, read until the\n"
    "                      server closes, print the bytes exactly as received\n"
    "  --timeout S         deadline in seconds for each transfer (connect, redirects, body)\n"
    "  --max-redirects N   redirects to follow (default 10; 0: the 3xx itself is the result)\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status 0 when every transfer completed (whatever the HTTP status), 1 on a transport or\n"
    "protocol error, reported as one line `http_get: what failed: why` on stderr.\n";

struct Settings {
    std::vector<std::string> urls;
    std::string output;
    bool raw = false;
    std::chrono::milliseconds timeout = socklite::no_timeout;
    int max_redirects = 10;
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
        std::string name = arg, value;
        std::size_t eq = arg.find('=');
        if (eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        } else if (arg == "-o" || arg == "--timeout" || arg == "--max-redirects") {
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
    return s;
}

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
void fetch_raw(const std::string& text, std::chrono::milliseconds timeout) {
    auto url = socklite::http::Url::parse(text);
    if (url.is_https()) socklite::detail::throw_error(socklite::http::errc::tls_not_enabled, "GET", text);
    socklite::http::Request req;
    req.target = url.target();
    req.headers.add("Connection", "close");
    std::string wire = socklite::http::serialize_request(req, url);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = [&] {
        if (timeout == socklite::no_timeout) return std::chrono::milliseconds(30000);  // idle bound
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (ms.count() <= 0)
            socklite::detail::throw_error(std::make_error_code(std::errc::timed_out), "recv", text);
        return ms;
    };
    auto sock = socklite::Socket::connect(url.host(), url.port(), left());
    sock.write_timeout(left());
    sock.send_all(wire);
    char buf[16384];
    for (;;) {
        sock.read_timeout(left());
        std::size_t n = sock.recv(buf, sizeof buf);
        if (n == 0) break;
        write_out(stdout, std::string_view(buf, n), "write stdout");
    }
    flush_out(stdout, "write stdout");
}

int run(int argc, char** argv) {
    Settings s = parse_args(argc, argv);
    if (s.raw) {
        for (const auto& u : s.urls) fetch_raw(u, s.timeout);
        return 0;
    }
    socklite::HttpClient::Options opts;
    opts.deadline = s.timeout;
    opts.max_redirects = s.max_redirects;
    opts.max_body_size = UINT64_MAX;  // streamed: never held in memory
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
        write_out(stdout, block, "write stdout");
        flush_out(stdout, "write stdout");
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
        flush_out(file ? file : stdout, file ? "write file" : "write stdout");
    }
    if (file && std::fclose(file) != 0)
        throw std::system_error(errno, std::system_category(), "close " + s.output);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return cli::run("http_get", [&] { return run(argc, argv); });
}
