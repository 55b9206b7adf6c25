// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer upload routes: request bodies streamed to the handler piece by piece (Content-Length
// and chunked), flow control (a handler that pauses and resumes from another thread), answers
// streamed while the body arrives, early answers, `Expect: 100-continue`, and the ways a body
// fails (timeout, bad chunk, limit, handler exception). Real sockets on loopback.

#include <socklite/detail/sha1.hpp>
#include <socklite/http/server.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::BodyReader;
using socklite::http::Response;
using socklite::http::ServerRequest;
using socklite::http::StreamWriter;

namespace {

std::string hex(const std::array<std::uint8_t, 20>& d) {
    std::string out;
    char two[3];
    for (std::uint8_t b : d) {
        std::snprintf(two, sizeof two, "%02x", b);
        out += two;
    }
    return out;
}

// What the handlers saw, for the test thread to check after the answer came.
struct Seen {
    std::mutex mutex;
    std::condition_variable cv;
    std::string end;  // the message of on_end()'s error code, "ok" when complete
    std::uint64_t bytes = 0;
    std::size_t largest_piece = 0;
    bool ended = false;
    void finish(std::error_code ec) {
        std::lock_guard<std::mutex> lock(mutex);
        end = ec ? ec.message() : "ok";
        ended = true;
        cv.notify_all();
    }
    bool wait_bytes(std::uint64_t n) {
        std::unique_lock<std::mutex> lock(mutex);
        return cv.wait_for(lock, io_timeout, [&] { return bytes >= n; });
    }
    bool wait_end() {
        std::unique_lock<std::mutex> lock(mutex);
        return cv.wait_for(lock, io_timeout, [&] { return ended; });
    }
    std::string get_end() {
        std::lock_guard<std::mutex> lock(mutex);
        return end;
    }
    std::uint64_t get_bytes() {
        std::lock_guard<std::mutex> lock(mutex);
        return bytes;
    }
};

// PUT /sha: the body's SHA-1 and length, computed piece by piece (never held whole).
void sha_route(HttpServer& server, std::shared_ptr<Seen> seen) {
    server.route_upload("PUT", "/sha",
                        [seen](const ServerRequest&, BodyReader body, StreamWriter res) {
                            auto sha = std::make_shared<socklite::detail::Sha1>();
                            body.on_data([sha, seen](std::string_view piece) {
                                sha->update(piece);
                                std::lock_guard<std::mutex> lock(seen->mutex);
                                seen->bytes += piece.size();
                                seen->largest_piece = std::max(seen->largest_piece, piece.size());
                                seen->cv.notify_all();
                                return true;
                            });
                            body.on_end([sha, seen, body, res](std::error_code ec) mutable {
                                seen->finish(ec);
                                if (ec) return;
                                Response r;
                                r.body = hex(sha->digest()) + " " + std::to_string(body.received());
                                res.send(std::move(r));
                            });
                        });
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
}

std::string chunked(const std::string& data) {
    std::string out;
    std::size_t pos = 0, n = 1;
    while (pos < data.size()) {
        std::size_t take = std::min(data.size() - pos, n);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", take);
        out += size;
        out.append(data, pos, take);
        out += "\r\n";
        pos += take;
        n = n * 3 % 200003 + 1;  // sizes from 1 byte to about 200 KB
    }
    return out + "0\r\n\r\n";
}

constexpr std::size_t big = 64u * 1024 * 1024;

}  // namespace

TEST_CASE("upload: 64 MiB streamed to the handler, Content-Length and chunked, then pipelined") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer::Options o;
    o.max_body_size = 1024;  // the buffered limit does not apply to upload routes
    HttpServer server(o);
    sha_route(server, seen);
    RunningServer run(server);
    const std::string data = random_bytes(big, 7);
    const std::string want = hex(socklite::detail::sha1(data)) + " " + std::to_string(big);
    const std::string pipelined = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    RawClient c(run.port());
    SUBCASE("Content-Length") {
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big) +
               "\r\n\r\n");
        c.send(data);
    }
    SUBCASE("chunked") {
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        c.send(chunked(data));
    }
    c.send(pipelined);  // right behind the body: answered after it, on the same connection
    Response r = c.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == want);
    CHECK(c.read_response().body == "hello");
    CHECK(seen->get_end() == "ok");
    CHECK(seen->get_bytes() == big);
    std::lock_guard<std::mutex> lock(seen->mutex);
    CHECK(seen->largest_piece <= 1024 * 1024);  // pieces of the size of a read, not the body
}

