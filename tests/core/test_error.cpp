// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/error.hpp: the error categories, errc codes and socklite::Error.
#include "support/doctest_ext.hpp"

#include <socklite/error.hpp>

#include <set>
#include <string>
#include <system_error>

#include "support/fd_count.hpp"

using socklite::errc;

TEST_CASE("error: socklite::errc values convert to error codes of the socklite category") {
    std::error_code ec = errc::unexpected_eof;
    CHECK(ec.category() == socklite::error_category());
    CHECK(ec.value() == 1);
    CHECK(ec == errc::unexpected_eof);
    CHECK(ec != errc::bad_address);
    CHECK(ec != std::errc::connection_reset);
    CHECK(std::string(socklite::error_category().name()) == "socklite");
    CHECK(socklite::make_error_code(errc::queue_full) == errc::queue_full);
}

TEST_CASE("error: every socklite::errc value has its own message") {
    std::set<std::string> seen;
    int last = static_cast<int>(errc::queue_full);
    for (int v = 1; v <= last; ++v) {
        std::string msg = socklite::error_category().message(v);
        CAPTURE(v);
        CHECK(!msg.empty());
        CHECK(msg != "unknown socklite error");
        CHECK(seen.insert(msg).second);
    }
    CHECK(socklite::error_category().message(0) == "unknown socklite error");
    CHECK(socklite::error_category().message(last + 1) == "unknown socklite error");
    CHECK(socklite::error_category().message(-7) == "unknown socklite error");
}

TEST_CASE("error: the resolve category speaks gai_strerror") {
    std::error_code ec(EAI_NONAME, socklite::resolve_category());
    CHECK(std::string(socklite::resolve_category().name()) == "socklite.resolve");
    CHECK(ec.message() == ::gai_strerror(EAI_NONAME));
    CHECK(ec != std::error_code(EAI_NONAME, std::system_category()));
    CHECK(socklite::resolve_category() != socklite::error_category());
}

TEST_CASE("error: Error is a std::system_error whose what() names operation, peer and reason") {
    socklite::Error e(std::make_error_code(std::errc::connection_refused),
                      "connect 127.0.0.1:8000");
    const std::system_error& base = e;
    CHECK(base.code() == std::errc::connection_refused);
    CHECK(std::string(e.what()) ==
          "connect 127.0.0.1:8000: " +
              std::make_error_code(std::errc::connection_refused).message());
    CHECK(std::string(e.what()) == "connect 127.0.0.1:8000: Connection refused");
}

TEST_CASE("error: detail::throw_error joins operation and peer, or uses the operation alone") {
    SUBCASE("with a peer") {
        try {
            socklite::detail::throw_error(errc::line_too_long, "read line", "[::1]:80");
            FAIL("throw_error returned");
        } catch (const socklite::Error& e) {
            CHECK(e.code() == errc::line_too_long);
            CHECK(std::string(e.what()) == "read line [::1]:80: line too long");
        }
    }
    SUBCASE("without a peer") {
        try {
            socklite::detail::throw_error(errc::bad_address, "parse address", "");
            FAIL("throw_error returned");
        } catch (const socklite::Error& e) {
            CHECK(std::string(e.what()) == "parse address: invalid address");
        }
    }
    SUBCASE("caught as std::system_error") {
        CHECK_THROWS_AS(
            socklite::detail::throw_error(std::make_error_code(std::errc::timed_out), "recv", "x"),
            std::system_error);
    }
}

TEST_CASE("error: detail::last_error reads errno in the system category") {
    errno = ECONNRESET;
    std::error_code ec = socklite::detail::last_error();
    CHECK(ec.category() == std::system_category());
    CHECK(ec == std::errc::connection_reset);
    errno = 0;
}
