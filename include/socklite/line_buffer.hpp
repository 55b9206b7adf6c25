// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_LINE_BUFFER_HPP
#define SOCKLITE_LINE_BUFFER_HPP

/** @file
 *  socklite::LineBuffer: splits a byte stream into `\n`-terminated lines, with a length limit. */

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"

namespace socklite {

/** Splits a byte stream into lines: TCP delivers bytes, not messages, so one `recv` may hold half
 *  a line or several. Feed whatever arrives to append(), then take complete lines with
 *  next_line(). A line ends at `\n`; a `\r` before it is dropped too.
 *
 *  Memory is bounded: a line longer than max_line() bytes is an error (errc::line_too_long)
 *  rather than an ever-growing buffer. No I/O; allocation only as append() needs room.
 *
 *  @par Example
 *  @code
 *  socklite::LineBuffer lines;
 *  char buf[4096];
 *  while (std::size_t n = sock.recv(buf, sizeof buf)) {
 *      lines.append(std::string_view(buf, n));
 *      std::string line;
 *      while (lines.next_line(line)) std::cout << line << '\n';
 *  }
 *  @endcode */
class LineBuffer {
public:
    /** A buffer that accepts lines of up to @p max_line bytes (excluding the terminator). */
    explicit LineBuffer(std::size_t max_line = 64 * 1024) : max_line_(max_line) {}

    /** Appends received bytes (dropped while the buffer is in error, see next_line()). */
    void append(std::string_view bytes) {
        if (too_long_) return;  // in error until clear(): keep memory bounded, drop the bytes
        if (start_ > 0 && start_ == buf_.size()) {  // everything consumed: reuse from the start
            buf_.clear();
            scan_ = start_ = 0;
        } else if (start_ > 4096 && start_ * 2 > buf_.size()) {  // compact, amortised O(1)
            buf_.erase(0, start_);
            scan_ -= start_;
            start_ = 0;
        }
        buf_.append(bytes.data(), bytes.size());
    }

    /** Moves the next complete line into @p line (without `\n` or `\r\n`).
     *  @param line receives the line; left unchanged when none is taken.
     *  @return true when a line was taken; false when none is complete yet or on error.
     *  @param ec set to errc::line_too_long when more than max_line() bytes arrived without a
     *  `\n`; the buffer then stays in error until clear(). */
    bool next_line(std::string& line, std::error_code& ec) {
        ec.clear();
        if (too_long_) {
            ec = errc::line_too_long;
            return false;
        }
        std::size_t nl = buf_.find('\n', scan_);
        if (nl == std::string::npos) {
            scan_ = buf_.size();
            std::size_t tail = buf_.size() - start_;
            // Room for a '\r' before the '\n' (written so that max_line_ = SIZE_MAX cannot wrap).
            if (tail > max_line_ && tail - max_line_ > 1) {
                too_long_ = true;
                ec = errc::line_too_long;
            }
            return false;
        }
        std::size_t end = nl;
        if (end > start_ && buf_[end - 1] == '\r') --end;
        if (end - start_ > max_line_) {
            too_long_ = true;
            ec = errc::line_too_long;
            return false;
        }
        line.assign(buf_, start_, end - start_);
        start_ = scan_ = nl + 1;
        return true;
    }

    /** As next_line(std::string&, std::error_code&). @throws Error with errc::line_too_long. */
    bool next_line(std::string& line) {
        std::error_code ec;
        bool got = next_line(line, ec);
        if (ec) detail::throw_error(ec, "read line", "");
        return got;
    }

    /** The bytes received after the last complete line (an unterminated tail). */
    std::string_view pending() const noexcept { return std::string_view(buf_).substr(start_); }

    /** Discards everything, including an error state. */
    void clear() noexcept {
        buf_.clear();
        start_ = scan_ = 0;
        too_long_ = false;
    }

    /** The longest line accepted, in bytes. */
    std::size_t max_line() const noexcept { return max_line_; }

private:
    std::string buf_;
    std::size_t start_ = 0;  // first byte not yet returned
    std::size_t scan_ = 0;   // bytes before this hold no '\n' (so each byte is searched once)
    std::size_t max_line_;
    bool too_long_ = false;
};

}  // namespace socklite

#endif  // SOCKLITE_LINE_BUFFER_HPP
