// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// socklite::compiled: a program built with SOCKLITE_SEPARATE_COMPILATION sees HttpServer,
// HttpClient and the handler types as declarations only, and links their definitions from the
// library. Every kind of route and the client's pool run through it here, over loopback.

#include <doctest/doctest.h>

#include <socklite/http/client.hpp>
#include <socklite/http/server.hpp>

#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

#if !defined(SOCKLITE_SEPARATE_COMPILATION)
#error "test_compiled is built against socklite::compiled"
#endif

using socklite::HttpClient;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

// The handler headers' definitions are not visible here: the declarations alone must do.
#if SOCKLITE_WITH_DEFINITIONS
#error "the definitions must come from the library, not from the headers"
#endif

class Running {
public:
    explicit Running(HttpServer& server) : server_(server) {
        server_.listen("127.0.0.1", 0);
        thread_ = std::thread([this] { server_.run(); });
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    ~Running() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

private:
    HttpServer& server_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("compiled library: every kind of route, answered to HttpClient over one connection") {
    socklite_test::TempDir dir;
    {
        std::ofstream f(dir.path("page.txt"), std::ios::binary);
        f << "static bytes\n";
    }
    std::mutex workers_mutex;
    std::vector<std::thread> workers;

    HttpServer server;
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello, world!"; });
    server.get("/users/:id", [](const ServerRequest& req, Response& res) {
        res.body =
            "user " + std::string(req.param("id")) + " q=" + std::string(req.query_param("q"));
    });
    server.post("/echo", [](const ServerRequest& req, Response& res) { res.body = req.body; });
    server.route_async("GET", "/later", [&](const ServerRequest&, socklite::http::Responder r) {
        std::lock_guard<std::mutex> lock(workers_mutex);
        workers.emplace_back([r] {
            Response res;
            res.status = 202;
            res.body = "from a worker";
            r.send(std::move(res));
        });
    });
    server.route_stream("GET", "/pieces", [](const ServerRequest&, socklite::http::StreamWriter w) {
        for (int i = 0; i < 3; ++i) w.write("piece " + std::to_string(i) + ";");
        w.end();
    });
    server.route_upload("PUT", "/count",
                        [](const ServerRequest&, socklite::http::BodyReader body,
                           socklite::http::StreamWriter res) {
                            auto n = std::make_shared<std::size_t>(0);
                            body.on_data([n](std::string_view piece) {
                                *n += piece.size();
                                return true;
                            });
                            body.on_end([n, res](std::error_code ec) mutable {
                                if (ec) return;
                                Response done;
                                done.body = std::to_string(*n);
                                res.send(std::move(done));
                            });
                        });
    server.serve_dir("/files", dir.path().string());

    {
        Running run(server);
        HttpClient cli(run.url());
        CHECK(cli.get("/hello").body == "hello, world!");
        CHECK(cli.get("/users/42", {{"q", "a b"}}).body == "user 42 q=a b");  // decoded
        CHECK(cli.post("/echo", "sent back", "text/plain").body == "sent back");
        Response later = cli.get("/later");
        CHECK(later.status == 202);
        CHECK(later.body == "from a worker");
        CHECK(cli.get("/pieces").body == "piece 0;piece 1;piece 2;");
        CHECK(cli.put("/count", std::string(100000, 'x')).body == "100000");
        Response file = cli.get("/files/page.txt");
        CHECK(file.status == 200);
        CHECK(file.body == "static bytes\n");
        CHECK(cli.get("/nothing-here").status == 404);
        CHECK(cli.connections_opened() == 1);  // all of it over one kept-alive connection
        CHECK(cli.idle_connections() == 1);

        // A moved client keeps the pool.
        HttpClient moved(std::move(cli));
        CHECK(moved.get("/hello").status == 200);
        CHECK(moved.connections_opened() == 1);
        moved.close_idle();
        CHECK(moved.idle_connections() == 0);
    }
    for (auto& t : workers) t.join();
}

TEST_CASE("compiled library: errors are reported as in the header-only build") {
    std::error_code ec;
    HttpClient bad("ftp://example.com/", HttpClient::Options{}, ec);
    CHECK(ec);

    HttpServer server;
    server.listen("127.0.0.1", 0);
    HttpServer second;
    second.listen("127.0.0.1", server.port(), ec);
    CHECK(ec == std::errc::address_in_use);
}
