// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_HEAD_FIELDS_HPP
#define SOCKLITE_HTTP_DETAIL_HEAD_FIELDS_HPP

/** @file
 *  Private: the few header fields that decide the framing and the connection of a message
 *  (Content-Length, Transfer-Encoding, Connection; on requests also Host, Expect, Upgrade),
 *  parsed as http::BasicParser meets them (RFC 9112 section 6, RFC 9110 sections 7.2, 7.6.1,
 *  8.6, 10.1.1). */

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../address.hpp"
#include "../error.hpp"
#include "../message.hpp"
#include "../parser_types.hpp"
#include "grammar.hpp"
#include "scan.hpp"

namespace socklite {
namespace http {
namespace detail {

/** The framing of a message (RFC 9112 section 6.3) and what becomes of its connection. */
struct Framing {
    BodyKind body = BodyKind::none;  ///< how the body is delimited
    bool keep_alive = false;         ///< whether the connection may carry another message
    bool upgrade = false;            ///< whether the connection changes protocol after it
};

/** What the fields of one head said about framing and the connection (reset per message by
 *  assigning `{}`). */
template <bool IsRequest>
struct HeadFields {
    bool cl_seen = false;              ///< a Content-Length field was present
    bool te_seen = false;              ///< a Transfer-Encoding field was present
    bool te_chunked = false;           ///< the last transfer coding so far is chunked
    bool conn_close = false;           ///< Connection: close
    bool conn_keep_alive = false;      ///< Connection: keep-alive
    bool conn_upgrade = false;         ///< Connection: upgrade
    bool upgrade_field = false;        ///< requests: an Upgrade field was present
    bool expect_continue = false;      ///< requests: Expect: 100-continue
    std::uint32_t host_field = 0;      ///< requests: 1 + index of the Host field, 0 when none
    std::uint64_t content_length = 0;  ///< the Content-Length value (0 when none)

    /** Whether a field with a name of @p len bytes starting with @p first may be one of those
     *  on_field() looks at: its length and first letter rule most fields out at once. */
    static bool wanted(std::size_t len, char first) noexcept {
        // For each name length, the first letter (lower case) of the one field name of that
        // length that on_field() looks at, or 0.
        static constexpr char key[18] = {0,
                                         0,
                                         0,
                                         0,
                                         IsRequest ? 'h' : 0,
                                         0,
                                         IsRequest ? 'e' : 0,
                                         IsRequest ? 'u' : 0,
                                         0,
                                         0,
                                         'c',
                                         0,
                                         0,
                                         0,
                                         'c',
                                         0,
                                         0,
                                         't'};
        return key[len < sizeof key ? len : 0] == (first | 0x20);
    }

    /** Takes field number @p index (0-based) named @p name (one that wanted() let through).
     *  @return false with @p e set when the field is invalid. */
    bool on_field(std::string_view name, std::string_view value, std::size_t index,
                  errc& e) noexcept {
        auto is_name = [&name](std::string_view lit) {
            return (name[0] | 0x20) == lit[0] && iequals(name, lit);
        };
        const std::size_t n = name.size();
        if (n == 14) {
            if (is_name("content-length")) {
                e = http::errc::bad_content_length;
                return parse_content_length(value);
            }
        } else if (n == 10) {
            if (is_name("connection")) {
                // The usual values first: one comparison instead of the list walk.
                if (iequals(value, "keep-alive")) return conn_keep_alive = true;
                if (iequals(value, "close")) return conn_close = true;
                e = http::errc::bad_header;
                return for_each_token(value, [this](std::string_view t) {
                           if (iequals(t, "close")) conn_close = true;
                           if (iequals(t, "keep-alive")) conn_keep_alive = true;
                           if (iequals(t, "upgrade")) conn_upgrade = true;
                           return true;
                       }) >= 0;
            }
        } else if (n == 17) {
            if (is_name("transfer-encoding")) return parse_transfer_encoding(value, e);
        } else if constexpr (IsRequest) {
            if (n == 4) {
                if (is_name("host")) {
                    e = http::errc::bad_host;
                    if (host_field != 0) return false;
                    host_field = static_cast<std::uint32_t>(index + 1);
                    return valid_host(value);
                }
            } else if (n == 6) {
                if (is_name("expect") && iequals(value, "100-continue")) expect_continue = true;
            } else if (n == 7) {
                if (is_name("upgrade")) upgrade_field = true;
            }
        }
        return true;
    }

