// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// ServerOptions::gzip (zlib): which answers are compressed (types, sizes, statuses, HEAD,
// Accept-Encoding weights, the handler's own Content-Encoding), Vary and weak ETags; the output
// decoded by curl --compressed, by Python's gzip module and by our own HttpClient, byte-exact.

#include <socklite/http/client.hpp>
#include <socklite/http/content_coding.hpp>
#include <socklite/http/server.hpp>

#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/run_tool.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;
namespace http = socklite::http;

namespace {

std::string page() {
    std::string s = "<!doctype html>\n<ul>\n";
    for (int i = 0; s.size() < 300000; ++i) s += "  <li>item " + std::to_string(i) + "</li>\n";
    return s + "</ul>\n";
}

HttpServer::Options gzipping() {
    HttpServer::Options o;
    o.gzip = true;
    o.gzip_min_size = 100;
    return o;
}

void routes(HttpServer& server, const std::string& body) {
    auto typed = [&server, body](const char* path, const char* type, std::string content) {
        server.get(path, [type, content](const ServerRequest&, Response& res) {
            res.headers.add("Content-Type", type);
            res.body = content;
        });
    };
    typed("/page", "text/html; charset=utf-8", body);
    typed("/json", "application/json", body);
    typed("/png", "image/png", body);
    typed("/small", "text/plain", "short text");
    typed("/untyped", "", body);
    server.get("/own", [body](const ServerRequest&, Response& res) {
        res.headers.add("Content-Type", "text/plain");
        res.headers.add("Content-Encoding", "identity");
        res.body = body;
    });
    server.get("/etag", [body](const ServerRequest&, Response& res) {
        res.headers.add("Content-Type", "text/plain");
        res.headers.add("ETag", "\"v1\"");
        res.headers.add("Vary", "Origin");
        res.body = body;
    });
    server.get("/partial", [body](const ServerRequest&, Response& res) {
        res.status = 206;
        res.headers.add("Content-Type", "text/plain");
        res.headers.add("Content-Range", "bytes 0-999/" + std::to_string(body.size()));
        res.body = body.substr(0, 1000);
    });
}

std::string inflate(const std::string& gz) {
    http::Inflater inf(http::ContentCoding::gzip);
    std::string out;
    std::error_code ec;
    auto sink = [&](std::string_view d) {
        out.append(d.data(), d.size());
        return true;
    };
    REQUIRE(inf.write(gz, sink, ec));
    REQUIRE(inf.finish(ec));
    return out;
}

// One GET (or HEAD) with @p accept as Accept-Encoding (none when empty).
Response fetch(RawClient& c, const std::string& path, const std::string& accept,
               const char* method = "GET") {
    std::string req = std::string(method) + " " + path + " HTTP/1.1\r\nHost: x\r\n";
    if (!accept.empty()) req += "Accept-Encoding: " + accept + "\r\n";
    c.send(req + "\r\n");
    return c.read_response(method);
}

}  // namespace