TEST_CASE("upload: a handler that pauses after every piece, resumes and answers from a worker") {
    FdLeakGuard leaks;
    // The worker hashes; the loop only queues. resume() is called on the worker's thread.
    struct Work {
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<std::string> pieces;
        BodyReader body;
        bool stop = false;
        int outstanding = 0;  // pieces given and not yet resumed
        int overlapping = 0;  // pieces that came while one was outstanding
        std::size_t pieces_seen = 0;
        std::string end;
        std::unique_ptr<StreamWriter> answer;  // (only ever used on the loop's thread)
        socklite::detail::Sha1 sha;
    };
    auto work = std::make_shared<Work>();
    std::thread worker([work] {
        std::unique_lock<std::mutex> lock(work->mutex);
        for (;;) {
            work->cv.wait(lock,
                          [&] { return work->stop || !work->pieces.empty() || work->answer; });
            if (work->answer) {
                // Answer on the loop's thread, where the writer lives (and dies).
                std::shared_ptr<StreamWriter> w(std::move(work->answer));
                BodyReader body = work->body;
                std::string text = work->end + " " + hex(work->sha.digest());
                work->body = BodyReader();
                lock.unlock();
                body.post([w, text] {
                    Response r;
                    r.body = text;
                    w->send(std::move(r));
                });
                lock.lock();
                continue;
            }
            if (work->pieces.empty()) return;
            std::string piece = std::move(work->pieces.front());
            work->pieces.pop_front();
            work->sha.update(piece);
            --work->outstanding;
            BodyReader body = work->body;
            lock.unlock();
            body.resume();  // thread-safe: posted to the loop
            lock.lock();
        }
    });
    HttpServer server;
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    server.route_upload("POST", "/slow",
                        [work](const ServerRequest&, BodyReader body, StreamWriter res) {
                            {
                                std::lock_guard<std::mutex> lock(work->mutex);
                                work->body = body;
                            }
                            body.on_data([work](std::string_view piece) {
                                std::lock_guard<std::mutex> lock(work->mutex);
                                if (work->outstanding++ > 0) ++work->overlapping;
                                ++work->pieces_seen;
                                work->pieces.emplace_back(piece);
                                work->cv.notify_one();
                                return false;  // no more until the worker has this one
                            });
                            body.on_end([work, res](std::error_code ec) {
                                // Held back until the last piece was resumed; the worker
                                // answers, from its thread, through BodyReader::post().
                                std::lock_guard<std::mutex> lock(work->mutex);
                                work->end = ec ? ec.message() : "ok";
                                work->answer = std::make_unique<StreamWriter>(res);
                                work->cv.notify_one();
                            });
                        });
    {
        RunningServer run(server);
        const std::string data = random_bytes(8 * 1024 * 1024, 3);
        RawClient c(run.port());
        SUBCASE("Content-Length") {
            c.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                   std::to_string(data.size()) + "\r\n\r\n");
            c.send(data);
        }
        SUBCASE("chunked") {
            c.send("POST /slow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.send(chunked(data));
        }
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");  // waits for the answer above
        Response r = c.read_response("POST");
        CHECK(r.status == 200);
        CHECK(r.body == "ok " + hex(socklite::detail::sha1(data)));
        CHECK(c.read_response().body == "hello");
        {
            std::lock_guard<std::mutex> lock(work->mutex);
            CHECK(work->pieces_seen > 1);
            CHECK(work->overlapping == 0);
        }
    }
    {
        std::lock_guard<std::mutex> lock(work->mutex);
        work->stop = true;
        work->cv.notify_one();
    }
    worker.join();
}

