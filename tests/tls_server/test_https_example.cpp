// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// examples/http_server --tls-cert/--tls-key end to end: HTTPS with curl, WSS with Python's
// websockets, plain HTTP on the HTTPS port, SIGHUP reloading the certificate, SIGTERM.

#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "examples/child_process.hpp"
#include "support/example_path.hpp"
#include "support/temp_dir.hpp"

using examples_test::Child;

namespace {

const std::string openssl = "/usr/bin/openssl";
const std::string python = "/usr/bin/python3";

// Runs @p path with @p args to its end; returns its stdout (exit status 0 required).
std::string run(const std::string& path, const std::vector<std::string>& args) {
    Child c(path, args);
    REQUIRE(c.wait_exit());
    CHECK_MESSAGE(c.exit_code() == 0, path << ": " << c.err());
    return c.out();
}

// A self-signed certificate for localhost and 127.0.0.1 with serial 0x@p serial, written to
// @p cert and @p key (replacing what was there).
void make_cert(const std::string& cert, const std::string& key, const std::string& serial) {
    run(openssl, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                  "subjectAltName=DNS:localhost,IP:127.0.0.1", "-set_serial", "0x" + serial,
                  "-keyout", key, "-out", cert});
}

// The serial number of the certificate a new connection to @p port gets, and /hello's body.
std::string serial_and_hello(std::uint16_t port, const std::string& ca) {
    const char* script =
        "import http.client, ssl, sys\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), context=ctx, "
        "timeout=30)\n"
        "c.request('GET', '/hello'); r = c.getresponse()\n"
        "print(c.sock.getpeercert()['serialNumber'], r.status, r.read().decode())\n";
    return run(python, {"-c", script, std::to_string(port), ca});
}

}  // namespace

TEST_CASE("http_server --tls-cert/--tls-key: HTTPS, WSS, plain HTTP refused, SIGHUP, SIGTERM") {
    if (::access(openssl.c_str(), X_OK) != 0 || ::access(python.c_str(), X_OK) != 0) return;
    int fds = examples_test::fd_count();
    socklite_test::TempDir dir;
    const std::string cert = dir.path("cert.pem"), key = dir.path("key.pem");
    make_cert(cert, key, "1001");
    {
        Child lone(socklite_test::example_path("http_server"), {"--tls-cert", cert});
        REQUIRE(lone.wait_exit());
        CHECK(lone.exit_code() == 1);
        CHECK(lone.err().find("--tls-key") != std::string::npos);
    }
    auto server = std::make_unique<Child>(
        socklite_test::example_path("http_server"),
        std::vector<std::string>{"--port", "0", "--threads", "2", "--root", dir.path().string(),
                                 "--tls-cert", cert, "--tls-key", key});
    const std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    const std::string base = "https://127.0.0.1:" + std::to_string(port);
    if (::access("/usr/bin/curl", X_OK) == 0) {
        CHECK(run("/usr/bin/curl", {"-sS", "--max-time", "30", "--cacert", cert, base + "/hello",
                                    base + "/cert.pem"}) ==
              "hello, world!" + run("/bin/cat", {cert}));
        // Plain HTTP to the HTTPS port: a plain 400.
        CHECK(run("/usr/bin/curl",
                  {"-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}",
                   "http://127.0.0.1:" + std::to_string(port) + "/hello"}) == "400");
    }
    const char* wss =
        "import asyncio, ssl, sys\n"
        "try:\n"
        "    import websockets\n"
        "except ImportError:\n"
        "    print('hello'); sys.exit(0)\n"
        "async def main():\n"
        "    ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "    url = 'wss://localhost:' + sys.argv[1] + '/ws/echo'\n"
        "    async with websockets.connect(url, ssl=ctx, open_timeout=30) as ws:\n"
        "        await ws.send('hello'); print(await ws.recv())\n"
        "asyncio.run(main())\n";
    CHECK(run(python, {"-c", wss, std::to_string(port), cert}) == "hello\n");
    CHECK(serial_and_hello(port, cert) == "1001 200 hello, world!\n");
    // A renewed certificate in the same files, then SIGHUP: new connections get it.
    make_cert(cert, key, "2002");
    REQUIRE(::kill(server->pid(), SIGHUP) == 0);
    REQUIRE(Child::pump_until({server.get()}, examples_test::patience, [&] {
        return server->err().find("reloaded " + cert) != std::string::npos;
    }));
    CHECK(serial_and_hello(port, cert) == "2002 200 hello, world!\n");
    REQUIRE(::kill(server->pid(), SIGTERM) == 0);
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
    server.reset();
    CHECK(examples_test::fd_count() == fds);
}
