// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// HttpClientOptions::decompress (zlib): against a scripted server (exact bytes: gzip, deflate,
// chunked, truncated, a decompression bomb, codings passed through), a Python server that sends
// gzip, zlib-format and raw deflate and several gzip members, and nginx with `gzip on`; and
// http_get --compressed.

#include "support/doctest_ext.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <socklite/http/client.hpp>
#include <socklite/http/content_coding.hpp>

#include "http_client/scripted.hpp"
#include "http_client/servers.hpp"
#include "support/deflate.hpp"
#include "support/example_path.hpp"
#include "support/fd_count.hpp"

using socklite::HttpClient;
using namespace socklite_test;
namespace http = socklite::http;

namespace {

HttpClient::Options decoding() {
    HttpClient::Options o;
    o.connect_timeout = 10s;
    o.read_timeout = 10s;
    o.decompress = true;
    return o;
}

std::string text(std::size_t n) {
    std::string s;
    for (int i = 0; s.size() < n; ++i) s += "line " + std::to_string(i) + " of some text\n";
    s.resize(n);
    return s;
}

std::string with_length(const std::string& coding, const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: " + coding +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunked(const std::string& coding, const std::string& body, std::size_t piece) {
    std::string out =
        "HTTP/1.1 200 OK\r\nContent-Encoding: " + coding + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[32];
    for (std::size_t at = 0; at < body.size(); at += piece) {
        std::string part = body.substr(at, piece);
        std::snprintf(size, sizeof size, "%zx\r\n", part.size());
        out += size + part + "\r\n";
    }
    return out + "0\r\n\r\n";
}

// Serves the given responses in order on one connection, recording the requests.
ScriptedServer::Script serve(std::vector<std::string> answers) {
    return [answers](ScriptConn& c) {
        for (const auto& a : answers) {
            if (c.read_request().empty()) return;
            c.send(a);
        }
        c.wait_for_close();
    };
}

}  // namespace

TEST_CASE(
    "client gzip: asks for gzip and deflate, decodes, keeps the field, reuses the connection") {
    FdLeakGuard guard;
    const std::string body = text(100000);
    ScriptedServer srv(serve(
        {with_length("gzip", http::gzip(body)), with_length("deflate", zlib_deflate(body, 15)),
         with_length("deflate", zlib_deflate(body, -15)),
         with_length("x-gzip", http::gzip("small")), chunked("gzip", http::gzip(body), 1000)}));
    HttpClient cli(srv.url(), decoding());
    for (int i = 0; i < 4; ++i) {
        CAPTURE(i);
        auto res = cli.get("/a");
        CHECK(res.status == 200);
        CHECK(res.decoded);
        CHECK(res.body == (i == 3 ? std::string("small") : body));
        CHECK(!res.headers.get("Content-Encoding").empty());
        CHECK(!res.headers.get("Content-Length").empty());  // as received
    }
    // Chunked and streamed: the callback gets the decoded bytes.
    std::string streamed;
    std::uint64_t last_received = 0;
    HttpClient::Handlers h;
    h.on_body = [&](std::string_view d) {
        streamed.append(d.data(), d.size());
        return true;
    };
    h.on_progress = [&](std::uint64_t n, std::optional<std::uint64_t>) { last_received = n; };
    http::Request req;
    req.target = "/b";
    auto res = cli.request(req, h);
    CHECK(res.decoded);
    CHECK(res.body.empty());
    CHECK(streamed == body);
    CHECK(last_received == http::gzip(body).size());  // progress counts the bytes received
    CHECK(cli.connections_opened() == 1);
    cli.close_idle();
    srv.stop();
    for (const auto& r : srv.requests())
        CHECK(ScriptConn::find_header(r, "accept-encoding") == "gzip, deflate");
}