TEST_CASE("upload: the answer streams while the body arrives (an echo under flow control)") {
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.output_high_water = 16 * 1024;
    HttpServer server(o);
    server.route_upload(
        "POST", "/echo", [](const ServerRequest&, BodyReader body, StreamWriter res) {
            res.on_ready([body] { body.resume(); });
            body.on_data([res](std::string_view piece) mutable { return res.write(piece); });
            body.on_end([res](std::error_code ec) mutable {
                if (!ec) res.end();
            });
        });
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    RunningServer run(server);
    const std::string data = random_bytes(16 * 1024 * 1024, 5);
    RawClient c(run.port());
    // The client writes on one thread and reads on this one: a client that did not read would
    // not be read from either.
    std::thread writer([&] {
        c.socket().send_all("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                            std::to_string(data.size()) + "\r\n\r\n");
        c.socket().send_all(data);
        c.socket().send_all("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    Response r = c.read_response("POST");
    writer.join();
    CHECK(r.status == 200);
    CHECK(r.headers.get("Transfer-Encoding") == "chunked");
    CHECK(r.body.size() == data.size());
    CHECK(r.body == data);
    CHECK(c.read_response().body == "hello");
}

TEST_CASE("upload: Expect: 100-continue only when the body is wanted") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer::Options o;
    o.max_upload_size = 1000;
    HttpServer server(o);
    sha_route(server, seen);
    // Reads the body only once a worker says so: no 100 Continue before.
    struct Gate {
        std::mutex mutex;
        std::condition_variable cv;
        BodyReader body;
        bool set = false;
    };
    auto gate = std::make_shared<Gate>();
    server.route_upload("PUT", "/later",
                        [gate](const ServerRequest&, BodyReader body, StreamWriter res) {
                            body.pause();
                            {
                                std::lock_guard<std::mutex> lock(gate->mutex);
                                gate->body = body;
                                gate->set = true;
                                gate->cv.notify_one();
                            }
                            body.on_end([res](std::error_code ec) mutable {
                                Response r;
                                r.body = ec ? "error" : "done";
                                res.send(std::move(r));
                            });
                        });
    // Refuses before reading.
    server.route_upload("PUT", "/deny", [](const ServerRequest&, BodyReader, StreamWriter res) {
        Response r;
        r.status = 403;
        res.send(std::move(r));
    });
    RunningServer run(server);
    const std::string head = "PUT /sha HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n";

    SUBCASE("100 Continue, then the body") {
        RawClient c(run.port());
        c.send(head + "Content-Length: 5\r\n\r\nhello");
        Response r = c.read_response();
        CHECK(r.status == 200);  // (the response parser skips the 100)
        CHECK(r.body == hex(socklite::detail::sha1("hello")) + " 5");
    }
    SUBCASE("the interim answer on the wire") {
        RawClient c(run.port());
        c.send(head + "Content-Length: 5\r\n\r\n");
        while (c.buffered().find("\r\n\r\n") == std::string::npos) REQUIRE(c.fill());
        CHECK(c.buffered() == "HTTP/1.1 100 Continue\r\n\r\n");
        c.buffered().clear();
        c.send("hello");
        Response r = c.read_response();
        CHECK(r.body == hex(socklite::detail::sha1("hello")) + " 5");
    }
    SUBCASE("too large: 413 before reading, no 100 Continue") {
        RawClient c(run.port());
        c.send(head + "Content-Length: 5000\r\n\r\n");
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 413 ") == 0);
        CHECK(all.find("100 Continue") == std::string::npos);
        CHECK(all.find("Connection: close\r\n") != std::string::npos);
    }
    SUBCASE("an unknown expectation: 417") {
        RawClient c(run.port());
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 5\r\n\r\n");
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 417 ") == 0);
        CHECK(all.find("100 Continue") == std::string::npos);
    }
    SUBCASE("no route: 404 without 100 Continue, and a close") {
        RawClient c(run.port());
        c.send(
            "PUT /absent HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
            "5\r\n\r\n");
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 404 ") == 0);
        CHECK(all.find("100 Continue") == std::string::npos);
        CHECK(all.find("Connection: close\r\n") != std::string::npos);
    }
    SUBCASE("refused by the handler at once: no 100 Continue, and a close") {
        RawClient c(run.port());
        c.send(
            "PUT /deny HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
            "5\r\n\r\n");
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 403 ") == 0);
        CHECK(all.find("100 Continue") == std::string::npos);
    }
    SUBCASE("a paused handler: 100 Continue at resume()") {
        RawClient c(run.port());
        c.send(
            "PUT /later HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
            "2\r\n\r\n");
        // The handler has paused once the gate is set; nothing may have come by then.
        BodyReader body;
        {
            std::unique_lock<std::mutex> lock(gate->mutex);
            REQUIRE(gate->cv.wait_for(lock, io_timeout, [&] { return gate->set; }));
            body = gate->body;
        }
        CHECK(!c.readable_now());
        body.resume();  // from this thread: posted to the loop
        while (c.buffered().find("\r\n\r\n") == std::string::npos) REQUIRE(c.fill());
        CHECK(c.buffered() == "HTTP/1.1 100 Continue\r\n\r\n");
        c.buffered().clear();
        c.send("ok");
        CHECK(c.read_response().body == "done");
        std::lock_guard<std::mutex> lock(gate->mutex);
        gate->body = BodyReader();
    }
}

TEST_CASE("upload: curl -T and POST with Expect: 100-continue") {
    if (::access("/usr/bin/curl", X_OK) != 0) return;
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer server;
    sha_route(server, seen);
    RunningServer run(server);
    TempDir dir;
    const std::string data = random_bytes(3 * 1024 * 1024, 11);
    write_file(dir.path() / "in", data);
    const std::string url = "http://127.0.0.1:" + std::to_string(run.port()) + "/sha";
    // -T sends a PUT with `Expect: 100-continue` (forced here whatever the size), -v shows the
    // interim answer on stderr.
    Child child({"/usr/bin/curl", "-sS", "-v", "--max-time", "60", "--expect100-timeout", "60",
                 "-H", "Expect: 100-continue", "-T", (dir.path() / "in").string(), url},
                true, "");
    std::string out;
    REQUIRE(child.read_all(out, 60s));
    int status = child.wait(60s);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out == hex(socklite::detail::sha1(data)) + " " + std::to_string(data.size()));
    CHECK(seen->get_end() == "ok");
}

TEST_CASE("upload: a stalled body times out: 408, a close, and the handler is told") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer::Options o;
    o.body_timeout = std::chrono::milliseconds(200);
    HttpServer server(o);
    sha_route(server, seen);
    RunningServer run(server);
    RawClient c(run.port());
    SUBCASE("Content-Length") {
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    }
    SUBCASE("chunked") {
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n");
    }
    c.send(std::string(1000, 'x'));
    std::string all = c.read_to_end();
    CHECK(all.find("HTTP/1.1 408 ") == 0);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    CHECK(seen->get_end() == std::make_error_code(std::errc::timed_out).message());
}

TEST_CASE("upload: bad chunked coding midway: 400, a close, and the handler is told") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer server;
    sha_route(server, seen);
    RunningServer run(server);
    RawClient c(run.port());
    c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
           std::string("5\r\nhello\r\n") + "zz\r\nworld\r\n0\r\n\r\n");
    std::string all = c.read_to_end();
    CHECK(all.find("HTTP/1.1 400 ") == 0);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    CHECK(seen->get_bytes() == 5);
    CHECK(!seen->get_end().empty());
    CHECK(seen->get_end() != "ok");
}

