// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP
#define SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP

// doctest plus readable failure output for std::error_code and the library's value types.
// Include this instead of <doctest/doctest.h> in tests that compare error codes.

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <system_error>

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

#endif  // SOCKLITE_TESTS_SUPPORT_DOCTEST_EXT_HPP
