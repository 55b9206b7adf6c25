// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// HttpClient against a scripted server: exact bytes on the wire for the edge cases (interim
// responses, trailers, stalls, resets between keep-alive requests, redirects of every kind,
// limits, malformed responses).

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include <socklite/http/client.hpp>

#include "http_client/scripted.hpp"
#include "support/fd_count.hpp"

using socklite::HttpClient;
using socklite_test::ScriptConn;
using socklite_test::ScriptedServer;
using namespace std::chrono_literals;

namespace {

std::string ok(const std::string& body, const std::string& extra = "") {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
           "\r\n" + body;
}

// Serves every request on every connection with `ok(body)`, until the client closes.
ScriptedServer::Script serve_all(const std::string& body) {
    return [body](ScriptConn& c) {
        while (!c.read_request().empty()) c.send(ok(body));
    };
}

HttpClient::Options quick() {
    HttpClient::Options o;
    o.connect_timeout = 10s;
    o.read_timeout = 10s;
    return o;
}

std::string first_line(const std::string& req) { return req.substr(0, req.find("\r\n")); }

}  // namespace

TEST_CASE("client: GET returns status, reason, ordered case-insensitive headers and body") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.send(
            "HTTP/1.1 201 Created Here\r\nX-B: 2\r\nx-a: 1\r\nX-A: 3\r\nContent-Length: "
            "5\r\n\r\nhello");
        c.wait_for_close();
    });
    HttpClient cli(srv.url(), quick());
    auto res = cli.get("/path?q=1");
    CHECK(res.status == 201);
    CHECK(res.reason == "Created Here");
    CHECK(res.version == 11);
    CHECK(res.body == "hello");
    REQUIRE(res.headers.size() == 4);
    CHECK(res.headers[0].name == "X-B");
    CHECK(res.headers[1].name == "x-a");
    CHECK(res.headers.get("X-a") == "1");
    CHECK(res.headers.values("x-A").size() == 2);
    cli.close_idle();
    srv.stop();
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(first_line(reqs[0]) == "GET /path?q=1 HTTP/1.1");
    CHECK(ScriptConn::find_header(reqs[0], "host") == "127.0.0.1:" + std::to_string(srv.port()));
    CHECK(ScriptConn::find_header(reqs[0], "user-agent").rfind("socklite/", 0) == 0);
}

TEST_CASE("client: keep-alive reuses one connection; methods and bodies") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv(serve_all("ok"));
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/a").body == "ok");
    CHECK(cli.post("/b", "data=1", "application/x-www-form-urlencoded").status == 200);
    CHECK(cli.put("/c", "put-body").status == 200);
    CHECK(cli.patch("/d", "patch-body", "text/plain").status == 200);
    CHECK(cli.remove("/e").status == 200);
    CHECK(cli.options_request("*").status == 200);
    std::error_code ec;
    CHECK(cli.get("/f", ec).body == "ok");
    CHECK(!ec);
    CHECK(cli.connections_opened() == 1);
    CHECK(cli.idle_connections() == 1);
    cli.close_idle();
    srv.stop();
    CHECK(srv.connections() == 1);
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 7);
    CHECK(first_line(reqs[1]) == "POST /b HTTP/1.1");
    CHECK(ScriptConn::find_header(reqs[1], "content-type") == "application/x-www-form-urlencoded");
    CHECK(ScriptConn::find_header(reqs[1], "content-length") == "6");
    CHECK(reqs[1].substr(reqs[1].size() - 6) == "data=1");
    CHECK(first_line(reqs[2]) == "PUT /c HTTP/1.1");
    CHECK(first_line(reqs[3]) == "PATCH /d HTTP/1.1");
    CHECK(first_line(reqs[4]) == "DELETE /e HTTP/1.1");
    CHECK(first_line(reqs[5]) == "OPTIONS * HTTP/1.1");
}

TEST_CASE("client: HEAD has no body and keeps the connection") {
    ScriptedServer srv([](ScriptConn& c) {
        while (!c.read_request().empty()) c.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    });
    HttpClient cli(srv.url(), quick());
    auto res = cli.head("/x");
    CHECK(res.status == 200);
    CHECK(res.body.empty());
    CHECK(res.headers.get("Content-Length") == "1000");
    CHECK(cli.head("/y").status == 200);
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client: interim 1xx responses are skipped") {
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
        c.send(ok("final"));
        c.wait_for_close();
    });
    HttpClient cli(srv.url(), quick());
    auto res = cli.get("/");
    CHECK(res.status == 200);
    CHECK(res.body == "final");
    CHECK(!res.headers.contains("Link"));
}

