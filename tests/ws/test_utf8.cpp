// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/ws/utf8.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using socklite::ws::Utf8Validator;

namespace {

struct Case {
    const char* name;
    std::string text;
    // For invalid input: the index of the byte at which it is known to be invalid; text.size()
    // when only the end shows it (a truncated sequence); -1 for valid input.
    long fail_at;
};

// The classic stress cases (after Markus Kuhn's UTF-8 decoder test), each with the first byte at
// which a fail-fast validator must stop.
const std::vector<Case> cases = {
    {"empty", "", -1},
    {"ascii", "Hello, world! 0123456789 ~", -1},
    {"kosme", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", -1},
    {"first 1-byte U+0000", std::string("\x00", 1), -1},
    {"first 2-byte U+0080", "\xc2\x80", -1},
    {"first 3-byte U+0800", "\xe0\xa0\x80", -1},
    {"first 4-byte U+10000", "\xf0\x90\x80\x80", -1},
    {"last 1-byte U+007F", "\x7f", -1},
    {"last 2-byte U+07FF", "\xdf\xbf", -1},
    {"last 3-byte U+FFFF", "\xef\xbf\xbf", -1},
    {"last 4-byte U+10FFFF", "\xf4\x8f\xbf\xbf", -1},
    {"U+D7FF", "\xed\x9f\xbf", -1},
    {"U+E000", "\xee\x80\x80", -1},
    {"U+FFFD", "\xef\xbf\xbd", -1},
    {"non-character U+FFFE", "\xef\xbf\xbe", -1},
    {"non-character U+FDD0", "\xef\xb7\x90", -1},
    {"U+110000", "\xf4\x90\x80\x80", 1},
    {"5-byte form", "\xf8\x88\x80\x80\x80", 0},
    {"6-byte form", "\xfc\x84\x80\x80\x80\x80", 0},
    {"lone continuation 0x80", "\x80", 0},
    {"lone continuation 0xbf", "a\xbf", 1},
    {"two continuations", "\x80\xbf", 0},
    {"lonely start 0xc0 space", "\xc0 ", 0},
    {"lonely start 0xc2 space", "\xc2 ", 1},
    {"lonely start 0xe0 space", "\xe0 ", 1},
    {"lonely start 0xf0 space", "\xf0 ", 1},
    {"truncated 2-byte", "\xc2", 1},
    {"truncated 3-byte", "\xe1\x80", 2},
    {"truncated 4-byte", "\xf1\x80\x80", 3},
    {"truncated inside text",
     "ab\xe1\x80"
     "cd",
     4},
    {"0xfe", "\xfe", 0},
    {"0xff", "\xff", 0},
    {"0xfe 0xfe 0xff 0xff", "\xfe\xfe\xff\xff", 0},
    {"overlong / 2-byte", "\xc0\xaf", 0},
    {"overlong / 3-byte", "\xe0\x80\xaf", 1},
    {"overlong / 4-byte", "\xf0\x80\x80\xaf", 1},
    {"overlong max 2-byte", "\xc1\xbf", 0},
    {"overlong max 3-byte", "\xe0\x9f\xbf", 1},
    {"overlong max 4-byte", "\xf0\x8f\xbf\xbf", 1},
    {"overlong NUL 2-byte", "\xc0\x80", 0},
    {"overlong NUL 3-byte", "\xe0\x80\x80", 1},
    {"surrogate U+D800", "\xed\xa0\x80", 1},
    {"surrogate U+DBFF", "\xed\xaf\xbf", 1},
    {"surrogate U+DC00", "\xed\xb0\x80", 1},
    {"surrogate U+DFFF", "\xed\xbf\xbf", 1},
    {"paired surrogates", "\xed\xa0\x80\xed\xb0\x80", 1},
    {"F5 start", "\xf5\x80\x80\x80", 0},
    {"invalid after kosme",
     "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
     "edited",
     12},
    {"long ascii then bad", std::string(100, 'x') + "\xff" + std::string(20, 'y'), 100},
    {"long ascii then good", std::string(37, 'x') + "\xf0\x9f\x98\x80" + std::string(29, 'y'), -1},
};

// Where feeding one byte at a time first fails (size() if only complete() fails, -1 if valid).
long fail_position(const std::string& text) {
    Utf8Validator v;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!v.feed(std::string_view(text).substr(i, 1))) return static_cast<long>(i);
    return v.complete() ? -1 : static_cast<long>(text.size());
}

}  // namespace

TEST_CASE("ws utf8: stress cases, whole and fail-fast at the known byte") {
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK(Utf8Validator::valid(c.text) == (c.fail_at < 0));
        CHECK(fail_position(c.text) == c.fail_at);
    }
}

TEST_CASE("ws utf8: stress cases split at every position (and in three pieces)") {
    for (const Case& c : cases) {
        CAPTURE(c.name);
        for (std::size_t a = 0; a <= c.text.size(); ++a) {
            for (std::size_t b = a; b <= c.text.size(); ++b) {
                Utf8Validator v;
                bool ok = v.feed(std::string_view(c.text).substr(0, a)) &&
                          v.feed(std::string_view(c.text).substr(a, b - a)) &&
                          v.feed(std::string_view(c.text).substr(b));
                REQUIRE((ok && v.complete()) == (c.fail_at < 0));
                // A piece ending before the known bad byte never fails early.
                if (c.fail_at >= 0 && static_cast<long>(a) <= c.fail_at) {
                    Utf8Validator w;
                    REQUIRE(w.feed(std::string_view(c.text).substr(0, a)));
                }
            }
        }
    }
}

TEST_CASE("ws utf8: every code point round trip, every byte value alone") {
    auto encode = [](std::uint32_t cp) {
        std::string s;
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xF0 | (cp >> 18));
            s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        return s;
    };
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        if (Utf8Validator::valid(encode(cp)) == surrogate) {
            FAIL("code point " << cp);
        }
    }
    for (int b = 0; b < 256; ++b) {
        std::string s(1, static_cast<char>(b));
        CHECK(Utf8Validator::valid(s) == (b < 0x80));
    }
}

TEST_CASE("ws utf8: failure sticks until reset") {
    Utf8Validator v;
    CHECK_FALSE(v.feed("\xff"));
    CHECK(v.failed());
    CHECK_FALSE(v.feed("a"));
    v.reset();
    CHECK(v.feed("a"));
    CHECK(v.complete());
}
