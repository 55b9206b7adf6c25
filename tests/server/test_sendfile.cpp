// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer::serve_dir() sends file bodies with sendfile(2) through Connection::send_file():
// a 50 MiB file byte-exact to a slow reader (in bounded pieces, while another client is served),
// ranges and pipelined file answers in order, and a file truncated while it is being sent (a
// short body and a clean close, the server goes on). sendfile is counted through the syscall
// seam, so the tests also show that the zero-copy path is the one taken.

#include <socklite/detail/syscall.hpp>
#include <socklite/http/server.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

const std::string host = "Host: a\r\n";

// Counts the sendfile calls of the seam and the largest piece asked for.
std::atomic<int> sendfile_calls{0};
std::atomic<std::size_t> largest_piece{0};
ssize_t counting_sendfile(int out, int in, off_t* offset, size_t count) {
    ++sendfile_calls;
    std::size_t seen = largest_piece.load();
    while (count > seen && !largest_piece.compare_exchange_weak(seen, count)) {}
    return ::sendfile(out, in, offset, count);
}

// Installs counting_sendfile for its lifetime (before the server thread starts, removed after
// it ends: the thread start and join order the accesses).
class CountSendfile {
public:
    CountSendfile() {
        sendfile_calls = 0;
        largest_piece = 0;
        saved_ = socklite::detail::sys.sendfile;
        socklite::detail::sys.sendfile = counting_sendfile;
    }
    CountSendfile(const CountSendfile&) = delete;
    CountSendfile& operator=(const CountSendfile&) = delete;
    ~CountSendfile() { socklite::detail::sys.sendfile = saved_; }

private:
    ssize_t (*saved_)(int, int, off_t*, size_t) = nullptr;
};

// Reads a response head from @p cli (the body stays buffered); returns it.
Response read_head(RawClient& cli) {
    socklite::http::ResponseParser p;
    Response res;
    for (int rounds = 0; rounds < 1000; ++rounds) {
        auto r = p.parse_head(cli.buffered());
        REQUIRE(!r.error());
        if (r.complete()) {
            p.copy_head(res);
            cli.buffered().erase(0, r.consumed);
            return res;
        }
        REQUIRE(cli.fill());
    }
    FAIL("no head");
    return res;
}

}  // namespace

TEST_CASE("sendfile: 50 MiB byte-exact to a slow reader, in bounded pieces, others served") {
    FdLeakGuard leaks;
    CountSendfile counting;
    TempDir dir;
    const std::size_t size = 50u * 1024 * 1024;
    const std::string data = random_bytes(size);
    write_file(dir.path() / "big.bin", data);
    HttpServer server;
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    server.serve_dir("/files", dir.path().string());
    RunningServer run(server);

    RawClient slow(run.port());
    slow.socket().recv_buffer_size(32 * 1024);  // a small window: the server must wait
    slow.send("GET /files/big.bin HTTP/1.1\r\n" + host + "\r\n");
    Response head = read_head(slow);
    REQUIRE(head.status == 200);
    REQUIRE(head.headers.get("Content-Length") == std::to_string(size));
    std::size_t got = 0;
    bool same = true;
    auto start = std::chrono::steady_clock::now();
    int other_requests = 0;
    std::string& buf = slow.buffered();
    while (got < size && elapsed_since(start) < 3 * io_timeout) {
        if (buf.empty()) REQUIRE(slow.fill());
        std::size_t n = std::min(buf.size(), size - got);
        same = same && buf.compare(0, n, data, got, n) == 0;
        got += n;
        buf.erase(0, n);
        // Now and then: pause (a slow reader) and check that another client is served at once.
        if (got % (8u * 1024 * 1024) < n) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            RawClient other(run.port());
            other.send("GET /hello HTTP/1.1\r\n" + host + "\r\n");
            CHECK(other.read_response().body == "hello");
            ++other_requests;
        }
    }
    CHECK(got == size);
    CHECK(same);
    CHECK(other_requests >= 5);
    // The same connection goes on after the file.
    slow.send("GET /hello HTTP/1.1\r\n" + host + "\r\n");
    CHECK(slow.read_response().body == "hello");
    MESSAGE(sendfile_calls.load() << " sendfile calls, largest piece " << largest_piece.load());
    const std::size_t piece = socklite::Connection::Options().file_piece;
    CHECK(sendfile_calls.load() >= static_cast<int>(size / piece));
    CHECK(largest_piece.load() <= piece);
}