TEST_CASE("client: chunked body with extensions and trailers, sent in pieces") {
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n");
        c.send("1\r\n \r\n6\r\nwor");
        c.send("ld!\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
        while (!c.read_request().empty()) c.send(ok("again"));
    });
    HttpClient cli(srv.url(), quick());
    std::vector<std::uint64_t> progress;
    std::vector<std::optional<std::uint64_t>> totals;
    HttpClient::Handlers h;
    h.on_progress = [&](std::uint64_t got, std::optional<std::uint64_t> total) {
        progress.push_back(got);
        totals.push_back(total);
    };
    socklite::http::Request req;
    auto res = cli.request(req, h);
    CHECK(res.body == "hello world!");
    CHECK(res.trailers.get("x-checksum") == "abc");
    CHECK(res.trailers.size() == 2);
    REQUIRE(progress.size() >= 2);
    // The total is unknown while a chunked body arrives; the last call says received == total.
    for (std::size_t i = 0; i + 1 < totals.size(); ++i) CHECK(!totals[i]);
    CHECK(progress.back() == 12);
    CHECK(totals.back() == std::optional<std::uint64_t>(12));
    CHECK(cli.get("/").body == "again");
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client: streaming callbacks: head, body pieces, progress with total, abort") {
    std::string big(300000, 'x');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    ScriptedServer srv([&](ScriptConn& c) {
        while (!c.read_request().empty()) c.send(ok(big));
    });
    HttpClient cli(srv.url(), quick());
    std::string got;
    int heads = 0;
    std::uint64_t last = 0;
    std::optional<std::uint64_t> total;
    HttpClient::Handlers h;
    h.on_head = [&](const socklite::http::Response& r) {
        ++heads;
        CHECK(r.status == 200);
        return true;
    };
    h.on_body = [&](std::string_view d) {
        got.append(d.data(), d.size());
        return true;
    };
    h.on_progress = [&](std::uint64_t n, std::optional<std::uint64_t> t) {
        CHECK(n >= last);
        last = n;
        total = t;
    };
    socklite::http::Request req;
    auto res = cli.request(req, h);
    CHECK(res.body.empty());
    CHECK(got == big);
    CHECK(heads == 1);
    CHECK(last == big.size());
    CHECK(total == big.size());

    SUBCASE("a body callback returning false cancels and drops the connection") {
        HttpClient::Handlers stop;
        stop.on_body = [](std::string_view) { return false; };
        std::error_code ec;
        cli.request(req, stop, ec);
        CHECK(ec == std::errc::operation_canceled);
        CHECK(cli.idle_connections() == 0);
        CHECK(cli.get("/").body == big);
    }
    SUBCASE("an exception from a callback propagates from the throwing overload") {
        HttpClient::Handlers thrower;
        thrower.on_body = [](std::string_view) -> bool { throw std::runtime_error("mine"); };
        CHECK_THROWS_WITH_AS(cli.request(req, thrower), "mine", std::runtime_error);
        std::error_code ec;
        cli.request(req, thrower, ec);
        CHECK(ec == std::errc::operation_canceled);
    }
}

TEST_CASE("client: a body delimited by close, and HTTP/1.0, are not reused") {
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        if (c.index() == 0) {
            c.send("HTTP/1.1 200 OK\r\n\r\nuntil close");
        } else {
            c.send("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold");
        }
        c.close();
    });
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/").body == "until close");
    CHECK(cli.idle_connections() == 0);
    auto res = cli.get("/");
    CHECK(res.version == 10);
    CHECK(res.body == "old");
    CHECK(cli.idle_connections() == 0);
    CHECK(cli.connections_opened() == 2);
}

TEST_CASE("client: Connection: close from the server or the caller ends the connection") {
    ScriptedServer srv([](ScriptConn& c) {
        while (!c.read_request().empty()) {
            c.send(ok("x", c.index() == 0 ? "Connection: close\r\n" : ""));
            if (c.index() == 0) break;
        }
    });
    HttpClient cli(srv.url(), quick());
    cli.get("/");
    CHECK(cli.idle_connections() == 0);
    socklite::http::Headers h;
    h.add("Connection", "close");
    cli.get("/", h);
    CHECK(cli.idle_connections() == 0);
    CHECK(cli.connections_opened() == 2);

    SUBCASE("Options::keep_alive = false sends Connection: close") {
        auto o = quick();
        o.keep_alive = false;
        HttpClient once(srv.url(), o);
        once.get("/");
        CHECK(once.idle_connections() == 0);
        auto reqs = srv.requests();
        CHECK(ScriptConn::find_header(reqs.back(), "connection") == "close");
    }
}

