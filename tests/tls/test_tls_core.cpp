// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/tls: handshakes, verification errors, I/O through the layer with deadlines,
// close_notify and unclean ends, non-blocking handshakes, resumption, records read ahead (held
// inside OpenSSL, where no readiness event shows them) reaching every kind of reader. A self-signed certificate
// is made at test time with the openssl command (nothing checked in can expire).
#include "support/doctest_ext.hpp"

#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/http/client.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>
#include <socklite/tls.hpp>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

// A TLS connection whose server-to-client bytes pass through the test. After the handshake the
// client's descriptor is made (dup2) to refer to one end of a second TCP connection: what the
// server sends then waits at `tap` as ciphertext, and reaches the client only when the test
// writes it to `feed`, cut where the test chooses. The server sends no session tickets, so the
// records after the handshake are exactly the ones the test sends.
struct Tapped {
    socklite_test::Connected link = connected_pair();
    socklite_test::Connected detour = connected_pair();
    Socket& client = link.client;
    Socket& server = link.server;
    Socket tap;
    Socket& feed = detour.server;

    Tapped() {
        tls::Context server_ctx = server_context();
        SSL_CTX_set_num_tickets(server_ctx.native_handle(), 0);
        std::thread t([&] {
            tls::accept(server, server_ctx);
            tls::handshake(server, Deadline::after(10s));
        });
        tls::connect(client, trusting_client(), "localhost", Deadline::after(10s));
        t.join();
        tap = Socket(::dup(client.native_handle()));
        REQUIRE(tap.is_open());
        tap.read_timeout(10s);
        REQUIRE(::dup2(detour.client.native_handle(), client.native_handle()) >= 0);
    }
    // The next @p n records the server sent, whole, as they are on the wire.
    std::string records(int n) {
        std::string wire;
        for (int i = 0; i < n; ++i) {
            unsigned char head[5];
            tap.recv_exact(head, sizeof head);
            std::string body((std::size_t{head[3]} << 8) | head[4], '\0');
            tap.recv_exact(body.data(), body.size());
            wire.append(reinterpret_cast<const char*>(head), sizeof head);
            wire += body;
        }
        return wire;
    }
};

// Reads @p total bytes from the non-blocking @p s the way a readiness loop does: it waits for
// the socket to be readable only while the layer holds nothing (buffered_input() is 0). Gives
// up after 10 s without progress: the bytes stayed in the layer, a loop would hang there.
std::string read_polling(Socket& s, std::size_t total) {
    std::string got;
    const Deadline limit = Deadline::after(10s);
    while (got.size() < total && !limit.expired()) {
        if (s.buffered_input() == 0) {
            pollfd p{s.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, limit.poll_ms()) <= 0) break;
        }
        char buf[256];
        std::error_code ec;
        std::size_t n = s.read_some(buf, sizeof buf, Deadline::none(), ec);
        if (ec == std::errc::operation_would_block) continue;
        REQUIRE_FALSE(ec);
        REQUIRE(n > 0);
        got.append(buf, n);
    }
    return got;
}

// Whether @p s becomes readable within 10 s.
bool readable(const Socket& s) {
    pollfd p{s.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 10000) == 1;
}

void cork(Socket& s, bool on) {
    int v = on ? 1 : 0;
    REQUIRE(::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_CORK, &v, sizeof v) == 0);
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

