// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// HttpClient::get(target, Response&) and request(..., Response&): one Response filled again and
// again must always show exactly the latest response (no header, trailer, reason or body byte
// left from an earlier one), keep its storage, and be left empty after a failure.

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <system_error>

#include <socklite/http/client.hpp>

#include "http_client/scripted.hpp"
#include "support/fd_count.hpp"

using socklite::HttpClient;
using socklite::http::Response;
using socklite_test::ScriptConn;
using socklite_test::ScriptedServer;
using namespace std::chrono_literals;

namespace {

HttpClient::Options quick() {
    HttpClient::Options o;
    o.connect_timeout = 10s;
    o.read_timeout = 10s;
    return o;
}

std::string target_of(const std::string& req) {
    std::string line = req.substr(0, req.find("\r\n"));
    std::string t = line.substr(line.find(' ') + 1);
    return t.substr(0, t.find(' '));
}

// A body of n bytes, all `c` but the last, which is `last` (so a stale tail would show).
std::string body_of(std::size_t n, char c, char last) {
    std::string b(n, c);
    if (n > 0) b.back() = last;
    return b;
}

// Answers by target, on one kept-alive connection; /big/X sends 100,000 bytes of X in pieces.
ScriptedServer::Script routes() {
    return [](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string t = target_of(req);
            if (t.rfind("/big/", 0) == 0) {
                std::string body = body_of(100000, t[5], '!');
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nX-Big: " +
                       std::string(40, t[5]) + "\r\n\r\n" + body.substr(0, 1000));
                c.send(body.substr(1000, 50000));
                c.send(body.substr(51000));
            } else if (t == "/small") {
                c.send(
                    "HTTP/1.1 200 OK\r\nX-Long: a value longer than the small-string buffer\r\n"
                    "Content-Length: 2\r\n\r\nhi");
            } else if (t == "/chunked") {
                c.send(
                    "HTTP/1.1 201 Made\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                    "X-Trailer: t\r\n\r\n");
            } else if (t == "/empty") {
                c.send("HTTP/1.1 204 No Content\r\n\r\n");
            } else if (t == "/redirect") {
                c.send("HTTP/1.1 302 Found\r\nLocation: /small\r\nContent-Length: 4\r\n\r\nmove");
            } else if (t == "/bad") {
                c.send("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
                c.close();
                return;
            } else {
                c.send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
        }
    };
}

}  // namespace

TEST_CASE("client reuse: one Response shows exactly the latest response, storage kept") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv(routes());
    HttpClient cli(srv.url(), quick());
    Response res;

    cli.get("/big/a", res);
    CHECK(res.status == 200);
    CHECK(res.reason == "OK");
    CHECK(res.body == body_of(100000, 'a', '!'));
    REQUIRE(res.headers.size() == 2);
    CHECK(res.headers.get("x-big") == std::string(40, 'a'));
    const char* body_storage = res.body.data();

    cli.get("/big/b", res);  // same size: the same storage, every byte rewritten
    CHECK(res.body == body_of(100000, 'b', '!'));
    CHECK(res.body.data() == body_storage);
    CHECK(res.headers.get("X-Big") == std::string(40, 'b'));

    cli.get("/small", res);  // shorter body, other headers
    CHECK(res.status == 200);
    CHECK(res.body == "hi");
    REQUIRE(res.headers.size() == 2);
    CHECK(res.headers[0].name == "X-Long");
    CHECK(res.headers[1].name == "Content-Length");
    CHECK_FALSE(res.headers.contains("X-Big"));
    const char* value_storage = res.headers[0].value.data();

    cli.get("/small", res);  // a header value longer than the small-string buffer: reused
    CHECK(res.headers[0].value == "a value longer than the small-string buffer");
    CHECK(res.headers[0].value.data() == value_storage);

    cli.get("/big/c", res);  // longer again: no byte of "hi" or of the earlier bodies left
    CHECK(res.body == body_of(100000, 'c', '!'));

    socklite::http::Request req;
    req.target = "/chunked";
    cli.request(req, HttpClient::Handlers{}, res);
    CHECK(res.status == 201);
    CHECK(res.reason == "Made");
    CHECK(res.body == "abc");
    CHECK(res.trailers.get("x-trailer") == "t");
    REQUIRE(res.headers.size() == 1);
    CHECK(res.headers[0].name == "Transfer-Encoding");

