// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_ENCODING_HPP
#define SOCKLITE_HTTP_ENCODING_HPP

/** @file
 *  The encodings HTTP messages carry, both ways: percent-encoding and -decoding (RFC 3986),
 *  query strings and `application/x-www-form-urlencoded` bodies built and split, and Basic
 *  credentials (RFC 7617). One decoder serves the client (userinfo), the router (path
 *  segments, queries) and static files. No I/O. */

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/base64.hpp"

namespace socklite {
namespace http {

/** Query parameters or form fields: name-value pairs, in order, names may repeat.
 *  `socklite::http::Query q{{"q", "a b"}, {"page", "2"}};` */
using Query = std::vector<std::pair<std::string, std::string>>;

/** How percent_encode() writes a space. */
enum class Space {
    percent,  ///< `%20`, as in a URL (RFC 3986)
    plus      ///< `+`, as in an `application/x-www-form-urlencoded` body
};

/** Appends @p text to @p out percent-encoded for a URL component: the unreserved characters of
 *  RFC 3986 section 2.3 (letters, digits, `-._~`) as they are, every other byte as `%XX`, a
 *  space as @p space says. */
inline void percent_encode(std::string_view text, std::string& out, Space space = Space::percent) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (keep) {
            out += ch;
        } else if (c == ' ' && space == Space::plus) {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

/** @p text percent-encoded for a URL component (see percent_encode(std::string_view,
 *  std::string&, Space)): `percent_encode("a b&c")` is `a%20b%26c`. */
inline std::string percent_encode(std::string_view text) {
    std::string out;
    percent_encode(text, out);
    return out;
}

/** Percent-decodes @p in into @p out, replacing its contents (RFC 3986 section 2.1); with
 *  @p plus_is_space (query strings, `application/x-www-form-urlencoded`) a `+` becomes a space.
 *  @return false on a bad escape (`%` not followed by two hex digits); @p out is then
 *  unspecified. Allocates only to grow @p out. */
inline bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = false) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int h = hex(in[i + 1]), l = hex(in[i + 2]);
            if (h < 0 || l < 0) return false;
            out += static_cast<char>(h * 16 + l);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

/** @p text percent-decoded, or @p text unchanged when it has a bad escape (as parse_query()
 *  keeps such a field). */
inline std::string percent_decode(std::string_view text) {
    std::string out;
    if (!percent_decode(text, out)) out.assign(text.data(), text.size());
    return out;
}

/** Splits a query string (`a=1&b=two%20words`, without `?`) into decoded pairs, in order (the
 *  inverse of query_string(), `+` read as a space too); a field without `=` has an empty value,
 *  empty fields are skipped, a name or value with a bad escape is kept undecoded. */
inline Query parse_query(std::string_view query) {
    Query out;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view field = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (field.empty()) continue;
        std::size_t eq = field.find('=');
        std::string_view name = field.substr(0, eq);
        std::string_view value =
            eq == std::string_view::npos ? std::string_view() : field.substr(eq + 1);
        std::pair<std::string, std::string> p;
        if (!percent_decode(name, p.first, true)) p.first.assign(name.data(), name.size());
        if (!percent_decode(value, p.second, true)) p.second.assign(value.data(), value.size());
        out.push_back(std::move(p));
    }
    return out;
}

/** The query string of @p params: `name=value` pairs joined by `&`, each name and value
 *  percent-encoded (a space is `%20`): `{{"q", "a b"}, {"n", "1"}}` gives `q=a%20b&n=1`. */
inline std::string query_string(const Query& params) {
    std::string out;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i > 0) out += '&';
        percent_encode(params[i].first, out);
        out += '=';
        percent_encode(params[i].second, out);
    }
    return out;
}

/** @p target with @p params appended as its query (after `?`, or after `&` when @p target has a
 *  query already): `with_query("/search", {{"q", "a b"}})` is `/search?q=a%20b`. */
inline std::string with_query(std::string_view target, const Query& params) {
    std::string out(target);
    if (params.empty()) return out;
    out += target.find('?') == std::string_view::npos ? '?' : '&';
    out += query_string(params);
    return out;
}

/** The `application/x-www-form-urlencoded` body of @p fields (the HTML form encoding): as
 *  query_string(), but a space is `+`: `{{"name", "J Doe"}}` gives `name=J+Doe`. */
inline std::string form_urlencoded(const Query& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += '&';
        percent_encode(fields[i].first, out, Space::plus);
        out += '=';
        percent_encode(fields[i].second, out, Space::plus);
    }
    return out;
}

/** The `Authorization` value of Basic authentication (RFC 7617): `Basic ` and the base64 of
 *  `user:password`. The credentials travel in clear text: meant for https, or a trusted path.
 *  `basic_authorization("Aladdin", "open sesame")` is `Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==`. */
inline std::string basic_authorization(std::string_view user, std::string_view password) {
    std::string plain(user);
    plain += ':';
    plain.append(password.data(), password.size());
    std::string out = "Basic ";
    socklite::detail::base64_append(plain, out);
    return out;
}

/** The `Authorization` value for a URL's userinfo (`user:password`, percent-encoded as in the
 *  URL, see Url::userinfo()), or an empty string when @p userinfo is empty. */
inline std::string basic_authorization(std::string_view userinfo) {
    if (userinfo.empty()) return {};
    const std::size_t colon = userinfo.find(':');
    const std::string_view user = userinfo.substr(0, colon);
    const std::string_view password =
        colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
    return basic_authorization(percent_decode(user), percent_decode(password));
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_ENCODING_HPP
