// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_RANDOM_HPP
#define SOCKLITE_DETAIL_RANDOM_HPP

/** @file
 *  Unpredictable bytes from the kernel (getrandom(2)) for WebSocket masking keys and handshake
 *  nonces, which RFC 6455 (sections 5.3 and 4.1) wants from a strong source of entropy. The
 *  same source as `std::random_device` on Linux, without the 0.3 s that `<random>` adds to
 *  each translation unit at -O0 (docs/benchmarks.md). */

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>

#include <sys/random.h>
#include <sys/types.h>

namespace socklite {
namespace detail {

/** Fills @p size bytes at @p out from the kernel's random source.
 *  @throws std::system_error when the kernel refuses (it does not once booted). */
inline void random_fill(void* out, std::size_t size) {
    auto* p = static_cast<unsigned char*>(out);
    while (size > 0) {
        ::ssize_t got = ::getrandom(p, size, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::system_category(), "getrandom");
        }
        p += got;
        size -= static_cast<std::size_t>(got);
    }
}

/** Four random bytes, from a per-thread pool refilled 256 bytes at a time: a client masks
 *  every frame with a fresh key, and one system call per frame would be a cost of its own. */
inline std::uint32_t random_u32() {
    thread_local unsigned char pool[256];
    thread_local std::size_t left = 0;
    if (left < 4) {
        random_fill(pool, sizeof pool);
        left = sizeof pool;
    }
    left -= 4;
    std::uint32_t v;
    std::memcpy(&v, pool + left, 4);
    return v;
}

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_RANDOM_HPP
