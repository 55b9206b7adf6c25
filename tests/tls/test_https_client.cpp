// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// HttpClient over https:// and WebSocket over wss:// against real TLS peers on loopback, with a
// PKI made fresh by tests/tls/make_ca.sh: nginx (one port per certificate), `openssl s_server
// -www`, Python's websockets with an ssl context, and an in-process server for the close rules.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>

#include <openssl/x509_vfy.h>

#include <socklite/http/client.hpp>
#include <socklite/listener.hpp>
#include <socklite/tls.hpp>
#include <socklite/ws/client.hpp>

#include "examples/child_process.hpp"
#include "support/fd_count.hpp"
#include "tls/tls_servers.hpp"

using socklite::HttpClient;
using namespace tls_test;

namespace {

struct Fixture {
    Pki pki;
    TempDir dir;
    std::string small = "Hello, world!";
    std::string one_mib = random_bytes(1 << 20, 7);
    std::unique_ptr<TlsNginx> nginx;

    Fixture() {
        fs::create_directories(dir.path() / "www");
        fs::create_directories(dir.path() / "nginx");
        write_file(dir.path() / "www" / "hello.txt", small);
        write_file(dir.path() / "www" / "1m.bin", one_mib);
        nginx = std::make_unique<TlsNginx>(pki, dir.path() / "www", dir.path() / "nginx");
    }
};

// One PKI and one nginx for the program: making them costs more than the tests.
Fixture& fixture() {
    static Fixture f;
    return f;
}

// A client context trusting the test CA only (or verifying nothing).
socklite::tls::Context trusting(const Pki& pki, bool verify = true) {
    socklite::tls::ClientOptions o;
    o.ca_file = pki.ca();
    o.verify = verify;
    return socklite::tls::Context::client(o);
}

HttpClient::Options options(const socklite::tls::Context& ctx) {
    HttpClient::Options o;
    o.tls = ctx;
    o.connect_timeout = std::chrono::seconds(20);
    o.read_timeout = std::chrono::seconds(20);
    o.max_body_size = 64u << 20;
    return o;
}

// What verification must report for each bad leaf.
struct BadLeaf {
    const char* name;
    int verify_error;   // X509_V_ERR_*
    const char* words;  // in the message
};
const BadLeaf bad_leaves[] = {
    {"wronghost", X509_V_ERR_HOSTNAME_MISMATCH, "host name mismatch"},
    {"expired", X509_V_ERR_CERT_HAS_EXPIRED, "certificate has expired"},
    {"selfsigned", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "self-signed certificate"},
    {"untrusted", X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get local issuer"},
};

// Checks that GET @p url fails verification as @p bad says, through both overloads.
void check_rejected(HttpClient& cli, const std::string& url, const BadLeaf& bad) {
    INFO(std::string(bad.name) << " at " << url);
    std::error_code ec;
    auto res = cli.get(url, ec);
    CHECK(res.status == 0);
    CHECK(ec.category() == socklite::tls::verify_category());
    CHECK(ec.value() == bad.verify_error);
    CHECK(ec.message().find(bad.words) != std::string::npos);
    try {
        cli.get(url);
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        std::string what = e.what();
        INFO(what);
        CHECK(what.rfind("tls handshake " + url + ": ", 0) == 0);
        CHECK(what.find(bad.words) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("https: nginx, the valid certificate by name, by IP (127.0.0.1, ::1), keep-alive") {
    auto& f = fixture();
    FdLeakGuard guard;
    HttpClient cli(options(trusting(f.pki)));
    for (int i = 0; i < 5; ++i) {
        auto res = cli.get(f.nginx->url("localhost", "/hello.txt"));
        CHECK(res.status == 200);
        CHECK(res.body == f.small);
    }
    CHECK(cli.connections_opened() == 1);  // one kept-alive TLS connection
    auto big = cli.get(f.nginx->url("localhost", "/1m.bin"));
    CHECK(big.status == 200);
    CHECK(big.body == f.one_mib);
    auto chunked = cli.get(f.nginx->url("localhost", "/chunked/hello.txt"));
    CHECK(chunked.headers.get("Transfer-Encoding") == "chunked");
    CHECK(chunked.body == f.small);

    auto by_ip = cli.get(f.nginx->url("localhost", "/hello.txt", "127.0.0.1"));
    CHECK(by_ip.body == f.small);  // IP SAN 127.0.0.1
    if (f.nginx->ipv6()) {
        auto v6 = cli.get(f.nginx->url("localhost", "/hello.txt", "[::1]"));
        CHECK(v6.body == f.small);  // IP SAN ::1
    }
}

TEST_CASE("https: nginx, each bad certificate fails with its reason; verify off accepts it") {
    auto& f = fixture();
    FdLeakGuard guard;
    HttpClient cli(options(trusting(f.pki)));
    for (const auto& bad : bad_leaves) check_rejected(cli, f.nginx->url(bad.name), bad);
    // An IP address that the certificate does not name.
    const BadLeaf wrong_ip{"wronghost", X509_V_ERR_IP_ADDRESS_MISMATCH, "host name mismatch (IP"};
    check_rejected(cli, f.nginx->url("wronghost", "/", "127.0.0.1"), wrong_ip);
    CHECK(cli.idle_connections() == 0);

    HttpClient insecure(options(trusting(f.pki, false)));
    for (const auto& bad : bad_leaves) {
        auto res = insecure.get(f.nginx->url(bad.name, "/hello.txt"));
        CHECK(res.status == 200);
        CHECK(res.body == f.small);
    }
}

TEST_CASE("https: the default context (system store) rejects the test CA") {
    auto& f = fixture();
    HttpClient cli;
    std::error_code ec;
    cli.get(f.nginx->url("localhost", "/hello.txt"), ec);
    CHECK(ec.category() == socklite::tls::verify_category());
    CHECK(ec.value() == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);  // nginx sends the test CA
    HttpClient based(f.nginx->url("localhost"), options(trusting(f.pki)));  // an https base URL
    CHECK(based.get("/hello.txt").body == f.small);
}

TEST_CASE("https: openssl s_server, valid and bad certificates") {
    auto& f = fixture();
    FdLeakGuard guard;
    {
        SServer s(f.pki, "localhost", f.dir.path());
        HttpClient cli(options(trusting(f.pki)));
        auto res = cli.get(s.url());  // HTTP/1.0, the body delimited by close_notify
        CHECK(res.status == 200);
        CHECK(res.body.find("s_server") != std::string::npos);
        auto by_ip = cli.get(s.url("127.0.0.1"));
        CHECK(by_ip.status == 200);
    }
    for (const auto& bad : bad_leaves) {
        SServer s(f.pki, bad.name, f.dir.path());
        HttpClient cli(options(trusting(f.pki)));
        check_rejected(cli, s.url(), bad);
        HttpClient insecure(options(trusting(f.pki, false)));
        CHECK(insecure.get(s.url()).status == 200);
    }
}

TEST_CASE("https: a new connection to the same origin resumes the TLS session") {
    auto& f = fixture();
    SUBCASE("nginx, after the pool is emptied") {
        HttpClient cli(options(trusting(f.pki)));
        CHECK(cli.get(f.nginx->url("localhost", "/hello.txt")).status == 200);
        CHECK(cli.connections_resumed() == 0);
        cli.close_idle();
        CHECK(cli.get(f.nginx->url("localhost", "/hello.txt")).status == 200);
        CHECK(cli.connections_opened() == 2);
        CHECK(cli.connections_resumed() == 1);
        // Another origin (the IP) has no ticket yet: a full handshake.
        CHECK(cli.get(f.nginx->url("localhost", "/hello.txt", "127.0.0.1")).status == 200);
        CHECK(cli.connections_resumed() == 1);
    }
    SUBCASE("s_server: one connection per request (HTTP/1.0)") {
        SServer s(f.pki, "localhost", f.dir.path());
        HttpClient cli(options(trusting(f.pki)));
        for (int i = 0; i < 3; ++i) CHECK(cli.get(s.url()).status == 200);
        CHECK(cli.connections_opened() == 3);
        CHECK(cli.connections_resumed() == 2);
    }
}

TEST_CASE("https: redirects from http to https and back; the pool is keyed by scheme") {
    auto& f = fixture();
    FdLeakGuard guard;
    HttpClient cli(options(trusting(f.pki)));
    // plain /to-https -> https://localhost/to-http -> http://127.0.0.1/hello.txt
    auto res = cli.get(f.nginx->plain_url("/to-https"));
    CHECK(res.status == 200);
    CHECK(res.body == f.small);
    CHECK(res.url == f.nginx->plain_url("/hello.txt"));
    CHECK(cli.connections_opened() == 2);  // the plain connection carried both plain hops
    CHECK(cli.idle_connections() == 2);

    // A plain server behind an https:// URL: the handshake fails, and names the step.
    std::error_code ec;
    cli.get("https://127.0.0.1:" + std::to_string(f.nginx->plain_port()) + "/", ec);
    CHECK(ec);
    CHECK(ec.category() == socklite::tls::error_category());
}

namespace {

// An in-process HTTPS server for one connection: answers the first request with @p response,
// then ends the TLS stream with close_notify or, when @p clean is false, closes TCP bare.
class OneShotServer {
public:
    OneShotServer(const Pki& pki, std::string response, bool clean)
        : listener_(socklite::Listener::bind("127.0.0.1", 0)) {
        socklite::tls::ServerOptions o;
        o.cert_file = pki.cert("localhost");
        o.key_file = pki.key("localhost");
        auto ctx = socklite::tls::Context::server(o);
        thread_ = std::thread([this, ctx, response = std::move(response), clean] {
            try {
                auto accepted = listener_.accept(std::chrono::seconds(20));
                socklite::Socket s = std::move(accepted.socket);
                s.read_timeout(std::chrono::seconds(20));
                s.write_timeout(std::chrono::seconds(20));
                socklite::tls::accept(s, ctx);
                std::string in;
                char buf[4096];
                while (in.find("\r\n\r\n") == std::string::npos) {
                    std::size_t n = s.recv(buf, sizeof buf);
                    if (n == 0) return;
                    in.append(buf, n);
                }
                s.send_all(response);
                if (clean) s.shutdown(socklite::Shutdown::write);
                s.close();                     // a bare close: no close_notify
            } catch (const std::exception&) {  // the client's test reports what went wrong
            }
        });
    }
    ~OneShotServer() { thread_.join(); }
    std::string url() const {
        return "https://localhost:" + std::to_string(listener_.local_address().port()) + "/";
    }

private:
    socklite::Listener listener_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("https: a close without close_notify is an error only where it ends the body") {
    auto& f = fixture();
    const std::string until_close = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody to the end";
    const std::string sized = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfive!";
    HttpClient cli(options(trusting(f.pki)));
    SUBCASE("close-delimited, close_notify: the body is whole") {
        OneShotServer s(f.pki, until_close, true);
        auto res = cli.get(s.url());
        CHECK(res.status == 200);
        CHECK(res.body == "body to the end");
    }
    SUBCASE("close-delimited, bare TCP close: may be truncated, an error") {
        OneShotServer s(f.pki, until_close, false);
        std::error_code ec;
        auto res = cli.get(s.url(), ec);
        CHECK(ec == socklite::errc::unexpected_eof);
        CHECK(res.status == 0);
    }
    SUBCASE("Content-Length, bare TCP close after the message: fine") {
        OneShotServer s(f.pki, sized, false);
        auto res = cli.get(s.url());
        CHECK(res.status == 200);
        CHECK(res.body == "five!");
    }
    SUBCASE("Content-Length, bare TCP close inside the body: an error") {
        OneShotServer s(f.pki, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", false);
        std::error_code ec;
        cli.get(s.url(), ec);
        CHECK(ec == socklite::errc::unexpected_eof);
    }
}

namespace {

// tests/tls/wss_server.py: Python's websockets behind an ssl context with the leaf @p name.
class WssPeer {
public:
    WssPeer(const Pki& pki, const std::string& name)
        : child_(std::make_unique<examples_test::Child>(
              "/usr/bin/python3", std::vector<std::string>{source_dir() + "/wss_server.py",
                                                           pki.cert(name), pki.key(name)})),
          port_(child_->listening_port()) {}
    ~WssPeer() {
        child_->close_stdin();
        child_->wait_exit(std::chrono::seconds(10));
    }
    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path, const std::string& host = "localhost") const {
        return "wss://" + host + ":" + std::to_string(port_) + path;
    }
    const std::string& err() const { return child_->err(); }

private:
    std::unique_ptr<examples_test::Child> child_;
    std::uint16_t port_;
};

bool have_python_websockets() {
    return ::access("/usr/bin/python3", X_OK) == 0 &&
           ::access("/usr/lib/python3/dist-packages/websockets", F_OK) == 0;
}

}  // namespace

TEST_CASE("wss: WebSocket against Python's websockets over TLS") {
    REQUIRE_MESSAGE(have_python_websockets(), "needs python3-websockets");
    auto& f = fixture();
    socklite::WebSocket::Options o;
    o.tls = trusting(f.pki);
    o.timeout = std::chrono::seconds(20);
    const auto deadline = [] { return socklite::Deadline::after(std::chrono::seconds(20)); };
    {
        WssPeer peer(f.pki, "localhost");
        REQUIRE(peer.port() != 0);
        auto ws = socklite::WebSocket::connect(peer.url("/echo"), o);
        const std::string big(300000, 'z');  // many TLS records
        ws.send_text("hello over tls", deadline());
        ws.send_binary(big, deadline());
        auto m = ws.receive(deadline());
        CHECK(m.data == "hello over tls");
        m = ws.receive(deadline());
        CHECK(m.data == big);
        ws.close(1000, {}, deadline());
        m = ws.receive(deadline());
        CHECK(m.type == socklite::WebSocket::MessageType::close);
    }
    {
        WssPeer peer(f.pki, "expired");
        REQUIRE(peer.port() != 0);
        std::error_code ec;
        socklite::WebSocket::connect(peer.url("/echo"), o, ec);
        CHECK(ec.category() == socklite::tls::verify_category());
        CHECK(ec.value() == X509_V_ERR_CERT_HAS_EXPIRED);
    }
}
