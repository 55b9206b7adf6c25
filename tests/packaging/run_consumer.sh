#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
# Builds and runs tests/packaging/consumer/main.cpp against socklite the way a user would get it.
#   run_consumer.sh KIND SOCKLITE_SOURCE_DIR WORK_DIR
# KIND: find_package | add_subdirectory | meson_subproject | pkg_config | single_header | readme |
#       same_tests
# Environment: CXX (compiler, default c++), SOCKLITE_CXX_STANDARD (default 17),
# CMAKE_GENERATOR (default Ninja). WORK_DIR is wiped first; every step is bounded by `timeout`.
set -euo pipefail
kind=$1 src=$(cd "$2" && pwd) work=$3
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-c++}
std=${SOCKLITE_CXX_STANDARD:-17}
gen=${CMAKE_GENERATOR:-Ninja}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

run() { echo "+ $*" >&2; timeout 240 "$@"; }
# Only the consumer program's own compile flags matter here; sanitizer flags of the outer build are
# not inherited (the environment is what ctest got, so drop what would leak in).
unset CXXFLAGS CPPFLAGS LDFLAGS

cmake_socklite_install() {  # PREFIX: configure socklite alone (no tests, examples) and install it
  run cmake -S "$src" -B "$work/socklite-build" -G "$gen" -DCMAKE_CXX_COMPILER="$cxx" \
    -DSOCKLITE_BUILD_TESTS=OFF -DSOCKLITE_BUILD_EXAMPLES=OFF -DSOCKLITE_INSTALL=ON \
    -DCMAKE_INSTALL_PREFIX=/nonexistent-prefix >/dev/null
  run cmake --install "$work/socklite-build" --prefix "$1" >/dev/null
}

cmake_consumer() {  # extra cmake args...: configure and build consumer_cmake
  run cmake -S "$here/consumer_cmake" -B "$work/consumer-build" -G "$gen" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_STANDARD="$std" "$@" >/dev/null
  run cmake --build "$work/consumer-build"
  run "$work/consumer-build/consumer"
}