TEST_CASE(
    "client gzip: off by default, the caller's Accept-Encoding, other codings passed through") {
    FdLeakGuard guard;
    const std::string gz = http::gzip("hello");
    ScriptedServer off_srv(serve({with_length("gzip", gz)}));
    HttpClient::Options plain = decoding();
    plain.decompress = false;
    HttpClient off(off_srv.url(), plain);
    auto res = off.get("/off");
    CHECK(res.body == gz);
    CHECK_FALSE(res.decoded);
    off.close_idle();
    off_srv.stop();
    REQUIRE(off_srv.requests().size() == 1);
    CHECK(ScriptConn::find_header(off_srv.requests()[0], "accept-encoding").empty());

    ScriptedServer srv(serve({with_length("br", "not brotli"), with_length("gzip, br", "stacked"),
                              with_length("gzip", gz)}));
    HttpClient on(srv.url(), decoding());
    res = on.get("/br");
    CHECK(res.body == "not brotli");
    CHECK_FALSE(res.decoded);
    res = on.get("/stacked");
    CHECK(res.body == "stacked");
    CHECK_FALSE(res.decoded);
    res = on.get("/mine", http::Headers{{"Accept-Encoding", "gzip"}});
    CHECK(res.body == "hello");
    on.close_idle();
    srv.stop();
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(ScriptConn::find_header(reqs[0], "accept-encoding") == "gzip, deflate");
    CHECK(ScriptConn::find_header(reqs[2], "accept-encoding") == "gzip");
}

TEST_CASE("client gzip: HEAD and 304 answers naming gzip have no body to decode") {
    FdLeakGuard guard;
    ScriptedServer srv(
        serve({"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
               "1234\r\n\r\n",
               "HTTP/1.1 304 Not Modified\r\nContent-Encoding: gzip\r\n\r\n"}));
    HttpClient cli(srv.url(), decoding());
    auto res = cli.head("/h");
    CHECK(res.status == 200);
    CHECK(res.body.empty());
    CHECK_FALSE(res.decoded);
    res = cli.get("/n");
    CHECK(res.status == 304);
    CHECK(res.body.empty());
    cli.close_idle();
}

TEST_CASE("client gzip: corrupt and truncated bodies are errors naming the step") {
    FdLeakGuard guard;
    std::string gz = http::gzip(text(5000));
    std::string bad = gz;
    bad[bad.size() - 5] ^= 1;  // the CRC
    ScriptedServer srv([&](ScriptConn& c) {
        c.read_request();
        if (c.index() == 0) c.send(with_length("gzip", gz.substr(0, gz.size() - 3)));
        if (c.index() == 1) c.send(with_length("gzip", bad));
        if (c.index() == 2) c.send(with_length("gzip", gz + "tail"));
        c.wait_for_close();
    });
    HttpClient cli(srv.url(), decoding());
    std::error_code ec;
    auto res = cli.get("/truncated", ec);
    CHECK(ec == http::errc::truncated_content_encoding);
    CHECK(res.status == 0);
    res = cli.get("/corrupt", ec);
    CHECK(ec == http::errc::bad_content_encoding);
    try {
        cli.get("/trailing");
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        CHECK(e.code() == http::errc::bad_content_encoding);
        CHECK(std::string(e.what()).find("decode response http://127.0.0.1:") == 0);
    }
}

TEST_CASE("client gzip: a decompression bomb stops at max_body_size, decoded") {
    FdLeakGuard guard;
    // 256 MiB of zeros is about 256 KiB of gzip (made in pieces): a ratio of 1000.
    std::string bomb;
    {
        http::GzipEncoder enc(9);
        const std::string zeros(1u << 20, '\0');
        for (int i = 0; i < 256; ++i) enc.write(zeros, bomb);
        enc.finish(bomb);
    }
    REQUIRE(bomb.size() < 1u << 20);
    ScriptedServer srv([&](ScriptConn& c) {
        c.read_request();
        c.send(with_length("gzip", bomb));
        c.wait_for_close();
    });
    HttpClient::Options o = decoding();
    o.max_body_size = 8u << 20;
    HttpClient cli(srv.url(), o);
    std::error_code ec;
    std::uint64_t streamed = 0;
    HttpClient::Handlers h;
    h.on_body = [&](std::string_view d) {
        streamed += d.size();
        return true;
    };
    http::Request req;
    req.target = "/bomb";
    auto res = cli.request(req, h, ec);
    CHECK(ec == http::errc::decoded_body_too_large);
    CHECK(streamed <= o.max_body_size);
    // Buffered: the same error, the body never past the limit.
    res = cli.get("/bomb", ec);
    CHECK(ec == http::errc::decoded_body_too_large);
}

