// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// examples/http_server end to end: the DESIGN contract, curl (GET, HEAD, POST /echo, several
// URLs over one connection, 10 MiB echoed byte-exact with a Content-Length, chunked, with
// Expect: 100-continue and over HTTP/1.0, Range 206/416 and 304 on static files), pipelined
// requests over a raw socket, and a graceful SIGTERM.

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <socklite/ws/client.hpp>

#include "child_process.hpp"
#include "server/server_fixture.hpp"
#include "support/example_path.hpp"
#include "ws/peer.hpp"

using examples_test::Child;
using socklite_test::RawClient;

namespace {

std::unique_ptr<Child> start_server(std::vector<std::string> args = {}) {
    if (args.empty() || args[0] != "--help") {
        args.insert(args.end(), {"--port", "0", "--threads", "2"});
    }
    return std::make_unique<Child>(socklite_test::example_path("http_server"), args);
}

// Runs curl with @p args and returns its stdout (exit status 0 required).
std::string curl(const std::vector<std::string>& args) {
    std::vector<std::string> all{"-sS", "--max-time", "30"};
    all.insert(all.end(), args.begin(), args.end());
    Child c("/usr/bin/curl", all);
    REQUIRE(c.wait_exit());
    CHECK(c.exit_code() == 0);
    return c.out();
}

const std::string host = "Host: a\r\n";

}  // namespace

TEST_CASE("http_server: --help, bad arguments, listening on") {
    int fds = examples_test::fd_count();
    {
        auto help = start_server({"--help"});
        REQUIRE(help->wait_exit());
        CHECK(help->exit_code() == 0);
        CHECK(help->out().rfind(
                  "usage: http_server [--host H] [--port P] [--root DIR] [--threads N]", 0) == 0);
    }
    for (auto bad_args : std::vector<std::vector<std::string>>{{"--threads", "x"}, {"--bogus"}}) {
        auto bad = std::make_unique<Child>(socklite_test::example_path("http_server"), bad_args);
        REQUIRE(bad->wait_exit());
        CHECK(bad->exit_code() == 1);
        CHECK(bad->err().rfind("http_server: bad arguments: ", 0) == 0);
        CHECK(std::count(bad->err().begin(), bad->err().end(), '\n') == 1);
    }
    {
        auto server = start_server();
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        CHECK(server->err() == "listening on 127.0.0.1:" + std::to_string(port) + "\n");
        REQUIRE(::kill(server->pid(), SIGINT) == 0);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 0);
    }
    CHECK(examples_test::fd_count() == fds);
}

