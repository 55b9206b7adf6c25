// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_TEMP_DIR_HPP
#define SOCKLITE_TESTS_SUPPORT_TEMP_DIR_HPP

// The one temporary-directory helper of the tests and benchmarks (no test framework needed).

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <stdlib.h>

namespace socklite_test {

/** A private temporary directory under $TMPDIR (or /tmp), removed with everything in it on
 *  destruction. */
class TempDir {
public:
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "socklite-test-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed for " + tmpl);
        dir_ = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    /** The directory. */
    const std::filesystem::path& path() const { return dir_; }
    /** The path of @p name inside the directory. */
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

private:
    std::filesystem::path dir_;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_TEMP_DIR_HPP
