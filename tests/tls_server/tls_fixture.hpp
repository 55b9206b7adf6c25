// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_TLS_SERVER_TLS_FIXTURE_HPP
#define SOCKLITE_TESTS_TLS_SERVER_TLS_FIXTURE_HPP

// Certificates made at test time with the openssl command (nothing checked in that expires), and
// child-process helpers for the HTTPS server tests.

#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "http_client/servers.hpp"
#include "support/doctest_ext.hpp"
#include "support/temp_dir.hpp"

namespace socklite_test {

/** A self-signed certificate for localhost and 127.0.0.1, and its key (PEM files). */
struct TestCert {
    std::string cert;  ///< the certificate file (also the CA file of a client)
    std::string key;   ///< the private key file
};

/** Whether @p path is an executable file. */
inline bool have_tool(const char* path) { return ::access(path, X_OK) == 0; }

/** Runs @p argv (argv[0] an absolute path) to completion, at most 120 s; returns its stdout and
 *  checks that it exited with 0. */
inline std::string run_tool(const std::vector<std::string>& argv) {
    Child child(argv, true, "");
    std::string out;
    REQUIRE(child.read_all(out, std::chrono::seconds(120)));
    int status = child.wait(std::chrono::seconds(120));
    REQUIRE(WIFEXITED(status));
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, argv[0] << " failed; its output: " << out);
    return out;
}

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