TEST_CASE("http_server: curl GET, HEAD, POST /echo, /headers, keep-alive over several URLs") {
    if (::access("/usr/bin/curl", X_OK) != 0) return;
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    std::string base = "http://127.0.0.1:" + std::to_string(port);
    CHECK(curl({base + "/hello"}) == "hello, world!");
    std::string head = curl({"-I", base + "/hello"});
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Type: text/plain\r\n") != std::string::npos);
    CHECK(head.find("Content-Length: 13\r\n") != std::string::npos);
    CHECK(curl({"--data-binary", "some body", base + "/echo"}) == "some body");
    CHECK(curl({"-X", "PUT", "--data-binary", "put body", base + "/echo"}) == "put body");
    CHECK(curl({"-H", "X-Test: one two", base + "/headers"}) ==
          "Host: 127.0.0.1:" + std::to_string(port) + "\nUser-Agent: " +
              curl({"--version"}).substr(0, curl({"--version"}).find(' ')) + "/" +
              [&] {
                  std::string v = curl({"--version"});
                  std::size_t a = v.find(' ') + 1;
                  return v.substr(a, v.find(' ', a) - a);
              }() +
              "\nAccept: */*\nX-Test: one two\n");
    CHECK(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/nothing"}) == "404");
    CHECK(curl({"-w", " [%{num_connects}]\n", base + "/hello", base + "/hello", base + "/hello"}) ==
          "hello, world! [1]\nhello, world! [0]\nhello, world! [0]\n");
    REQUIRE(::kill(server->pid(), SIGTERM) == 0);
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
}

TEST_CASE("http_server: pipelined requests over a raw socket are answered in order") {
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    {
        RawClient cli(port);
        std::string batch;
        for (int i = 0; i < 10; ++i) {
            std::string body = "request " + std::to_string(i);
            batch += "POST /echo HTTP/1.1\r\n" + host +
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
            batch += "GET /hello HTTP/1.1\r\n" + host + "\r\n";
        }
        cli.send(batch);
        for (int i = 0; i < 10; ++i) {
            CHECK(cli.read_response().body == "request " + std::to_string(i));
            CHECK(cli.read_response().body == "hello, world!");
        }
    }
    REQUIRE(::kill(server->pid(), SIGTERM) == 0);
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
}

TEST_CASE("http_server: GET /ws/echo sends each message back as it came; SIGTERM closes 1001") {
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/ws/echo";
    auto soon = [] { return socklite::Deadline::after(std::chrono::seconds(30)); };
    {
        auto w = socklite::WebSocket::connect(url);
        w.send_text("h\xc3\xa9llo", soon());
        auto m = w.receive(soon());
        CHECK(m.type == socklite::WebSocket::MessageType::text);
        CHECK(m.data == "h\xc3\xa9llo");
        std::string bin(300000, '\0');
        for (std::size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<char>(i * 7);
        w.send_binary(bin, soon());
        m = w.receive(soon());
        CHECK(m.type == socklite::WebSocket::MessageType::binary);
        CHECK(m.data == bin);
        w.close(1000, "", soon());
        CHECK(w.receive(soon()).type == socklite::WebSocket::MessageType::close);
    }
    REQUIRE_MESSAGE(ws_test::have_python_websockets(), "needs python3-websockets");
    {
        Child py("/usr/bin/python3", {ws_test::source_dir() + "/client_check.py", url});
        REQUIRE(py.wait_exit(std::chrono::seconds(120)));
        CAPTURE(py.err());
        CHECK(py.exit_code() == 0);
        CHECK(py.out() == "ok 24\n");
    }
    auto w = socklite::WebSocket::connect(url);
    w.send_text("x", soon());
    CHECK(w.receive(soon()).data == "x");
    REQUIRE(::kill(server->pid(), SIGTERM) == 0);
    auto m = w.receive(soon());
    CHECK(m.type == socklite::WebSocket::MessageType::close);
    CHECK(m.close_code == 1001);
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
}

TEST_CASE("http_server: SIGTERM lets the request under way finish, then exit 0") {
    auto server = start_server();
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    RawClient cli(port);
    cli.send("POST /echo HTTP/1.1\r\n" + host +
             "Expect: 100-continue\r\nContent-Length: 8\r\n\r\n");
    // The interim answer shows that the server is reading this request's body.
    while (cli.buffered().find("\r\n\r\n") == std::string::npos) REQUIRE(cli.fill());
    CHECK(cli.buffered() == "HTTP/1.1 100 Continue\r\n\r\n");
    cli.buffered().clear();
    REQUIRE(::kill(server->pid(), SIGTERM) == 0);
    cli.send("finished");
    socklite::http::Response r = cli.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == "finished");
    // (With `Connection: close` if the stop came first, else the now idle connection is closed.)
    CHECK(cli.read_to_end().empty());
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
}

TEST_CASE("http_server: static files under --root, never a byte from outside it") {
    if (::access("/usr/bin/curl", X_OK) != 0) return;
    char tmpl[] = "/tmp/socklite-www-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    std::string dir = tmpl;
    std::string root = dir + "/root";
    REQUIRE(::mkdir(root.c_str(), 0755) == 0);
    auto write = [](const std::string& path, const std::string& text) {
        FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    };
    write(root + "/index.html", "<h1>home</h1>");
    write(dir + "/secret", "secret");
    {
        auto server = start_server({"--root", root});
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        std::string base = "http://127.0.0.1:" + std::to_string(port);
        CHECK(curl({base + "/"}) == "<h1>home</h1>");
        CHECK(curl({base + "/index.html"}) == "<h1>home</h1>");
        CHECK(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/absent"}) == "404");
        CHECK(curl({"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                    base + "/../secret"}) == "404");
        CHECK(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/%2e%2e/secret"}) == "404");
        CHECK(curl({"-X", "DELETE", "-o", "/dev/null", "-w", "%{http_code}",
                    base + "/index.html"}) == "405");
        REQUIRE(::kill(server->pid(), SIGTERM) == 0);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 0);
    }
    std::remove((root + "/index.html").c_str());
    std::remove((dir + "/secret").c_str());
    ::rmdir(root.c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("http_server: curl POST and PUT of 10 MiB to /echo, byte-exact, and --http1.0") {
    if (::access("/usr/bin/curl", X_OK) != 0) return;
    char tmpl[] = "/tmp/socklite-echo-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    std::string data(10 * 1024 * 1024, '\0');
    std::uint32_t x = 2463534242u;
    for (char& c : data) {  // xorshift: every byte value, no pattern a bug could hide behind
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    auto write = [](const std::string& path, const std::string& text) {
        FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        CHECK(std::fwrite(text.data(), 1, text.size(), f) == text.size());
        std::fclose(f);
    };
    auto read = [](const std::string& path) {
        std::string text;
        FILE* f = std::fopen(path.c_str(), "rb");
        REQUIRE(f != nullptr);
        char buf[65536];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        std::fclose(f);
        return text;
    };
    write(dir + "/in", data);
    {
        auto server = start_server();
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/echo";
        const std::string in = "@" + dir + "/in";
        const std::string out = dir + "/out";
        SUBCASE("POST with a Content-Length") {
            CHECK(curl({"--data-binary", in, "-o", out, "-w", "%{http_code}", url}) == "200");
        }
        SUBCASE("POST chunked") {
            CHECK(curl({"-H", "Transfer-Encoding: chunked", "--data-binary", in, "-o", out, "-w",
                        "%{http_code}", url}) == "200");
        }
        SUBCASE("PUT with -T (Expect: 100-continue)") {
            CHECK(curl({"-H", "Expect: 100-continue", "--expect100-timeout", "30", "-T",
                        dir + "/in", "-o", out, "-w", "%{http_code}", url}) == "200");
        }
        SUBCASE("HTTP/1.0") {
            CHECK(curl({"--http1.0", "--data-binary", in, "-o", out, "-w", "%{http_code}", url}) ==
                  "200");
        }
        CHECK(read(out) == data);
        std::remove(out.c_str());
        REQUIRE(::kill(server->pid(), SIGTERM) == 0);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 0);
    }
    std::remove((dir + "/in").c_str());
    ::rmdir(dir.c_str());
}

TEST_CASE("http_server: curl on static files: Range (206, 416), 304 for If-None-Match") {
    if (::access("/usr/bin/curl", X_OK) != 0) return;
    char tmpl[] = "/tmp/socklite-www-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string root = tmpl;
    std::string data(100000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
    {
        FILE* f = std::fopen((root + "/data.txt").c_str(), "wb");
        REQUIRE(f != nullptr);
        std::fwrite(data.data(), 1, data.size(), f);
        std::fclose(f);
    }
    {
        auto server = start_server({"--root", root});
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/data.txt";
        // -w appends the status after the body.
        CHECK(curl({"-r", "10-19", "-w", " %{http_code}", url}) == data.substr(10, 10) + " 206");
        CHECK(curl({"-r", "-5", "-w", " %{http_code}", url}) ==
              data.substr(data.size() - 5) + " 206");
        CHECK(curl({"-r", "99990-", "-w", " %{http_code}", url}) == data.substr(99990) + " 206");
        CHECK(curl({"-r", "100000-", "-o", "/dev/null", "-w", "%{http_code}", url}) == "416");
        std::string head = curl({"-I", url});
        std::size_t at = head.find("ETag: ");
        REQUIRE(at != std::string::npos);
        std::string etag = head.substr(at + 6, head.find("\r\n", at) - at - 6);
        CHECK(curl({"-H", "If-None-Match: " + etag, "-o", "/dev/null", "-w", "%{http_code}",
                    url}) == "304");
        CHECK(curl({"-H", "If-None-Match: \"other\"", "-o", "/dev/null", "-w", "%{http_code}",
                    url}) == "200");
        // Several URLs over one connection (-w: new connections per transfer), HTTP/1.0.
        CHECK(curl({"-r", "0-2", "-w", " [%{num_connects}]\n", url, url, url}) ==
              "abc [1]\nabc [0]\nabc [0]\n");
        CHECK(curl({"--http1.0", "-r", "0-2", url}) == "abc");
        REQUIRE(::kill(server->pid(), SIGTERM) == 0);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 0);
    }
    std::remove((root + "/data.txt").c_str());
    ::rmdir(root.c_str());
}
