// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_SYSCALL_HPP
#define SOCKLITE_DETAIL_SYSCALL_HPP

// Private: the system calls that Socket and Listener make (and resolve()'s getaddrinfo, the
// static files' openat2), behind one table of function pointers. Tests swap entries to inject
// EINTR, short writes and resets (the fault-injection seam); nothing else should touch it. Also
// the wait on one descriptor shared by blocking calls.

#include <cerrno>
#include <cstddef>

#include <linux/openat2.h>
#include <netdb.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "../deadline.hpp"

namespace socklite {
namespace detail {

/** openat2(2) (Linux 5.6; glibc has no wrapper): -1 with errno ENOSYS where the kernel or the
 *  headers lack it. */
inline int real_openat2(int dirfd, const char* path, open_how* how, std::size_t size) noexcept {
#ifdef SYS_openat2
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, how, size));
#else
    (void)dirfd, (void)path, (void)how, (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

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
    ssize_t (*sendfile)(int, int, off_t*, size_t);             // Connection::send_file()
    int (*openat2)(int, const char*, open_how*, std::size_t);  // http::static_files()
};

/** The table in use; constant-initialised with the real calls. */
inline Syscalls sys = {::socket, ::connect,     ::accept4,      ::send,     ::recv,      ::poll,
                       ::close,  ::getaddrinfo, ::freeaddrinfo, ::sendfile, real_openat2};

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
