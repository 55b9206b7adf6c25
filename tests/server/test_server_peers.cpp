// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer against clients nobody here wrote: curl (keep-alive over several URLs, HTTP/1.0,
// HEAD, POST with Expect: 100-continue) and Python's http.client; and our own HttpClient.

#include <socklite/http/client.hpp>
#include <socklite/http/server.hpp>

#include <string>
#include <vector>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/run_tool.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

void routes(HttpServer& server) {
    server.get("/hello", [](const ServerRequest&, Response& res) {
        res.headers.add("Content-Type", "text/plain");
        res.body = "hello, world!";
    });
    server.route("POST", "/echo",
                 [](const ServerRequest& req, Response& res) { res.body = req.body; });
    server.route("PUT", "/echo",
                 [](const ServerRequest& req, Response& res) { res.body = req.body; });
}

}  // namespace

TEST_CASE("server peers: curl, keep-alive over several URLs, HTTP/1.0, HEAD") {
    if (!have_tool("/usr/bin/curl")) return;
    FdLeakGuard leaks;
    HttpServer server;
    routes(server);
    RunningServer run(server);
    std::string base = "http://127.0.0.1:" + std::to_string(run.port());
    // -w prints how many new connections each transfer opened: 1, then 0 (reused).
    std::string out =
        run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "-w", " [%{num_connects}]\n",
                  base + "/hello", base + "/hello", base + "/hello"});
    CHECK(out == "hello, world! [1]\nhello, world! [0]\nhello, world! [0]\n");
    out = run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "--http1.0", base + "/hello"});
    CHECK(out == "hello, world!");
    out = run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "-I", base + "/hello"});
    CHECK(out.find("HTTP/1.1 200 OK\r\n") == 0);
    CHECK(out.find("Content-Length: 13\r\n") != std::string::npos);
    out = run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "-o", "/dev/null", "-w",
                    "%{http_code}", base + "/missing"});
    CHECK(out == "404");
}

TEST_CASE("server peers: curl POST of 2 MiB with Expect: 100-continue") {
    if (!have_tool("/usr/bin/curl")) return;
    FdLeakGuard leaks;
    TempDir dir;
    std::string data = random_bytes(2 * 1024 * 1024);
    write_file(dir.path() / "in", data);
    HttpServer::Options o;
    o.max_body_size = 4 * 1024 * 1024;
    HttpServer server(o);
    routes(server);
    RunningServer run(server);
    std::string base = "http://127.0.0.1:" + std::to_string(run.port());
    run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "-H", "Expect: 100-continue",
              "--expect100-timeout", "30", "--data-binary", "@" + (dir.path() / "in").string(),
              "-o", (dir.path() / "out").string(), base + "/echo"});
    CHECK(read_file(dir.path() / "out") == data);
    // Too large: refused with 413 before the body is sent.
    std::string big = random_bytes(5 * 1024 * 1024);
    write_file(dir.path() / "big", big);
    std::string code =
        run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "-H", "Expect: 100-continue",
                  "--expect100-timeout", "30", "--data-binary", "@" + (dir.path() / "big").string(),
                  "-o", "/dev/null", "-w", "%{http_code}", base + "/echo"});
    CHECK(code == "413");
}

TEST_CASE("server peers: Python http.client over one kept-alive connection") {
    if (!have_tool("/usr/bin/python3")) return;
    FdLeakGuard leaks;
    HttpServer server;
    routes(server);
    RunningServer run(server);
    const char* script =
        "import http.client, sys\n"
        "c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=30)\n"
        "c.request('GET', '/hello'); r = c.getresponse(); b = r.read()\n"
        "print(r.status, r.getheader('Content-Type'), b.decode())\n"
        "sock = c.sock\n"
        "c.request('POST', '/echo', body=b'x' * 100000); r = c.getresponse(); b = r.read()\n"
        "print(r.status, len(b), c.sock is sock)\n"
        "c.request('HEAD', '/hello'); r = c.getresponse(); b = r.read()\n"
        "print(r.status, r.getheader('Content-Length'), len(b))\n"
        "c.request('DELETE', '/hello'); r = c.getresponse(); r.read()\n"
        "print(r.status, r.getheader('Allow'))\n";
    std::string out = run_tool({"/usr/bin/python3", "-c", script, std::to_string(run.port())});
    CHECK(out ==
          "200 text/plain hello, world!\n"
          "200 100000 True\n"
          "200 13 0\n"
          "405 GET, HEAD, OPTIONS\n");
}

TEST_CASE("server peers: our own HttpClient") {
    FdLeakGuard leaks;
    HttpServer server;
    routes(server);
    RunningServer run(server);
    socklite::HttpClient client("http://127.0.0.1:" + std::to_string(run.port()));
    for (int i = 0; i < 5; ++i) {
        auto r = client.get("/hello");
        CHECK(r.status == 200);
        CHECK(r.body == "hello, world!");
    }
}
