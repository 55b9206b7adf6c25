// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_CUTS_HPP
#define SOCKLITE_TESTS_SUPPORT_CUTS_HPP

// The ways the tests of incremental decoders (HTTP parser, chunked decoder, WebSocket frames)
// deliver an input of n bytes: the end offset of each piece.

#include <cstddef>
#include <vector>

namespace socklite_test {

/** Cut points: the whole input at once. */
inline std::vector<std::size_t> cuts_whole(std::size_t n) { return {n}; }
/** Cut points: one byte at a time ({0} for an empty input). */
inline std::vector<std::size_t> cuts_bytes(std::size_t n) {
    std::vector<std::size_t> v;
    for (std::size_t i = 1; i <= n; ++i) v.push_back(i);
    if (v.empty()) v.push_back(0);
    return v;
}
/** Cut points: two pieces split at @p at. */
inline std::vector<std::size_t> cuts_split(std::size_t n, std::size_t at) { return {at, n}; }

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_CUTS_HPP
