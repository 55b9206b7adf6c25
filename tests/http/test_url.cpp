// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/http/url.hpp>

#include "support/doctest_ext.hpp"

#include <string>

#include "http/guard_page.hpp"

using socklite::errc;
using socklite::http::Url;

namespace {

struct Good {
    const char* text;
    const char* scheme;
    const char* userinfo;
    const char* host;
    unsigned port;
    const char* path;
    const char* query;
    bool has_query;
    const char* authority;
    const char* target;
};

const Good good_cases[] = {
    {"http://example.com", "http", "", "example.com", 80, "/", "", false, "example.com", "/"},
    {"http://example.com/", "http", "", "example.com", 80, "/", "", false, "example.com", "/"},
    {"HTTP://Example.COM/A/b", "http", "", "example.com", 80, "/A/b", "", false, "example.com",
     "/A/b"},
    {"http://127.0.0.1:8080/index.html", "http", "", "127.0.0.1", 8080, "/index.html", "", false,
     "127.0.0.1:8080", "/index.html"},
    {"http://127.0.0.1:80/", "http", "", "127.0.0.1", 80, "/", "", false, "127.0.0.1", "/"},
    {"http://h:/x", "http", "", "h", 80, "/x", "", false, "h", "/x"},
    {"https://example.com/x", "https", "", "example.com", 443, "/x", "", false, "example.com",
     "/x"},
    {"https://example.com:8443", "https", "", "example.com", 8443, "/", "", false,
     "example.com:8443", "/"},
    {"http://[::1]:8080/a?b=c", "http", "", "::1", 8080, "/a", "b=c", true, "[::1]:8080", "/a?b=c"},
    {"http://[::1]/", "http", "", "::1", 80, "/", "", false, "[::1]", "/"},
    {"http://[2001:DB8::1]/", "http", "", "2001:db8::1", 80, "/", "", false, "[2001:db8::1]", "/"},
    {"http://[fe80::1%25eth0]:81/", "http", "", "fe80::1%eth0", 81, "/", "", false,
     "[fe80::1%25eth0]:81", "/"},
    {"http://user:pa%20ss@host/p", "http", "user:pa%20ss", "host", 80, "/p", "", false, "host",
     "/p"},
    {"http://host?q", "http", "", "host", 80, "/", "q", true, "host", "/?q"},
    {"http://host/?", "http", "", "host", 80, "/", "", true, "host", "/?"},
    {"http://host/p#frag", "http", "", "host", 80, "/p", "", false, "host", "/p"},
    {"http://host/p?x=1#frag?y", "http", "", "host", 80, "/p", "x=1", true, "host", "/p?x=1"},
    {"http://host#f", "http", "", "host", 80, "/", "", false, "host", "/"},
    {"http://host/a/./b/../c", "http", "", "host", 80, "/a/c", "", false, "host", "/a/c"},
    {"http://host/../../x", "http", "", "host", 80, "/x", "", false, "host", "/x"},
    {"http://host/a/..", "http", "", "host", 80, "/", "", false, "host", "/"},
    {"http://host/%7Euser/a%2Fb", "http", "", "host", 80, "/%7Euser/a%2Fb", "", false, "host",
     "/%7Euser/a%2Fb"},
    {"http://host/a|b{c}\"d^e`f\\g", "http", "", "host", 80, "/a%7Cb%7Bc%7D%22d%5Ee%60f%5Cg", "",
     false, "host", "/a%7Cb%7Bc%7D%22d%5Ee%60f%5Cg"},
    {"http://host/caf\xc3\xa9?q=\xc3\xa9", "http", "", "host", 80, "/caf%C3%A9", "q=%C3%A9", true,
     "host", "/caf%C3%A9?q=%C3%A9"},
    {"http://host/a?b?c/d", "http", "", "host", 80, "/a", "b?c/d", true, "host", "/a?b?c/d"},
    {"http://host:65535", "http", "", "host", 65535, "/", "", false, "host:65535", "/"},
    {"http://a-b.c_d~e/", "http", "", "a-b.c_d~e", 80, "/", "", false, "a-b.c_d~e", "/"},
    {"http://@host/", "http", "", "host", 80, "/", "", false, "host", "/"},
};

struct Bad {
    const char* text;
    socklite::http::errc code;
};

const Bad bad_cases[] = {
    {"", socklite::http::errc::bad_url},
    {"example.com", socklite::http::errc::bad_url},
    {"example.com:80/x",
     socklite::http::errc::unsupported_scheme},  // "example.com" is a valid scheme name
    {"/path", socklite::http::errc::bad_url},
    {"http:/host", socklite::http::errc::bad_url},
    {"http:host", socklite::http::errc::bad_url},
    {"http://", socklite::http::errc::bad_url},
    {"http:///path", socklite::http::errc::bad_url},
    {"http://:80/", socklite::http::errc::bad_url},
    {"http://host:0/", socklite::http::errc::bad_url},
    {"http://host:65536/", socklite::http::errc::bad_url},
    {"http://host:123456/", socklite::http::errc::bad_url},
    {"http://host:8a/", socklite::http::errc::bad_url},
    {"http://host:-1/", socklite::http::errc::bad_url},
    {"http://host:+80/", socklite::http::errc::bad_url},
    {"http://ho st/", socklite::http::errc::bad_url},
    {"http://host/a b", socklite::http::errc::bad_url},
    {" http://host/", socklite::http::errc::bad_url},
    {"http://host/ ", socklite::http::errc::bad_url},
    {"http://host/\r\nX: y", socklite::http::errc::bad_url},
    {"http://host/\n", socklite::http::errc::bad_url},
    {"http://host/\x7f", socklite::http::errc::bad_url},
    {"http://host/%", socklite::http::errc::bad_url},
    {"http://host/%4", socklite::http::errc::bad_url},
    {"http://host/%zz", socklite::http::errc::bad_url},
    {"http://host/?%g0", socklite::http::errc::bad_url},
    {"http://[::1/", socklite::http::errc::bad_url},
    {"http://[::1]x/", socklite::http::errc::bad_url},
    {"http://[::g]/", socklite::http::errc::bad_url},
    {"http://[]/", socklite::http::errc::bad_url},
    {"http://[127.0.0.1]/", socklite::http::errc::bad_url},
    {"http://[fe80::1%eth0]/", socklite::http::errc::bad_url},
    {"http://[fe80::1%25]/", socklite::http::errc::bad_url},
    {"http://::1/", socklite::http::errc::bad_url},
    {"http://ho%41st/", socklite::http::errc::bad_url},
    {"http://ho<st/", socklite::http::errc::bad_url},
    {"http://us er@host/", socklite::http::errc::bad_url},
    {"http://us%2@host/", socklite::http::errc::bad_url},
    {"http://us\"er@host/", socklite::http::errc::bad_url},
    {"ftp://host/", socklite::http::errc::unsupported_scheme},
    {"ws://host/", socklite::http::errc::unsupported_scheme},
    {"1http://host/", socklite::http::errc::bad_url},
    {"ht tp://host/", socklite::http::errc::bad_url},
};

}  // namespace

