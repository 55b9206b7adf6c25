// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// http::static_files through HttpServer::serve_dir over real sockets: files byte-exact, MIME
// types, index.html, 304, ranges, and the path policy (traversal in every spelling, symlinks).

#include <socklite/http/server.hpp>
#include <socklite/http/static_files.hpp>

#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;

namespace {

const std::string host = "Host: a\r\n";

Response get(RawClient& cli, const std::string& target, const std::string& extra = "",
             const char* method = "GET") {
    cli.send(std::string(method) + " " + target + " HTTP/1.1\r\n" + host + extra + "\r\n");
    return cli.read_response(method);
}

}  // namespace

TEST_CASE("static files: helpers") {
    CHECK(socklite::http::mime_type("a/b.HTML") == "text/html; charset=utf-8");
    CHECK(socklite::http::mime_type("x.png") == "image/png");
    CHECK(socklite::http::mime_type("x.d/noext") == "application/octet-stream");
    CHECK(socklite::http::format_http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
    std::time_t t = 0;
    CHECK(socklite::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", t));
    CHECK(t == 784111777);
    CHECK(!socklite::http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", t));
    std::string rel;
    CHECK(socklite::http::detail::safe_relative_path("a/b%20c", rel));
    CHECK(rel == "a/b c");
    for (const char* bad : {"..", "a/../b", "%2e%2e", "a/%2E%2E/b", ".", "a%2fb", "a%5cb", "a\\b",
                            "a%00b", "a//b", "/etc", "%zz"}) {
        CAPTURE(bad);
        CHECK(!socklite::http::detail::safe_relative_path(bad, rel));
    }
}

TEST_CASE("static files: served byte-exact, index.html, 304, ranges, HEAD, 405") {
    FdLeakGuard leaks;
    TempDir dir;
    fs::create_directories(dir.path() / "root" / "sub");
    std::string data = random_bytes(300000);
    write_file(dir.path() / "root" / "data.bin", data);
    write_file(dir.path() / "root" / "sub" / "index.html", "<p>index</p>");
    write_file(dir.path() / "root" / "style.css", "p{}");
    HttpServer server;
    server.serve_dir("/files/", (dir.path() / "root").string());
    RunningServer run(server);
    RawClient cli(run.port());

    Response r = get(cli, "/files/data.bin");
    CHECK(r.status == 200);
    CHECK(r.body == data);
    CHECK(r.headers.get("Content-Type") == "application/octet-stream");
    CHECK(r.headers.get("Accept-Ranges") == "bytes");
    std::string etag(r.headers.get("ETag"));
    std::string modified(r.headers.get("Last-Modified"));
    CHECK(etag.rfind("W/\"", 0) == 0);

    r = get(cli, "/files/style.css");
    CHECK(r.headers.get("Content-Type") == "text/css; charset=utf-8");
    CHECK(get(cli, "/files/sub/").body == "<p>index</p>");
    CHECK(get(cli, "/files/sub").body == "<p>index</p>");
    CHECK(get(cli, "/files/").status == 404);  // no index.html at the top
    CHECK(get(cli, "/files/missing").status == 404);

    r = get(cli, "/files/data.bin", "If-None-Match: " + etag + "\r\n");
    CHECK(r.status == 304);
    CHECK(r.body.empty());
    CHECK(get(cli, "/files/data.bin", "If-Modified-Since: " + modified + "\r\n").status == 304);
    CHECK(get(cli, "/files/data.bin",
              "If-None-Match: \"other\"\r\nIf-Modified-Since: " + modified + "\r\n")
              .status == 200);  // INM wins

    r = get(cli, "/files/data.bin", "Range: bytes=10-19\r\n");
    CHECK(r.status == 206);
    CHECK(r.body == data.substr(10, 10));
    CHECK(r.headers.get("Content-Range") == "bytes 10-19/300000");
    r = get(cli, "/files/data.bin", "Range: bytes=-5\r\n");
    CHECK(r.body == data.substr(data.size() - 5));
    r = get(cli, "/files/data.bin", "Range: bytes=299990-\r\n");
    CHECK(r.body == data.substr(299990));
    r = get(cli, "/files/data.bin", "Range: bytes=300000-\r\n");
    CHECK(r.status == 416);
    CHECK(r.headers.get("Content-Range") == "bytes */300000");
    CHECK(get(cli, "/files/data.bin", "Range: bytes=0-1,5-6\r\n").status == 200);
    CHECK(get(cli, "/files/data.bin", "Range: bytes=0-1\r\nIf-Range: \"old\"\r\n").status == 200);

    r = get(cli, "/files/data.bin", "", "HEAD");
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Length") == "300000");
    CHECK(r.body.empty());

    cli.send("DELETE /files/data.bin HTTP/1.1\r\n" + host + "\r\n");
    r = cli.read_response();
    CHECK(r.status == 405);
    CHECK(r.headers.get("Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE("static files: never a byte from outside the root") {
    FdLeakGuard leaks;
    TempDir dir;
    fs::create_directories(dir.path() / "root" / "in");
    write_file(dir.path() / "secret.txt", "secret");
    write_file(dir.path() / "root" / "in" / "ok.txt", "ok");
    fs::create_symlink(dir.path() / "secret.txt", dir.path() / "root" / "leak.txt");
    fs::create_directory_symlink(dir.path(), dir.path() / "root" / "up");
    fs::create_symlink(dir.path() / "root" / "in" / "ok.txt", dir.path() / "root" / "alias.txt");
    HttpServer server;
    server.serve_dir("/", (dir.path() / "root").string());
    RunningServer run(server);
    RawClient cli(run.port());
    CHECK(get(cli, "/in/ok.txt").body == "ok");
    CHECK(get(cli, "/alias.txt").body == "ok");  // a link that stays inside is followed
    for (const char* target : {"/leak.txt", "/up/secret.txt", "/in/%2e%2e/%2e%2e/secret.txt",
                               "/in/%2E%2E%2F%2E%2E%2Fsecret.txt", "/in/..%5c..%5csecret.txt",
                               "/in/ok.txt%00", "//secret.txt", "/in//ok.txt"}) {
        CAPTURE(target);
        Response r = get(cli, target);
        CHECK(r.status == 404);
        CHECK(r.body.find("secret") == std::string::npos);
    }
    // A raw ".." segment is a valid target: still refused.
    Response r = get(cli, "/in/../../secret.txt");
    CHECK(r.status == 404);
}
