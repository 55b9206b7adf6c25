// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_PEER_HPP
#define SOCKLITE_TESTS_SUPPORT_PEER_HPP

// A helper thread that plays the other end of a connection, plus small timing helpers.
// The peer's body must bound every blocking call with a timeout, so join() is bounded too.

#include "doctest_ext.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <thread>
#include <utility>

namespace socklite_test {

using namespace std::chrono_literals;

/** The bound used for every "this must not block" wait in the tests: generous, since the
 *  machine may be loaded (sanitizers, parallel ctest). It is never a measurement. */
inline constexpr std::chrono::milliseconds io_timeout{10000};

/** Runs a function on a thread; join() waits for it and rethrows what it threw. */
class Peer {
public:
    explicit Peer(std::function<void()> body)
        : thread_([this, body = std::move(body)] {
              try {
                  body();
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    ~Peer() {
        if (thread_.joinable()) thread_.join();
    }

    /** Waits for the body to finish; rethrows its exception, if any. */
    void join() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    std::exception_ptr error_;
    std::thread thread_;
};

/** Milliseconds since @p start. */
inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

/** Checks that a deadline of @p timeout fired after @p took: not early (a small margin for clock
 *  granularity), and well within a generous upper bound (the machine may be loaded). */
inline void check_deadline(std::chrono::milliseconds took, std::chrono::milliseconds timeout) {
    CHECK_MESSAGE(took >= timeout - 5ms, "fired after " << took.count() << " ms, before its "
                                                        << timeout.count() << " ms timeout");
    CHECK_MESSAGE(took < timeout + io_timeout, "fired only after " << took.count() << " ms");
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_PEER_HPP
