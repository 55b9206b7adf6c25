// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Drives http::RequestParser / ResponseParser / ChunkedDecoder over an input cut into pieces, as
// a socket would deliver it, with every call's input ending at a guard page; records what came
// out.
#ifndef SOCKLITE_TESTS_HTTP_FEED_HPP
#define SOCKLITE_TESTS_HTTP_FEED_HPP

#include <socklite/http/chunked.hpp>
#include <socklite/http/parser.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "http/guard_page.hpp"
#include "support/cuts.hpp"

namespace socklite_test {

/** What a parse produced: compared between feeding modes and with the expectation. */
struct Outcome {
    std::error_code ec;
    int status = 0;
    int version = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> fields;
    std::vector<std::pair<std::string, std::string>> trailers;
    socklite::http::BodyKind kind = socklite::http::BodyKind::none;
    bool keep_alive = false;
    bool upgrade = false;
    std::size_t interim = 0;
    std::string body;
    std::string rest;  // bytes left after the message
    // requests
    std::string method;
    std::string target;
    std::string host;
    int form = -1;
    bool expect_continue = false;

    bool operator==(const Outcome& o) const {
        return ec == o.ec && status == o.status && version == o.version && reason == o.reason &&
               fields == o.fields && trailers == o.trailers && kind == o.kind &&
               keep_alive == o.keep_alive && upgrade == o.upgrade && interim == o.interim &&
               body == o.body && rest == o.rest && method == o.method && target == o.target &&
               host == o.host && form == o.form && expect_continue == o.expect_continue;
    }
};

/** Parses @p input with @p p, delivered in pieces ending at @p cuts; @p eof: the peer closes at
 *  the end; @p record_start records the start line once the head is complete. */
template <class Parser, class RecordStart>
inline Outcome feed_message(Parser& p, std::string_view input, const std::vector<std::size_t>& cuts,
                            GuardPage& guard, bool eof, RecordStart&& record_start) {
    using namespace socklite::http;
    Outcome out;
    std::string pending;
    std::size_t fed = 0;
    bool finished = false;
    auto record_head = [&] {
        out.version = p.version();
        record_start(out);
        for (std::size_t i = 0; i < p.field_count(); ++i) {
            FieldView f = p.field(i);
            out.fields.emplace_back(std::string(f.name), std::string(f.value));
        }
        out.kind = p.body_kind();
    };
    for (std::size_t cut : cuts) {
        pending.append(input.substr(fed, cut - fed));
        fed = cut;
        for (;;) {
            std::string_view v = guard.place(pending);
            ParseResult r;
            if (!p.head_complete()) {
                r = p.parse_head(v);
                if (r.error()) {
                    out.ec = r.ec;
                    return out;
                }
                if (r.complete()) record_head();
                pending.erase(0, r.consumed);
                if (r.need_more()) break;
                continue;
            }
            if (p.complete()) {
                finished = true;
                break;
            }
            r = p.parse_body(v);
            if (r.error()) {
                out.ec = r.ec;
                return out;
            }
            out.body.append(r.body.data(), r.body.size());
            if (r.complete()) {
                const ChunkedDecoder& d = p.chunked();
                for (std::size_t i = 0; i < d.trailer_count(); ++i) {
                    FieldView f = d.trailer(i);
                    out.trailers.emplace_back(std::string(f.name), std::string(f.value));
                }
            }
            pending.erase(0, r.consumed);
            if (r.need_more() && r.body.empty()) break;
        }
        if (finished) break;
    }
    if (!p.complete() && eof) {
        ParseResult r = p.finish();
        if (r.error()) {
            out.ec = r.ec;
            return out;
        }
    }
    if (!p.complete()) out.ec = std::make_error_code(std::errc::resource_unavailable_try_again);
    pending.append(input.substr(fed));
    out.rest = pending;
    out.keep_alive = p.keep_alive();
    out.upgrade = p.upgrade();
    out.interim = p.interim_count();
    return out;
}

/** Parses a response delivered in pieces ending at @p cuts; @p eof: the peer closes at the end. */
inline Outcome feed_response(std::string_view input, const std::vector<std::size_t>& cuts,
                             GuardPage& guard, const socklite::http::ParserLimits& limits = {},
                             std::string_view method = "GET", bool eof = true) {
    socklite::http::ResponseParser p(limits);
    p.request_method(method);
    return feed_message(p, input, cuts, guard, eof, [&p](Outcome& out) {
        out.status = p.status();
        out.reason = std::string(p.reason());
    });
}

/** Parses a request delivered in pieces ending at @p cuts; @p eof: the peer closes at the end. */
inline Outcome feed_request(std::string_view input, const std::vector<std::size_t>& cuts,
                            GuardPage& guard, const socklite::http::ParserLimits& limits = {},
                            bool eof = true) {
    socklite::http::RequestParser p(limits);
    return feed_message(p, input, cuts, guard, eof, [&p](Outcome& out) {
        out.method = std::string(p.method());
        out.target = std::string(p.target());
        out.host = std::string(p.host());
        out.form = static_cast<int>(p.target_form());
        out.expect_continue = p.expect_continue();
    });
}

/** Decodes a chunked body delivered in pieces ending at @p cuts. */
inline Outcome feed_chunked(std::string_view input, const std::vector<std::size_t>& cuts,
                            GuardPage& guard, const socklite::http::ChunkedLimits& limits = {}) {
    using namespace socklite::http;
    ChunkedDecoder d(limits);
    Outcome out;
    std::string pending;
    std::size_t fed = 0;
    for (std::size_t cut : cuts) {
        pending.append(input.substr(fed, cut - fed));
        fed = cut;
        for (;;) {
            ParseResult r = d.decode(guard.place(pending));
            if (r.error()) {
                out.ec = r.ec;
                return out;
            }
            out.body.append(r.body.data(), r.body.size());
            if (r.complete()) {
                for (std::size_t i = 0; i < d.trailer_count(); ++i) {
                    FieldView f = d.trailer(i);
                    out.trailers.emplace_back(std::string(f.name), std::string(f.value));
                }
            }
            pending.erase(0, r.consumed);
            if (r.complete() || r.body.empty()) break;
        }
        if (d.done()) break;
    }
    if (!d.done()) out.ec = std::make_error_code(std::errc::resource_unavailable_try_again);
    pending.append(input.substr(fed));
    out.rest = pending;
    return out;
}

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_HTTP_FEED_HPP
