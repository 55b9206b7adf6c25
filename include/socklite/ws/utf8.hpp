// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_UTF8_HPP
#define SOCKLITE_WS_UTF8_HPP

/** @file
 *  An incremental UTF-8 validator (socklite::ws::Utf8Validator) for text messages that arrive
 *  in pieces. No allocation, no I/O. */

#include <cstdint>
#include <cstring>
#include <string_view>

namespace socklite {
namespace ws {

/** Checks that a byte sequence given in pieces is UTF-8 (RFC 3629), failing at the first byte
 *  that no valid sequence can contain.
 *
 *  A piece may end inside a code point; the next piece continues it. Overlong forms,
 *  surrogates (U+D800-U+DFFF), values above U+10FFFF and bytes C0, C1, F5-FF are invalid, and
 *  each is reported at the byte that makes it so (`ED A0` fails at `A0`, `F4 90` at `90`), as
 *  RFC 6455 section 8.1 asks of an endpoint that fails fast. Runs of ASCII are checked eight
 *  bytes at a time. No allocation, no I/O.
 *
 *  @par Example
 *  @code
 *  socklite::ws::Utf8Validator v;
 *  bool ok = v.feed("\xce\xba\xe1") && v.feed("\xbd\xb9") && v.complete();  // "κό"
 *  @endcode */
class Utf8Validator {
public:
    /** Checks the next piece. @return false once the input so far cannot be UTF-8 (then every
     *  later call returns false too, until reset()). */
    bool feed(std::string_view piece) noexcept;
    /** Whether the input so far is valid and ends on a code point boundary. */
    bool complete() const noexcept { return !failed_ && need_ == 0; }
    /** Whether the input so far is invalid. */
    bool failed() const noexcept { return failed_; }
    /** Starts over for a new sequence. */
    void reset() noexcept { *this = Utf8Validator(); }

    /** Checks a whole sequence at once. */
    static bool valid(std::string_view text) noexcept {
        Utf8Validator v;
        return v.feed(text) && v.complete();
    }

private:
    std::uint8_t need_ = 0;   // continuation bytes still expected
    std::uint8_t lo_ = 0x80;  // the range of the next continuation byte (narrower after
    std::uint8_t hi_ = 0xBF;  // E0, ED, F0 and F4: overlongs, surrogates, > U+10FFFF)
    bool failed_ = false;
};

inline bool Utf8Validator::feed(std::string_view piece) noexcept {
    if (failed_) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
    const auto* end = p + piece.size();
    while (p != end) {
        if (need_ == 0) {
            while (end - p >= 8) {  // ASCII fast path
                std::uint64_t word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL) break;
                p += 8;
            }
            if (p == end) break;
            unsigned char c = *p++;
            if (c < 0x80) continue;
            lo_ = 0x80;
            hi_ = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need_ = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need_ = 2;
                if (c == 0xE0)
                    lo_ = 0xA0;  // overlong below U+0800
                else if (c == 0xED)
                    hi_ = 0x9F;  // surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need_ = 3;
                if (c == 0xF0)
                    lo_ = 0x90;  // overlong below U+10000
                else if (c == 0xF4)
                    hi_ = 0x8F;  // above U+10FFFF
            } else {
                failed_ = true;  // continuation byte, C0/C1 (overlong), F5-FF
                return false;
            }
        } else {
            unsigned char c = *p++;
            if (c < lo_ || c > hi_) {
                failed_ = true;
                return false;
            }
            lo_ = 0x80;
            hi_ = 0xBF;
            --need_;
        }
    }
    return true;
}

}  // namespace ws
}  // namespace socklite

#endif  // SOCKLITE_WS_UTF8_HPP
