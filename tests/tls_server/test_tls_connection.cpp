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
using socklite::Socket;
namespace tls = socklite::tls;

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
    TlsLink link;
    std::size_t max_queued = 0, queue_bound = 0;
    std::string version;
    socklite_test::echo_half_closed(std::move(link.server), link.client, [&](Connection& conn) {
        if (version.empty()) version = tls::session(conn.socket())->version();
        max_queued = std::max(max_queued, conn.queued_bytes());
        queue_bound = conn.options().high_water + conn.options().max_input;
    });
    CHECK(version == "TLSv1.3");
    CHECK_FALSE(tls::session(link.client)->unclean_eof());  // the server sent close_notify
    CHECK(max_queued <= queue_bound);
}

TEST_CASE("tls connection: decrypted bytes held by OpenSSL are read without an event") {
    socklite_test::FdLeakGuard leaks;
    TlsLink link;
    socklite_test::held_bytes_read_without_event(std::move(link.server), link.client,
                                                 3 * 1000 * 1000, 4 * 1024 * 1024);
}

TEST_CASE("tls connection: send_file() goes through TLS, in order with send()") {
    socklite_test::FdLeakGuard leaks;
    TlsLink link;
    socklite_test::send_file_in_order_with_send(std::move(link.server), link.client);
}