TEST_CASE("client: a kept-alive connection closed by the server is detected; GET is retried once") {
    socklite_test::FdLeakGuard guard;
    bool reset = false;
    SUBCASE("FIN") { reset = false; }
    SUBCASE("RST") { reset = true; }
    ScriptedServer srv([reset](ScriptConn& c) {
        c.read_request();
        c.send(ok(c.index() == 0 ? "first" : "second"));
        if (c.index() == 0) {
            if (reset) {
                c.reset();
            } else {
                c.close();
            }
            return;
        }
        while (!c.read_request().empty()) c.send(ok("more"));
    });
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/").body == "first");
    REQUIRE(srv.wait_scripts_done(1));  // the server has closed its end by now
    CHECK(cli.get("/").body == "second");
    CHECK(cli.connections_opened() == 2);
    CHECK(srv.requests().size() == 2);
}

TEST_CASE("client: POST is never retried: a closed pooled connection is peeked at first") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.send(ok("r" + std::to_string(c.index())));
        if (c.index() == 0) {
            c.close();
            return;
        }
        c.wait_for_close();
    });
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/").body == "r0");
    REQUIRE(srv.wait_scripts_done(1));
    // The peer's FIN is there before the POST: the peek sees it and a fresh connection is used.
    CHECK(cli.post("/p", "once").body == "r1");
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(first_line(reqs[1]) == "POST /p HTTP/1.1");
}

TEST_CASE("client: a POST whose connection dies before the response fails without retry") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        if (c.index() == 0) {
            c.send(ok("first"));
            c.read_request();  // the POST arrives: close without answering
            c.close();
            return;
        }
        c.close();  // later connections: closed at once
    });
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/").body == "first");
    std::error_code ec;
    cli.post("/p", "body", "text/plain", ec);
    CHECK(ec == socklite::errc::unexpected_eof);
    CHECK(srv.connections() == 1);
    CHECK(cli.connections_opened() == 1);
    CHECK_THROWS_AS(cli.post("/p", "body"), socklite::Error);
}

TEST_CASE("client: a fresh connection closed before the response is an error, not retried") {
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.close();
    });
    HttpClient cli(srv.url(), quick());
    std::error_code ec;
    cli.get("/", ec);
    CHECK(ec == socklite::errc::unexpected_eof);
    CHECK(cli.connections_opened() == 1);
    try {
        cli.get("/");
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        CHECK(std::string(e.what()).find("read response http://127.0.0.1:") != std::string::npos);
    }
}

TEST_CASE("client: idle read timeout fires when the server stalls") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        if (c.index() == 1) c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        c.wait_for_close();
    });
    auto o = quick();
    o.read_timeout = 200ms;
    HttpClient cli(srv.url(), o);
    auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    cli.get("/", ec);
    CHECK(ec == std::errc::timed_out);
    CHECK(std::chrono::steady_clock::now() - start >= 190ms);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    // A stall in the middle of a body too.
    cli.get("/", ec);
    CHECK(ec == std::errc::timed_out);
    CHECK(cli.idle_connections() == 0);
}

TEST_CASE("client: the total deadline bounds the whole exchange") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
        c.wait_for_close();
    });
    auto o = quick();
    o.read_timeout = 20s;  // the idle timeout alone would wait far longer
    o.deadline = 300ms;
    HttpClient cli(srv.url(), o);
    auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    cli.get("/", ec);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(ec == std::errc::timed_out);
    CHECK(took >= 290ms);
    CHECK(took < 10s);

    SUBCASE("with no idle timeout at all") {
        o.read_timeout = socklite::no_timeout;
        HttpClient cli2(srv.url(), o);
        start = std::chrono::steady_clock::now();
        cli2.get("/", ec);
        CHECK(ec == std::errc::timed_out);
        CHECK(std::chrono::steady_clock::now() - start < 10s);
    }
}