    /** Decides the framing of a message of HTTP/1.@p version from these fields (@p status,
     *  @p head_request, @p connect_request: responses only) into @p f.
     *  @return false with @p e set when the framing is faulty or the Content-Length passes
     *  @p max_body (@p f then holds what was decided so far). */
    bool frame(int version, int status, bool head_request, bool connect_request,
               std::uint64_t max_body, Framing& f, errc& e) noexcept {
        if (te_seen && version == 10) {
            e = http::errc::bad_transfer_encoding;  // RFC 9112 section 6.1: faulty framing
            return false;
        }
        f.upgrade = false;
        if constexpr (IsRequest) {
            (void)status;
            (void)head_request;
            (void)connect_request;
            if (version == 11 && host_field == 0) {
                e = http::errc::missing_host;
                return false;
            }
            if (te_seen && (cl_seen || !te_chunked)) {
                e = http::errc::bad_transfer_encoding;  // RFC 9112 sections 6.1 and 6.3
                return false;
            }
            f.body = te_seen   ? BodyKind::chunked
                     : cl_seen ? BodyKind::content_length
                               : BodyKind::none;
            f.keep_alive = !conn_close && (version == 11 || conn_keep_alive);
            f.upgrade = conn_upgrade && upgrade_field;
            expect_continue = expect_continue && version == 11;
        } else {
            if (head_request || status < 200 || status == 204 || status == 304) {
                f.body = BodyKind::none;
                f.upgrade = status == 101;
            } else if (connect_request && status < 300) {
                f.body = BodyKind::none;
                f.upgrade = true;
            } else if (te_seen) {
                f.body = te_chunked ? BodyKind::chunked : BodyKind::until_close;
            } else if (cl_seen) {
                f.body = BodyKind::content_length;
            } else {
                f.body = BodyKind::until_close;
            }
            f.keep_alive = version == 11 && !conn_close && !f.upgrade &&
                           f.body != BodyKind::until_close && !(te_seen && cl_seen);
        }
        if (f.body == BodyKind::content_length && content_length > max_body) {
            e = http::errc::body_too_large;
            return false;
        }
        return true;
    }

    /** Host (RFC 9112 section 3.2): `uri-host [ ":" port ]`. */
    static bool valid_host(std::string_view value) noexcept {
        // The usual one, a name without port or escapes: one pass over the table.
        if (all_in(value.data(), value.data() + value.size(), cc_host)) return true;
        std::string_view host = value;
        std::size_t colon = value.rfind(':');
        if (colon != std::string_view::npos && value.find(']', colon) == std::string_view::npos) {
            std::uint16_t port = 0;
            std::string_view port_text = value.substr(colon + 1);
            if (!port_text.empty() && !socklite::detail::parse_port(port_text, port)) return false;
            host = value.substr(0, colon);
        }
        return is_uri_host(host);
    }

    /** Content-Length: 1*DIGIT, or a list of identical values ("5, 5"); below 2^63; equal to
     *  earlier fields. */
    bool parse_content_length(std::string_view v) noexcept {
        constexpr std::uint64_t limit = (std::uint64_t(1) << 63) - 1;
        const char* p = v.data();
        const char* e = p + v.size();
        bool any = false;
        while (p < e) {
            if (*p < '0' || *p > '9') return false;
            std::uint64_t n = 0;
            do {
                std::uint64_t d = static_cast<std::uint64_t>(*p - '0');
                if (n > (limit - d) / 10) return false;
                n = n * 10 + d;
                ++p;
            } while (p < e && *p >= '0' && *p <= '9');
            if ((cl_seen || any) && n != content_length) return false;
            content_length = n;
            any = true;
            while (p < e && is(*p, cc_ows)) ++p;
            if (p == e) break;
            if (*p != ',') return false;
            ++p;
            while (p < e && is(*p, cc_ows)) ++p;
            if (p == e) return false;  // a trailing comma
        }
        if (!any) return false;
        cl_seen = true;
        return true;
    }

    /** Transfer-Encoding: #transfer-coding, tokens only; chunked at most once and last; on a
     *  request, only the codings this side of the connection may meet (RFC 9112 section 6.1:
     *  else http::errc::unknown_transfer_coding, 501). */
    bool parse_transfer_encoding(std::string_view v, errc& e) noexcept {
        e = http::errc::bad_transfer_encoding;
        int n = for_each_token(v, [this, &e](std::string_view t) {
            if (te_chunked) return false;  // something after chunked
            te_chunked = iequals(t, "chunked");
            if (IsRequest && !te_chunked && !iequals(t, "gzip") && !iequals(t, "x-gzip") &&
                !iequals(t, "deflate") && !iequals(t, "compress") && !iequals(t, "x-compress")) {
                e = http::errc::unknown_transfer_coding;
                return false;
            }
            return true;
        });
        if (n <= 0) return false;
        te_seen = true;
        return true;
    }
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_HEAD_FIELDS_HPP