TEST_CASE("client gzip: Python server sends gzip, zlib and raw deflate, several members") {
    TempDir dir;
    const std::string script = R"PY(
import gzip, http.server, sys, zlib
BODY = ("".join("python line %d\n" % i for i in range(20000))).encode()
def raw(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        half = len(BODY) // 2
        table = {"/gzip": ("gzip", gzip.compress(BODY)),
                 "/zlib": ("deflate", zlib.compress(BODY)),
                 "/raw": ("deflate", raw(BODY)),
                 "/members": ("gzip", gzip.compress(BODY[:half]) + gzip.compress(BODY[half:])),
                 "/plain": (None, BODY)}
        coding, data = table[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if coding: self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print("port", srv.server_address[1], flush=True)
srv.serve_forever()
)PY";
    write_file(dir.path() / "gzip_server.py", script);
    Child py({"/usr/bin/python3", "-u", (dir.path() / "gzip_server.py").string()}, true,
             (dir.path() / "py.log").string());
    std::string line;
    REQUIRE(py.read_line(line, 20s));
    REQUIRE(line.rfind("port ", 0) == 0);
    const std::string base = "http://127.0.0.1:" + line.substr(5);
    std::string want;
    for (int i = 0; i < 20000; ++i) want += "python line " + std::to_string(i) + "\n";
    HttpClient cli(base, decoding());
    for (const char* path : {"/gzip", "/zlib", "/raw", "/members", "/plain"}) {
        CAPTURE(path);
        auto res = cli.get(path);
        CHECK(res.status == 200);
        CHECK(res.body.size() == want.size());
        CHECK(res.body == want);
        CHECK(res.decoded == (std::string(path) != "/plain"));
    }
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client gzip: nginx with gzip on, static and chunked, and http_get --compressed") {
    TempDir dir;
    fs::create_directories(dir.path() / "www");
    fs::create_directories(dir.path() / "nginx");
    const std::string body = text(3u << 20);
    write_file(dir.path() / "www" / "big.txt", body);
    write_file(dir.path() / "www" / "blob.bin", random_bytes(100000));
    NginxServer nginx(dir.path() / "www", dir.path() / "nginx",
                      "  types { text/plain txt; }\n  gzip on;\n  gzip_min_length 20;\n"
                      "  gzip_types text/plain;\n");
    HttpClient cli(nginx.url(), decoding());
    for (int i = 0; i < 2; ++i) {
        auto res = cli.get("/big.txt");
        CHECK(res.status == 200);
        CHECK(res.headers.get("Content-Encoding") == "gzip");
        CHECK(res.decoded);
        CHECK(res.body == body);
    }
    auto res = cli.get("/chunked/big.txt");
    CHECK(res.body == body);
    res = cli.get("/blob.bin");  // not a gzip type: as it is
    CHECK_FALSE(res.decoded);
    CHECK(res.body.size() == 100000);
    CHECK(cli.connections_opened() == 1);

    // http_get --compressed (BUILD/examples/http_get).
    const std::string tool = example_path("http_get");
    if (tool.empty()) {
        MESSAGE("http_get not built: skipped");
        return;
    }
    const std::string out_file = (dir.path() / "out.txt").string();
    Child child({tool, "--compressed", "-o", out_file, nginx.url("/big.txt")}, true,
                (dir.path() / "http_get.err").string());
    std::string head;
    REQUIRE(child.read_all(head, 60s));
    const int status = child.wait(60s);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(head.find("Content-Encoding: gzip\r\n") != std::string::npos);
    CHECK(read_file(out_file) == body);
}