TEST_CASE("client: the deadline restores the idle timeout for the next request") {
    ScriptedServer srv(serve_all("fine"));
    auto o = quick();
    o.deadline = 5s;
    HttpClient cli(srv.url(), o);
    for (int i = 0; i < 5; ++i) CHECK(cli.get("/").body == "fine");
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client: redirects") {
    socklite_test::FdLeakGuard guard;
    // /s/CODE redirects with CODE to /dir/sub/../final (relative forms vary); everything else
    // echoes the method and body it got.
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string line = first_line(req);
            std::string method = line.substr(0, line.find(' '));
            std::string target = line.substr(line.find(' ') + 1);
            target = target.substr(0, target.find(' '));
            std::string body = req.substr(req.find("\r\n\r\n") + 4);
            if (target.rfind("/s/", 0) == 0) {
                std::string code = target.substr(3, 3);
                c.send("HTTP/1.1 " + code + " Moved\r\nLocation: ../final?from=" + code +
                       "\r\nContent-Length: 4\r\n\r\n" + (method == "HEAD" ? "" : "move"));
            } else if (target == "/loop") {
                c.send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
            } else if (target.rfind("/chain/", 0) == 0) {
                int n = std::stoi(target.substr(7));
                std::string loc = n > 0 ? "/chain/" + std::to_string(n - 1) : "/end";
                c.send("HTTP/1.1 307 Temporary\r\nLocation: " + loc +
                       "\r\nContent-Length: 0\r\n\r\n");
            } else if (target == "/nolocation") {
                c.send("HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n");
            } else if (method == "HEAD") {
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
            } else {
                std::string auth = ScriptConn::find_header(req, "authorization");
                c.send(ok(method + " " + target + " [" + body + "] auth=" + auth));
            }
        }
    });
    HttpClient cli(srv.url(), quick());
    socklite::http::Request post;
    post.method = "POST";
    post.body = "payload";
    post.headers.add("Content-Type", "text/plain");
    post.headers.add("Authorization", "Bearer t");
    for (const char* code : {"301", "302", "303"}) {
        CAPTURE(code);
        post.target = std::string("/s/") + code;
        auto res = cli.request(post);
        CHECK(res.status == 200);
        CHECK(res.body == std::string("GET /final?from=") + code + " [] auth=Bearer t");
    }
    for (const char* code : {"307", "308"}) {
        CAPTURE(code);
        post.target = std::string("/s/") + code;
        auto res = cli.request(post);
        CHECK(res.body == std::string("POST /final?from=") + code + " [payload] auth=Bearer t");
    }
    SUBCASE("GET stays GET for 301 and 302; HEAD stays HEAD for 303") {
        CHECK(cli.get("/s/301").body == "GET /final?from=301 [] auth=");
        auto res = cli.head("/s/303");
        CHECK(res.status == 200);
        CHECK(res.body.empty());
    }
    SUBCASE("the limit: a chain as long as the limit is followed, a longer one fails") {
        auto o = quick();
        o.max_redirects = 3;
        HttpClient lim(srv.url(), o);
        CHECK(lim.get("/chain/2").body == "GET /end [] auth=");
        std::error_code ec;
        lim.get("/chain/3", ec);
        CHECK(ec == socklite::http::errc::too_many_redirects);
        lim.get("/loop", ec);
        CHECK(ec == socklite::http::errc::too_many_redirects);
        CHECK_THROWS_AS(lim.get("/loop"), socklite::Error);
    }
    SUBCASE("max_redirects = 0 returns the 3xx itself, with its body") {
        auto o = quick();
        o.max_redirects = 0;
        HttpClient none(srv.url(), o);
        auto res = none.get("/s/302");
        CHECK(res.status == 302);
        CHECK(res.body == "move");
        CHECK(res.headers.get("location") == "../final?from=302");
    }
    SUBCASE("a 3xx without Location is the result") { CHECK(cli.get("/nolocation").status == 301); }
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client: a redirect to another host drops Authorization") {
    ScriptedServer other([](ScriptConn& c) {
        while (true) {
            std::string req = c.read_request();
            if (req.empty()) return;
            c.send(ok("auth=" + ScriptConn::find_header(req, "authorization")));
        }
    });
    std::string target = other.url("/landing");
    ScriptedServer srv([target](ScriptConn& c) {
        while (!c.read_request().empty())
            c.send("HTTP/1.1 302 Found\r\nLocation: " + target + "\r\nContent-Length: 0\r\n\r\n");
    });
    HttpClient cli(srv.url(), quick());
    socklite::http::Headers h;
    h.add("Authorization", "Basic secret");
    auto res = cli.get("/", h);
    CHECK(res.status == 200);
    CHECK(res.body == "auth=");
    CHECK(cli.connections_opened() == 2);
    CHECK(cli.idle_connections() == 2);
}

