// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_URL_HPP
#define SOCKLITE_HTTP_URL_HPP

/** @file
 *  http::Url: parses `http://` and `https://` URLs (RFC 3986) and resolves references such as
 *  a redirect's `Location` against them. No I/O. */

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "../address.hpp"
#include "../error.hpp"
#include "detail/grammar.hpp"
#include "error.hpp"

namespace socklite {
namespace http {

/** A parsed absolute `http` or `https` URL: scheme, userinfo, host, port, path and query.
 *
 *  Parsing is strict: a missing scheme or `//`, an empty host, a bad IPv6 literal, a port that is
 *  not 1-65535, a bad percent escape, or a control character or space anywhere give
 *  http::errc::bad_url; a scheme other than `http` or `https` gives http::errc::unsupported_scheme. The
 *  fragment (from the first hash sign on) is dropped. The scheme and a registered host name are
 *  lower-cased; dot segments of the path are removed; printable characters that RFC 3986 does
 *  not allow in a path or query (double quote, `<`, `>`, backslash, `^`, backquote, `{`, `|`,
 *  `}`, and bytes >= 0x80) are percent-encoded, so target() is always safe to put on a request
 *  line. `https://` URLs parse (the client reports http::errc::tls_not_enabled).
 *
 *  @par Example
 *  @code
 *  auto u = socklite::http::Url::parse("http://[::1]:8080/a/b?x=1");
 *  u.host();          // "::1"
 *  u.port();          // 8080
 *  u.target();        // "/a/b?x=1"
 *  u.authority();     // "[::1]:8080" (the Host header value)
 *  u.resolve("../c"); // http://[::1]:8080/c
 *  @endcode */
class Url {
public:
    /** An empty URL (empty() is true). */
    Url() = default;

    /** Parses an absolute URL.
     *  @throws Error with http::errc::bad_url or http::errc::unsupported_scheme. */
    static Url parse(std::string_view text);
    /** Parses an absolute URL, reporting failure through @p ec (http::errc::bad_url or
     *  http::errc::unsupported_scheme); returns an empty Url then. */
    static Url parse(std::string_view text, std::error_code& ec) noexcept;

    /** Resolves a URI reference (absolute, `//host/...`, `/path`, `?query`, or relative path)
     *  against this URL, as RFC 3986 section 5.2 says (the way a browser follows `Location`).
     *  @throws Error with http::errc::bad_url or http::errc::unsupported_scheme. */
    Url resolve(std::string_view reference) const;
    /** As resolve(std::string_view), reporting failure through @p ec. */
    Url resolve(std::string_view reference, std::error_code& ec) const noexcept;

    /** Whether this URL is empty (default-constructed or failed to parse). */
    bool empty() const noexcept { return scheme_.empty(); }
    /** The scheme in lower case: `"http"` or `"https"`. */
    const std::string& scheme() const noexcept { return scheme_; }
    /** Whether the scheme is `https`. */
    bool is_https() const noexcept { return scheme_ == "https"; }
    /** The userinfo before `@` (`user:password`, still percent-encoded), or empty. */
    const std::string& userinfo() const noexcept { return userinfo_; }
    /** The host without brackets: a lower-cased name, dotted IPv4, or IPv6 text (`::1`; a zone
     *  `%25eth0` in the URL reads `%eth0` here). */
    const std::string& host() const noexcept { return host_; }
    /** Whether the host is an IPv6 literal (written in brackets). */
    bool host_is_ipv6() const noexcept { return ipv6_; }
    /** The port: the one given, or the scheme's default (80, 443). */
    std::uint16_t port() const noexcept { return port_; }
    /** Whether the URL text gave a port explicitly. */
    bool has_port() const noexcept { return explicit_port_; }
    /** The path, percent-encoded, always starting with `/`. */
    const std::string& path() const noexcept { return path_; }
    /** The query without `?`, percent-encoded, or empty. */
    const std::string& query() const noexcept { return query_; }
    /** Whether the URL had a `?` (possibly with an empty query). */
    bool has_query() const noexcept { return has_query_; }

    /** The request target for the request line: path, then `?query` when present. */
    std::string target() const {
        std::string t = path_;
        if (has_query_) {
            t += '?';
            t += query_;
        }
        return t;
    }
    /** The `Host` header value: the host (in brackets for IPv6; a zone is written `%25`), then
     *  `:port` only when the port is not the scheme's default. */
    std::string authority() const;
    /** `scheme://authority`: the key under which connections can be pooled. */
    std::string origin() const {
        std::string o = scheme_;  // appends rather than operator+: no template to instantiate
        o += "://";
        o += authority();
        return o;
    }
    /** The whole URL (without fragment): `scheme://[userinfo@]authority/path[?query]`. */
    std::string str() const;

    /** The default port of @p scheme (80 for `http`, 443 for `https`, 0 otherwise). */
    static std::uint16_t default_port(std::string_view scheme) noexcept {
        return scheme == "http" ? 80 : scheme == "https" ? 443 : 0;
    }

