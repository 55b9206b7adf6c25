// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_WS_HANDSHAKE_HPP
#define SOCKLITE_WS_HANDSHAKE_HPP

/** @file
 *  The WebSocket opening handshake (RFC 6455 section 4) as pure functions: the key and its
 *  accept value, the client's request and the check of the server's 101 response, and for a
 *  server the check of an upgrade request and its answers. No I/O. */

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../detail/base64.hpp"
#include "../detail/random.hpp"
#include "../detail/sha1.hpp"
#include "../http/error.hpp"
#include "../http/parser.hpp"
#include "error.hpp"

namespace socklite {
namespace ws {

/** A fresh `Sec-WebSocket-Key`: 16 bytes from the kernel's random source, in base64 (24
 *  characters). */
inline std::string generate_key();

/** The `Sec-WebSocket-Accept` value for @p key: base64 of the SHA-1 of the key followed by the
 *  GUID `258EAFA5-E914-47DA-95CA-C5AB0DC85B11` (RFC 6455 section 4.2.2).
 *  @par Example
 *  @code
 *  accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 *  @endcode */
inline std::string accept_key(std::string_view key);

/** Whether the comma-separated list @p list holds @p token, compared without case
 *  (`Connection: keep-alive, Upgrade` holds `upgrade`). No allocation. */
inline bool has_token(std::string_view list, std::string_view token) noexcept;

/** What a client puts in its opening handshake. */
struct ClientRequest {
    std::string host;                       ///< the `Host` value (`example.com:8080`)
    std::string target = "/";               ///< the request target (path and query)
    std::string key;                        ///< `Sec-WebSocket-Key` (from generate_key())
    std::vector<std::string> subprotocols;  ///< offered in `Sec-WebSocket-Protocol`, in order
    std::string origin;                     ///< `Origin`, when not empty
    std::vector<std::pair<std::string, std::string>> headers;  ///< more fields, as given
};

/** The opening handshake request for @p request: `GET target HTTP/1.1`, Host, `Upgrade:
 *  websocket`, `Connection: Upgrade`, the key, version 13, and the optional fields. No
 *  extension is offered (permessage-deflate stays off).
 *  @param request what to send
 *  @param ec http::errc::bad_field when a value holds CR, LF or NUL (nothing is returned then). */
inline std::string build_request(const ClientRequest& request, std::error_code& ec);

/** Checks the server's answer to a handshake sent with @p key and @p offered subprotocols: status
 *  101, `Upgrade: websocket`, `Connection` holding `upgrade`, the right `Sec-WebSocket-Accept`,
 *  no extension, and a subprotocol only if one of @p offered (then stored in @p selected).
 *  @return errc::bad_handshake, errc::bad_accept or errc::bad_subprotocol; empty when good. */
inline std::error_code check_response(const http::ResponseParser& response, std::string_view key,
                                      const std::vector<std::string>& offered,
                                      std::string& selected);

/** The parts of an upgrade request that a server checks (views into the parsed request). */
struct UpgradeRequest {
    std::string_view method;        ///< the request method
    int version = 11;               ///< the HTTP version: 10 or 11
    std::string_view upgrade;       ///< the `Upgrade` value
    std::string_view connection;    ///< the `Connection` value
    std::string_view key;           ///< the `Sec-WebSocket-Key` value
    std::string_view ws_version;    ///< the `Sec-WebSocket-Version` value
    std::string_view subprotocols;  ///< the `Sec-WebSocket-Protocol` value (a list), may be empty
    std::string_view origin;        ///< the `Origin` value, for the application's own check
    /** Whether `Sec-WebSocket-Key` or `Sec-WebSocket-Version` came more than once: each may
     *  appear once only (RFC 6455 sections 11.3.1 and 11.3.5), so such a request is refused. */
    bool repeated = false;
};

/** The upgrade fields of a parsed request (views into the parser's buffer). */
inline UpgradeRequest upgrade_request(const http::RequestParser& parser) noexcept;

/** The verdict on an upgrade request. */
struct UpgradeCheck {
    int status = 101;    ///< 101 to accept; 400, 405 or 426 to refuse with
    std::error_code ec;  ///< why it was refused (errc::bad_handshake or errc::bad_version)
    std::string accept;  ///< the `Sec-WebSocket-Accept` value when accepted
};

/** Checks an upgrade request (RFC 6455 section 4.2.1): method GET (else 405), HTTP/1.1 (else
 *  400), `Upgrade` holding `websocket` and `Connection` holding `upgrade` (else 400), no
 *  repeated key or version field (else 400), a key
 *  that is the base64 of 16 bytes (else 400), and `Sec-WebSocket-Version: 13` (else 426, to
 *  be answered with build_rejection(), which names version 13). */
inline UpgradeCheck check_request(const UpgradeRequest& request);

/** The first of @p supported (in the server's order of preference) that the client offered in
 *  @p offered (a `Sec-WebSocket-Protocol` list), or empty: then no subprotocol is selected. */
inline std::string select_subprotocol(std::string_view offered,
                                      const std::vector<std::string>& supported);

/** The 101 response accepting an upgrade: `Upgrade: websocket`, `Connection: Upgrade`, @p accept
 *  and, when not empty, @p subprotocol. */
inline std::string build_response(std::string_view accept, std::string_view subprotocol = {});

/** A response refusing an upgrade with @p status (from UpgradeCheck): 426 carries
 *  `Sec-WebSocket-Version: 13`, 405 `Allow: GET`, any other status is answered 400; every one has an empty body and closes. */
inline std::string build_rejection(int status);

// ---------------------------------------------------------------------------------------------

namespace detail {

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls f(token) for each element of a comma-separated list; stops when f returns true.
template <class F>
inline bool any_token(std::string_view list, F&& f) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        if (!item.empty() && f(item)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

inline bool safe_value(std::string_view v) noexcept {
    return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Whether @p key is base64 of exactly 16 bytes: 22 characters, "==", and the last character's
// low four bits zero (no stray bits).
inline bool valid_key(std::string_view key) noexcept {
    if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
    for (std::size_t i = 0; i < 22; ++i) {
        char c = key[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '/';
        if (!ok) return false;
    }
    char last = key[21];
    return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
}

}  // namespace detail

inline std::string generate_key() {
    std::string raw(16, '\0');
    socklite::detail::random_fill(&raw[0], raw.size());
    return socklite::detail::base64_encode(raw);
}

inline std::string accept_key(std::string_view key) {
    socklite::detail::Sha1 sha;
    sha.update(key);
    sha.update("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    auto digest = sha.digest();
    return socklite::detail::base64_encode(
        std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

inline bool has_token(std::string_view list, std::string_view token) noexcept {
    return detail::any_token(list, [&](std::string_view t) { return http::iequals(t, token); });
}

inline std::string build_request(const ClientRequest& request, std::error_code& ec) {
    ec.clear();
    bool ok = detail::safe_value(request.host) && detail::safe_value(request.key) &&
              detail::safe_value(request.origin) &&
              request.target.find_first_of(std::string_view(" \r\n\0", 4)) == std::string::npos;
    for (const auto& p : request.subprotocols) ok = ok && detail::safe_value(p);
    for (const auto& f : request.headers)
        ok = ok && detail::safe_value(f.first) && detail::safe_value(f.second) &&
             f.first.find(':') == std::string::npos && !f.first.empty();
    if (!ok) {
        ec = http::errc::bad_field;
        return {};
    }
    std::string out = "GET ";
    out += request.target.empty() ? std::string("/") : request.target;
    out += " HTTP/1.1\r\nHost: ";
    out += request.host;
    out += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    out += request.key;
    out += "\r\nSec-WebSocket-Version: 13\r\n";
    if (!request.subprotocols.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        for (std::size_t i = 0; i < request.subprotocols.size(); ++i) {
            if (i) out += ", ";
            out += request.subprotocols[i];
        }
        out += "\r\n";
    }
    if (!request.origin.empty()) {
        out += "Origin: ";
        out += request.origin;
        out += "\r\n";
    }
    for (const auto& f : request.headers) {
        out += f.first;
        out += ": ";
        out += f.second;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

inline std::error_code check_response(const http::ResponseParser& response, std::string_view key,
                                      const std::vector<std::string>& offered,
                                      std::string& selected) {
    selected.clear();
    if (response.status() != 101 || !has_token(response.header("Upgrade"), "websocket") ||
        !has_token(response.header("Connection"), "upgrade"))
        return errc::bad_handshake;
    // Section 4.1: an extension the client did not ask for fails the connection.
    if (response.has_header("Sec-WebSocket-Extensions")) return errc::bad_handshake;
    if (detail::trim(response.header("Sec-WebSocket-Accept")) != accept_key(key))
        return errc::bad_accept;
    if (response.has_header("Sec-WebSocket-Protocol")) {
        std::string_view p = detail::trim(response.header("Sec-WebSocket-Protocol"));
        bool found = false;
        for (const auto& o : offered) found = found || o == p;
        if (!found) return errc::bad_subprotocol;
        selected = std::string(p);
    }
    return {};
}

inline UpgradeRequest upgrade_request(const http::RequestParser& parser) noexcept {
    UpgradeRequest r;
    r.method = parser.method();
    r.version = parser.version();
    r.upgrade = parser.header("Upgrade");
    r.connection = parser.header("Connection");
    r.key = detail::trim(parser.header("Sec-WebSocket-Key"));
    r.ws_version = detail::trim(parser.header("Sec-WebSocket-Version"));
    r.subprotocols = parser.header("Sec-WebSocket-Protocol");
    r.origin = parser.header("Origin");
    std::size_t keys = 0, versions = 0;
    for (std::size_t i = 0; i < parser.field_count(); ++i) {
        keys += http::iequals(parser.field(i).name, "Sec-WebSocket-Key");
        versions += http::iequals(parser.field(i).name, "Sec-WebSocket-Version");
    }
    r.repeated = keys > 1 || versions > 1;
    return r;
}

inline UpgradeCheck check_request(const UpgradeRequest& request) {
    UpgradeCheck c;
    auto refuse = [&](int status, errc e) {
        c.status = status;
        c.ec = e;
        return c;
    };
    if (request.method != "GET") return refuse(405, errc::bad_handshake);
    if (request.version != 11) return refuse(400, errc::bad_handshake);
    if (!has_token(request.upgrade, "websocket") || !has_token(request.connection, "upgrade"))
        return refuse(400, errc::bad_handshake);
    if (request.repeated) return refuse(400, errc::bad_handshake);
    if (request.ws_version != "13") return refuse(426, errc::bad_version);
    if (!detail::valid_key(request.key)) return refuse(400, errc::bad_handshake);
    c.accept = accept_key(request.key);
    return c;
}

inline std::string select_subprotocol(std::string_view offered,
                                      const std::vector<std::string>& supported) {
    for (const auto& s : supported)
        if (detail::any_token(offered, [&](std::string_view t) { return t == s; })) return s;
    return {};
}

inline std::string build_response(std::string_view accept, std::string_view subprotocol) {
    std::string out =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: ";
    out += accept;
    out += "\r\n";
    if (!subprotocol.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        out += subprotocol;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

inline std::string build_rejection(int status) {
    std::string out = "HTTP/1.1 ";
    if (status == 426) {
        out += "426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n";
    } else if (status == 405) {
        out += "405 Method Not Allowed\r\nAllow: GET\r\n";
    } else {
        out += "400 Bad Request\r\n";
    }
    out += "Content-Length: 0\r\nConnection: close\r\n\r\n";
    return out;
}

}  // namespace ws
}  // namespace socklite

#endif  // SOCKLITE_WS_HANDSHAKE_HPP
