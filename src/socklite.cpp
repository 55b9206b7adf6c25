// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// socklite's compiled library: the definitions that socklite/http/server.hpp,
// socklite/http/client.hpp and socklite/http/handler.hpp only declare when a program is built
// with SOCKLITE_SEPARATE_COMPILATION (see socklite/config.hpp). Compile this one file with
// SOCKLITE_SEPARATE_COMPILATION defined (the CMake target socklite::compiled, Meson's
// socklite_compiled_dep) and link it into the program.

#if !defined(SOCKLITE_SEPARATE_COMPILATION)
#error "src/socklite.cpp is compiled with SOCKLITE_SEPARATE_COMPILATION defined, as its users are"
#endif

#define SOCKLITE_SOURCE 1

#include "socklite/http/client.hpp"
#include "socklite/http/handler.hpp"
#include "socklite/http/server.hpp"
