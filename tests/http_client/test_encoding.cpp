// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Base64 against the RFC 4648 test vectors; percent-encoding, query strings, form bodies and
// Basic credentials (RFC 7617's example); Headers from a brace list.

#include <doctest/doctest.h>

#include <string>

#include <socklite/detail/base64.hpp>
#include <socklite/http/encoding.hpp>
#include <socklite/http/message.hpp>

namespace http = socklite::http;

TEST_CASE("base64: RFC 4648 section 10 test vectors") {
    using socklite::detail::base64_encode;
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    // Every byte value, and the last two alphabet characters.
    CHECK(base64_encode(std::string("\xfb\xff\xbf", 3)) == "+/+/");
    CHECK(base64_encode(std::string("\0\0\0", 3)) == "AAAA");
}

TEST_CASE("percent-encoding, query strings and form bodies") {
    CHECK(http::percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(http::percent_encode("a b&c=d/e?f#g%") == "a%20b%26c%3Dd%2Fe%3Ff%23g%25");
    CHECK(http::percent_encode("\xc3\xa9") == "%C3%A9");  // UTF-8 bytes, upper-case hex
    CHECK(http::percent_decode("a%20b%3a%3A") == "a b::");
    CHECK(http::percent_decode("a%20b%zz") == "a%20b%zz");  // a bad escape: kept as it is
    CHECK(http::percent_decode("a+b") == "a+b");            // `+` is a space in forms only
    CHECK(http::query_string({{"q", "a b"}, {"n", "1"}, {"q", "x&y"}}) == "q=a%20b&n=1&q=x%26y");
    CHECK(http::with_query("/search", {{"q", "a b"}}) == "/search?q=a%20b");
    CHECK(http::with_query("/s?lang=en", {{"q", "c"}}) == "/s?lang=en&q=c");
    CHECK(http::with_query("/s", {}) == "/s");
    CHECK(http::form_urlencoded({{"name", "J Doe"}, {"note", "1+1=2"}}) ==
          "name=J+Doe&note=1%2B1%3D2");
}

TEST_CASE("Basic credentials (RFC 7617 section 2)") {
    CHECK(http::basic_authorization("Aladdin", "open sesame") ==
          "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    // From a URL's userinfo: percent-decoded first; a user without a password.
    CHECK(http::basic_authorization("Aladdin:open%20sesame") ==
          "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(http::basic_authorization("user") == "Basic dXNlcjo=");
    CHECK(http::basic_authorization("") == "");
}

TEST_CASE("Headers from a brace list") {
    http::Headers h{{"Accept", "text/html"}, {"X-Id", "7"}, {"accept", "text/plain"}};
    CHECK(h.size() == 3);
    CHECK(h.get("x-id") == "7");
    CHECK(h.joined("Accept") == "text/html, text/plain");
    http::Request req;
    req.headers = {{"Authorization", "Bearer t"}};
    CHECK(req.headers.get("authorization") == "Bearer t");
}