TEST_CASE("client: bodies over max_body_size are refused, buffered or chunked") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv([](ScriptConn& c) {
        while (!c.read_request().empty()) {
            if (c.index() == 0) {
                c.send(ok(std::string(2000, 'x')));
            } else {
                c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                for (int i = 0; i < 10; ++i) c.send("100\r\n" + std::string(256, 'y') + "\r\n");
                c.send("0\r\n\r\n");
            }
        }
    });
    auto o = quick();
    o.max_body_size = 1000;
    HttpClient cli(srv.url(), o);
    std::error_code ec;
    cli.get("/", ec);
    CHECK(ec == socklite::http::errc::body_too_large);
    CHECK(cli.idle_connections() == 0);
    cli.get("/", ec);
    CHECK(ec == socklite::http::errc::body_too_large);
    CHECK(cli.idle_connections() == 0);
}

TEST_CASE("client: malformed responses are clear errors; the connection is not reused") {
    socklite_test::FdLeakGuard guard;
    struct Case {
        const char* response;
        std::error_code expected;
    };
    const Case cases[] = {
        {"HTTP/1.1 2000 OK\r\n\r\n", socklite::http::errc::bad_status_line},
        {"HTTP/2.0 200 OK\r\n\r\n", socklite::http::errc::bad_version},
        {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", socklite::http::errc::bad_header},
        {"HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", socklite::http::errc::bad_header},
        {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
         socklite::http::errc::bad_content_length},
        {"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", socklite::http::errc::bad_content_length},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         socklite::http::errc::bad_chunk},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", socklite::errc::unexpected_eof},
        {"HTTP/1.1 200 OK\nContent-Length: 0\n\n", socklite::http::errc::bad_status_line},
    };
    for (const Case& k : cases) {
        CAPTURE(k.response);
        std::string bytes = k.response;
        ScriptedServer srv([bytes](ScriptConn& c) {
            c.read_request();
            if (c.index() == 0) {
                c.send(bytes);
                c.close();
                return;
            }
            c.send(ok("good"));
            c.wait_for_close();
        });
        HttpClient cli(srv.url(), quick());
        std::error_code ec;
        cli.get("/", ec);
        CHECK(ec == k.expected);
        CHECK(cli.idle_connections() == 0);
        CHECK(cli.get("/").body == "good");
        CHECK(cli.connections_opened() == 2);
    }
}

TEST_CASE("client: header limits") {
    ScriptedServer srv([](ScriptConn& c) {
        c.read_request();
        std::string head = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i < 50; ++i) head += "X-Field-" + std::to_string(i) + ": value\r\n";
        c.send(head + "Content-Length: 0\r\n\r\n");
        c.wait_for_close();
    });
    auto o = quick();
    std::error_code ec;
    SUBCASE("field count") {
        o.max_header_count = 10;
        HttpClient cli(srv.url(), o);
        cli.get("/", ec);
        CHECK(ec == socklite::http::errc::too_many_headers);
    }
    SUBCASE("header bytes") {
        o.max_header_size = 200;
        HttpClient cli(srv.url(), o);
        cli.get("/", ec);
        CHECK(ec == socklite::http::errc::header_too_large);
    }
}

TEST_CASE("client: bad requests, URLs and https fail before anything is sent") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv(serve_all("x"));
    HttpClient cli(srv.url(), quick());
    std::error_code ec;
    socklite::http::Headers evil;
    evil.add("X-Evil", "a\r\nInjected: 1");
    cli.get("/", evil, ec);
    CHECK(ec == socklite::http::errc::bad_field);
    cli.get("/a b", ec);
    CHECK(ec);
    cli.get("https://127.0.0.1/", ec);
    CHECK(ec == socklite::http::errc::tls_not_enabled);
    cli.get("ftp://127.0.0.1/", ec);
    CHECK(ec == socklite::http::errc::unsupported_scheme);
    CHECK(cli.connections_opened() == 0);
    CHECK_THROWS_AS(HttpClient("https://example.com/"), socklite::Error);
    HttpClient bad("https://example.com", HttpClient::Options{}, ec);
    CHECK(ec == socklite::http::errc::tls_not_enabled);
    HttpClient bad2("not a url", HttpClient::Options{}, ec);
    CHECK(ec == socklite::http::errc::bad_url);
    HttpClient nobase;
    nobase.get("/relative", ec);
    CHECK(ec == socklite::http::errc::bad_url);
    CHECK(nobase.get(srv.url("/abs")).body == "x");
}

