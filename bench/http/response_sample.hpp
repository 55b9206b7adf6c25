// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The typical response both parser benchmarks parse: an nginx-like head with 14 fields and a
// 13-byte body, about 600 bytes in all.
#ifndef SOCKLITE_BENCH_HTTP_RESPONSE_SAMPLE_HPP
#define SOCKLITE_BENCH_HTTP_RESPONSE_SAMPLE_HPP

#include <string_view>

namespace socklite_bench {

inline constexpr std::string_view typical_response =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Thu, 26 Nov 2026 13:58:46 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 13\r\n"
    "Last-Modified: Mon, 23 Nov 2026 08:12:01 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"6565a3b1-d\"\r\n"
    "Cache-Control: public, max-age=3600, stale-while-revalidate=60\r\n"
    "Accept-Ranges: bytes\r\n"
    "Vary: Accept-Encoding, Origin\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n"
    "Set-Cookie: session=3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e; Path=/; Max-Age=86400; HttpOnly; "
    "SameSite=Lax\r\n"
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:; object-src 'none'\r\n"
    "\r\n"
    "hello, world\n";

}  // namespace socklite_bench

#endif  // SOCKLITE_BENCH_HTTP_RESPONSE_SAMPLE_HPP
