// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DEADLINE_HPP
#define SOCKLITE_DEADLINE_HPP

/** @file
 *  socklite::Deadline, the point in time after which a blocking call gives up, and
 *  socklite::no_timeout, the one timeout that means "wait as long as it takes". */

#include <chrono>
#include <climits>

namespace socklite {

/** The timeout that means "wait as long as it takes". It is the only such value: a timeout of
 *  zero or less means "already expired" (the call fails with `std::errc::timed_out` unless it
 *  completes without waiting), so a remaining time computed down to zero never turns into
 *  forever. */
inline constexpr std::chrono::milliseconds no_timeout = std::chrono::milliseconds::max();

/** A point on `std::chrono::steady_clock` after which a blocking call gives up, or none.
 *
 *  One Deadline bounds a whole operation however many system calls it makes: take it once
 *  (`Deadline::after(5s)`) and pass the same value to each call.
 *
 *  @par Example
 *  @code
 *  auto deadline = socklite::Deadline::after(std::chrono::seconds(5));
 *  char buf[4096];
 *  std::error_code ec;
 *  while (!ec) sock.read_some(buf, sizeof buf, deadline, ec);  // timed_out after 5 s at most
 *  @endcode */
class Deadline {
public:
    /** The clock deadlines are taken on: monotonic, unaffected by changes of the wall clock. */
    using clock = std::chrono::steady_clock;

    /** No deadline (never expires). */
    Deadline() noexcept = default;
    /** No deadline: the same as Deadline(). */
    static Deadline none() noexcept { return Deadline(); }
    /** A deadline at @p when. */
    static Deadline at(clock::time_point when) noexcept {
        Deadline d;
        d.at_ = when;
        return d;
    }
    /** A deadline @p timeout from now: none for socklite::no_timeout, already expired for zero
     *  or less; a timeout beyond the clock's range is none. */
    static Deadline after(std::chrono::milliseconds timeout) noexcept {
        if (timeout == no_timeout) return none();
        const clock::time_point now = clock::now();
        if (timeout <= std::chrono::milliseconds::zero()) return at(now);
        if (timeout >=
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::time_point::max() - now))
            return none();
        return at(now + timeout);
    }

    /** Whether this deadline can expire (false for none()). */
    bool is_set() const noexcept { return at_ != clock::time_point::max(); }
    /** Whether this deadline has passed. */
    bool expired() const noexcept { return is_set() && clock::now() >= at_; }
    /** The point in time (`clock::time_point::max()` for none()). */
    clock::time_point time() const noexcept { return at_; }
    /** The time left, rounded up to whole milliseconds: no_timeout for none(), zero once passed. */
    std::chrono::milliseconds remaining() const noexcept {
        if (!is_set()) return no_timeout;
        const clock::duration left = at_ - clock::now();
        if (left <= clock::duration::zero()) return std::chrono::milliseconds::zero();
        // Rounded up: a wait never ends just before the deadline and then spins.
        return std::chrono::ceil<std::chrono::milliseconds>(left);
    }
    /** The time left as `poll(2)` takes it: -1 for none(), 0 once passed, at most INT_MAX. */
    int poll_ms() const noexcept {
        const std::chrono::milliseconds left = remaining();
        if (left == no_timeout) return -1;
        return left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
    }
    /** The earlier of this deadline and @p other. */
    Deadline earliest(const Deadline& other) const noexcept {
        return other.at_ < at_ ? other : *this;
    }
    /** Whether @p a comes before @p b (none() comes after every set deadline). */
    friend bool operator<(const Deadline& a, const Deadline& b) noexcept { return a.at_ < b.at_; }

private:
    clock::time_point at_ = clock::time_point::max();
};

}  // namespace socklite

#endif  // SOCKLITE_DEADLINE_HPP