TEST_CASE("url: good URLs parse into their parts (input ends at a guard page)") {
    socklite_test::GuardPage guard;
    for (const Good& c : good_cases) {
        CAPTURE(c.text);
        std::error_code ec;
        Url u = Url::parse(guard.place(c.text), ec);
        REQUIRE_FALSE(ec);
        CHECK_FALSE(u.empty());
        CHECK(u.scheme() == c.scheme);
        CHECK(u.userinfo() == c.userinfo);
        CHECK(u.host() == c.host);
        CHECK(u.port() == c.port);
        CHECK(u.path() == c.path);
        CHECK(u.query() == c.query);
        CHECK(u.has_query() == c.has_query);
        CHECK(u.authority() == c.authority);
        CHECK(u.target() == c.target);
        CHECK(u.is_https() == (std::string(c.scheme) == "https"));
        // str() round-trips
        Url again = Url::parse(u.str());
        CHECK(again == u);
        CHECK(u.origin() == std::string(c.scheme) + "://" + c.authority);
    }
}

TEST_CASE("url: bad URLs are errors, never partial results") {
    socklite_test::GuardPage guard;
    for (const Bad& c : bad_cases) {
        CAPTURE(c.text);
        std::error_code ec;
        Url u = Url::parse(guard.place(c.text), ec);
        CHECK(ec == c.code);
        CHECK(u.empty());
        CHECK_THROWS_AS(Url::parse(c.text), socklite::Error);
    }
    std::error_code ec;
    Url::parse(guard.place(std::string_view("http://host/\0x", 14)), ec);
    CHECK(ec == socklite::http::errc::bad_url);
    Url::parse(guard.place(std::string_view("http://ho\0st/", 13)), ec);
    CHECK(ec == socklite::http::errc::bad_url);
}

TEST_CASE("url: the thrown error names the URL and carries the code") {
    try {
        Url::parse("ftp://x/");
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        CHECK(e.code() == socklite::http::errc::unsupported_scheme);
        CHECK(std::string(e.what()).find("ftp://x/") != std::string::npos);
    }
}

TEST_CASE("url: https parses; the scheme's default port applies") {
    Url u = Url::parse("https://example.com/");
    CHECK(u.is_https());
    CHECK(u.port() == 443);
    CHECK_FALSE(u.has_port());
    CHECK(Url::parse("http://x:80/").has_port());
    CHECK(Url::default_port("http") == 80);
    CHECK(Url::default_port("https") == 443);
    CHECK(Url::default_port("gopher") == 0);
    CHECK(Url().empty());
    CHECK(Url().str().empty());
}

TEST_CASE("url: resolve references as RFC 3986 section 5.4 does") {
    // The RFC's examples, with an http base (its "g:h" case would be an unsupported scheme).
    Url base = Url::parse("http://a/b/c/d;p?q");
    struct R {
        const char* ref;
        const char* expected;
    };
    const R cases[] = {
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g/"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q"},
        {"g#s", "http://a/b/c/g"},
        {"g?y#s", "http://a/b/c/g?y"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"http://other:81/x", "http://other:81/x"},
        {"https://secure/", "https://secure/"},
    };
    for (const R& c : cases) {
        CAPTURE(c.ref);
        std::error_code ec;
        Url r = base.resolve(c.ref, ec);
        REQUIRE_FALSE(ec);
        CHECK(r.str() == c.expected);
    }
    std::error_code ec;
    base.resolve("ftp://x/", ec);
    CHECK(ec == socklite::http::errc::unsupported_scheme);
    base.resolve("/a b", ec);
    CHECK(ec == socklite::http::errc::bad_url);
    base.resolve("//", ec);
    CHECK(ec == socklite::http::errc::bad_url);
    Url().resolve("/x", ec);
    CHECK(ec == socklite::http::errc::bad_url);
    CHECK_THROWS_AS(base.resolve("/\r\n"), socklite::Error);
    // userinfo and port are kept for relative references
    Url withport = Url::parse("http://u@h:8080/dir/file");
    CHECK(withport.resolve("other").str() == "http://u@h:8080/dir/other");
    CHECK(Url::parse("http://[::1]:81/a/b").resolve("/c").str() == "http://[::1]:81/c");
}