case $kind in
  find_package)
    cmake_socklite_install "$work/prefix"
    cmake_consumer -DSOCKLITE_MODE=find_package -DCMAKE_PREFIX_PATH="$work/prefix"
    # The installed package must be relocatable: move the prefix and find it again.
    mv "$work/prefix" "$work/moved-prefix"
    rm -rf "$work/consumer-build"
    cmake_consumer -DSOCKLITE_MODE=find_package -DCMAKE_PREFIX_PATH="$work/moved-prefix"
    ;;
  add_subdirectory)
    cmake_consumer -DSOCKLITE_MODE=add_subdirectory -DSOCKLITE_SOURCE_DIR="$src"
    ;;
  meson_subproject)
    mkdir -p "$work/project/subprojects"
    cp "$here/consumer_meson/meson.build" "$here/consumer/main.cpp" "$work/project/"
    ln -s "$src" "$work/project/subprojects/socklite"
    CXX="$cxx" run meson setup "$work/build" "$work/project" --wrap-mode=forcefallback \
      -Dcpp_std="c++$std" >/dev/null
    run meson compile -C "$work/build"
    run "$work/build/consumer"
    ;;
  pkg_config)
    # Both builds' installs: CMake's socklite.pc and Meson's must each give a working -I.
    cmake_socklite_install "$work/cmake-prefix"
    CXX="$cxx" run meson setup "$work/meson-build" "$src" --prefix "$work/meson-prefix" \
      -Dtests=false -Dexamples=false >/dev/null
    run meson install -C "$work/meson-build" >/dev/null
    # The two builds must install the same headers.
    run diff -r "$work/cmake-prefix/include" "$work/meson-prefix/include"
    for prefix in "$work/cmake-prefix" "$work/meson-prefix"; do
      pc_path=$prefix/share/pkgconfig
      flags=$(PKG_CONFIG_PATH=$pc_path run pkg-config --cflags socklite)
      version=$(PKG_CONFIG_PATH=$pc_path run pkg-config --modversion socklite)
      echo "pkg-config in $prefix: version $version, cflags $flags"
      grep -q "^#define SOCKLITE_VERSION_STRING \"$version\"" "$src/include/socklite/version.hpp"
      # shellcheck disable=SC2086  # $flags is a list of words
      run "$cxx" -std="c++$std" $flags "$here/consumer/main.cpp" -o "$work/consumer"
      run "$work/consumer"
      # With TLS (socklite-openssl.pc, installed when OpenSSL was found): the macro and -lssl.
      if [ -f "$pc_path/socklite-openssl.pc" ]; then
        tflags=$(PKG_CONFIG_PATH=$pc_path run pkg-config --cflags --libs socklite-openssl)
        echo "pkg-config socklite-openssl in $prefix: $tflags"
        case " $tflags " in *" -DSOCKLITE_WITH_OPENSSL=1 "*) ;; *) exit 1 ;; esac
        case " $tflags " in *" -lssl "*) ;; *) exit 1 ;; esac
        # shellcheck disable=SC2086  # $tflags is a list of words
        run "$cxx" -std="c++$std" "$here/consumer/main.cpp" $tflags -o "$work/consumer-openssl"
        run "$work/consumer-openssl"
      fi
      # With zlib (socklite-zlib.pc, installed when zlib was found): SOCKLITE_WITH_ZLIB and -lz.
      if [ -f "$pc_path/socklite-zlib.pc" ]; then
        zflags=$(PKG_CONFIG_PATH=$pc_path run pkg-config --cflags --libs socklite-zlib)
        echo "pkg-config socklite-zlib in $prefix: $zflags"
        case " $zflags " in *" -DSOCKLITE_WITH_ZLIB=1 "*) ;; *) exit 1 ;; esac
        # shellcheck disable=SC2086  # $zflags is a list of words
        run "$cxx" -std="c++$std" "$here/consumer/main.cpp" $zflags -o "$work/consumer-zlib"
        run "$work/consumer-zlib"
      fi
    done
    # Both builds install socklite-openssl.pc, or neither does.
    in_cmake=$([ -f "$work/cmake-prefix/share/pkgconfig/socklite-openssl.pc" ] && echo yes || echo no)
    in_meson=$([ -f "$work/meson-prefix/share/pkgconfig/socklite-openssl.pc" ] && echo yes || echo no)
    [ "$in_cmake" = "$in_meson" ]
    # Both builds install socklite-zlib.pc, or neither does.
    in_cmake=$([ -f "$work/cmake-prefix/share/pkgconfig/socklite-zlib.pc" ] && echo yes || echo no)
    in_meson=$([ -f "$work/meson-prefix/share/pkgconfig/socklite-zlib.pc" ] && echo yes || echo no)
    [ "$in_cmake" = "$in_meson" ]
    ;;
  compiled)
    # socklite::compiled installed (configure, build, install), found with its component, and
    # socklite-compiled.pc from both builds' installs.
    run cmake -S "$src" -B "$work/socklite-build" -G "$gen" -DCMAKE_CXX_COMPILER="$cxx" \
      -DSOCKLITE_BUILD_TESTS=OFF -DSOCKLITE_BUILD_EXAMPLES=OFF -DSOCKLITE_BUILD_COMPILED=ON \
      -DSOCKLITE_INSTALL=ON -DCMAKE_INSTALL_PREFIX=/nonexistent-prefix >/dev/null
    run cmake --build "$work/socklite-build" >/dev/null
    run cmake --install "$work/socklite-build" --prefix "$work/cmake-prefix" >/dev/null
    cmake_consumer -DSOCKLITE_MODE=find_package -DSOCKLITE_WANT_COMPILED=ON \
      -DCMAKE_PREFIX_PATH="$work/cmake-prefix"
    run "$work/consumer-build/consumer_compiled"
    CXX="$cxx" run meson setup "$work/meson-build" "$src" --prefix "$work/meson-prefix" \
      -Dtests=false -Dexamples=false -Dcompiled=true >/dev/null
    run meson install -C "$work/meson-build" >/dev/null
    for prefix in "$work/cmake-prefix" "$work/meson-prefix"; do
      pc_path=$prefix/share/pkgconfig:$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig
      cflags=$(PKG_CONFIG_PATH=$pc_path run pkg-config --cflags socklite-compiled)
      libs=$(PKG_CONFIG_PATH=$pc_path run pkg-config --libs socklite-compiled)
      echo "pkg-config socklite-compiled in $prefix: $cflags $libs"
      case " $cflags " in *" -DSOCKLITE_SEPARATE_COMPILATION=1 "*) ;; *) exit 1 ;; esac
      # shellcheck disable=SC2086  # lists of words
      run "$cxx" -std="c++$std" $cflags "$here/consumer/compiled.cpp" $libs -o "$work/consumer"
      run "$work/consumer"
    done
    ;;
  single_header)
    run python3 "$src/scripts/amalgamate.py" --check
    # Only single_include/ on the include path: the one file must be all it takes.
    run "$cxx" -std="c++$std" -Wall -Wextra -Wpedantic -Wshadow -Werror -I"$src/single_include" \
      "$here/consumer/main.cpp" -o "$work/consumer"
    run "$work/consumer"
    ;;
  readme)
    # The README's quick start (its first C++ block) is a whole program: it must build and run.
    awk '/^```cpp$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' \
      "$src/README.md" > "$work/quick_start.cpp"
    grep -q 'int main' "$work/quick_start.cpp"
    run "$cxx" -std="c++$std" -Wall -Wextra -Wpedantic -Wshadow -Werror -I"$src/include" \
      "$work/quick_start.cpp" -o "$work/quick_start"
    run "$work/quick_start" | tee "$work/output.txt"
    grep -q ' says allen' "$work/output.txt"
    ;;
  same_tests)
    # The CMake and the Meson build must register the same tests (Meson reads the CMake lists).
    run cmake -S "$src" -B "$work/cmake" -G "$gen" -DCMAKE_CXX_COMPILER="$cxx" \
      -DSOCKLITE_BUILD_TESTS=ON -DSOCKLITE_BUILD_EXAMPLES=ON >/dev/null
    CXX="$cxx" run meson setup "$work/meson" "$src" -Dtests=true -Dexamples=true >/dev/null
    (cd "$work/cmake" && run ctest --show-only=json-v1) > "$work/ctest.json"
    run meson introspect --tests "$work/meson" > "$work/meson.json"
    run python3 - "$work/ctest.json" "$work/meson.json" <<'PY'
import json, sys
cmake = {t["name"] for t in json.load(open(sys.argv[1]))["tests"]}
meson = {t["name"] for t in json.load(open(sys.argv[2]))} - {"meson_mirrors_cmake"}
for name in sorted(cmake - meson):
    print("only in CMake:", name)
for name in sorted(meson - cmake):
    print("only in Meson:", name)
print(len(cmake), "tests in CMake,", len(meson), "in Meson")
sys.exit(0 if cmake == meson else 1)
PY
    ;;
  *)
    echo "run_consumer.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
echo "packaging $kind: OK"