TEST_CASE("tls: records that came in one write are all read, though nothing more arrives") {
    warm_up();
    FdLeakGuard guard;
    Tapped t;
    std::string want;
    for (int i = 0; i < 6; ++i) {
        const std::string r = "record " + std::to_string(i) + ";";
        t.server.send_all(r);  // one record each
        want += r;
    }
    t.feed.send_all(t.records(6));  // all six in one write, then silence
    t.client.non_blocking(true);
    char buf[256];
    std::error_code ec;
    REQUIRE(readable(t.client));
    std::size_t n = t.client.read_some(buf, sizeof buf, Deadline::none(), ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string(buf, n) == "record 0;");  // one record a read
    // The other five were taken off the socket with the first: nothing is left to poll for.
    CHECK(t.client.buffered_input() > 0);
    std::string got = std::string(buf, n) + read_polling(t.client, want.size() - n);
    CHECK(got == want);
    CHECK(t.client.buffered_input() == 0);

    SUBCASE("part of a record waits for the socket, without a spin") {
        t.server.send_all("the last record");
        const std::string wire = t.records(1);
        t.feed.send_all(wire.substr(0, wire.size() / 2));
        REQUIRE(readable(t.client));
        t.client.read_some(buf, sizeof buf, Deadline::none(), ec);
        CHECK(ec == std::errc::operation_would_block);
        CHECK(t.client.buffered_input() == 0);  // what OpenSSL holds is no whole record
        t.feed.send_all(wire.substr(wire.size() / 2));
        CHECK(read_polling(t.client, 15) == "the last record");
    }
    SUBCASE("a blocking read takes them too") {
        t.client.non_blocking(false);
        for (int i = 0; i < 3; ++i) t.server.send_all("abc");
        t.feed.send_all(t.records(3));
        std::string back(9, '\0');
        t.client.recv_exact(back.data(), back.size());
        CHECK(back == "abcabcabc");
    }
}

TEST_CASE("tls: a Connection delivers every record read ahead, with no event to come") {
    warm_up();
    FdLeakGuard guard;
    Tapped t;
    std::string want;
    // More records than a Connection reads per event (16 through a layer): the rest must come
    // from its own kick, not from the socket.
    for (int i = 0; i < 40; ++i) {
        const std::string r = "record " + std::to_string(i) + ";";
        t.server.send_all(r);
        want += r;
    }
    const std::string wire = t.records(40);
    socklite::EventLoop loop;
    socklite::Connection conn(loop, std::move(t.client));
    std::string got;
    conn.on_input([&](std::string_view in) {
        got += in;
        return in.size();
    });
    t.feed.send_all(wire);
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (got.size() < want.size() && std::chrono::steady_clock::now() < limit)
        loop.run_once(100ms);
    CHECK(got == want);
}

TEST_CASE("tls: HttpClient reads responses whose head and body come in several records at once") {
    warm_up();
    FdLeakGuard guard;
    auto listener = socklite::Listener::bind("127.0.0.1", 0);
    const std::uint16_t port = listener.local_address().port();
    std::thread server([&] {
        try {
            Socket s = std::move(listener.accept(10s).socket);
            s.read_timeout(10s);
            s.write_timeout(10s);
            tls::accept(s, server_context());
            tls::handshake(s, Deadline::after(10s));
            // Each answer: one record a piece, corked so that they leave in one segment.
            const std::vector<std::vector<std::string>> answers = {
                {"HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n", "alpha-", "beta-", "gamma"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n",
                 "6\r\n world\r\n", "0\r\n\r\n"}};
            for (const auto& pieces : answers) {
                std::string request;
                while (request.find("\r\n\r\n") == std::string::npos) {
                    char buf[1024];
                    std::size_t n = s.recv(buf, sizeof buf);
                    if (n == 0) return;
                    request.append(buf, n);
                }
                cork(s, true);
                for (const auto& piece : pieces) s.send_all(piece);
                cork(s, false);
            }
            char b;
            std::error_code ec;
            s.recv(&b, 1, ec);  // until the client is done
        } catch (...) {
            // The client's side fails then too, and says why.
        }
    });
    struct Join {
        std::thread& t;
        ~Join() { t.join(); }
    } join{server};
    socklite::HttpClient::Options o;
    o.tls = trusting_client();
    o.read_timeout = 10s;
    socklite::HttpClient client(o);
    const std::string base = "https://localhost:" + std::to_string(port);
    CHECK(client.get(base + "/a").body == "alpha-beta-gamma");
    CHECK(client.get(base + "/b").body == "hello world");
    CHECK(client.connections_opened() == 1);
    client.close_idle();  // the server's last read ends
}
