// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_RUN_TOOL_HPP
#define SOCKLITE_TESTS_SUPPORT_RUN_TOOL_HPP

// Command-line tools the tests run as peers (curl, openssl, python3, sha256sum): whether one is
// installed, and a bounded run of it.

#include <chrono>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "http_client/servers.hpp"
#include "support/doctest_ext.hpp"

namespace socklite_test {

/** Whether @p path is an executable file. */
inline bool have_tool(const char* path) { return ::access(path, X_OK) == 0; }

/** Runs @p argv (argv[0] an absolute path) to completion, at most 120 s; returns its stdout and
 *  checks that it exited with 0. */
inline std::string run_tool(const std::vector<std::string>& argv) {
    Child child(argv, true, "");
    std::string out;
    REQUIRE(child.read_all(out, std::chrono::seconds(120)));
    int status = child.wait(std::chrono::seconds(120));
    REQUIRE(WIFEXITED(status));
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, argv[0] << " failed; its output: " << out);
    return out;
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_RUN_TOOL_HPP
