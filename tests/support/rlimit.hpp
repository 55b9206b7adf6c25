// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_RLIMIT_HPP
#define SOCKLITE_TESTS_SUPPORT_RLIMIT_HPP

// The descriptor limit for tests that open thousands of sockets: raised for one scope, then put
// back, so that the next test case of the program runs under the limit it started with.

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>

namespace socklite_test {

/** Raises the soft RLIMIT_NOFILE for its lifetime; restores it on destruction. */
class FdLimit {
public:
    /** Raises the soft limit towards @p wanted, at most to the hard limit; without @p wanted, as
     *  high as the hard limit lets it. limit() tells what was obtained. */
    explicit FdLimit(rlim_t wanted = RLIM_INFINITY) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        limit_ = saved_.rlim_cur;
        rlimit rl = saved_;
        rl.rlim_cur = std::min(wanted, saved_.rlim_max);
        if (rl.rlim_cur <= saved_.rlim_cur) return;
        const bool raised = ::setrlimit(RLIMIT_NOFILE, &rl) == 0;
        // An unlimited hard limit is more than the kernel takes (fs.nr_open): "as high as it
        // goes" may fail and keeps the old limit; a raise to a number must succeed.
        if (wanted != RLIM_INFINITY) REQUIRE(raised);
        if (raised) limit_ = rl.rlim_cur;
    }
    FdLimit(const FdLimit&) = delete;
    FdLimit& operator=(const FdLimit&) = delete;
    ~FdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

    /** The soft limit now in force. */
    rlim_t limit() const { return limit_; }

    /** Sets the soft limit to @p soft (restored on destruction). */
    void set(rlim_t soft) {
        rlimit rl = saved_;
        rl.rlim_cur = soft;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &rl) == 0);
        limit_ = soft;
    }

private:
    rlimit saved_{};
    rlim_t limit_ = 0;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_RLIMIT_HPP