TEST_CASE("sendfile: ranges, HEAD, and pipelined file answers in order") {
    FdLeakGuard leaks;
    CountSendfile counting;
    TempDir dir;
    const std::string data = random_bytes(3 * 1024 * 1024 + 17);
    const std::string small = "small file\n";
    write_file(dir.path() / "data.bin", data);
    write_file(dir.path() / "small.txt", small);
    write_file(dir.path() / "empty.txt", "");
    HttpServer server;
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    server.serve_dir("/", dir.path().string());
    RunningServer run(server);
    RawClient cli(run.port());
    const std::string size = std::to_string(data.size());

    auto get = [&](const std::string& target, const std::string& extra = "") {
        return "GET " + target + " HTTP/1.1\r\n" + host + extra + "\r\n";
    };
    // All pipelined in one send: the answers come back in order, each body exact.
    cli.send(
        get("/data.bin", "Range: bytes=1000-1999\r\n") + get("/data.bin", "Range: bytes=-500\r\n") +
        get("/data.bin", "Range: bytes=1048576-\r\n") + get("/small.txt") + get("/hello") +
        get("/data.bin") + get("/empty.txt") + get("/data.bin", "Range: bytes=" + size + "-\r\n") +
        "HEAD /data.bin HTTP/1.1\r\n" + host + "\r\n" + get("/hello"));
    Response r = cli.read_response();
    CHECK(r.status == 206);
    CHECK(r.headers.get("Content-Range") == "bytes 1000-1999/" + size);
    CHECK(r.body == data.substr(1000, 1000));
    r = cli.read_response();
    CHECK(r.status == 206);
    CHECK(r.body == data.substr(data.size() - 500));
    r = cli.read_response();
    CHECK(r.status == 206);
    CHECK(r.body.size() == data.size() - 1048576);
    CHECK(r.body == data.substr(1048576));
    r = cli.read_response();
    CHECK(r.body == small);
    CHECK(r.headers.get("Content-Type") == "text/plain; charset=utf-8");
    CHECK(cli.read_response().body == "hello");
    r = cli.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == data);
    r = cli.read_response();
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Length") == "0");
    CHECK(r.body.empty());
    r = cli.read_response();
    CHECK(r.status == 416);
    CHECK(r.headers.get("Content-Range") == "bytes */" + size);
    r = cli.read_response("HEAD");
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Length") == size);
    CHECK(r.body.empty());
    CHECK(cli.read_response().body == "hello");
    CHECK(sendfile_calls.load() > 0);
}

TEST_CASE("sendfile: a file truncated while it is sent ends with a short body and a close") {
    FdLeakGuard leaks;
    TempDir dir;
    const std::size_t size = 20u * 1024 * 1024;
    const std::string data = random_bytes(size);
    write_file(dir.path() / "shrinking.bin", data);
    HttpServer server;
    server.get("/hello", [](const ServerRequest&, Response& res) { res.body = "hello"; });
    server.serve_dir("/", dir.path().string());
    RunningServer run(server);

    RawClient cli(run.port());
    cli.socket().recv_buffer_size(32 * 1024);
    cli.send("GET /shrinking.bin HTTP/1.1\r\n" + host + "\r\n");
    Response head = read_head(cli);
    REQUIRE(head.status == 200);
    std::size_t got = cli.buffered().size();
    cli.buffered().clear();
    while (got < 1024 * 1024) {
        REQUIRE(cli.fill());
        got += cli.buffered().size();
        cli.buffered().clear();
    }
    // The server is in the middle of the file (the client reads slowly): cut it to 2 MiB.
    REQUIRE(::truncate((dir.path() / "shrinking.bin").c_str(), 2 * 1024 * 1024) == 0);
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        std::error_code ec;
        char tmp[65536];
        std::size_t n = cli.socket().recv(tmp, sizeof tmp, ec);
        if (ec || n == 0) break;  // the close (a reset is fine too)
        got += n;
        REQUIRE(elapsed_since(start) < io_timeout);
    }
    MESSAGE("received " << got << " of " << size << " bytes before the close");
    CHECK(got < size);
    CHECK(got >= 1024 * 1024);
    // The server goes on.
    RawClient next(run.port());
    next.send("GET /hello HTTP/1.1\r\n" + host + "\r\n");
    CHECK(next.read_response().body == "hello");
}
