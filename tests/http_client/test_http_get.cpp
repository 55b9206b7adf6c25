// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The http_get example (scenario 4), run as a child process against Python's http.server and
// the scripted server: output format, -o with a progress bar, --raw, several URLs over one
// connection, redirects, and one-line errors with exit status 1.

#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <socklite/listener.hpp>

#include "http_client/scripted.hpp"
#include "http_client/servers.hpp"
#include "support/example_path.hpp"

using namespace socklite_test;

namespace {

struct Run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs http_get with @p args; bounded: a hang fails the test (and the child is killed).
Run http_get(const std::vector<std::string>& args, const TempDir& dir) {
    std::vector<std::string> argv{example_path("http_get")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto err_path = dir.path() / "stderr.txt";
    Child child(argv, true, err_path.string());
    Run r;
    bool finished = child.read_all(r.out, 30s);
    CHECK_MESSAGE(finished, "http_get did not finish within 30 s");
    int st = child.wait(30s);
    REQUIRE_MESSAGE(st != -1, "http_get did not exit");
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.err = read_file(err_path);
    return r;
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

#define REQUIRE_HTTP_GET()                                                    \
    if (example_path("http_get").empty()) {                                   \
        MESSAGE("http_get not built (SOCKLITE_BUILD_EXAMPLES=OFF): skipped"); \
        return;                                                               \
    }

}  // namespace

TEST_CASE("http_get: status line, headers, blank line, body; --help") {
    REQUIRE_HTTP_GET();
    TempDir dir;
    fs::create_directories(dir.path() / "www");
    write_file(dir.path() / "www" / "hello.txt", "Hello, world!");
    PythonServer py(dir.path() / "www");
    auto r = http_get({py.url("/hello.txt")}, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(r.out.find("\r\nContent-Length: 13\r\n") != std::string::npos);
    CHECK(r.out.size() > 17);
    CHECK(r.out.substr(r.out.size() - 17) == "\r\n\r\nHello, world!");

    auto help = http_get({"--help"}, dir);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: http_get") != std::string::npos);
    CHECK(help.out.find("--max-redirects") != std::string::npos);
}

TEST_CASE("http_get: -o FILE writes the body byte-exact with a progress bar on stderr") {
    REQUIRE_HTTP_GET();
    TempDir dir;
    fs::create_directories(dir.path() / "www");
    std::string data = random_bytes(1 << 20, 7);
    write_file(dir.path() / "www" / "big.bin", data);
    PythonServer py(dir.path() / "www");
    auto out = dir.path() / "out.bin";
    auto r = http_get({"-o", out.string(), py.url("/big.bin")}, dir);
    CHECK(r.exit_code == 0);
    CHECK(read_file(out) == data);
    CHECK(r.out.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(r.out.find("\r\n\r\n") == r.out.size() - 4);  // no body on stdout
    CHECK(r.err.find("100%") != std::string::npos);
}

TEST_CASE("http_get: --raw prints the bytes exactly as received") {
    REQUIRE_HTTP_GET();
    const std::string response =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nraw!\r\n0\r\n\r\n";
    ScriptedServer srv([&](ScriptConn& c) {
        c.read_request();
        c.send(response);
        c.close();
    });
    TempDir dir;
    auto r = http_get({"--raw", srv.url("/tutorial")}, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out == response);
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].rfind("GET /tutorial HTTP/1.1\r\n", 0) == 0);
    CHECK(ScriptConn::find_header(reqs[0], "connection") == "close");
}

TEST_CASE("http_get: several URLs in order over one kept-alive connection; chunked decoded") {
    REQUIRE_HTTP_GET();
    ScriptedServer srv([](ScriptConn& c) {
        for (int i = 0;; ++i) {
            std::string req = c.read_request();
            if (req.empty()) return;
            if (i == 0) {
                c.send(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n0\r\n\r\n");
            } else {
                c.send("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo");
            }
        }
    });
    TempDir dir;
    auto r = http_get({srv.url("/1"), srv.url("/2")}, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\none"
          "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo");
    CHECK(srv.connections() == 1);
}

TEST_CASE("http_get: redirects, and --max-redirects 0") {
    REQUIRE_HTTP_GET();
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            if (req.rfind("GET /old ", 0) == 0) {
                c.send("HTTP/1.1 301 Moved\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n");
            } else {
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew");
            }
        }
    });
    TempDir dir;
    auto r = http_get({srv.url("/old")}, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew");
    auto none = http_get({"--max-redirects", "0", srv.url("/old")}, dir);
    CHECK(none.exit_code == 0);
    CHECK(none.out.rfind("HTTP/1.1 301 Moved\r\n", 0) == 0);
}

TEST_CASE("http_get: every failure is one line on stderr and exit status 1") {
    REQUIRE_HTTP_GET();
    TempDir dir;
    std::uint16_t closed_port = pick_free_port();
    ScriptedServer stall([](ScriptConn& c) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
        c.wait_for_close();
    });
    ScriptedServer broken([](ScriptConn& c) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx");
        c.close();
    });
    struct Case {
        std::vector<std::string> args;
        const char* expect;
        const char* or_else = nullptr;  // the other acceptable message, if any
    };
    // https:// fails early without TLS support, or at the connect (to a closed port) with it.
    const std::string closed_https = "https://127.0.0.1:" + std::to_string(closed_port) + "/";
    std::vector<Case> cases = {
        {{"http://127.0.0.1:" + std::to_string(closed_port) + "/"},
         "http_get: connect http://127.0.0.1:"},
        {{"not a url"}, "http_get: parse URL"},
        {{closed_https}, "TLS not enabled", "http_get: connect https://127.0.0.1:"},
        {{"--raw", closed_https}, "TLS not enabled", "http_get: connect 127.0.0.1:"},
        {{"--timeout", "0.3", stall.url("/")}, "timed out"},
        {{"--raw", "--timeout", "0.3", stall.url("/")}, "timed out"},
        {{broken.url("/")}, "Content-Length"},
        {{"--bogus"}, "http_get: bad arguments"},
        {{}, "http_get: bad arguments: no URL"},
        {{"--timeout", "abc", "http://127.0.0.1/"}, "http_get: bad arguments"},
        {{"-o", (dir.path() / "no" / "such" / "dir").string(), stall.url("/")}, "http_get: open"},
    };
    for (const auto& k : cases) {
        std::string expect = k.expect;
        auto r = http_get(k.args, dir);
        CAPTURE(expect);
        CAPTURE(r.err);
        CHECK(r.exit_code == 1);
        CHECK(one_line(r.err));
        CHECK((r.err.find(expect) != std::string::npos ||
               (k.or_else != nullptr && r.err.find(k.or_else) != std::string::npos)));
    }
}

