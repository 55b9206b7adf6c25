// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/address.hpp: parsing, formatting, families, resolve().
#include "support/doctest_ext.hpp"

#include <socklite/address.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/fd_count.hpp"

using socklite::Address;
using socklite::errc;

TEST_CASE("address: parse and to_string round trip") {
    struct Case {
        std::string text;
        Address::Family family;
        std::string host;
        std::uint16_t port;
    };
    const std::vector<Case> cases = {
        {"127.0.0.1:8000", Address::Family::ipv4, "127.0.0.1", 8000},
        {"0.0.0.0:0", Address::Family::ipv4, "0.0.0.0", 0},
        {"255.255.255.255:65535", Address::Family::ipv4, "255.255.255.255", 65535},
        {"[::1]:8000", Address::Family::ipv6, "::1", 8000},
        {"[::]:1", Address::Family::ipv6, "::", 1},
        {"[2001:db8::1:0:0:1]:443", Address::Family::ipv6, "2001:db8::1:0:0:1", 443},
        {"[::ffff:127.0.0.1]:80", Address::Family::ipv6, "::ffff:127.0.0.1", 80},
        {"[fe80::1%lo]:80", Address::Family::ipv6, "fe80::1%lo", 80},
        {"/tmp/x.sock", Address::Family::local, "/tmp/x.sock", 0},
        {"./rel.sock", Address::Family::local, "./rel.sock", 0},
        {"@abstract-name", Address::Family::local, "@abstract-name", 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        std::error_code ec;
        Address a = Address::parse(c.text, ec);
        REQUIRE(!ec);
        CHECK(a.family() == c.family);
        CHECK(a.host() == c.host);
        CHECK(a.port() == c.port);
        CHECK(a.to_string() == c.text);
        CHECK(Address::parse(a.to_string()) == a);
        CHECK_FALSE(a.empty());
        CHECK(Address::parse(c.text) == a);  // the throwing overload agrees
    }
}

TEST_CASE("address: non-canonical text parses to the canonical form") {
    CHECK(Address::parse("[0:0::1]:80").to_string() == "[::1]:80");
    CHECK(Address::parse("[2001:DB8::1]:80").to_string() == "[2001:db8::1]:80");
    CHECK(Address::parse("127.0.0.1:0080").to_string() == "127.0.0.1:80");
}

TEST_CASE("address: every bad form is errc::bad_address, and the throwing overload says so") {
    const std::vector<std::string> bad = {
        "",
        "127.0.0.1",         // no port
        "127.0.0.1:",        // empty port
        ":80",               // no host
        "127.0.0.1:65536",   // port too big
        "127.0.0.1:123456",  // too many digits
        "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.1:8 0",
        "127.0.0.1:80x",
        "127.0.0.1:0x50",
        "1.2.3:80",  // inet_pton is strict
        "1.2.3.4.5:80",
        "256.0.0.1:80",
        "01.2.3.4:80",
        "0x7f.0.0.1:80",
        " 127.0.0.1:80",
        "127.0.0.1 :80",
        "localhost:80",  // names need resolve()
        "example.invalid:80",
        "::1:80",  // IPv6 needs brackets
        "::1",
        "[::1]",  // brackets but no port
        "[::1]:",
        "[::1]80",
        "[::1]]:80",
        "[::1:80",
        "[]:80",
        "[127.0.0.1]:80",  // IPv4 in brackets
        "[::1]:65536",
        "[::g]:80",
        "[localhost]:80",
        std::string("127.0.0.1\0junk:80", 17),  // an embedded NUL must not cut the host short
        std::string("[::1\0junk]:80", 13),
        "@",                          // abstract name without a name
        "/" + std::string(107, 'p'),  // path too long for sun_path
        std::string("/tmp/a\0b", 8),
    };
    for (const auto& text : bad) {
        CAPTURE(text);
        std::error_code ec = std::make_error_code(std::errc::io_error);
        Address a = Address::parse(text, ec);
        CHECK(ec == errc::bad_address);
        CHECK(a.empty());
        try {
            Address::parse(text);
            FAIL("no exception");
        } catch (const socklite::Error& e) {
            CHECK(e.code() == errc::bad_address);
            if (text.empty()) {
                CHECK(std::string(e.what()) == "parse address: invalid address");
            } else if (text.find('\0') == std::string::npos) {
                CHECK(std::string(e.what()) == "parse address " + text + ": invalid address");
            }
        }
    }
}

TEST_CASE("address: ipv4(), ipv6() and unix_path() factories") {
    CHECK(Address::ipv4("10.1.2.3", 99).to_string() == "10.1.2.3:99");
    CHECK(Address::ipv6("::1", 99).to_string() == "[::1]:99");
    CHECK(Address::unix_path("/tmp/s").to_string() == "/tmp/s");
    CHECK(Address::unix_path("@n").is_unix());
    CHECK_THROWS_AS(Address::ipv4("::1", 1), socklite::Error);
    CHECK_THROWS_AS(Address::ipv4("1.2.3.4:5", 1), socklite::Error);
    CHECK_THROWS_AS(Address::ipv4("", 1), socklite::Error);
    CHECK_THROWS_AS(Address::ipv6("127.0.0.1", 1), socklite::Error);
    CHECK_THROWS_AS(Address::ipv6("[::1]", 1), socklite::Error);
    CHECK_THROWS_AS(Address::ipv6("", 1), socklite::Error);
    CHECK_THROWS_AS(Address::unix_path(""), socklite::Error);
    CHECK_THROWS_AS(Address::unix_path("@"), socklite::Error);
    CHECK_THROWS_AS(Address::unix_path(std::string(108, 'a')), socklite::Error);
    CHECK_NOTHROW(Address::unix_path("/" + std::string(106, 'a')));  // 107 bytes: the maximum
    try {
        Address::ipv4("nope", 1);
        FAIL("no exception");
    } catch (const socklite::Error& e) {
        CHECK(e.code() == errc::bad_address);
        CHECK(std::string(e.what()) == "parse address nope: invalid address");
    }
}

TEST_CASE("address: the factories' error-code overloads") {
    std::error_code ec = std::make_error_code(std::errc::io_error);
    CHECK(Address::ipv4("127.0.0.1", 7, ec).to_string() == "127.0.0.1:7");
    CHECK(!ec);
    CHECK(Address::ipv6("::1", 7, ec).to_string() == "[::1]:7");
    CHECK(!ec);
    CHECK(Address::unix_path("@x", ec).to_string() == "@x");
    CHECK(!ec);
    const std::string long_ip(200, '1');
    for (const std::string& bad : std::vector<std::string>{"", "::1", "1.2.3.4:5", "/tmp/x", "@x",
                                                           "1.2.3", "localhost", long_ip}) {
        CAPTURE(bad);
        ec.clear();
        CHECK(Address::ipv4(bad, 1, ec).empty());
        CHECK(ec == errc::bad_address);
    }
    for (const std::string& bad : std::vector<std::string>{"", "127.0.0.1", "[::1]", "::1]:80 [",
                                                           "/tmp/x", "@x", "::g", long_ip}) {
        CAPTURE(bad);
        ec.clear();
        CHECK(Address::ipv6(bad, 1, ec).empty());
        CHECK(ec == errc::bad_address);
    }
    for (const std::string& bad :
         std::vector<std::string>{"", "@", std::string("/a\0b", 4), long_ip}) {
        ec.clear();
        CHECK(Address::unix_path(bad, ec).empty());
        CHECK(ec == errc::bad_address);
    }
}

TEST_CASE("address: family predicates, port setter and the empty address") {
    Address empty;
    CHECK(empty.empty());
    CHECK(empty.family() == Address::Family::none);
    CHECK(empty.size() == 0);
    CHECK(empty.port() == 0);
    CHECK(empty.host().empty());
    CHECK(empty.to_string().empty());
    empty.port(80);  // ignored
    CHECK(empty.port() == 0);
    CHECK(empty == Address());

    Address v4 = Address::parse("1.2.3.4:5");
    CHECK(v4.is_ipv4());
    CHECK_FALSE(v4.is_ipv6());
    CHECK_FALSE(v4.is_unix());
    CHECK(v4.size() == sizeof(sockaddr_in));
    v4.port(65535);
    CHECK(v4.to_string() == "1.2.3.4:65535");

    Address v6 = Address::parse("[::1]:5");
    CHECK(v6.is_ipv6());
    CHECK(v6.size() == sizeof(sockaddr_in6));
    v6.port(7);
    CHECK(v6.to_string() == "[::1]:7");

    Address un = Address::parse("/tmp/sock");
    un.port(7);  // ignored
    CHECK(un.port() == 0);
    CHECK(un.to_string() == "/tmp/sock");
    CHECK(Address::capacity() == sizeof(sockaddr_storage));
}

TEST_CASE("address: equality compares family, bytes and port") {
    CHECK(Address::parse("1.2.3.4:5") == Address::parse("1.2.3.4:5"));
    CHECK(Address::parse("1.2.3.4:5") != Address::parse("1.2.3.4:6"));
    CHECK(Address::parse("1.2.3.4:5") != Address::parse("1.2.3.5:5"));
    CHECK(Address::parse("[::1]:5") != Address::parse("127.0.0.1:5"));
    CHECK(Address::parse("/a") != Address::parse("@a"));
    CHECK(Address::parse("@a") != Address::parse("@ab"));
    Address copy = Address::parse("[::1]:5");
    Address other = copy;
    CHECK(other == copy);
}

TEST_CASE("address: from a sockaddr, with lengths clamped to the storage") {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4242);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Address a(reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
    CHECK(a.to_string() == "127.0.0.1:4242");
    sockaddr_storage big{};
    std::memcpy(&big, &sin, sizeof sin);
    Address clamped(reinterpret_cast<const sockaddr*>(&big), sizeof big);
    CHECK(clamped.size() == sizeof big);
    clamped.resize(100000);
    CHECK(clamped.size() == Address::capacity());

    Address null_empty(nullptr, 0);
    CHECK(null_empty.empty());

    sockaddr_un unnamed{};
    unnamed.sun_family = AF_UNIX;
    Address u(reinterpret_cast<const sockaddr*>(&unnamed), sizeof(sa_family_t));
    CHECK(u.is_unix());
    CHECK(u.host().empty());  // an unnamed socket (e.g. a socketpair end)

    sockaddr_storage odd{};
    odd.ss_family = AF_APPLETALK;
    Address other_family(reinterpret_cast<const sockaddr*>(&odd), sizeof odd);
    CHECK(other_family.family() == Address::Family::none);
    CHECK(other_family.to_string().empty());
}

TEST_CASE("address: an abstract name may hold any byte and is reported with '@'") {
    Address a = Address::unix_path(std::string("@with\0nul", 9));
    CHECK(a.host() == std::string("@with\0nul", 9));
    CHECK(a.size() == offsetof(sockaddr_un, sun_path) + 9);
}

TEST_CASE("address: detail::join_host_port brackets IPv6 literals only") {
    using socklite::detail::join_host_port;
    CHECK(join_host_port("127.0.0.1", 80) == "127.0.0.1:80");
    CHECK(join_host_port("::1", 80) == "[::1]:80");
    CHECK(join_host_port("[::1]", 80) == "[::1]:80");
    CHECK(join_host_port("example.com", 0) == "example.com:0");
}

TEST_CASE("address: resolve localhost and numeric hosts") {
    socklite_test::FdLeakGuard guard;
    SUBCASE("localhost") {
        auto all = socklite::resolve("localhost", 8080);
        REQUIRE(!all.empty());
        bool loopback = false;
        for (const Address& a : all) {
            CHECK(a.port() == 8080);
            CHECK((a.is_ipv4() || a.is_ipv6()));
            loopback = loopback || a.host() == "127.0.0.1" || a.host() == "::1";
        }
        CHECK(loopback);
        for (std::size_t i = 0; i < all.size(); ++i)
            for (std::size_t j = i + 1; j < all.size(); ++j) CHECK(all[i] != all[j]);  // no repeats
    }
    SUBCASE("numeric IPv4") {
        auto all = socklite::resolve("127.0.0.1", 1);
        REQUIRE(all.size() == 1);
        CHECK(all[0].to_string() == "127.0.0.1:1");
    }
    SUBCASE("numeric IPv6, with and without brackets") {
        CHECK(socklite::resolve("::1", 2).at(0).to_string() == "[::1]:2");
        CHECK(socklite::resolve("[::1]", 2).at(0).to_string() == "[::1]:2");
    }
}

TEST_CASE("address: resolve failures") {
    socklite_test::FdLeakGuard guard;
    SUBCASE("unknown host (.invalid is reserved, RFC 6761)") {
        std::error_code ec;
        auto all = socklite::resolve("no-such-host.invalid", 80, ec);
        CHECK(all.empty());
        REQUIRE(ec);
        // EAI_NONAME normally; EAI_AGAIN / EAI_FAIL where no resolver is reachable.
        CHECK(ec.category() == socklite::resolve_category());
        try {
            socklite::resolve("no-such-host.invalid", 80);
            FAIL("no exception");
        } catch (const socklite::Error& e) {
            CHECK(e.code() == ec);
            CHECK(std::string(e.what()) == "resolve no-such-host.invalid: " + ec.message());
        }
    }
    SUBCASE("an embedded NUL is not silently cut") {
        std::error_code ec;
        auto all = socklite::resolve(std::string_view("localhost\0.invalid", 18), 80, ec);
        CHECK(ec == errc::bad_address);
        CHECK(all.empty());
    }
    SUBCASE("an empty host") {
        std::error_code ec;
        CHECK(socklite::resolve("", 80, ec).empty());
        CHECK(ec);
    }
}
