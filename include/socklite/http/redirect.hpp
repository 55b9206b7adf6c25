// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_REDIRECT_HPP
#define SOCKLITE_HTTP_REDIRECT_HPP

/** @file
 *  The redirect rule of the HTTP client as a pure function: http::next_hop(). No I/O. */

#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "error.hpp"
#include "message.hpp"
#include "url.hpp"

namespace socklite {
namespace http {

/** Whether @p status is a redirect that a client follows: 301, 302, 303, 307 or 308. */
inline bool is_redirect(int status) noexcept {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/** Where a redirect leads: the next URL and the request to send there. */
struct Hop {
    Url url;          ///< the resolved `Location`
    Request request;  ///< the request for it: target set, method and fields adjusted
};

/** The request that follows a response, or none when the response ends the exchange.
 *
 *  The rule (RFC 9110 section 15.4): a response with one of the redirect statuses
 *  (is_redirect()) and a `Location` is followed; `Location` may be relative and is resolved
 *  against @p url (RFC 3986 section 5). 303 makes every method but HEAD a GET without body;
 *  301 and 302 do so for POST only (what browsers do, and the RFC permits); 307 and 308 keep
 *  method and body. A body given as a BodySource cannot be sent twice, so a redirect that keeps
 *  the body is not followed for it. When the origin changes, `Authorization` and `Cookie` are
 *  dropped: credentials meant for one server are not handed to another. No I/O.
 *  @param request the request that was sent to @p url
 *  @param status the response's status code
 *  @param location the response's `Location` value (empty when it had none)
 *  @param url the URL @p request was sent to
 *  @param ec http::errc::bad_redirect when @p location is not a usable URL (nothing returned)
 *  @return the next hop, or std::nullopt (also on error)
 *
 *  @par Example
 *  @code
 *  std::error_code ec;
 *  auto hop = socklite::http::next_hop(req, 303, "/done", url, ec);
 *  // hop->request.method == "GET", hop->url.str() == "http://host/done"
 *  @endcode */
inline std::optional<Hop> next_hop(const Request& request, int status, std::string_view location,
                                   const Url& url, std::error_code& ec) {
    ec.clear();
    if (!is_redirect(status) || location.empty()) return std::nullopt;
    const bool to_get = status == 303
                            ? request.method != "HEAD"
                            : (status == 301 || status == 302) && request.method == "POST";
    if (!to_get && request.body_source.read) return std::nullopt;  // it cannot be read again
    Url next = url.resolve(location, ec);
    if (ec) {
        ec = errc::bad_redirect;
        return std::nullopt;
    }
    Hop hop{std::move(next), request};
    Request& r = hop.request;
    r.target = hop.url.target();
    if (to_get) {
        r.method = "GET";
        r.body.clear();
        r.body_source = BodySource();
        r.headers.erase("Content-Type");
        r.headers.erase("Content-Length");
        r.headers.erase("Transfer-Encoding");
    }
    if (hop.url.origin() != url.origin()) {
        r.headers.erase("Authorization");
        r.headers.erase("Cookie");
    }
    return hop;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_REDIRECT_HPP
