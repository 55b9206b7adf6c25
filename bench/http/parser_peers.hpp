// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// One parse of a whole response, done by socklite's ResponseParser and by Node's old
// http_parser (Debian libhttp-parser-dev), each keeping the status, the field views and the
// body view, so that both do the same work.
#ifndef SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP
#define SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP

#include <socklite/http/parser.hpp>

#include <cstddef>
#include <string_view>

#include <http_parser.h>

namespace socklite_bench {

/** socklite: head, then body. Returns a checksum (status + fields + body size) or 0 on error. */
inline std::size_t parse_socklite(socklite::http::ResponseParser& p, std::string_view in) {
    p.reset();
    socklite::http::ParseResult r = p.parse_head(in);
    if (!r.complete()) return 0;
    in.remove_prefix(r.consumed);
    r = p.parse_body(in);
    if (!r.complete()) return 0;
    return static_cast<std::size_t>(p.status()) + p.field_count() + r.body.size();
}

/** What the http_parser callbacks collect. */
struct HttpParserSink {
    static constexpr std::size_t max_fields = 64;
    struct Field {
        const char* name;
        std::size_t name_len;
        const char* value;
        std::size_t value_len;
    };
    Field fields[max_fields];
    std::size_t count = 0;
    std::size_t body = 0;
    bool complete = false;
};

inline int hp_on_message_begin(http_parser* p) {
    auto* s = static_cast<HttpParserSink*>(p->data);
    s->count = 0;
    s->body = 0;
    s->complete = false;
    return 0;
}
inline int hp_on_header_field(http_parser* p, const char* at, std::size_t len) {
    auto* s = static_cast<HttpParserSink*>(p->data);
    if (s->count == HttpParserSink::max_fields) return 1;
    s->fields[s->count].name = at;
    s->fields[s->count].name_len = len;
    return 0;
}
inline int hp_on_header_value(http_parser* p, const char* at, std::size_t len) {
    auto* s = static_cast<HttpParserSink*>(p->data);
    s->fields[s->count].value = at;
    s->fields[s->count].value_len = len;
    ++s->count;
    return 0;
}
inline int hp_on_body(http_parser* p, const char*, std::size_t len) {
    static_cast<HttpParserSink*>(p->data)->body += len;
    return 0;
}
inline int hp_on_message_complete(http_parser* p) {
    static_cast<HttpParserSink*>(p->data)->complete = true;
    return 0;
}

/** The callbacks, as http_parser_settings. */
inline http_parser_settings hp_settings() {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = hp_on_message_begin;
    s.on_header_field = hp_on_header_field;
    s.on_header_value = hp_on_header_value;
    s.on_body = hp_on_body;
    s.on_message_complete = hp_on_message_complete;
    return s;
}

/** http_parser: one response. Returns the same checksum as parse_socklite(), 0 on error. */
inline std::size_t parse_http_parser(const http_parser_settings& settings, HttpParserSink& sink,
                                     std::string_view in) {
    http_parser p;
    http_parser_init(&p, HTTP_RESPONSE);
    p.data = &sink;
    std::size_t n = http_parser_execute(&p, &settings, in.data(), in.size());
    if (n != in.size() || !sink.complete || HTTP_PARSER_ERRNO(&p) != HPE_OK) return 0;
    return p.status_code + sink.count + sink.body;
}

}  // namespace socklite_bench

#endif  // SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP
