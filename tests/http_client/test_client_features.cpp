// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// What a new user meets first, against a scripted server: Basic authentication from the URL,
// query and form encoding, the final URL after redirects, per-request limits, uploads from a
// callback or a file (Content-Length or chunked), HTTP over a Unix-domain socket, and timeouts
// where zero has expired and only no_timeout waits forever.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>

#include <socklite/http/client.hpp>
#include <socklite/listener.hpp>

#include "http_client/scripted.hpp"
#include "support/fd_count.hpp"
#include "support/loopback.hpp"

using socklite::HttpClient;
using socklite_test::ScriptConn;
using socklite_test::ScriptedServer;
using namespace std::chrono_literals;
namespace http = socklite::http;

namespace {

std::string ok(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

ScriptedServer::Script serve_all(const std::string& body) {
    return [body](ScriptConn& c) {
        while (!c.read_request().empty()) c.send(ok(body));
    };
}

std::string first_line(const std::string& req) { return req.substr(0, req.find("\r\n")); }

HttpClient::Options quick() {
    HttpClient::Options o;
    o.connect_timeout = 10s;
    o.read_timeout = 10s;
    return o;
}

// Reads one request raw: the head, then a Content-Length body or a chunked one (until the
// last chunk); returns the head in @p head and the body bytes as sent.
std::string read_raw_request(ScriptConn& c, std::string& head) {
    std::string got;
    char buf[4096];
    for (;;) {
        std::size_t end = got.find("\r\n\r\n");
        if (end != std::string::npos) {
            head = got.substr(0, end + 4);
            std::string body = got.substr(end + 4);
            std::string cl = ScriptConn::find_header(head, "content-length");
            if (!cl.empty() && body.size() >= std::stoul(cl)) return body;
            if (cl.empty() && body.size() >= 5 &&
                body.compare(body.size() - 5, 5, "0\r\n\r\n") == 0)
                return body;
        }
        std::error_code ec;
        std::size_t n = c.socket().recv(buf, sizeof buf, ec);
        if (ec || n == 0) return {};
        got.append(buf, n);
    }
}

}  // namespace

TEST_CASE("client features: user:password@ in the URL is sent as Basic authentication") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer other(serve_all("other"));
    ScriptedServer srv([&](ScriptConn& c) {
        while (!c.read_request().empty()) {
            c.send("HTTP/1.1 302 Found\r\nLocation: " + other.url("/elsewhere") +
                   "\r\nContent-Length: 0\r\n\r\n");
        }
    });
    std::string base = srv.url();
    std::string with_user = "http://Aladdin:open%20sesame@" + base.substr(7);
    SUBCASE("absolute URL; a redirect to another origin drops the credentials") {
        HttpClient cli(quick());
        auto res = cli.get(with_user + "/private");
        CHECK(res.body == "other");
        CHECK(res.url == other.url("/elsewhere"));
    }
    SUBCASE("base URL: every relative target carries them") {
        HttpClient cli(with_user, quick());
        cli.get("/private");
    }
    srv.stop();
    other.stop();
    auto reqs = srv.requests();
    REQUIRE(!reqs.empty());
    CHECK(ScriptConn::find_header(reqs[0], "authorization") ==
          "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(first_line(reqs[0]) == "GET /private HTTP/1.1");
    CHECK(ScriptConn::find_header(reqs[0], "host") == base.substr(7));  // no userinfo in Host
    auto others = other.requests();
    REQUIRE(!others.empty());
    CHECK(ScriptConn::find_header(others[0], "authorization").empty());
}

TEST_CASE("client features: query parameters and form bodies are percent-encoded") {
    ScriptedServer srv(serve_all("ok"));
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/search", {{"q", "a b&c"}, {"lang", "en"}}).status == 200);
    http::Query q{{"page", "2"}};
    CHECK(cli.get("/list?sort=asc", q, {{"Accept", "text/plain"}}).status == 200);
    std::error_code ec;
    CHECK(cli.get("/e", http::Query{{"x", "\xc3\xa9"}}, http::Headers(), ec).status == 200);
    CHECK(!ec);
    CHECK(cli.post_form("/login", {{"user", "ann"}, {"pw", "x y+z"}}).status == 200);
    cli.close_idle();
    srv.stop();
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 4);
    CHECK(first_line(reqs[0]) == "GET /search?q=a%20b%26c&lang=en HTTP/1.1");
    CHECK(first_line(reqs[1]) == "GET /list?sort=asc&page=2 HTTP/1.1");
    CHECK(ScriptConn::find_header(reqs[1], "accept") == "text/plain");
    CHECK(first_line(reqs[2]) == "GET /e?x=%C3%A9 HTTP/1.1");
    CHECK(first_line(reqs[3]) == "POST /login HTTP/1.1");
    CHECK(ScriptConn::find_header(reqs[3], "content-type") == "application/x-www-form-urlencoded");
    CHECK(reqs[3].substr(reqs[3].size() - 19) == "user=ann&pw=x+y%2Bz");
}

TEST_CASE("client features: Response::url is where the redirects ended") {
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string line = first_line(req);
            if (line.find(" /a ") != std::string::npos) {
                c.send("HTTP/1.1 301 Moved\r\nLocation: /b?x=1\r\nContent-Length: 0\r\n\r\n");
            } else {
                c.send(ok("here"));
            }
        }
    });
    HttpClient cli(srv.url(), quick());
    auto res = cli.get("/a");
    CHECK(res.body == "here");
    CHECK(res.url == srv.url("/b?x=1"));
    CHECK(cli.get("/c").url == srv.url("/c"));
    http::Response reused;
    cli.get("/a", reused);
    CHECK(reused.url == srv.url("/b?x=1"));
    std::error_code ec;
    cli.get("http://127.0.0.1:1/", reused, ec);  // refused: the Response is emptied
    CHECK(ec);
    CHECK(reused.url.empty());
}

TEST_CASE("client features: timeout, redirect limit and body limit per request") {
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string line = first_line(req);
            if (line.find(" /stall ") != std::string::npos) {
                c.wait_for_close();
                return;
            }
            if (line.find(" /loop ") != std::string::npos) {
                c.send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
            } else {
                c.send(ok("0123456789"));
            }
        }
    });
    HttpClient cli(srv.url(), quick());
    http::Request req;
    std::error_code ec;
    SUBCASE("Request::timeout bounds this request only") {
        req.target = "/stall";
        req.timeout = 200ms;
        auto start = std::chrono::steady_clock::now();
        cli.request(req, ec);
        auto took = std::chrono::steady_clock::now() - start;
        CHECK(ec == std::errc::timed_out);
        CHECK(took >= 190ms);
        CHECK(took < 10s);
    }
    SUBCASE("a timeout of zero has expired already: it never waits") {
        req.target = "/x";
        req.timeout = 0ms;
        auto start = std::chrono::steady_clock::now();
        cli.request(req, ec);
        CHECK(ec == std::errc::timed_out);
        CHECK(std::chrono::steady_clock::now() - start < 5s);
        req.timeout = socklite::no_timeout;  // the one way to say forever
        CHECK(cli.request(req, ec).body == "0123456789");
        CHECK(!ec);
    }
    SUBCASE("Request::max_redirects") {
        req.target = "/loop";
        req.max_redirects = 0;
        auto res = cli.request(req, ec);
        CHECK(!ec);
        CHECK(res.status == 302);
        req.max_redirects = 3;
        cli.request(req, ec);
        CHECK(ec == http::errc::too_many_redirects);
    }
    SUBCASE("Request::max_body_size") {
        req.target = "/x";
        req.max_body_size = 9;
        cli.request(req, ec);
        CHECK(ec == http::errc::body_too_large);
        req.max_body_size = 10;
        CHECK(cli.request(req, ec).body == "0123456789");
    }
}

