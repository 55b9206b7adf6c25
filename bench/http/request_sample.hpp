// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The typical request the parser benchmarks parse: a browser's GET of an image, with 13 fields
// and no body, about 650 bytes in all.
#ifndef SOCKLITE_BENCH_HTTP_REQUEST_SAMPLE_HPP
#define SOCKLITE_BENCH_HTTP_REQUEST_SAMPLE_HPP

#include <string_view>

namespace socklite_bench {

inline constexpr std::string_view typical_request =
    "GET /wp-content/uploads/2026/11/photo-1024x768.jpg?ver=6.4.2 HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: image/avif,image/webp,*/*\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Referer: https://www.example.com/2026/11/a-post-about-parsers/\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: wp-settings-1=libraryContent%3Dbrowse; wp-settings-time-1=1700000000; "
    "_ga=GA1.2.1234567890.1700000000\r\n"
    "Sec-Fetch-Dest: image\r\n"
    "Sec-Fetch-Mode: no-cors\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "If-Modified-Since: Mon, 23 Nov 2026 08:12:01 GMT\r\n"
    "If-None-Match: \"6565a3b1-1f40\"\r\n"
    "\r\n";

}  // namespace socklite_bench

#endif  // SOCKLITE_BENCH_HTTP_REQUEST_SAMPLE_HPP
