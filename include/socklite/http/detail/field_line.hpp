// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP
#define SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP

/** @file
 *  Private: the field-line scanner (RFC 9112 section 5) shared by the message parser (both
 *  directions) and the chunked trailer parser, and the fixed storage of the fields it finds. */

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "../message.hpp"
#include "scan.hpp"

namespace socklite {
namespace http {
namespace detail {

/** One parsed field: offsets relative to the block's base. */
struct FieldSlot {
    std::uint32_t name_off;   ///< offset of the name
    std::uint32_t name_len;   ///< length of the name
    std::uint32_t value_off;  ///< offset of the value (after leading OWS)
    std::uint32_t value_len;  ///< length of the value (without trailing OWS)
};

/** The outcome of scanning one field line. */
enum class LineStatus {
    field,         ///< a field line was parsed into the slot
    end_of_block,  ///< the empty line (CRLF) that ends the block
    incomplete,    ///< the window ended before the line did
    error,         ///< invalid (http::errc::bad_header)
};

/** Scans one field line (RFC 9112 section 5) at `base + pos`, within `base + end`.
 *
 *  `field-name ":" OWS field-value OWS CRLF`: the name is a non-empty token, directly followed
 *  by the colon; the value holds no CTL other than HTAB; a line that starts with SP or HTAB
 *  (obs-fold, or whitespace before the first field) is an error; bare CR or bare LF is an error.
 *  On field or end_of_block, @p pos moves past the line. */
SOCKLITE_HTTP_ALWAYS_INLINE inline LineStatus scan_field_line(const char* base, std::size_t end,
                                                              std::size_t& pos,
                                                              FieldSlot& slot) noexcept {
    const char* p = base + pos;
    const char* e = base + end;
    if (p >= e) return LineStatus::incomplete;
    if (*p == '\r') {
        if (p + 1 >= e) return LineStatus::incomplete;
        if (p[1] != '\n') return LineStatus::error;
        pos += 2;
        return LineStatus::end_of_block;
    }
    const char* name = p;
    // Fast path: find the colon, then check the name's bytes all at once (when the colon
    // search has not already seen that they are letters, digits and '-').
    bool simple;
    p = find_colon(p, e, simple);
    if (p == e || p == name || (!simple && !all_tchar(name, p))) {
        // Slow path, to tell an error from a line that has not fully arrived.
        p = scan_token(name, e);
        if (p >= e) return LineStatus::incomplete;
        return LineStatus::error;  // a non-token byte before the colon, or an empty name
    }
    const char* name_end = p;
    ++p;
    if (p < e && *p == ' ') ++p;  // the usual single space, then any other whitespace
    while (p < e && (*p == ' ' || *p == '\t')) ++p;
    const char* value = p;
    p = scan_field_value(p, e);
    if (p >= e) return LineStatus::incomplete;
    if (*p != '\r') return LineStatus::error;
    if (p + 1 >= e) return LineStatus::incomplete;
    if (p[1] != '\n') return LineStatus::error;
    const char* value_end = p;
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;
    slot.name_off = static_cast<std::uint32_t>(name - base);
    slot.name_len = static_cast<std::uint32_t>(name_end - name);
    slot.value_off = static_cast<std::uint32_t>(value - base);
    slot.value_len = static_cast<std::uint32_t>(value_end - value);
    pos = static_cast<std::size_t>(p + 2 - base);
    return LineStatus::field;
}

/** Fixed storage for parsed fields (sized once, so a parse never allocates) plus the base
 *  their offsets refer to. */
struct FieldBlock {
    std::vector<FieldSlot> slots;  ///< room for the most fields storable (its size)
    std::size_t count = 0;         ///< fields parsed so far
    const char* base = nullptr;    ///< the buffer start the offsets refer to

    /** Allocates room for @p n fields. */
    void allocate(std::size_t n) {
        slots.assign(n, FieldSlot{});
        count = 0;
    }
    /** The most fields storable. */
    std::size_t capacity() const noexcept { return slots.size(); }
    /** The @p i-th field as views. */
    FieldView field(std::size_t i) const noexcept {
        const FieldSlot& s = slots[i];
        return {std::string_view(base + s.name_off, s.name_len),
                std::string_view(base + s.value_off, s.value_len)};
    }
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_FIELD_LINE_HPP