    /** Equal when the normalised parts match. */
    friend bool operator==(const Url& a, const Url& b) noexcept {
        return a.scheme_ == b.scheme_ && a.userinfo_ == b.userinfo_ && a.host_ == b.host_ &&
               a.port_ == b.port_ && a.path_ == b.path_ && a.has_query_ == b.has_query_ &&
               a.query_ == b.query_;
    }
    /** The negation of operator==. */
    friend bool operator!=(const Url& a, const Url& b) noexcept { return !(a == b); }

private:
    std::string scheme_;
    std::string userinfo_;
    std::string host_;
    std::string path_;
    std::string query_;
    std::uint16_t port_ = 0;
    bool explicit_port_ = false;
    bool has_query_ = false;
    bool ipv6_ = false;
};

// ---------------------------------------------------------------------------------------------
// Implementation

namespace detail {
namespace url {

using socklite::http::detail::cc_hex;
using socklite::http::detail::cc_query;
using socklite::http::detail::cc_scheme;
using socklite::http::detail::cc_sub_delim;
using socklite::http::detail::cc_unreserved;
using socklite::http::detail::is;

/** Length of a scheme at the start of @p s followed by ':', or 0. */
inline std::size_t scheme_length(std::string_view s) noexcept {
    if (s.empty() || !is(s[0], detail::cc_alpha)) return 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] == ':') return i;
        if (!is(s[i], cc_scheme)) return 0;
    }
    return 0;
}
/** Appends @p s to @p out, percent-encoding printable bytes that RFC 3986 does not allow in a
 *  path (@p query adds '/' and '?'; a path allows '/'). False on a bad escape. */
inline bool append_normalized(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '%') {
            if (i + 2 >= s.size()) return false;
            if (!is(s[i + 1], cc_hex) || !is(s[i + 2], cc_hex)) return false;
            out.append(s.data() + i, 3);
            i += 2;
        } else if (is(static_cast<char>(c), cc_query)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return true;
}
/** RFC 3986 section 5.2.4 remove_dot_segments, for a path starting with '/'. */
inline std::string remove_dot_segments(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    while (!in.empty()) {
        if (in.substr(0, 3) == "../") {
            in.remove_prefix(3);
        } else if (in.substr(0, 2) == "./") {
            in.remove_prefix(2);
        } else if (in.substr(0, 3) == "/./") {
            in.remove_prefix(2);
        } else if (in == "/.") {
            in = "/";
        } else if (in.substr(0, 4) == "/../" || in == "/..") {
            if (in.size() == 3) {
                in = "/";
            } else {
                in.remove_prefix(3);
            }
            std::size_t slash = out.rfind('/');
            out.resize(slash == std::string::npos ? 0 : slash);
        } else if (in == "." || in == "..") {
            in = {};
        } else {
            std::size_t next = in.find('/', 1);
            if (next == std::string_view::npos) next = in.size();
            out.append(in.data(), next);
            in.remove_prefix(next);
        }
    }
    if (out.empty() || out[0] != '/') out.insert(std::size_t{0}, 1, '/');
    return out;
}

}  // namespace url
}  // namespace detail

inline Url Url::parse(std::string_view text) {
    std::error_code ec;
    Url u = parse(text, ec);
    if (ec) socklite::detail::throw_error(ec, "parse URL", std::string(text));
    return u;
}

