// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The one doctest main shared by every test program.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