TEST_CASE("server gzip: text answers compressed when accepted, with Vary; the rest as they are") {
    FdLeakGuard guard;
    const std::string body = page();
    HttpServer server(gzipping());
    routes(server, body);
    RunningServer running(server);
    RawClient c(running.port());

    Response r = fetch(c, "/page", "gzip, deflate, br");
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Encoding") == "gzip");
    CHECK(r.headers.get("Vary") == "Accept-Encoding");
    CHECK(r.headers.get("Content-Length") == std::to_string(r.body.size()));
    CHECK(r.body.size() < body.size() / 4);
    CHECK(inflate(r.body) == body);

    r = fetch(c, "/json", "*");
    CHECK(r.headers.get("Content-Encoding") == "gzip");
    CHECK(inflate(r.body) == body);

    for (const char* refuse : {"", "identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0, *"}) {
        CAPTURE(refuse);
        r = fetch(c, "/page", refuse);
        CHECK_FALSE(r.headers.contains("Content-Encoding"));
        CHECK(r.headers.get("Vary") == "Accept-Encoding");  // the answer depends on the field
        CHECK(r.body == body);
    }
    for (const char* path : {"/png", "/small", "/untyped", "/partial"}) {
        CAPTURE(path);
        r = fetch(c, path, "gzip");
        CHECK_FALSE(r.headers.contains("Content-Encoding"));
        CHECK_FALSE(r.headers.contains("Vary"));
    }
    r = fetch(c, "/own", "gzip");
    CHECK(r.headers.get("Content-Encoding") == "identity");
    CHECK(r.body == body);

    r = fetch(c, "/etag", "gzip");
    CHECK(r.headers.get("Content-Encoding") == "gzip");
    CHECK(r.headers.get("ETag") == "W/\"v1\"");
    CHECK(r.headers.joined("Vary") == "Origin, Accept-Encoding");
    r = fetch(c, "/etag", "");
    CHECK(r.headers.get("ETag") == "\"v1\"");

    // HEAD: the head of the uncompressed answer (its length), no body.
    r = fetch(c, "/page", "gzip", "HEAD");
    CHECK_FALSE(r.headers.contains("Content-Encoding"));
    CHECK(r.headers.get("Vary") == "Accept-Encoding");
    CHECK(r.headers.get("Content-Length") == std::to_string(body.size()));
    CHECK(r.body.empty());
    // Still in step on the same connection.
    r = fetch(c, "/small", "gzip");
    CHECK(r.body == "short text");
}

TEST_CASE("server gzip: off by default, nothing changes") {
    FdLeakGuard guard;
    const std::string body = page();
    HttpServer server;
    routes(server, body);
    RunningServer running(server);
    RawClient c(running.port());
    Response r = fetch(c, "/page", "gzip");
    CHECK_FALSE(r.headers.contains("Content-Encoding"));
    CHECK_FALSE(r.headers.contains("Vary"));
    CHECK(r.body == body);
}

TEST_CASE("server gzip: curl --compressed, Python's gzip and HttpClient decode it byte-exact") {
    FdLeakGuard guard;
    TempDir dir;
    const std::string body = page();
    HttpServer server(gzipping());
    routes(server, body);
    RunningServer running(server);
    const std::string url = "http://127.0.0.1:" + std::to_string(running.port()) + "/page";

    if (have_tool("/usr/bin/curl")) {
        const std::string out = dir.path("curl.out");
        std::string head = run_tool({"/usr/bin/curl", "-sS", "--max-time", "30", "--compressed",
                                     "-D", "-", "-o", out, url});
        CHECK(head.find("Content-Encoding: gzip") != std::string::npos);
        CHECK(read_file(out) == body);
    } else {
        MESSAGE("curl not installed: skipped");
    }

    // Python: the raw gzip bytes through urllib (which does not decode), then gzip.decompress;
    // the SHA-256 of both sides compared by Python.
    write_file(dir.path() / "original.html", body);
    const std::string script =
        "import gzip, hashlib, sys, urllib.request\n"
        "req = urllib.request.Request(sys.argv[1], headers={'Accept-Encoding': 'gzip'})\n"
        "with urllib.request.urlopen(req, timeout=30) as r:\n"
        "    assert r.headers['Content-Encoding'] == 'gzip', r.headers\n"
        "    data = gzip.decompress(r.read())\n"
        "want = open(sys.argv[2], 'rb').read()\n"
        "print(hashlib.sha256(data).hexdigest() == hashlib.sha256(want).hexdigest(), len(data))\n";
    write_file(dir.path() / "check.py", script);
    std::string said =
        run_tool({"/usr/bin/python3", dir.path("check.py"), url, dir.path("original.html")});
    CHECK(said == "True " + std::to_string(body.size()) + "\n");

    socklite::HttpClient::Options o;
    o.decompress = true;
    socklite::HttpClient cli(o);
    for (int i = 0; i < 3; ++i) {
        auto res = cli.get(url);
        CHECK(res.decoded);
        CHECK(res.body == body);
    }
    CHECK(cli.connections_opened() == 1);
}