inline Url Url::parse(std::string_view text, std::error_code& ec) noexcept {
    using namespace detail::url;
    ec.clear();
    Url u;
    auto fail = [&](errc e) {
        ec = e;
        return Url();
    };
    for (char ch : text) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f) return fail(http::errc::bad_url);
    }
    std::size_t slen = scheme_length(text);
    if (slen == 0) return fail(http::errc::bad_url);
    for (std::size_t i = 0; i < slen; ++i) {
        char c = text[i];
        u.scheme_ += detail::to_lower(c);
    }
    if (u.scheme_ != "http" && u.scheme_ != "https") return fail(http::errc::unsupported_scheme);
    std::string_view rest = text.substr(slen + 1);
    if (rest.substr(0, 2) != "//") return fail(http::errc::bad_url);
    rest.remove_prefix(2);
    std::size_t hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    std::size_t auth_end = rest.find_first_of("/?");
    if (auth_end == std::string_view::npos) auth_end = rest.size();
    std::string_view auth = rest.substr(0, auth_end);
    rest.remove_prefix(auth_end);

    // userinfo
    std::size_t at = auth.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view ui = auth.substr(0, at);
        for (std::size_t i = 0; i < ui.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(ui[i]);
            if (c == '%') {
                if (i + 2 >= ui.size() || !is(ui[i + 1], cc_hex) || !is(ui[i + 2], cc_hex))
                    return fail(http::errc::bad_url);
                i += 2;
            } else if (!is(static_cast<char>(c), cc_unreserved | cc_sub_delim) && c != ':') {
                return fail(http::errc::bad_url);
            }
        }
        u.userinfo_.assign(ui.data(), ui.size());
        auth.remove_prefix(at + 1);
    }

    // host
    std::string_view port_text;
    bool has_port_sep = false;
    if (!auth.empty() && auth[0] == '[') {
        std::size_t close = auth.find(']');
        if (close == std::string_view::npos) return fail(http::errc::bad_url);
        std::string_view lit = auth.substr(1, close - 1);
        std::string_view after = auth.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return fail(http::errc::bad_url);
            has_port_sep = true;
            port_text = after.substr(1);
        }
        std::string_view zone;
        std::size_t pct = lit.find('%');
        if (pct != std::string_view::npos) {
            if (lit.substr(pct, 3) != "%25" || lit.size() == pct + 3)
                return fail(http::errc::bad_url);
            zone = lit.substr(pct + 3);
            lit = lit.substr(0, pct);
            for (char ch : zone) {
                if (!is(ch, cc_unreserved)) return fail(http::errc::bad_url);
            }
        }
        char buf[64];
        if (lit.empty() || lit.size() >= sizeof buf) return fail(http::errc::bad_url);
        lit.copy(buf, lit.size());
        buf[lit.size()] = '\0';
        in6_addr a6;
        if (::inet_pton(AF_INET6, buf, &a6) != 1) return fail(http::errc::bad_url);
        for (char c : lit) u.host_ += detail::to_lower(c);
        if (!zone.empty()) {
            u.host_ += '%';
            u.host_.append(zone.data(), zone.size());
        }
        u.ipv6_ = true;
    } else {
        std::size_t colon = auth.rfind(':');
        std::string_view name = auth;
        if (colon != std::string_view::npos) {
            has_port_sep = true;
            port_text = auth.substr(colon + 1);
            name = auth.substr(0, colon);
        }
        if (name.empty()) return fail(http::errc::bad_url);
        for (char ch : name) {
            if (!is(ch, cc_unreserved | cc_sub_delim)) return fail(http::errc::bad_url);
            u.host_ += detail::to_lower(ch);
        }
    }

    // port
    u.port_ = default_port(u.scheme_);
    if (has_port_sep && !port_text.empty()) {
        std::uint16_t port = 0;
        if (!socklite::detail::parse_port(port_text, port) || port == 0)
            return fail(http::errc::bad_url);
        u.port_ = static_cast<std::uint16_t>(port);
        u.explicit_port_ = true;
    }

    // path and query
    std::size_t q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    std::string normalized;
    if (!append_normalized(normalized, path)) return fail(http::errc::bad_url);
    u.path_ = remove_dot_segments(normalized);
    if (q != std::string_view::npos) {
        u.has_query_ = true;
        if (!append_normalized(u.query_, rest.substr(q + 1))) return fail(http::errc::bad_url);
    }
    return u;
}

inline Url Url::resolve(std::string_view reference) const {
    std::error_code ec;
    Url u = resolve(reference, ec);
    if (ec) socklite::detail::throw_error(ec, "resolve URL", std::string(reference));
    return u;
}

inline Url Url::resolve(std::string_view ref, std::error_code& ec) const noexcept {
    ec.clear();
    if (empty()) {
        ec = http::errc::bad_url;
        return Url();
    }
    if (detail::url::scheme_length(ref) != 0) return parse(ref, ec);
    std::size_t hash = ref.find('#');
    if (hash != std::string_view::npos) ref = ref.substr(0, hash);
    std::string base = scheme_;  // built with appends: no operator+ to instantiate
    if (ref.substr(0, 2) == "//") {
        base += ':';
        base.append(ref.data(), ref.size());
        return parse(base, ec);
    }
    base += "://";
    if (!userinfo_.empty()) {
        base += userinfo_;
        base += '@';
    }
    base += authority();
    if (ref.empty()) {
        base += target();
    } else if (ref[0] == '?') {
        base += path_;
        base.append(ref.data(), ref.size());
    } else if (ref[0] == '/') {
        base.append(ref.data(), ref.size());
    } else {
        // A relative path: merge with the base path's directory (RFC 3986 section 5.2.3).
        std::size_t slash = path_.rfind('/');
        base.append(path_, 0, slash + 1);
        base.append(ref.data(), ref.size());
    }
    return parse(base, ec);
}

inline std::string Url::authority() const {
    std::string a;
    // An IPv6 host holds a ':' (a registered name cannot), so append_host() brackets it.
    socklite::detail::append_host(a, host_, true);
    if (port_ != default_port(scheme_)) {
        a += ':';
        a += std::to_string(port_);
    }
    return a;
}

inline std::string Url::str() const {
    if (empty()) return {};
    std::string s = scheme_;
    s += "://";
    if (!userinfo_.empty()) {
        s += userinfo_;
        s += '@';
    }
    s += authority();
    s += target();
    return s;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_URL_HPP