TEST_CASE("upload: over max_upload_size midway (chunked): 413, a close, the handler told") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer::Options o;
    o.max_upload_size = 100000;
    HttpServer server(o);
    sha_route(server, seen);
    RunningServer run(server);
    RawClient c(run.port());
    c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.send(chunked(random_bytes(300000, 1)));
    std::string all = c.read_to_end();
    CHECK(all.find("HTTP/1.1 413 ") == 0);
    CHECK(seen->get_bytes() <= 100000);
    CHECK(seen->get_end() == make_error_code(socklite::http::errc::body_too_large).message());
}

TEST_CASE("upload: the handler answers 413 midway") {
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.max_discard = 64 * 1024;
    HttpServer server(o);
    auto ends = std::make_shared<int>(0);
    // Takes at most 1000 bytes, then refuses.
    server.route_upload("POST", "/small",
                        [ends](const ServerRequest&, BodyReader body, StreamWriter res) {
                            body.on_data([body, res](std::string_view) mutable {
                                if (body.received() <= 1000) return true;
                                Response r;
                                r.status = 413;
                                res.send(std::move(r));
                                return true;
                            });
                            body.on_end([ends, res](std::error_code) mutable {
                                ++*ends;  // (not called after an answer)
                                res.send(Response());
                            });
                        });
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    RunningServer run(server);
    SUBCASE("a short rest is read and dropped: the connection goes on") {
        RawClient c(run.port());
        c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 30000\r\n\r\n");
        c.send(random_bytes(30000, 2));
        c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Response r = c.read_response("POST");
        CHECK(r.status == 413);
        CHECK(r.headers.get("Connection").empty());
        CHECK(c.read_response().body == "hello");
    }
    SUBCASE("a long rest: Connection: close") {
        RawClient c(run.port());
        c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        c.send(random_bytes(200000, 2));
        Response r = c.read_response("POST");
        CHECK(r.status == 413);
        CHECK(r.headers.get("Connection") == "close");
    }
    SUBCASE("chunked: Connection: close") {
        RawClient c(run.port());
        c.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        c.send(chunked(random_bytes(5000, 2)));
        Response r = c.read_response("POST");
        CHECK(r.status == 413);
        CHECK(r.headers.get("Connection") == "close");
        CHECK(c.read_to_end().empty());
    }
    run.stop();
    CHECK(*ends == 0);
}