TEST_CASE("client features: uploads from a callback or a file, with a length or chunked") {
    std::string data(200000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
    std::string received;
    std::string head;
    ScriptedServer srv([&](ScriptConn& c) {
        received = read_raw_request(c, head);
        c.send(ok("stored"));
        c.wait_for_close();
    });
    HttpClient cli(srv.url(), quick());
    http::Request req;
    req.method = "PUT";
    req.target = "/upload";
    std::size_t pos = 0;
    auto reader = [&](char* buf, std::size_t size) {
        std::size_t n = std::min<std::size_t>({size, 7000, data.size() - pos});
        data.copy(buf, n, pos);
        pos += n;
        return n;
    };
    SUBCASE("known length: Content-Length") {
        req.body_source.read = reader;
        req.body_source.length = data.size();
        CHECK(cli.request(req).body == "stored");
        srv.stop();
        CHECK(ScriptConn::find_header(head, "content-length") == std::to_string(data.size()));
        CHECK(received == data);
    }
    SUBCASE("unknown length: chunked") {
        req.body_source.read = reader;
        CHECK(cli.request(req).body == "stored");
        srv.stop();
        CHECK(ScriptConn::find_header(head, "transfer-encoding") == "chunked");
        // Decode what arrived: hex size, CRLF, data, CRLF ... 0 CRLF CRLF.
        std::string body;
        std::size_t at = 0;
        for (;;) {
            std::size_t eol = received.find("\r\n", at);
            REQUIRE(eol != std::string::npos);
            std::size_t size = std::stoul(received.substr(at, eol - at), nullptr, 16);
            if (size == 0) break;
            body += received.substr(eol + 2, size);
            at = eol + 2 + size + 2;
        }
        CHECK(body == data);
    }
    SUBCASE("from a file") {
        socklite_test::TempDir dir;
        std::string path = dir.path("upload.bin");
        std::FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        std::fwrite(data.data(), 1, data.size(), f);
        std::fclose(f);
        req.body_source = http::BodySource::file(path);
        CHECK(req.body_source.length == data.size());
        // A copy reads on its own descriptor from its own position.
        http::BodySource copy = req.body_source;
        char first[4];
        REQUIRE(copy.read(first, sizeof first) == sizeof first);
        CHECK(std::string(first, sizeof first) == data.substr(0, sizeof first));
        CHECK(cli.request(req).body == "stored");
        srv.stop();
        CHECK(received == data);
        REQUIRE(copy.read(first, sizeof first) == sizeof first);
        CHECK(std::string(first, sizeof first) == data.substr(sizeof first, sizeof first));
        CHECK_THROWS_AS(http::BodySource::file(dir.path("missing")), std::system_error);
    }
    SUBCASE("a source shorter than its length fails; a body and a source are refused") {
        req.body_source.read = reader;
        req.body_source.length = data.size() + 1;
        std::error_code ec;
        cli.request(req, ec);
        CHECK(ec == http::errc::body_length_mismatch);
        req.body = "also";
        cli.request(req, ec);
        CHECK(ec == std::errc::invalid_argument);
    }
    SUBCASE("a source that runs past its length fails") {
        req.body_source.read = reader;
        req.body_source.length = data.size() - 1;
        std::error_code ec;
        cli.request(req, ec);
        CHECK(ec == http::errc::body_length_mismatch);
    }
}

TEST_CASE("client features: HTTP over a Unix-domain socket (Options::unix_socket)") {
    socklite_test::FdLeakGuard guard;
    const std::string name = socklite_test::unique_abstract_name();
    auto listener = socklite::Listener::bind(socklite::Address::unix_path(name));
    std::string request;
    std::thread server([&] {
        std::error_code ec;
        auto a = listener.accept(10s, ec);
        if (ec) return;
        a.socket.read_timeout(10s);
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            std::size_t n = a.socket.recv(buf, sizeof buf, ec);
            if (ec || n == 0) return;
            request.append(buf, n);
        }
        a.socket.send_all(ok("{\"ok\":true}"), ec);
    });
    HttpClient::Options o = quick();
    o.unix_socket = name;
    HttpClient cli(o);
    std::error_code ec;
    auto res = cli.get("http://localhost/v1.43/info", ec);
    server.join();
    CHECK(!ec);
    CHECK(res.body == "{\"ok\":true}");
    CHECK(first_line(request) == "GET /v1.43/info HTTP/1.1");
    CHECK(ScriptConn::find_header(request, "host") == "localhost");
    cli.close_idle();
}

TEST_CASE("client features: the last progress call has received == total") {
    ScriptedServer srv([](ScriptConn& c) {
        while (!c.read_request().empty()) c.send("HTTP/1.1 204 No Content\r\n\r\n");
    });
    HttpClient cli(srv.url(), quick());
    int calls = 0;
    std::uint64_t got = 99;
    std::optional<std::uint64_t> total;
    HttpClient::Handlers h;
    h.on_progress = [&](std::uint64_t n, std::optional<std::uint64_t> t) {
        ++calls;
        got = n;
        total = t;
    };
    http::Request req;
    CHECK(cli.request(req, h).status == 204);
    CHECK(calls == 1);  // no body at all: one call, 0 of 0
    CHECK(got == 0);
    CHECK(total == std::optional<std::uint64_t>(0));
}
