// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/tls: handshakes, verification errors, I/O through the layer with deadlines,
// close_notify and unclean ends, non-blocking handshakes, resumption. A self-signed certificate
// is made at test time with the openssl command (nothing checked in can expire).
#include "support/doctest_ext.hpp"

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>
#include <socklite/tls.hpp>

#include <cstdlib>
#include <string>
#include <thread>

#include <poll.h>

#include "support/fd_count.hpp"
#include "support/loopback.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using socklite::Deadline;
using socklite::Socket;
namespace tls = socklite::tls;
using socklite_test::connected_pair;
using socklite_test::FdLeakGuard;
using socklite_test::TempDir;

namespace {

// A key and a self-signed certificate for localhost, 127.0.0.1 and ::1, made once per run.
struct Credentials {
    TempDir dir;
    std::string cert = dir.path("cert.pem");
    std::string key = dir.path("key.pem");
    Credentials() {
        std::string cmd =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
            "-nodes -days 2 -subj /CN=localhost -addext "
            "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1 -keyout " +
            key + " -out " + cert + " 2>/dev/null";
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
};

const Credentials& credentials() {
    static const Credentials c;
    return c;
}

tls::Context server_context();
tls::Context trusting_client();

// OpenSSL opens what it keeps for the whole run (configuration, random source) on first use:
// done once before any descriptor count is taken.
void warm_up() {
    static const bool done = [] {
        auto c = connected_pair();
        std::thread t([&] {
            tls::accept(c.server, server_context());
            tls::handshake(c.server, Deadline::after(10s));
        });
        tls::connect(c.client, trusting_client(), "localhost", Deadline::after(10s));
        t.join();
        return true;
    }();
    (void)done;
}

tls::Context server_context() {
    return tls::Context::server({credentials().cert, credentials().key, {"http/1.1"}});
}

tls::Context trusting_client() {
    tls::ClientOptions o;
    o.ca_file = credentials().cert;
    return tls::Context::client(o);
}

// Runs the server side of one connection on a thread: handshake, then `body`.
template <class Body>
std::thread serve(Socket& server, Body body) {
    return std::thread([&server, body] {
        std::error_code ec;
        tls::accept(server, server_context(), ec);
        if (!ec) tls::handshake(server, Deadline::after(10s), ec);
        body(ec);
    });
}

}  // namespace

TEST_CASE("tls: a verified handshake, then bytes both ways through the layer") {
    warm_up();
    FdLeakGuard guard;
    auto c = connected_pair();
    std::thread t = serve(c.server, [&](std::error_code ec) {
        REQUIRE_FALSE(ec);
        std::string got(1 << 20, '\0');
        c.server.recv_exact(got.data(), got.size());
        c.server.send_all(got);  // echo the mebibyte
        c.server.shutdown(socklite::Shutdown::write);
    });
    tls::connect(c.client, trusting_client(), "localhost", Deadline::after(10s));
    tls::Session* s = tls::session(c.client);
    REQUIRE(s != nullptr);
    CHECK(s->handshake_done());
    CHECK(s->version() == "TLSv1.3");
    CHECK(s->alpn() == "http/1.1");
    CHECK_FALSE(s->cipher().empty());
    std::string data(1 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
    // One thread at a time on a TLS socket: all out (the server reads it all first), then all
    // back.
    c.client.send_all(data);
    std::string back(data.size(), '\0');
    c.client.recv_exact(back.data(), back.size());
    CHECK(back == data);
    char byte;
    CHECK(c.client.recv(&byte, 1) == 0);  // close_notify: an orderly end
    CHECK_FALSE(s->unclean_eof());
    t.join();
    CHECK(tls::session(c.server) != nullptr);
}

TEST_CASE("tls: verification failures name their reason") {
    warm_up();
    FdLeakGuard guard;
    SUBCASE("a certificate for another host") {
        auto c = connected_pair();
        std::thread t = serve(c.server, [](std::error_code) {});
        std::error_code ec;
        tls::connect(c.client, trusting_client(), "other.example", Deadline::after(10s), ec);
        t.join();
        CHECK(ec.category() == tls::verify_category());
        CHECK(ec.message() == "host name mismatch");
        CHECK(tls::session(c.client) == nullptr);  // no half-made session stays
    }
    SUBCASE("an address the certificate names is accepted") {
        auto c = connected_pair();
        std::thread t = serve(c.server, [](std::error_code) {});
        std::error_code ec;
        tls::connect(c.client, trusting_client(), "127.0.0.1", Deadline::after(10s), ec);
        t.join();
        CHECK_FALSE(ec);
    }
    SUBCASE("a self-signed certificate against the system store") {
        auto c = connected_pair();
        std::thread t = serve(c.server, [](std::error_code) {});
        std::error_code ec;
        tls::connect(c.client, tls::Context::client(), "localhost", Deadline::after(10s), ec);
        t.join();
        CHECK(ec.category() == tls::verify_category());
        CHECK(ec.message() == "certificate verify failed: self-signed certificate");
        try {
            auto c2 = connected_pair();
            std::thread t2 = serve(c2.server, [](std::error_code) {});
            struct Join {
                std::thread& t;
                ~Join() { t.join(); }
            } join{t2};
            tls::connect(c2.client, tls::Context::client(), "localhost", Deadline::after(10s));
            FAIL("connect should throw");
        } catch (const socklite::Error& e) {
            CHECK(std::string(e.what()) ==
                  "TLS handshake localhost: certificate verify failed: self-signed certificate");
        }
    }
    SUBCASE("verification off accepts it") {
        auto c = connected_pair();
        std::thread t = serve(c.server, [](std::error_code) {});
        tls::ClientOptions o;
        o.verify = false;
        std::error_code ec;
        tls::connect(c.client, tls::Context::client(o), "other.example", Deadline::after(10s), ec);
        t.join();
        CHECK_FALSE(ec);
    }
}

TEST_CASE("tls: a peer that closes without close_notify reads as a flagged end of stream") {
    warm_up();
    FdLeakGuard guard;
    auto c = connected_pair();
    std::thread t = serve(c.server, [&](std::error_code ec) {
        REQUIRE_FALSE(ec);
        c.server.send_all("last words");
        c.server.close();  // TCP ends, TLS never said so
    });
    tls::connect(c.client, trusting_client(), "localhost", Deadline::after(10s));
    t.join();
    char buf[64];
    c.client.recv_exact(buf, 10);
    CHECK(std::string(buf, 10) == "last words");
    CHECK(c.client.recv(buf, sizeof buf) == 0);
    CHECK(tls::session(c.client)->unclean_eof());
}

TEST_CASE("tls: deadlines bound a handshake the peer never answers") {
    warm_up();
    FdLeakGuard guard;
    auto c = connected_pair();  // the server end never speaks TLS
    std::error_code ec;
    tls::connect(c.client, trusting_client(), "localhost", Deadline::after(200ms), ec);
    CHECK(ec == std::errc::timed_out);
}

TEST_CASE("tls: plain HTTP sent to a TLS server fails its handshake with a named reason") {
    warm_up();
    FdLeakGuard guard;
    auto c = connected_pair();
    c.client.send_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    std::error_code ec;
    tls::accept(c.server, server_context(), ec);
    REQUIRE_FALSE(ec);
    tls::handshake(c.server, Deadline::after(10s), ec);
    CHECK(ec.category() == tls::error_category());
    CHECK(ec.message() == "http request");
}

TEST_CASE("tls: a non-blocking handshake reports what it waits for") {
    warm_up();
    FdLeakGuard guard;
    auto c = connected_pair();
    c.server.non_blocking(true);
    tls::accept(c.server, server_context());
    std::error_code ec;
    tls::handshake(c.server, Deadline::none(), ec);
    CHECK(ec == std::errc::operation_would_block);  // no ClientHello yet
    CHECK(c.server.wants() == POLLIN);
    std::thread client([&] {
        tls::connect(c.client, trusting_client(), "localhost", Deadline::after(10s));
        c.client.send_all("ping");
    });
    // Drive the server's side by hand, as an event loop would.
    char buf[4];
    std::size_t got = 0;
    const Deadline limit = Deadline::after(10s);
    while (got < 4 && !limit.expired()) {
        std::size_t n = c.server.read_some(buf + got, sizeof buf - got, Deadline::none(), ec);
        if (ec == std::errc::operation_would_block) {
            pollfd p{c.server.native_handle(), c.server.wants(), 0};
            ::poll(&p, 1, 1000);
            continue;
        }
        REQUIRE_FALSE(ec);
        got += n;
    }
    client.join();
    CHECK(std::string(buf, got) == "ping");
}

TEST_CASE("tls: a ticket from one connection resumes the next") {
    warm_up();
    FdLeakGuard guard;
    tls::Context client_ctx = trusting_client();
    tls::Context server_ctx = server_context();
    tls::Ticket ticket;
    for (int round = 0; round < 2; ++round) {
        auto c = connected_pair();
        std::thread t([&] {
            tls::accept(c.server, server_ctx);
            tls::handshake(c.server, Deadline::after(10s));
            c.server.send_all("x");  // TLS 1.3 tickets come after the handshake
            char b;
            c.server.recv(&b, 1);
        });
        tls::connect(c.client, client_ctx, "localhost", Deadline::after(10s), ticket);
        char b;
        c.client.recv_exact(&b, 1);
        CHECK(tls::session(c.client)->resumed() == (round == 1));
        ticket = tls::session(c.client)->ticket();
        CHECK(static_cast<bool>(ticket));
        c.client.send_all("y");
        t.join();
    }
}

TEST_CASE("tls: contexts report the file they could not load") {
    std::error_code ec;
    tls::Context ctx =
        tls::Context::server({"/nonexistent/cert.pem", "/nonexistent/key.pem", {}}, ec);
    CHECK(ec);
    CHECK_FALSE(ctx);
    CHECK_THROWS_WITH_AS(tls::Context::server({"/nonexistent/cert.pem", "k.pem", {}}),
                         doctest::Contains("load TLS certificate /nonexistent/cert.pem"),
                         socklite::Error);
    // A key that does not belong to the certificate.
    TempDir d;
    std::string other = d.path("other.pem");
    REQUIRE(std::system(("openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 "
                         "-out " +
                         other + " 2>/dev/null")
                            .c_str()) == 0);
    tls::Context::server({credentials().cert, other, {}}, ec);
    CHECK(ec.message() == "key values mismatch");
}
