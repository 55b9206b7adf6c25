// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP
#define SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP

// doctest plus readable failure output for std::error_code and the library's value types.
// Include this instead of <doctest/doctest.h> in tests that compare error codes.

#include <doctest/doctest.h>

#include <functional>
#include <ostream>
#include <string>
#include <system_error>

#include <socklite/error.hpp>

namespace doctest {
/** Prints an error code as `category:value "message"`. */
template <>
struct StringMaker<std::error_code> {
    static String convert(const std::error_code& ec) {
        std::string s = std::string(ec.category().name()) + ':' + std::to_string(ec.value()) +
                        " \"" + ec.message() + '"';
        return String(s.c_str());
    }
};
}  // namespace doctest

namespace socklite_test {

/** What the socklite::Error thrown by @p f says, or "(no exception)" when it throws none. */
inline std::string what_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const socklite::Error& e) {
        return e.what();
    }
    return "(no exception)";
}

/** The system's message for @p e, as it appears at the end of an Error's what(). */
inline std::string message(std::errc e) { return std::make_error_code(e).message(); }

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP
