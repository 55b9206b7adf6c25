// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_EXAMPLE_PATH_HPP
#define SOCKLITE_TESTS_SUPPORT_EXAMPLE_PATH_HPP

// Where the tests that run an example program find it (no test framework needed).

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

namespace socklite_test {

/** The path of the built example program @p name, or "" when it is nowhere to be found.
 *  Looks in $SOCKLITE_EXAMPLES_DIR (Meson sets it for every test), then in the directory the
 *  build named at compile time (the macro SOCKLITE_EXAMPLES_DIR, which some CMake lists define),
 *  then in BUILD/examples seen from this test program: BUILD/tests/<area>/ (CMake) or
 *  BUILD/tests/ (Meson). */
inline std::string example_path(const std::string& name) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("SOCKLITE_EXAMPLES_DIR")) dirs.emplace_back(env);
#ifdef SOCKLITE_EXAMPLES_DIR
    dirs.emplace_back(SOCKLITE_EXAMPLES_DIR);
#endif
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string here(self, static_cast<std::size_t>(n));
        here.erase(here.rfind('/'));
        dirs.push_back(here + "/../../examples");
        dirs.push_back(here + "/../examples");
    }
    for (const std::string& dir : dirs) {
        std::string path = dir + "/" + name;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_EXAMPLE_PATH_HPP
