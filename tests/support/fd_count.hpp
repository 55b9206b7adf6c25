// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_FD_COUNT_HPP
#define SOCKLITE_TESTS_SUPPORT_FD_COUNT_HPP

// Descriptor accounting for tests: count the entries of /proc/self/fd, and a guard that checks a
// test case (or subcase) gives back every descriptor it opened.

#include "doctest_ext.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cstring>
#include <string>

namespace socklite_test {

/** The number of descriptors open in this process (the directory's own descriptor excluded). */
inline int open_fd_count() {
    DIR* dir = ::opendir("/proc/self/fd");
    REQUIRE_MESSAGE(dir != nullptr, "cannot open /proc/self/fd");
    int self = ::dirfd(dir);
    int count = 0;
    while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        if (std::atoi(e->d_name) == self) continue;
        ++count;
    }
    ::closedir(dir);
    return count;
}

/** Whether @p fd has FD_CLOEXEC set. */
inline bool has_cloexec(int fd) {
    int flags = ::fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

/** Whether @p fd has O_NONBLOCK set. */
inline bool has_nonblock(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK) != 0;
}

/** Declare first in a test case: on scope exit it checks that the descriptor count is back to
 *  what it was (objects declared after it are destroyed before the check). */
class FdLeakGuard {
public:
    FdLeakGuard() : before_(open_fd_count()) {}
    FdLeakGuard(const FdLeakGuard&) = delete;
    FdLeakGuard& operator=(const FdLeakGuard&) = delete;
    ~FdLeakGuard() {
        int after = open_fd_count();
        CHECK_MESSAGE(after == before_,
                      "descriptors leaked: " << before_ << " open before, " << after << " after");
    }

private:
    int before_;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_FD_COUNT_HPP
