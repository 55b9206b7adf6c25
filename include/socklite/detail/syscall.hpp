// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_SYSCALL_HPP
#define SOCKLITE_DETAIL_SYSCALL_HPP

// Private: the system calls that Socket and Listener make (and resolve()'s getaddrinfo), behind
// one table of function pointers. Tests swap entries to inject EINTR, short writes and resets (the fault-injection
// seam); nothing else should touch it. Also the deadline arithmetic shared by blocking calls.

#include <cerrno>
#include <chrono>
#include <climits>
#include <type_traits>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

namespace socklite {
namespace detail {

/** The system calls behind Socket and Listener (private; a test seam). */
struct Syscalls {
    int (*socket)(int, int, int);
    int (*connect)(int, const sockaddr*, socklen_t);
    int (*accept4)(int, sockaddr*, socklen_t*, int);
    ssize_t (*send)(int, const void*, size_t, int);
    ssize_t (*recv)(int, void*, size_t, int);
    int (*poll)(pollfd*, nfds_t, int);
    int (*close)(int);
    int (*getaddrinfo)(const char*, const char*, const addrinfo*, addrinfo**);  // resolve()
    void (*freeaddrinfo)(addrinfo*);
};

/** The table in use; constant-initialised with the real calls. */
inline Syscalls sys = {::socket, ::connect, ::accept4,     ::send,        ::recv,
                       ::poll,   ::close,   ::getaddrinfo, ::freeaddrinfo};

/** A point in time after which a blocking call gives up; `none()` never expires.
 *  Kept as steady_clock nanoseconds in a plain integer: the arithmetic is the same as with
 *  time_point and durations, without instantiating a dozen chrono operators in every program. */
class Deadline {
public:
    using clock = std::chrono::steady_clock;

    /** A deadline that never expires. */
    static Deadline none() noexcept { return Deadline(); }

    /** A deadline @p timeout from now; a zero or negative timeout means none. */
    static Deadline after(std::chrono::milliseconds timeout) noexcept {
        Deadline d;
        const long long ms = timeout.count();
        if (ms > 0) {
            const long long now = now_ns();
            // A timeout beyond the clock's range (milliseconds::max() as "forever") would
            // overflow now + timeout: treat it as no deadline.
            if (ms >= (LLONG_MAX - now) / 1000000) return d;
            d.set_ = true;
            d.at_ = now + ms * 1000000;
        }
        return d;
    }

    /** Whether this deadline can expire. */
    bool is_set() const noexcept { return set_; }

    /** Whether this deadline has passed. */
    bool expired() const noexcept { return set_ && now_ns() >= at_; }

    /** Milliseconds left for `poll`: -1 when unset, 0 when passed, rounded up otherwise (so a
     *  wait never ends just before the deadline and spins). */
    int poll_ms() const noexcept {
        if (!set_) return -1;
        const long long left = at_ - now_ns();
        if (left <= 0) return 0;
        const long long ms = left / 1000000 + (left % 1000000 != 0 ? 1 : 0);
        return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    }

    /** The earlier of this deadline and @p other. */
    Deadline min(const Deadline& other) const noexcept {
        if (!set_) return other;
        if (!other.set_) return *this;
        return at_ <= other.at_ ? *this : other;
    }

private:
    static long long now_ns() noexcept {
        static_assert(std::is_same<clock::duration, std::chrono::nanoseconds>::value,
                      "steady_clock counts nanoseconds");
        return static_cast<long long>(clock::now().time_since_epoch().count());
    }

    bool set_ = false;
    long long at_ = 0;  // clock::now() in nanoseconds when set_
};

/** Waits until @p fd reports one of @p events or @p deadline passes, retrying on EINTR.
 *  @return 0 when ready (including error/hang-up conditions, which the next call reports),
 *  ETIMEDOUT when the deadline passed, or another errno value. */
inline int wait_fd(int fd, short events, const Deadline& deadline) noexcept {
    if (fd < 0) return EBADF;  // poll ignores negative descriptors: it would just sleep
    for (;;) {
        pollfd p{fd, events, 0};
        int n = sys.poll(&p, 1, deadline.poll_ms());
        if (n > 0) return 0;
        if (n == 0) {
            // poll rounds to whole milliseconds; only give up once the deadline really passed.
            if (deadline.is_set() && deadline.expired()) return ETIMEDOUT;
            continue;
        }
        if (errno != EINTR) return errno;
    }
}

/** close(2) that keeps errno intact (used on error paths). */
inline void close_quietly(int fd) noexcept {
    int saved = errno;
    sys.close(fd);
    errno = saved;
}

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_SYSCALL_HPP
