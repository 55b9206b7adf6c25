// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Tests for socklite/line_buffer.hpp: splitting a byte stream into lines.
#include "support/doctest_ext.hpp"

#include <socklite/line_buffer.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

using socklite::LineBuffer;

namespace {

// Takes every complete line; fails the test on an error.
std::vector<std::string> drain(LineBuffer& lb) {
    std::vector<std::string> out;
    std::string line;
    std::error_code ec;
    while (lb.next_line(line, ec)) out.push_back(line);
    CHECK_MESSAGE(!ec, ec.message());
    return out;
}

// Feeds @p input in pieces cut at @p cuts and collects the lines.
std::vector<std::string> feed_split(const std::string& input, std::size_t a, std::size_t b,
                                    std::string* pending = nullptr) {
    LineBuffer lb;
    std::vector<std::string> out;
    for (auto piece : {input.substr(0, a), input.substr(a, b - a), input.substr(b)}) {
        lb.append(piece);
        for (auto& l : drain(lb)) out.push_back(l);
    }
    if (pending) *pending = std::string(lb.pending());
    return out;
}

}  // namespace

TEST_CASE("line buffer: LF and CRLF lines, empty lines, and an unterminated tail") {
    LineBuffer lb;
    lb.append("one\ntwo\r\n\n\r\nthree\rx\nta");
    CHECK(drain(lb) == std::vector<std::string>{"one", "two", "", "", "three\rx"});
    CHECK(lb.pending() == "ta");
    lb.append("il\n");
    CHECK(drain(lb) == std::vector<std::string>{"tail"});
    CHECK(lb.pending().empty());
}

TEST_CASE("line buffer: only one CR before LF is part of the terminator") {
    LineBuffer lb;
    lb.append("a\r\r\n\r\n");
    CHECK(drain(lb) == std::vector<std::string>{"a\r", ""});
}

TEST_CASE("line buffer: the same lines whatever the split (every pair of offsets)") {
    const std::string input = "hello\r\nworld\n\nx\r\n\r\nlast line\npartial";
    const std::vector<std::string> expected = {"hello", "world", "", "x", "", "last line"};
    for (std::size_t a = 0; a <= input.size(); ++a) {
        for (std::size_t b = a; b <= input.size(); ++b) {
            std::string pending;
            auto got = feed_split(input, a, b, &pending);
            CAPTURE(a);
            CAPTURE(b);
            REQUIRE(got == expected);
            REQUIRE(pending == "partial");
        }
    }
}

TEST_CASE("line buffer: byte by byte") {
    const std::string input = "ab\r\ncd\n";
    LineBuffer lb;
    std::vector<std::string> got;
    for (char c : input) {
        lb.append(std::string_view(&c, 1));
        for (auto& l : drain(lb)) got.push_back(l);
    }
    CHECK(got == std::vector<std::string>{"ab", "cd"});
}

TEST_CASE("line buffer: the limit counts line bytes, not the terminator") {
    LineBuffer lb(4);
    CHECK(lb.max_line() == 4);
    std::string line;
    std::error_code ec;
    SUBCASE("exactly the limit, LF") {
        lb.append("abcd\n");
        CHECK(lb.next_line(line, ec));
        CHECK(!ec);
        CHECK(line == "abcd");
    }
    SUBCASE("exactly the limit, CRLF split before the LF") {
        lb.append("abcd\r");
        CHECK_FALSE(lb.next_line(line, ec));
        CHECK(!ec);  // the CR may still turn out to be part of the terminator
        lb.append("\n");
        CHECK(lb.next_line(line, ec));
        CHECK(line == "abcd");
    }
    SUBCASE("one over the limit, complete") {
        lb.append("abcde\n");
        CHECK_FALSE(lb.next_line(line, ec));
        CHECK(ec == socklite::errc::line_too_long);
    }
    SUBCASE("one over the limit, CR that is not a terminator") {
        lb.append("abcd\rx");
        CHECK_FALSE(lb.next_line(line, ec));
        CHECK(ec == socklite::errc::line_too_long);
    }
    SUBCASE("over the limit, still unterminated") {
        lb.append("abcdef");
        CHECK_FALSE(lb.next_line(line, ec));
        CHECK(ec == socklite::errc::line_too_long);
    }
}

TEST_CASE("line buffer: the error state sticks until clear(), and the throwing overload throws") {
    LineBuffer lb(3);
    std::string line = "untouched";
    std::error_code ec;
    lb.append("ok\ntoo long\nok\n");
    CHECK(lb.next_line(line, ec));
    CHECK(line == "ok");
    CHECK_FALSE(lb.next_line(line, ec));
    CHECK(ec == socklite::errc::line_too_long);
    CHECK_FALSE(lb.next_line(line, ec));
    CHECK(ec == socklite::errc::line_too_long);
    lb.append("more\n");
    CHECK_FALSE(lb.next_line(line, ec));
    CHECK(ec == socklite::errc::line_too_long);
    CHECK(line == "ok");
    try {
        lb.next_line(line);
        FAIL("next_line did not throw");
    } catch (const socklite::Error& e) {
        CHECK(e.code() == socklite::errc::line_too_long);
        CHECK(std::string(e.what()) == "read line: line too long");
    }
    lb.clear();
    CHECK(lb.pending().empty());
    lb.append("abc\n");
    CHECK(lb.next_line(line));
    CHECK(line == "abc");
}

TEST_CASE("line buffer: bytes appended while in error are dropped (memory stays bounded)") {
    LineBuffer lb(8);
    std::string line;
    std::error_code ec;
    lb.append(std::string(100, 'x'));
    CHECK_FALSE(lb.next_line(line, ec));
    REQUIRE(ec == socklite::errc::line_too_long);
    for (int i = 0; i < 100; ++i) lb.append(std::string(1000, 'y'));
    CHECK(lb.pending().size() <= 100);
}

TEST_CASE("line buffer: an unlimited maximum (SIZE_MAX) does not overflow") {
    LineBuffer lb(std::numeric_limits<std::size_t>::max());
    std::string line;
    std::error_code ec;
    lb.append("abc");
    CHECK_FALSE(lb.next_line(line, ec));
    CHECK(!ec);
    lb.append("def\r\n");
    CHECK(lb.next_line(line, ec));
    CHECK(line == "abcdef");
}

TEST_CASE("line buffer: many lines through a long stream (compaction keeps the content)") {
    LineBuffer lb(16);
    std::string line;
    int next_expected = 0;
    for (int i = 0; i < 20000; ++i) {
        lb.append("line " + std::to_string(i) + "\n");
        if (i % 7 == 0) {
            while (lb.next_line(line)) REQUIRE(line == "line " + std::to_string(next_expected++));
        }
    }
    while (lb.next_line(line)) REQUIRE(line == "line " + std::to_string(next_expected++));
    CHECK(next_expected == 20000);
    CHECK(lb.pending().empty());
}

TEST_CASE("line buffer: throwing next_line returns false without a complete line") {
    LineBuffer lb;
    std::string line;
    CHECK_FALSE(lb.next_line(line));
    lb.append("x");
    CHECK_FALSE(lb.next_line(line));
    CHECK(lb.pending() == "x");
}
