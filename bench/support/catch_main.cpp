// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The Catch2 main shared by every micro benchmark (compiled once).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
