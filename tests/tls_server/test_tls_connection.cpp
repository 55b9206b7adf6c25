// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Connection over a TLS session (tls::accept()), driven by an EventLoop, against a client
// session on a non-blocking socket in the same thread: the handshake inside the first reads
// and writes, a 5 MB echo half-closed (close_notify both ways), decrypted bytes held by OpenSSL
// read without an event, send_file() through TLS.

#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/listener.hpp>
#include <socklite/socket.hpp>
#include <socklite/tls.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "support/connection_scenarios.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "tls_server/tls_fixture.hpp"

using namespace std::chrono_literals;
using socklite::Connection;
using socklite::EventLoop;
using socklite::Socket;
namespace tls = socklite::tls;
using socklite_test::pattern;
using socklite_test::run_until;
using socklite_test::StreamClient;

namespace {

// A certificate, both contexts, and a loopback connection: the server end with a server
// session (its handshake not started), the client end non-blocking with a client session whose
// handshake has gone as far as it can without waiting.
struct TlsLink {
    socklite_test::TempDir dir;
    socklite_test::TestCert cert = socklite_test::make_cert(dir, "server", "1001");
    tls::Context server_ctx, client_ctx;
    Socket client, server;
    TlsLink() {
        tls::ServerOptions so;
        so.cert_file = cert.cert;
        so.key_file = cert.key;
        server_ctx = tls::Context::server(so);
        tls::ClientOptions co;
        co.ca_file = cert.cert;
        client_ctx = tls::Context::client(co);
        auto listener = socklite::Listener::bind("127.0.0.1", 0);
        client = Socket::connect(listener.local_address(), 10s);
        server = std::move(listener.accept(10s).socket);
        tls::accept(server, server_ctx);
        client.non_blocking(true);
        std::error_code ec;
        tls::connect(client, client_ctx, "localhost", socklite::Deadline::none(), ec);
        REQUIRE((!ec || ec == std::errc::operation_would_block));
        REQUIRE(tls::session(client) != nullptr);
    }
};

}  // namespace

TEST_CASE("tls connection: a 5 MB echo, half-closed, comes back byte-exact") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    TlsLink link;
    Connection conn(loop, std::move(link.server));
    std::size_t max_queued = 0;
    std::string version;
    conn.on_input([&](std::string_view input) {
        if (version.empty()) version = tls::session(conn.socket())->version();
        conn.send(input);
        max_queued = std::max(max_queued, conn.queued_bytes());
        return input.size();
    });
    bool closed = false;
    std::error_code why;
    conn.on_close([&](std::error_code ec) {
        closed = true;
        why = ec;
    });
    StreamClient client(link.client, pattern(5 * 1000 * 1000));
    REQUIRE(run_until(loop, [&] {
        client.step();
        return client.eof && closed;
    }));
    CHECK(client.got.size() == client.out.size());
    CHECK(client.got == client.out);
    CHECK_FALSE(why);
    CHECK(version == "TLSv1.3");
    CHECK_FALSE(tls::session(link.client)->unclean_eof());  // the server sent close_notify
    const auto& o = conn.options();
    CHECK(max_queued <= o.high_water + o.max_input);
}

TEST_CASE("tls connection: decrypted bytes held by OpenSSL are read without an event") {
    socklite_test::FdLeakGuard leaks;
    EventLoop loop;
    TlsLink link;
    Connection::Options o;
    o.max_input = 4 * 1024 * 1024;
    Connection conn(loop, std::move(link.server), o);
    std::string got;
    conn.on_input([&](std::string_view input) {
        got += input;
        return input.size();
    });
    const std::string data = pattern(3 * 1000 * 1000, 2);
    StreamClient client(link.client, data);
    client.shut = true;  // the bytes only, no end of stream: nothing else wakes the loop
    REQUIRE(run_until(loop, [&] {
        client.step();
        return got.size() == data.size();
    }));
    CHECK(got == data);
}

TEST_CASE("tls connection: send_file() goes through TLS, in order with send()") {
    socklite_test::FdLeakGuard leaks;
    TlsLink link;
    socklite_test::send_file_in_order_with_send(std::move(link.server), link.client);
}
