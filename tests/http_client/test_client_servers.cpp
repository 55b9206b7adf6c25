// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// HttpClient against real servers started on loopback: nginx (keep-alive, large static files
// compared byte-exact, chunked responses through SSI and the echo module, redirects) and
// Python's http.server (HTTP/1.0, one connection per request).

#include <doctest/doctest.h>

#include <string>

#include <socklite/http/client.hpp>

#include "http_client/servers.hpp"
#include "support/fd_count.hpp"

using socklite::HttpClient;
using namespace socklite_test;

namespace {

// One nginx for the whole program: starting it costs more than the tests.
struct NginxFixture {
    TempDir dir;
    std::string small = "Hello, world!";
    std::string one_mib = random_bytes(1 << 20, 1);
    std::string five_mib = random_bytes(5 << 20, 5);
    std::unique_ptr<NginxServer> nginx;

    NginxFixture() {
        fs::create_directories(dir.path() / "www" / "sub");
        fs::create_directories(dir.path() / "nginx");
        write_file(dir.path() / "www" / "hello.txt", small);
        write_file(dir.path() / "www" / "1m.bin", one_mib);
        write_file(dir.path() / "www" / "5m.bin", five_mib);
        write_file(dir.path() / "www" / "sub" / "index.html", "<p>index</p>");
        nginx = std::make_unique<NginxServer>(dir.path() / "www", dir.path() / "nginx");
    }
};

NginxFixture& nginx() {
    static NginxFixture f;
    return f;
}

HttpClient::Options opts() {
    HttpClient::Options o;
    o.read_timeout = std::chrono::seconds(20);
    o.max_body_size = 64u << 20;
    return o;
}

}  // namespace

TEST_CASE("nginx: keep-alive GETs of small and large files, byte-exact, on one connection") {
    auto& f = nginx();
    FdLeakGuard guard;
    HttpClient cli(f.nginx->url(), opts());
    for (int i = 0; i < 20; ++i) {
        auto res = cli.get("/hello.txt");
        REQUIRE(res.status == 200);
        CHECK(res.body == f.small);
        CHECK(res.headers.get("content-length") == "13");
    }
    auto big = cli.get("/1m.bin");
    CHECK(big.status == 200);
    CHECK(big.body.size() == f.one_mib.size());
    CHECK(big.body == f.one_mib);
    auto bigger = cli.get("/5m.bin");
    CHECK(bigger.body == f.five_mib);
    CHECK(cli.get("/hello.txt").body == f.small);
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("nginx: streaming a 5 MiB file with progress") {
    auto& f = nginx();
    HttpClient cli(f.nginx->url(), opts());
    std::string got;
    std::uint64_t last = 0;
    std::optional<std::uint64_t> total;
    int calls = 0;
    HttpClient::Handlers h;
    h.on_body = [&](std::string_view d) {
        got.append(d.data(), d.size());
        return true;
    };
    h.on_progress = [&](std::uint64_t n, std::optional<std::uint64_t> t) {
        CHECK(n >= last);
        last = n;
        total = t;
        ++calls;
    };
    socklite::http::Request req;
    req.target = "/5m.bin";
    auto res = cli.request(req, h);
    CHECK(res.status == 200);
    CHECK(res.body.empty());
    CHECK(got == f.five_mib);
    CHECK(last == f.five_mib.size());
    CHECK(total == f.five_mib.size());
    CHECK(calls >= 2);
}

TEST_CASE("nginx: chunked responses (SSI, echo module) decoded byte-exact") {
    auto& f = nginx();
    HttpClient cli(f.nginx->url(), opts());
    auto res = cli.get("/chunked/1m.bin");
    CHECK(res.status == 200);
    CHECK(res.headers.get("transfer-encoding") == "chunked");
    CHECK(res.body == f.one_mib);
    CHECK(cli.get("/chunked/hello.txt").body == f.small);
    if (NginxServer::have_echo()) {
        auto echo = cli.get("/echo");
        CHECK(echo.body == "chunk one\nchunk two\n");
    }
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("nginx: redirects, HEAD, 404, Connection: close") {
    auto& f = nginx();
    HttpClient cli(f.nginx->url(), opts());
    auto res = cli.get("/redirect");
    CHECK(res.status == 200);
    CHECK(res.body == f.small);
    CHECK(cli.get("/found").body == f.small);
    auto dir = cli.get("/sub");  // nginx answers 301 to /sub/
    CHECK(dir.status == 200);
    CHECK(dir.body == "<p>index</p>");
    auto head = cli.head("/1m.bin");
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.headers.get("content-length") == "1048576");
    auto missing = cli.get("/missing");
    CHECK(missing.status == 404);
    CHECK(!missing.body.empty());
    CHECK(cli.connections_opened() == 1);
    auto closing = cli.get("/close");
    CHECK(closing.body == f.small);
    CHECK(closing.headers.get("connection") == "close");
    CHECK(cli.idle_connections() == 0);
    CHECK(cli.get("/hello.txt").body == f.small);
    CHECK(cli.connections_opened() == 2);
}

TEST_CASE("nginx: a restarted server: the pooled connection is stale, GET retries once") {
    TempDir dir;
    fs::create_directories(dir.path() / "www");
    fs::create_directories(dir.path() / "nginx");
    write_file(dir.path() / "www" / "hello.txt", "again");
    auto server = std::make_unique<NginxServer>(dir.path() / "www", dir.path() / "nginx");
    std::string url = server->url();
    HttpClient cli(url, opts());
    CHECK(cli.get("/hello.txt").body == "again");
    server.reset();  // nginx stopped: its end of our pooled connection is closed
    std::error_code ec;
    cli.get("/hello.txt", ec);
    CHECK(ec == std::errc::connection_refused);  // the retry found nobody listening
    CHECK(cli.idle_connections() == 0);
}

TEST_CASE("python http.server: HTTP/1.0, a new connection per request, byte-exact") {
    TempDir dir;
    fs::create_directories(dir.path() / "www");
    std::string data = random_bytes(300000, 3);
    write_file(dir.path() / "www" / "data.bin", data);
    write_file(dir.path() / "www" / "hello.txt", "Hello, world!");
    PythonServer py(dir.path() / "www");
    FdLeakGuard guard;
    HttpClient cli(py.url(), opts());
    auto res = cli.get("/hello.txt");
    CHECK(res.status == 200);
    CHECK(res.version == 10);
    CHECK(res.body == "Hello, world!");
    CHECK(cli.idle_connections() == 0);
    CHECK(cli.get("/data.bin").body == data);
    auto listing = cli.get("/");
    CHECK(listing.status == 200);
    CHECK(listing.body.find("data.bin") != std::string::npos);
    CHECK(cli.get("/nope").status == 404);
    CHECK(cli.connections_opened() == 4);
}
