// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_TLS_SERVER_TLS_FIXTURE_HPP
#define SOCKLITE_TESTS_TLS_SERVER_TLS_FIXTURE_HPP

// Certificates made at test time with the openssl command (nothing checked in that expires), and
// an HTTPS server ready to take connections, for the tests of the server half of TLS.

#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/run_tool.hpp"
#include "support/temp_dir.hpp"

namespace socklite_test {

/** A self-signed certificate for localhost and 127.0.0.1, and its key (PEM files). */
struct TestCert {
    std::string cert;  ///< the certificate file (also the CA file of a client)
    std::string key;   ///< the private key file
};

/** Makes a P-256 self-signed certificate valid two days, with serial number 0x@p serial_hex,
 *  as @p name.pem and @p name.key in @p dir. */
inline TestCert make_cert(const TempDir& dir, const std::string& name,
                          const std::string& serial_hex) {
    TestCert c{dir.path(name + ".pem"), dir.path(name + ".key")};
    run_tool({"/usr/bin/openssl",
              "req",
              "-x509",
              "-newkey",
              "ec",
              "-pkeyopt",
              "ec_paramgen_curve:prime256v1",
              "-nodes",
              "-days",
              "2",
              "-subj",
              "/CN=localhost",
              "-addext",
              "subjectAltName=DNS:localhost,IP:127.0.0.1",
              "-set_serial",
              "0x" + serial_hex,
              "-keyout",
              c.key,
              "-out",
              c.cert});
    return c;
}

/** The setup every HTTPS server test starts with: a fresh certificate (serial 0x1001) in a
 *  temporary directory, an HttpServer with @p options, set up by @p setup (routes, served
 *  directories; it may use the directory), serving TLS with that certificate on a loopback port
 *  of its own, and running. Declare an FdLeakGuard before it. */
class HttpsServer {
public:
    explicit HttpsServer(const std::function<void(socklite::HttpServer&, const TempDir&)>& setup,
                         socklite::HttpServer::Options options = {})
        : cert(make_cert(dir, "server", "1001")), server(std::move(options)) {
        setup(server, dir);
        server.use_tls(cert.cert, cert.key);
        run.emplace(server);
    }

    /** The port it listens on (127.0.0.1). */
    std::uint16_t port() const { return run->port(); }
    /** The port as text, for a command line. */
    std::string port_arg() const { return std::to_string(port()); }
    /** Stops the server and waits for it (its connections are closed). */
    void stop() { run->stop(); }

    TempDir dir;
    TestCert cert;
    socklite::HttpServer server;
    std::optional<RunningServer> run;
};

/** The VmRSS of this process in KiB (from /proc/self/status). */
inline long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_TLS_SERVER_TLS_FIXTURE_HPP
