// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_STREAM_LAYER_HPP
#define SOCKLITE_DETAIL_STREAM_LAYER_HPP

/** @file
 *  socklite::detail::StreamLayer: the seam between Socket and the kernel where a protocol layer
 *  (TLS) plugs in. Private: users attach one through socklite::tls, never by hand. */

#include <cstddef>
#include <system_error>

namespace socklite {
namespace detail {

/** A layer between a Socket and its descriptor (TLS): every byte Socket reads or writes goes
 *  through it once attached (Socket::attach_layer()).
 *
 *  Each call is one step that never waits: it works on @p fd without blocking (the layer does
 *  its own I/O with `MSG_DONTWAIT` through detail::sys). When it cannot go on, it reports
 *  `std::errc::operation_would_block` and sets `wait` to the readiness it needs, `POLLIN` or
 *  `POLLOUT` (a TLS read may need to write, and a write to read). Socket waits for that
 *  readiness within its deadline (blocking mode) or passes the condition on to its caller
 *  (non-blocking mode: Socket::wants() tells which readiness to watch for). */
class StreamLayer {
public:
    StreamLayer() = default;
    StreamLayer(const StreamLayer&) = delete;
    StreamLayer& operator=(const StreamLayer&) = delete;
    virtual ~StreamLayer() = default;

    /** Moves the layer's own handshake forward; done when it returns without error. */
    virtual void handshake(int fd, short& wait, std::error_code& ec) noexcept = 0;
    /** Reads up to @p len bytes of payload (the handshake first, if unfinished).
     *  @return the bytes read; 0 without error is the peer's orderly end of stream. */
    virtual std::size_t read(int fd, void* buf, std::size_t len, short& wait,
                             std::error_code& ec) noexcept = 0;
    /** Writes up to @p len bytes of payload. After a would-block, the next call must offer the
     *  same bytes again (at least as many): the layer may hold part of them already.
     *  @return the bytes taken (at least one on success). */
    virtual std::size_t write(int fd, const void* buf, std::size_t len, short& wait,
                              std::error_code& ec) noexcept = 0;
    /** Sends the layer's end of stream (TLS: close_notify); the descriptor stays open. */
    virtual void shutdown(int fd, short& wait, std::error_code& ec) noexcept = 0;
    /** Input already taken off the descriptor but not yet returned by read(): decoded
     *  payload, or bytes read ahead that may hold more of it (TLS: 1 for records not yet
     *  decrypted). A readiness loop sees no event for it, so while this is not 0 a reader calls
     *  read() before waiting; a read that then reports would-block found only part of a record,
     *  and this is 0 until more bytes come. */
    virtual std::size_t buffered() const noexcept = 0;
};

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_STREAM_LAYER_HPP