    cli.get("/empty", res);  // no body, no trailers
    CHECK(res.status == 204);
    CHECK(res.reason == "No Content");
    CHECK(res.body.empty());
    CHECK(res.headers.empty());
    CHECK(res.trailers.empty());

    cli.get("/big/d", res);
    cli.get("/redirect", res);  // the final response only, not the 302's head or body
    CHECK(res.status == 200);
    CHECK(res.body == "hi");
    CHECK_FALSE(res.headers.contains("Location"));
    CHECK(res.headers.size() == 2);

    // Streaming into a reused Response: the body goes to the callback, Response::body is empty.
    std::string streamed;
    HttpClient::Handlers h;
    h.on_body = [&](std::string_view piece) {
        streamed.append(piece.data(), piece.size());
        return true;
    };
    bool head_seen = false;
    h.on_head = [&](const Response& head) {
        head_seen = true;
        CHECK(head.body.empty());  // not the previous response's body
        CHECK(head.headers.get("x-big") == std::string(40, 'e'));
        return true;
    };
    req.target = "/big/e";
    cli.request(req, h, res);
    CHECK(head_seen);
    CHECK(streamed == body_of(100000, 'e', '!'));
    CHECK(res.body.empty());
    CHECK(res.headers.get("x-big") == std::string(40, 'e'));

    // A head callback of a buffered download sees an empty body too, then the body arrives.
    cli.get("/big/f", res);
    HttpClient::Handlers only_head;
    only_head.on_head = [&](const Response& head) {
        CHECK(head.body.empty());
        return true;
    };
    req.target = "/big/g";
    cli.request(req, only_head, res);
    CHECK(res.body == body_of(100000, 'g', '!'));

    std::error_code ec;
    cli.get("/missing", res, ec);
    CHECK_FALSE(ec);
    CHECK(res.status == 404);
    CHECK(res.body.empty());
    CHECK(cli.connections_opened() == 1);  // all of it on one kept-alive connection
    cli.close_idle();
    srv.stop();
}

TEST_CASE("client reuse: a failure leaves the Response empty") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv(routes());
    HttpClient cli(srv.url(), quick());
    Response res;
    cli.get("/big/a", res);
    REQUIRE(res.body.size() == 100000);

    std::error_code ec;
    cli.get("/bad", res, ec);  // a malformed head
    CHECK(ec == socklite::http::errc::bad_header);
    CHECK(res.status == 0);
    CHECK(res.reason.empty());
    CHECK(res.headers.empty());
    CHECK(res.body.empty());
    CHECK(res.trailers.empty());

    cli.get("/small", res, ec);  // works again, on a new connection
    CHECK_FALSE(ec);
    CHECK(res.body == "hi");
    CHECK(cli.connections_opened() == 2);

    cli.get("/bad", res, ec);
    CHECK(ec == socklite::http::errc::bad_header);
    CHECK(res.headers.empty());

    // The throwing overloads: Error, and the Response left empty as well.
    cli.get("/small", res);
    CHECK_THROWS_AS(cli.get("/bad", res), socklite::Error);
    CHECK(res.status == 0);
    CHECK(res.body.empty());
    CHECK(res.headers.empty());

    // A URL that cannot be used fails before any I/O; the Response is emptied too.
    cli.get("/small", res);
    cli.get("https://127.0.0.1/", res, ec);
    CHECK(ec == socklite::http::errc::tls_not_enabled);
    CHECK(res.status == 0);
    CHECK(res.body.empty());
    cli.close_idle();
    srv.stop();
}

TEST_CASE("client reuse: connection refused through get(target, Response&)") {
    socklite_test::FdLeakGuard guard;
    std::uint16_t port;
    {
        ScriptedServer srv([](ScriptConn&) {});
        port = srv.port();
        srv.stop();
    }
    HttpClient cli("http://127.0.0.1:" + std::to_string(port), quick());
    Response res;
    res.status = 200;
    res.body = "stale";
    res.headers.add("Stale", "yes");
    std::error_code ec;
    cli.get("/", res, ec);
    CHECK(ec);
    CHECK(res.status == 0);
    CHECK(res.body.empty());
    CHECK(res.headers.empty());
    CHECK_THROWS_AS(cli.get("/", res), socklite::Error);
}
