// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_SERVER_POLICY_HPP
#define SOCKLITE_HTTP_DETAIL_SERVER_POLICY_HPP

/** @file
 *  Private to HttpServer: what ServerOptions make of a connection's and a parser's limits, and
 *  what the server refuses beyond the parser's grammar. Pure functions. Not part of the API. */

#include <cstddef>
#include <string_view>

#include "../../connection.hpp"
#include "../handler.hpp"
#include "../message.hpp"
#include "../parser.hpp"

namespace socklite {
namespace http {
namespace detail {

inline Connection::Options server_connection_options(const ServerOptions& o) {
    Connection::Options c;
    // The head must fit in the input buffer; bodies are taken piece by piece.
    c.max_input = o.max_header_bytes + 16 * 1024;
    c.high_water = o.output_high_water;
    c.low_water = o.output_high_water / 4;
    c.max_queued = static_cast<std::size_t>(-1);  // bounded by high_water + one answer
    return c;
}

inline ParserLimits server_parser_limits(const ServerOptions& o) {
    ParserLimits l;
    l.max_header_bytes = o.max_header_bytes;
    l.max_fields = o.max_fields;
    l.max_request_line = o.max_request_line;
    // The route decides which limit applies (ServerConn checks it): the parser enforces only
    // the larger one.
    l.max_body_size = o.max_body_size > o.max_upload_size ? o.max_body_size : o.max_upload_size;
    return l;
}

// What the server refuses beyond the parser's grammar (which also serves clients and proxies),
// as a status (0: nothing): in absolute-form only http and https URIs, without userinfo (RFC 9110
// section 4.2.4); Content-Length once, as one number (duplicates and lists, even of equal
// values, are how requests get smuggled; RFC 9110 section 8.6 allows refusing them); and no
// transfer coding but chunked, which is all the server decodes (RFC 9112 section 6.1: 501).
inline int request_policy_status(const RequestParser& p) noexcept {
    if (p.target_form() == TargetForm::absolute) {
        std::string_view t = p.target();
        std::size_t colon = t.find(':');
        std::string_view scheme = t.substr(0, colon);
        if (!iequals(scheme, "http") && !iequals(scheme, "https")) return 400;
        std::string_view auth = t.substr(colon + 3);  // the parser checked the "//"
        if (auth.substr(0, auth.find_first_of("/?")).find('@') != std::string_view::npos)
            return 400;
    }
    int lengths = 0;
    for (std::size_t i = 0; i < p.field_count(); ++i) {
        FieldView f = p.field(i);
        if (iequals(f.name, "Content-Length")) {
            if (++lengths > 1 || f.value.find(',') != std::string_view::npos) return 400;
        } else if (iequals(f.name, "Transfer-Encoding")) {
            std::string_view v = f.value;
            while (!v.empty()) {
                std::size_t comma = v.find(',');
                std::string_view coding = v.substr(0, comma);
                while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
                    coding.remove_prefix(1);
                while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
                    coding.remove_suffix(1);
                if (!iequals(coding, "chunked")) return 501;
                v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
            }
        }
    }
    return 0;
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_SERVER_POLICY_HPP
