// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// HttpServer over TLS (use_tls()) against clients nobody here wrote: curl, Python's ssl,
// http.client and websockets, openssl s_client; many handshakes at once, a ClientHello sent a
// byte at a time, plain HTTP on the HTTPS port, a certificate reloaded, a client that never
// reads.

#include <socklite/http/server.hpp>
#include <socklite/tls.hpp>
#include <socklite/ws/server.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "tls_server/tls_fixture.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

const char* const python = "/usr/bin/python3";

// What every case serves.
void routes(HttpServer& server, const TempDir&) {
    server.get("/hello", [](const ServerRequest&, Response& res) {
        res.headers.add("Content-Type", "text/plain");
        res.body = "hello, world!";
    });
    server.route("POST", "/echo",
                 [](const ServerRequest& req, Response& res) { res.body = req.body; });
    socklite::ws::ServerHandlers echo;
    echo.on_message = [](socklite::ws::ServerSession& session, std::string& message,
                         socklite::ws::MessageType type) { session.send(message, type); };
    server.upgrade("/ws/echo", socklite::ws::serve(std::move(echo)));
}

// The routes, and DIR/www (made empty) as /files.
void routes_and_files(HttpServer& server, const TempDir& dir) {
    routes(server, dir);
    std::filesystem::create_directory(dir.path() / "www");
    server.serve_dir("/files", (dir.path() / "www").string());
}

std::string sha256_of(const std::string& path) {
    return run_tool({"/usr/bin/sha256sum", path}).substr(0, 64);
}

}  // namespace

TEST_CASE("https server: curl --cacert, keep-alive over several URLs, POST, a 50 MiB file") {
    if (!have_tool("/usr/bin/curl")) return;
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.max_body_size = 4 * 1024 * 1024;
    HttpsServer https(routes_and_files, o);
    const TempDir& dir = https.dir;
    write_file(dir.path() / "www" / "big.bin", random_bytes(50 * 1024 * 1024));
    std::string body = random_bytes(2 * 1024 * 1024, 7);
    write_file(dir.path() / "in", body);
    const std::string base = "https://127.0.0.1:" + https.port_arg();
    const std::vector<std::string> curl = {"/usr/bin/curl", "-sS",          "--max-time", "60",
                                           "--cacert",      https.cert.cert};
    auto with = [&](std::vector<std::string> more) {
        std::vector<std::string> argv = curl;
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    };
    // One connection for the three (verified against the certificate: --cacert).
    CHECK(run_tool(with(
              {"-w", " [%{num_connects}]\n", base + "/hello", base + "/hello", base + "/hello"})) ==
          "hello, world! [1]\nhello, world! [0]\nhello, world! [0]\n");
    CHECK(run_tool(with({"-o", "/dev/null", "-w", "%{ssl_verify_result} %{http_version}",
                         base + "/hello"})) == "0 1.1");
    run_tool(with({"--data-binary", "@" + dir.path("in"), "-o", dir.path("out"), base + "/echo"}));
    CHECK(read_file(dir.path() / "out") == body);
    run_tool(with({"-o", dir.path("big.out"), base + "/files/big.bin"}));
    CHECK(sha256_of(dir.path("big.out")) == sha256_of((dir.path() / "www" / "big.bin").string()));
}

TEST_CASE("https server: Python ssl and http.client, TLS 1.3 and ALPN http/1.1") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpsServer https(routes);
    const char* script =
        "import http.client, ssl, sys\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "ctx.set_alpn_protocols(['http/1.1'])\n"
        "c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), context=ctx, "
        "timeout=30)\n"
        "c.request('GET', '/hello'); r = c.getresponse(); b = r.read()\n"
        "print(r.status, b.decode(), c.sock.version(), c.sock.selected_alpn_protocol())\n"
        "sock = c.sock\n"
        "c.request('POST', '/echo', body=b'x' * 300000); r = c.getresponse(); b = r.read()\n"
        "print(r.status, len(b), c.sock is sock)\n";
    CHECK(run_tool({python, "-c", script, https.port_arg(), https.cert.cert}) ==
          "200 hello, world! TLSv1.3 http/1.1\n"
          "200 300000 True\n");
}

TEST_CASE("https server: openssl s_client -tls1_3 negotiates TLS 1.3 and verifies") {
    if (!have_tool("/usr/bin/openssl") || !have_tool("/bin/sh")) return;
    FdLeakGuard leaks;
    HttpsServer https(routes);
    std::string out = run_tool(
        {"/bin/sh", "-c",
         "printf 'GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' | "
         "/usr/bin/openssl s_client -connect 127.0.0.1:" +
             https.port_arg() + " -tls1_3 -servername localhost -CAfile " + https.cert.cert +
             " -verify_return_error -ign_eof 2>&1"});
    CHECK(out.find("New, TLSv1.3, Cipher is TLS_") != std::string::npos);
    CHECK(out.find("Verify return code: 0 (ok)") != std::string::npos);
    CHECK(out.find("HTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(out.find("hello, world!") != std::string::npos);
}

TEST_CASE("https server: 200 handshakes at once all succeed, no descriptor left behind") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpsServer https(routes);
    const char* script =
        "import asyncio, ssl, sys\n"
        "async def one(ctx, port):\n"
        "    r, w = await asyncio.open_connection('127.0.0.1', port, ssl=ctx,\n"
        "                                         server_hostname='localhost')\n"
        "    w.write(b'GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: "
        "close\\r\\n\\r\\n')\n"
        "    data = await r.read()\n"
        "    w.close()\n"
        "    return data.startswith(b'HTTP/1.1 200 OK') and data.endswith(b'hello, world!')\n"
        "async def main():\n"
        "    ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "    port = int(sys.argv[1])\n"
        "    res = await asyncio.wait_for(asyncio.gather(*[one(ctx, port) for _ in range(200)],\n"
        "                                                return_exceptions=True), 100)\n"
        "    print(sum(1 for x in res if x is True), [repr(x) for x in res if x is not True][:3])\n"
        "asyncio.run(main())\n";
    CHECK(run_tool({python, "-c", script, https.port_arg(), https.cert.cert}) == "200 []\n");
    https.stop();  // every connection closed: the guard counts the descriptors
}

TEST_CASE("https server: a ClientHello sent a byte at a time does not hold up other clients") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpsServer https(routes);
    // The slow client makes its ClientHello with memory BIOs and sends it byte by byte; half
    // way, another client is served in full; then the slow one finishes and is served too.
    const char* script =
        "import http.client, socket, ssl, sys, time\n"
        "port = int(sys.argv[1])\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()\n"
        "obj = ctx.wrap_bio(inc, out, server_hostname='localhost')\n"
        "try:\n"
        "    obj.do_handshake()\n"
        "except ssl.SSLWantReadError:\n"
        "    pass\n"
        "hello = out.read()\n"
        "s = socket.create_connection(('127.0.0.1', port), timeout=30)\n"
        "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
        "half = len(hello) // 2\n"
        "for i in range(half):\n"
        "    s.send(hello[i:i + 1]); time.sleep(0.001)\n"
        "c = http.client.HTTPSConnection('localhost', port, context=ctx, timeout=30)\n"
        "c.request('GET', '/hello'); r = c.getresponse()\n"
        "print('other', r.status, r.read().decode()); c.close()\n"
        "for i in range(half, len(hello)):\n"
        "    s.send(hello[i:i + 1]); time.sleep(0.001)\n"
        "def more():\n"
        "    chunk = s.recv(65536)\n"
        "    if not chunk: raise SystemExit('closed by the server')\n"
        "    inc.write(chunk)\n"
        "while True:\n"
        "    try:\n"
        "        obj.do_handshake(); break\n"
        "    except ssl.SSLWantReadError:\n"
        "        s.sendall(out.read()); more()\n"
        "s.sendall(out.read())\n"
        "obj.write(b'GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: "
        "close\\r\\n\\r\\n')\n"
        "s.sendall(out.read())\n"
        "resp = b''\n"
        "while True:\n"
        "    try:\n"
        "        d = obj.read(65536)\n"
        "    except ssl.SSLWantReadError:\n"
        "        chunk = s.recv(65536)\n"
        "        if not chunk: break\n"
        "        inc.write(chunk); continue\n"
        "    except ssl.SSLZeroReturnError:\n"
        "        break\n"
        "    if not d: break\n"
        "    resp += d\n"
        "print('slow', obj.version(), resp.split(b'\\r\\n')[0].decode(),\n"
        "      resp.endswith(b'hello, world!'))\n";
    CHECK(run_tool({python, "-c", script, https.port_arg(), https.cert.cert}) ==
          "other 200 hello, world!\n"
          "slow TLSv1.3 HTTP/1.1 200 OK True\n");
}

TEST_CASE("https server: plain HTTP sent to the HTTPS port gets a 400, and the server goes on") {
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.header_timeout = std::chrono::milliseconds(500);
    HttpsServer https(routes, o);
    RawClient silent(https.port());
    for (int i = 0; i < 3; ++i) {
        RawClient plain(https.port());
        plain.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // A plain answer and an orderly end of stream (io_timeout bounds every wait).
        std::string got = plain.read_to_end();
        CHECK(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
        CHECK(got.find("https://") != std::string::npos);
    }
    // A client that connects and sends nothing is closed after the header timeout; meanwhile
    // HTTPS clients are served.
    if (!have_tool(python)) return;
    const char* script =
        "import http.client, ssl, sys\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), context=ctx, "
        "timeout=30)\n"
        "c.request('GET', '/hello'); r = c.getresponse(); print(r.status, r.read().decode())\n";
    CHECK(run_tool({python, "-c", script, https.port_arg(), https.cert.cert}) ==
          "200 hello, world!\n");
    CHECK(silent.read_to_end().empty());
}

TEST_CASE("https server: wss:// echo with Python websockets over an ssl context") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpsServer https(routes);
    const char* script =
        "import asyncio, ssl, sys\n"
        "try:\n"
        "    import websockets\n"
        "except ImportError:\n"
        "    print('skip'); sys.exit(0)\n"
        "async def main():\n"
        "    ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "    url = 'wss://localhost:' + sys.argv[1] + '/ws/echo'\n"
        "    async with websockets.connect(url, ssl=ctx, max_size=None, compression=None,\n"
        "                                  ping_interval=None, open_timeout=30) as ws:\n"
        "        await ws.send('hello'); print(await ws.recv())\n"
        "        big = bytes(range(256)) * 8192\n"
        "        await ws.send(big); r = await ws.recv(); print(len(r), r == big)\n"
        "        print(ws.transport.get_extra_info('ssl_object').version())\n"
        "asyncio.run(main())\n";
    std::string out = run_tool({python, "-c", script, https.port_arg(), https.cert.cert});
    if (out == "skip\n") return;  // python3-websockets is missing
    CHECK(out == "hello\n2097152 True\nTLSv1.3\n");
}