TEST_CASE("client: connection refused names the step and the URL") {
    socklite_test::FdLeakGuard guard;
    std::uint16_t port;
    {
        auto l = socklite::Listener::bind("127.0.0.1", 0);
        port = l.local_address().port();
    }
    HttpClient cli("http://127.0.0.1:" + std::to_string(port), quick());
    try {
        cli.get("/x");
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        CHECK(e.code() == std::errc::connection_refused);
        CHECK(std::string(e.what()).find("connect http://127.0.0.1:" + std::to_string(port) +
                                         "/x") != std::string::npos);
    }
}

TEST_CASE("client: one pool, several origins, bounded") {
    ScriptedServer a(serve_all("a"));
    ScriptedServer b(serve_all("b"));
    auto o = quick();
    o.max_idle_connections = 1;
    HttpClient cli(o);
    CHECK(cli.get(a.url("/")).body == "a");
    CHECK(cli.get(b.url("/")).body == "b");
    CHECK(cli.idle_connections() == 1);
    CHECK(cli.get(b.url("/")).body == "b");
    CHECK(cli.connections_opened() == 2);
    CHECK(cli.get(a.url("/")).body == "a");
    CHECK(cli.connections_opened() == 3);
}

TEST_CASE("client: a large request body is sent whole (head and body apart)") {
    std::string big(200000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('A' + i % 23);
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            std::string body = req.substr(req.find("\r\n\r\n") + 4);
            c.send(ok(std::to_string(body.size()) + ":" + body.substr(0, 3) + ":" +
                      body.substr(body.size() - 3)));
        }
    });
    HttpClient cli(srv.url(), quick());
    CHECK(cli.put("/upload", big).body == "200000:ABC:" + big.substr(big.size() - 3));
    CHECK(cli.post("/small", "xyz").body == "3:xyz:xyz");
    CHECK(cli.connections_opened() == 1);
}

TEST_CASE("client: no pooling with max_idle_connections = 0; a moved client keeps its pool") {
    socklite_test::FdLeakGuard guard;
    ScriptedServer srv(serve_all("p"));
    auto o = quick();
    o.max_idle_connections = 0;
    HttpClient none(srv.url(), o);
    none.get("/");
    none.get("/");
    CHECK(none.connections_opened() == 2);
    CHECK(none.idle_connections() == 0);

    HttpClient a(srv.url(), quick());
    a.get("/");
    HttpClient b(std::move(a));
    CHECK(b.idle_connections() == 1);
    CHECK(b.get("/").body == "p");
    CHECK(b.connections_opened() == 1);
    HttpClient c;
    c = std::move(b);
    CHECK(c.get("/").body == "p");
    CHECK(c.idle_connections() == 1);
}

TEST_CASE("client: the deadline covers a redirect chain") {
    ScriptedServer srv([](ScriptConn& c) {
        for (;;) {
            std::string req = c.read_request();
            if (req.empty()) return;
            if (req.rfind("GET /stall", 0) == 0) {
                c.wait_for_close();
                return;
            }
            c.send("HTTP/1.1 302 Found\r\nLocation: /stall\r\nContent-Length: 0\r\n\r\n");
        }
    });
    auto o = quick();
    o.read_timeout = 20s;
    o.deadline = 300ms;
    HttpClient cli(srv.url(), o);
    auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    cli.get("/start", ec);
    CHECK(ec == std::errc::timed_out);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("client: an IPv6 literal host: [::1] in the URL and in Host") {
    std::error_code ec;
    socklite::Listener::bind("::1", 0, socklite::ListenOptions{}, ec);
    if (ec) {
        MESSAGE("no IPv6 loopback here: skipped");
        return;
    }
    ScriptedServer srv(serve_all("six"), "::1");
    HttpClient cli(srv.url(), quick());
    CHECK(cli.get("/v6").body == "six");
    CHECK(cli.get(srv.url("/again")).body == "six");
    CHECK(cli.connections_opened() == 1);
    cli.close_idle();
    srv.stop();
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(ScriptConn::find_header(reqs[0], "host") == "[::1]:" + std::to_string(srv.port()));
}
