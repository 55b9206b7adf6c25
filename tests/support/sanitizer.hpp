// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_SANITIZER_HPP
#define SOCKLITE_TESTS_SUPPORT_SANITIZER_HPP

// Whether this program is built with ASan or TSan: load tests scale their counts down under them
// (each connection costs several times the memory and time).

namespace socklite_test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)  // g++
inline constexpr bool sanitized = true;
#elif defined(__has_feature)  // clang++
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif
#else
inline constexpr bool sanitized = false;
#endif

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_SANITIZER_HPP