TEST_CASE("https server: reload_tls() is seen by the next connection (a new serial number)") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpServer::Options o;
    o.threads = 2;  // reload_tls() from this thread while two loops accept
    HttpsServer https(routes, o);
    const TestCert& first = https.cert;
    TestCert second = make_cert(https.dir, "second", "2002");
    // Serial and body over a new connection each time (each certificate is its own CA).
    const char* script =
        "import http.client, ssl, sys\n"
        "ctx = ssl.create_default_context()\n"
        "ctx.load_verify_locations(sys.argv[2]); ctx.load_verify_locations(sys.argv[3])\n"
        "for _ in range(4):\n"
        "    c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), context=ctx, "
        "timeout=30)\n"
        "    c.request('GET', '/hello'); r = c.getresponse(); b = r.read()\n"
        "    print(c.sock.getpeercert()['serialNumber'], r.status, b.decode()); c.close()\n";
    const std::vector<std::string> argv = {python,           "-c",       script,
                                           https.port_arg(), first.cert, second.cert};
    const std::string before = "1001 200 hello, world!\n";
    CHECK(run_tool(argv) == before + before + before + before);
    https.server.reload_tls(second.cert, second.key);
    const std::string after = "2002 200 hello, world!\n";
    CHECK(run_tool(argv) == after + after + after + after);
    CHECK(https.server.tls_context().native_handle() != nullptr);
    // A bad pair is refused, and the context in force stays.
    std::error_code ec;
    https.server.reload_tls(second.cert, first.key, ec);
    CHECK(ec);
    CHECK_THROWS_AS(https.server.reload_tls(socklite::tls::Context::client()), socklite::Error);
    CHECK(run_tool(argv) == after + after + after + after);
}

TEST_CASE("https server: a client that never reads a large answer holds little memory") {
    if (!have_tool(python)) return;
    FdLeakGuard leaks;
    HttpServer::Options o;
    // Far shorter than the client's pause: the answer must not be cut while it goes out (the
    // lingering close starts once it is out).
    o.linger_timeout = std::chrono::milliseconds(100);
    HttpsServer https(routes_and_files, o);
    const TempDir& dir = https.dir;
    const std::string big = random_bytes(64 * 1024 * 1024, 3);
    write_file(dir.path() / "www" / "big.bin", big);
    const std::string digest = sha256_of((dir.path() / "www" / "big.bin").string());
    // The client asks, says so, and reads nothing until told (a file appears); then it reads
    // the whole body, which must arrive intact.
    const char* script =
        "import hashlib, os, socket, ssl, sys, time\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1])), "
        "timeout=60), server_hostname='localhost')\n"
        "s.sendall(b'GET /files/big.bin HTTP/1.1\\r\\nHost: localhost\\r\\n"
        "Connection: close\\r\\n\\r\\n')\n"
        "print('asked', flush=True)\n"
        "while not os.path.exists(sys.argv[3]): time.sleep(0.01)\n"
        "data = bytearray()\n"
        "while True:\n"
        "    d = s.recv(1 << 20)\n"
        "    if not d: break\n"
        "    data += d\n"
        "body = bytes(data[data.index(b'\\r\\n\\r\\n') + 4:])\n"
        "print(len(body), hashlib.sha256(body).hexdigest())\n";
    Child client({python, "-c", script, https.port_arg(), https.cert.cert, dir.path("go")}, true,
                 "");
    std::string line;
    REQUIRE(client.read_line(line, std::chrono::seconds(60)));
    CHECK(line == "asked");
    const long base = rss_kib();
    long peak = base;
    // While the client does not read, the server sends what the socket takes and stops: its
    // memory must not grow by the body (64 MiB). Sampled for a while; the bound is loose.
    for (int i = 0; i < 40; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        long now = rss_kib();
        if (now > peak) peak = now;
    }
    CHECK_MESSAGE(peak - base < 16 * 1024, "RSS grew by " << (peak - base) << " KiB");
    write_file(dir.path() / "go", "go");
    REQUIRE(client.read_line(line, std::chrono::seconds(120)));
    CHECK(line == std::to_string(big.size()) + " " + digest);
}
