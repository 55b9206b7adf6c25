// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_VERSION_HPP
#define SOCKLITE_VERSION_HPP

/** @file
 *  The library's version, as macros for the preprocessor and as a string. */

/** Major version: changes break the API. */
#define SOCKLITE_VERSION_MAJOR 0
/** Minor version: features added compatibly. */
#define SOCKLITE_VERSION_MINOR 1
/** Patch version: fixes only. */
#define SOCKLITE_VERSION_PATCH 0
/** The version as a string literal, e.g. `"0.1.0"` (used in `User-Agent`). */
#define SOCKLITE_VERSION_STRING "0.1.0"

namespace socklite {
/** The library's version as `"MAJOR.MINOR.PATCH"`. */
inline constexpr const char* version = SOCKLITE_VERSION_STRING;
}  // namespace socklite

#endif  // SOCKLITE_VERSION_HPP