TEST_CASE("upload: a handler that throws, or drops its writer: 500 and a close") {
    FdLeakGuard leaks;
    std::vector<std::string> errors;
    std::mutex errors_mutex;
    HttpServer::Options o;
    o.on_error = [&](std::string_view m) {
        std::lock_guard<std::mutex> lock(errors_mutex);
        errors.emplace_back(m);
    };
    HttpServer server(o);
    server.route_upload("POST", "/throw-at-once",
                        [](const ServerRequest&, BodyReader, StreamWriter) -> void {
                            throw std::runtime_error("at once");
                        });
    server.route_upload(
        "POST", "/throw-in-data", [](const ServerRequest&, BodyReader body, StreamWriter res) {
            body.on_data([](std::string_view) -> bool { throw std::runtime_error("in data"); });
            body.on_end([res](std::error_code) {});
        });
    server.route_upload("POST", "/drop", [](const ServerRequest&, BodyReader body, StreamWriter) {
        body.on_data([](std::string_view) { return true; });
    });
    RunningServer run(server);
    for (const char* path : {"/throw-at-once", "/throw-in-data", "/drop"}) {
        CAPTURE(path);
        RawClient c(run.port());
        c.send(std::string("POST ") + path +
               " HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 500 ") == 0);
        CHECK(all.find("Connection: close\r\n") != std::string::npos);
    }
    run.stop();
    CHECK(errors.size() == 3);
}

TEST_CASE("upload: HTTP/1.0 with Content-Length, and HEAD/GET upload routes") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer server;
    sha_route(server, seen);
    RunningServer run(server);
    RawClient c(run.port());
    c.send("PUT /sha HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
    std::string all = c.read_to_end();
    CHECK(all.find("HTTP/1.1 200 ") == 0);
    CHECK(all.find(hex(socklite::detail::sha1("hello")) + " 5") != std::string::npos);
}

TEST_CASE("upload: the client goes midway, or the server stops: the handler is told") {
    FdLeakGuard leaks;
    auto seen = std::make_shared<Seen>();
    HttpServer::Options o;
    o.grace = std::chrono::milliseconds(100);
    HttpServer server(o);
    sha_route(server, seen);
    RunningServer run(server);
    SUBCASE("the client closes") {
        {
            RawClient c(run.port());
            c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
            c.send(std::string(1000, 'x'));
        }
        REQUIRE(seen->wait_end());
        CHECK(seen->get_end() == make_error_code(socklite::errc::unexpected_eof).message());
    }
    SUBCASE("the client half-closes after the whole body: answered") {
        RawClient c(run.port());
        const std::string data = random_bytes(3 * 1024 * 1024, 9);
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(data.size()) +
               "\r\n\r\n");
        c.send(data);
        c.socket().shutdown(socklite::Shutdown::write);
        std::string all = c.read_to_end();
        CHECK(all.find("HTTP/1.1 200 ") == 0);
        CHECK(all.find(hex(socklite::detail::sha1(data))) != std::string::npos);
        REQUIRE(seen->wait_end());
        CHECK(seen->get_end() == "ok");
    }
    SUBCASE("the server stops: the grace period ends the upload") {
        RawClient c(run.port());
        c.send("PUT /sha HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        c.send("3e8\r\n" + std::string(500, 'x'));
        // (The body timeout is 30 s: the stop ends it.)
        REQUIRE(seen->wait_bytes(500));
        run.stop();
        REQUIRE(seen->wait_end());
        CHECK(seen->get_end() == std::make_error_code(std::errc::operation_canceled).message());
        CHECK(c.read_to_end().empty());
    }
}
