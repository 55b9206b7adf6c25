// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Part of test_http_parser_avx2 (the parser tests compiled with -mavx2): on a CPU without AVX2
// the test is skipped (exit code 77, which CTest and Meson report as skipped) before anything
// else runs. A constructor of the highest priority runs before the static initialisers of the
// test files; it does nothing that a compiler would turn into AVX2 code.
#include <cstdio>
#include <cstdlib>

namespace {

__attribute__((constructor(101))) void socklite_skip_without_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) {
        std::fputs("test_http_parser_avx2: this CPU has no AVX2: skipped\n", stderr);
        std::_Exit(77);
    }
#endif
}

}  // namespace
