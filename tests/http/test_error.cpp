// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/http/error.hpp: the HTTP module's codes live in their own category.
#include "support/doctest_ext.hpp"

#include <socklite/error.hpp>
#include <socklite/http/error.hpp>

#include <set>
#include <string>
#include <system_error>

using socklite::http::errc;

TEST_CASE("http error: http::errc values convert to codes of the socklite.http category") {
    std::error_code ec = errc::bad_chunk;
    CHECK(ec.category() == socklite::http::error_category());
    CHECK(std::string(socklite::http::error_category().name()) == "socklite.http");
    CHECK(ec == errc::bad_chunk);
    CHECK(ec != errc::bad_header);
    CHECK(socklite::http::error_category() != socklite::error_category());
    // Same numeric value, other module: not equal.
    CHECK(std::error_code(errc::bad_url) != std::error_code(socklite::errc::unexpected_eof));
}

TEST_CASE("http error: every http::errc value has its own message") {
    std::set<std::string> seen;
    int last = static_cast<int>(errc::decoded_body_too_large);
    for (int v = 1; v <= last; ++v) {
        std::string msg = socklite::http::error_category().message(v);
        CAPTURE(v);
        CHECK(msg != "unknown socklite.http error");
        CHECK(seen.insert(msg).second);
    }
    CHECK(socklite::http::error_category().message(0) == "unknown socklite.http error");
    CHECK(socklite::http::error_category().message(last + 1) == "unknown socklite.http error");
}
