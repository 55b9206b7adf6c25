#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, as the README and .ci/run give it: g++ C++17 and clang++ C++20 builds with
# warnings as errors and ctest, the Meson build and tests, the Doxygen build (warnings as errors),
# and the suite again under ASan+UBSan and TSan. Installs what it lacks when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/deps.sh
socklite_need_packages g++ clang cmake ninja-build meson pkg-config doctest-dev catch2 doxygen \
  libclang-rt-14-dev python3 curl nginx-light libcpp-httplib-dev libhttp-parser-dev libasio-dev \
  libcurl4-openssl-dev wrk python3-websockets chromium zlib1g-dev libssl-dev openssl
# chromium: the browser tests of tests/interop (driven by playwright-core from npm). Node.js >= 20
# with npm is expected as it is here (NodeSource's nodejs, which ships npm): Debian 12's nodejs is
# 18 (too old for playwright-core) and its npm package conflicts with NodeSource's nodejs, so neither
# is listed; without node and npm the interop tests are simply not registered.
# libssl-dev: TLS (socklite::openssl); openssl: the command that makes the tests' fresh CA.

jobs=${SOCKLITE_JOBS:-$(nproc)}
out=${SOCKLITE_BUILD_ROOT:-$root/build-test}
mkdir -p "$out"
step() { printf '\n==== %s\n' "$*"; }

cmake_suite() {  # NAME CXX STD [extra cmake args...]
  local name=$1 cxx=$2 std=$3; shift 3
  step "$name: configure, build, ctest"
  cmake -S "$root" -B "$out/$name" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_STANDARD="$std" \
    -DCMAKE_BUILD_TYPE=Debug -DSOCKLITE_BUILD_TESTS=ON -DSOCKLITE_BUILD_EXAMPLES=ON \
    -DSOCKLITE_BUILD_COMPILED=ON "$@" >/dev/null
  cmake --build "$out/$name" -j "$jobs"
  ctest --test-dir "$out/$name" -j "$jobs" --output-on-failure | tee "$out/$name.ctest.log"
  count_ctest "$out/$name.ctest.log"
}

passed=0
failed=0
count_ctest() {  # adds a ctest summary ("N% tests passed, F tests failed out of T") to the totals
  local line t f
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$1" | tail -n 1)
  t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + t - f))
  failed=$((failed + f))
}

cmake_suite gcc-cxx17 g++ 17 -DSOCKLITE_BUILD_BENCH=ON -DSOCKLITE_BUILD_DOCS=ON
cmake_suite clang-cxx20 clang++ 20 -DSOCKLITE_BUILD_BENCH=ON -DSOCKLITE_BUILD_FUZZ=ON

if [ -f "$root/docs/CMakeLists.txt" ]; then
  step "docs: Doxygen, warnings as errors"
  cmake --build "$out/gcc-cxx17" --target docs
fi

if [ -f "$root/meson.build" ]; then
  step "meson: build and test (without OpenSSL and zlib)"
  rm -rf "$out/meson"
  # Without the optional libraries: the plain build must build and pass as it did before them
  # (the CMake builds above and below cover TLS and gzip).
  CXX=g++ meson setup "$out/meson" "$root" -Dtests=true -Dopenssl=disabled -Dzlib=disabled -Dcompiled=true \
    >/dev/null
  meson compile -C "$out/meson" -j "$jobs"
  meson test -C "$out/meson" --num-processes "$jobs" --print-errorlogs | tee "$out/meson.test.log"
  passed=$((passed + $(sed -nE 's/^Ok:[[:space:]]+([0-9]+).*/\1/p' "$out/meson.test.log")))
fi

cmake_suite asan-ubsan clang++ 17 \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake_suite tsan clang++ 17 -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer"

step "all suites passed"
echo "suite: $passed passed, $failed failed"
