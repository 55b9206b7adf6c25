// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// One parse of a whole message (a response, or a request), done by socklite's parser, by Node's
// old http_parser (Debian libhttp-parser-dev) and, when built with SOCKLITE_BENCH_HAVE_PICO, by
// picohttpparser; each keeps the start line, the field views and the body, so that all do the
// same work (picohttpparser does not frame the body: its peer reads Content-Length itself).
#ifndef SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP
#define SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP

#include <socklite/http/parser.hpp>

#include <cstddef>
#include <cstring>
#include <string_view>

#include <http_parser.h>
#if SOCKLITE_BENCH_HAVE_PICO
#include <picohttpparser.h>
#include <strings.h>
#endif

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

/** socklite, a request: head, then body. Returns a checksum (method, target, fields and body
 *  sizes) or 0 on error. */
inline std::size_t parse_socklite_request(socklite::http::RequestParser& p, std::string_view in) {
    p.reset();
    socklite::http::ParseResult r = p.parse_head(in);
    if (!r.complete()) return 0;
    in.remove_prefix(r.consumed);
    std::size_t body = 0;
    if (!p.complete()) {
        r = p.parse_body(in);
        if (!r.complete()) return 0;
        body = r.body.size();
    }
    return p.method().size() + p.target().size() + p.field_count() + body;
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
    std::size_t url = 0;
    bool complete = false;
};

inline int hp_on_message_begin(http_parser* p) {
    auto* s = static_cast<HttpParserSink*>(p->data);
    s->count = 0;
    s->body = 0;
    s->url = 0;
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

inline int hp_on_url(http_parser* p, const char*, std::size_t len) {
    static_cast<HttpParserSink*>(p->data)->url += len;
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
    s.on_url = hp_on_url;
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

/** http_parser: one request. Returns the same checksum as parse_socklite_request(). */
inline std::size_t parse_http_parser_request(const http_parser_settings& settings,
                                             HttpParserSink& sink, std::string_view in) {
    http_parser p;
    http_parser_init(&p, HTTP_REQUEST);
    p.data = &sink;
    std::size_t n = http_parser_execute(&p, &settings, in.data(), in.size());
    if (n != in.size() || !sink.complete || HTTP_PARSER_ERRNO(&p) != HPE_OK) return 0;
    return std::strlen(http_method_str(static_cast<http_method>(p.method))) + sink.url +
           sink.count + sink.body;
}

#if SOCKLITE_BENCH_HAVE_PICO
/** The body length a picohttpparser caller finds in Content-Length (0 when absent). */
inline std::size_t pico_content_length(const phr_header* h, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        if (h[i].name_len == 14 && strncasecmp(h[i].name, "content-length", 14) == 0) {
            std::size_t v = 0;
            for (std::size_t k = 0; k < h[i].value_len; ++k)
                v = v * 10 + static_cast<std::size_t>(h[i].value[k] - '0');
            return v;
        }
    }
    return 0;
}

/** picohttpparser: one response (head, then the Content-Length body). Same checksum. */
inline std::size_t parse_pico(std::string_view in) {
    int minor = 0, status = 0;
    const char* msg = nullptr;
    std::size_t msg_len = 0;
    phr_header headers[64];
    std::size_t n = 64;
    int r =
        phr_parse_response(in.data(), in.size(), &minor, &status, &msg, &msg_len, headers, &n, 0);
    if (r <= 0) return 0;
    std::size_t body = pico_content_length(headers, n);
    if (in.size() - static_cast<std::size_t>(r) < body) return 0;
    return static_cast<std::size_t>(status) + n + body;
}

/** picohttpparser: one request (head; a Content-Length body if any). Same checksum. */
inline std::size_t parse_pico_request(std::string_view in) {
    int minor = 0;
    const char* method = nullptr;
    const char* path = nullptr;
    std::size_t method_len = 0, path_len = 0;
    phr_header headers[64];
    std::size_t n = 64;
    int r = phr_parse_request(in.data(), in.size(), &method, &method_len, &path, &path_len, &minor,
                              headers, &n, 0);
    if (r <= 0) return 0;
    std::size_t body = pico_content_length(headers, n);
    if (in.size() - static_cast<std::size_t>(r) < body) return 0;
    return method_len + path_len + n + body;
}
#endif

}  // namespace socklite_bench

#endif  // SOCKLITE_BENCH_HTTP_PARSER_PEERS_HPP
