// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_ENCODING_HPP
#define SOCKLITE_HTTP_ENCODING_HPP

/** @file
 *  The encodings a request needs: percent-encoded query strings (RFC 3986),
 *  `application/x-www-form-urlencoded` bodies and Basic credentials (RFC 7617). No I/O. */

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

/** Appends @p text to @p out percent-encoded for a URL component: the unreserved characters of
 *  RFC 3986 section 2.3 (letters, digits, `-._~`) as they are, every other byte as `%XX`; with
 *  @p space_as_plus a space becomes `+` (the form encoding). */
inline void percent_encode(std::string_view text, std::string& out, bool space_as_plus = false) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (keep) {
            out += ch;
        } else if (c == ' ' && space_as_plus) {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

/** @p text percent-encoded for a URL component (see percent_encode(std::string_view,
 *  std::string&, bool)): `percent_encode("a b&c")` is `a%20b%26c`. */
inline std::string percent_encode(std::string_view text) {
    std::string out;
    percent_encode(text, out);
    return out;
}

/** @p text with each `%XX` escape decoded (a `%` not followed by two hex digits is kept). */
inline std::string percent_decode(std::string_view text) {
    auto digit = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int hi = -1;
        int lo = -1;
        if (text[i] == '%' && i + 2 < text.size()) {
            hi = digit(text[i + 1]);
            lo = digit(text[i + 2]);
        }
        if (hi < 0 || lo < 0) {
            out += text[i];
            continue;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
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
        percent_encode(fields[i].first, out, true);
        out += '=';
        percent_encode(fields[i].second, out, true);
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
