// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The example clients over TLS, run as child processes: http_get (--cacert, -k/--insecure and
// its warning, --raw, the one-line error of a failed verification) against nginx, and ws_cat
// with --cacert against Python's websockets over wss://.

#include <doctest/doctest.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "examples/child_process.hpp"
#include "support/example_path.hpp"
#include "tls/tls_servers.hpp"

using namespace tls_test;
using examples_test::patience;

namespace {

struct Fixture {
    Pki pki;
    TempDir dir;
    std::unique_ptr<TlsNginx> nginx;
    Fixture() {
        fs::create_directories(dir.path() / "www");
        fs::create_directories(dir.path() / "nginx");
        write_file(dir.path() / "www" / "hello.txt", "Hello, world!");
        nginx = std::make_unique<TlsNginx>(pki, dir.path() / "www", dir.path() / "nginx");
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

struct Run {
    int code = -1;
    std::string out, err;
    int exit_code() const { return code; }
};

// Runs @p program with @p args to its end (bounded; a hang fails the test).
Run run(const std::string& program, const std::vector<std::string>& args) {
    examples_test::Child c(socklite_test::example_path(program), args);
    c.close_stdin();
    CHECK_MESSAGE(c.wait_exit(patience), program << " did not finish");
    return Run{c.exit_code(), c.out(), c.err()};
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

TEST_CASE("http_get https://: --cacert verifies, without it the error is one line") {
    auto& f = fixture();
    const std::string url = f.nginx->url("localhost", "/hello.txt");
    {
        auto c = run("http_get", {"--cacert", f.pki.ca(), url});
        CHECK(c.exit_code() == 0);
        CHECK(c.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
        CHECK(c.out.find("\r\n\r\nHello, world!") != std::string::npos);
        CHECK(c.err.empty());
    }
    {
        auto c = run("http_get", {"--raw", "--cacert=" + f.pki.ca(), url});
        CHECK(c.exit_code() == 0);
        CHECK(c.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
        CHECK(c.out.find("Hello, world!") != std::string::npos);
    }
    {
        auto c = run("http_get", {url});  // the system store does not know the test CA
        CHECK(c.exit_code() == 1);
        CHECK(c.out.empty());
        CHECK(one_line(c.err));
        CHECK(c.err.rfind("http_get: tls handshake " + url + ": ", 0) == 0);
        CHECK(c.err.find("certificate verify failed: self-signed certificate in certificate "
                         "chain") != std::string::npos);
    }
    {
        auto c = run("http_get", {"--cacert", f.pki.ca(), f.nginx->url("expired", "/")});
        CHECK(c.exit_code() == 1);
        CHECK(one_line(c.err));
        CHECK(c.err.find("certificate has expired") != std::string::npos);
    }
}

TEST_CASE("http_get https://: -k and --insecure accept any certificate, with a warning") {
    auto& f = fixture();
    for (const char* flag : {"-k", "--insecure"}) {
        for (const auto& leaf : leaf_names()) {
            INFO(std::string(flag) << " " << leaf);
            auto c = run("http_get", {flag, f.nginx->url(leaf, "/hello.txt")});
            CHECK(c.exit_code() == 0);
            CHECK(c.out.find("\r\n\r\nHello, world!") != std::string::npos);
            CHECK(c.err.find("warning") != std::string::npos);
            CHECK(c.err.find("not verified") != std::string::npos);
        }
    }
}

TEST_CASE("ws_cat wss://: --cacert, lines out and echoes in, a clean close") {
    if (::access("/usr/lib/python3/dist-packages/websockets", F_OK) != 0) {
        MESSAGE("needs python3-websockets: skipped");
        return;
    }
    auto& f = fixture();
    examples_test::Child peer(
        "/usr/bin/python3",
        {source_dir() + "/wss_server.py", f.pki.cert("localhost"), f.pki.key("localhost")});
    const std::uint16_t port = peer.listening_port();
    REQUIRE(port != 0);
    const std::string url = "wss://localhost:" + std::to_string(port) + "/echo";
    {
        examples_test::Child cat(socklite_test::example_path("ws_cat"),
                                 {"--cacert", f.pki.ca(), url});
        std::string expected;
        for (int i = 0; i < 20; ++i) {
            std::string line = "line " + std::to_string(i) + " " + std::string(i * 500, 'x');
            cat.write(line + "\n");
            expected += line + "\n";
        }
        CHECK(examples_test::Child::pump_until(
            {&cat}, patience, [&] { return cat.out().size() >= expected.size(); }));
        CHECK(cat.out() == expected);
        cat.close_stdin();
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 0);
        CHECK(cat.err().empty());
    }
    {
        examples_test::Child cat(socklite_test::example_path("ws_cat"),
                                 {url});  // without the CA: refused
        cat.close_stdin();
        REQUIRE(cat.wait_exit());
        CHECK(cat.exit_code() == 1);
        CHECK(one_line(cat.err()));
        CHECK(cat.err().find("certificate verify failed") != std::string::npos);
    }
    peer.close_stdin();
    peer.wait_exit(std::chrono::seconds(10));
}
