// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The program the packaging test `compiled` builds against socklite's compiled library (CMake's
// socklite::compiled, pkg-config's socklite-compiled): HttpServer and HttpClient declared by the
// headers, defined in libsocklite.a; one request over loopback, so they link and work.
#include <socklite/http/client.hpp>
#include <socklite/http/server.hpp>

#include <cstdio>
#include <thread>

#if !defined(SOCKLITE_SEPARATE_COMPILATION)
#error "the compiled library's users are built with SOCKLITE_SEPARATE_COMPILATION"
#endif

int main() {
    try {
        socklite::HttpServer server;
        server.get("/hello", [](const socklite::http::ServerRequest&,
                                socklite::http::Response& res) { res.body = "hello, world!"; });
        server.listen("127.0.0.1", 0);
        std::thread serving([&server] { server.run(); });
        socklite::HttpClient cli("http://127.0.0.1:" + std::to_string(server.port()));
        auto res = cli.get("/hello");
        server.stop();
        serving.join();
        if (res.status != 200 || res.body != "hello, world!") {
            std::fprintf(stderr, "consumer_compiled: got %d \"%s\"\n", res.status,
                         res.body.c_str());
            return 1;
        }
        std::printf("socklite compiled: %d %s\n", res.status, res.body.c_str());
        return 0;
    } catch (const socklite::Error& e) {
        std::fprintf(stderr, "consumer_compiled: %s\n", e.what());
        return 1;
    }
}