TEST_CASE("http_get: user:password@ in the URL becomes Basic authentication, --raw too") {
    REQUIRE_HTTP_GET();
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string auth = ScriptConn::find_header(req, "authorization");
            c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(auth.size()) +
                   "\r\n\r\n" + auth);
        }
    });
    TempDir dir;
    const std::string url = "http://ann:s%3Acret@" + srv.url("/private").substr(7);
    auto r = http_get({url}, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.substr(r.out.find("\r\n\r\n") + 4) == "Basic YW5uOnM6Y3JldA==");  // ann:s:cret
    auto raw = http_get({"--raw", url}, dir);
    CHECK(raw.exit_code == 0);
    CHECK(raw.out.find("\r\n\r\nBasic YW5uOnM6Y3JldA==") != std::string::npos);
}

TEST_CASE("http_get: --unix-socket PATH sends the request over a Unix-domain socket") {
    REQUIRE_HTTP_GET();
    TempDir dir;
    const std::string path = (dir.path() / "api.sock").string();
    auto listener = socklite::Listener::bind(socklite::Address::unix_path(path));
    std::vector<std::string> requests;
    std::thread server([&] {
        for (int i = 0; i < 2; ++i) {  // one connection per run (normal, then --raw)
            std::error_code ec;
            auto a = listener.accept(30s, ec);
            if (ec) return;
            a.socket.read_timeout(30s);
            std::string req;
            char buf[4096];
            while (req.find("\r\n\r\n") == std::string::npos) {
                std::size_t n = a.socket.recv(buf, sizeof buf, ec);
                if (ec || n == 0) return;
                req.append(buf, n);
            }
            requests.push_back(req);
            a.socket.send_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                              ec);
        }
    });
    auto r = http_get({"--unix-socket", path, "http://localhost/v1.43/info"}, dir);
    auto raw = http_get({"--raw", "--unix-socket", path, "http://localhost/_ping"}, dir);
    server.join();
    CHECK(r.exit_code == 0);
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    CHECK(raw.exit_code == 0);
    CHECK(raw.out == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].rfind("GET /v1.43/info HTTP/1.1\r\n", 0) == 0);
    CHECK(ScriptConn::find_header(requests[0], "host") == "localhost");
    CHECK(requests[1].rfind("GET /_ping HTTP/1.1\r\n", 0) == 0);
}
