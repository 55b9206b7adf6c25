// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_ROUTER_HPP
#define SOCKLITE_HTTP_ROUTER_HPP

/** @file
 *  http::Router: the route table of HttpServer (method + path pattern to a route number). It
 *  decodes with encoding.hpp's percent_decode() and parse_query(). Pure: no I/O. */

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encoding.hpp"

namespace socklite {
namespace http {

/** Name/value pairs in order: route parameters or query parameters (decoded); the same type as
 *  http::Query, which the client encodes. */
using Params = Query;

/** The value of the first pair named @p name in @p params, or an empty view. */
inline std::string_view param_value(const Params& params, std::string_view name) noexcept {
    for (const auto& p : params)
        if (p.first == name) return p.second;
    return {};
}

/** A table of routes: an HTTP method and a path pattern, each given a number, matched against
 *  a request's method and path.
 *
 *  Patterns start with `/` and are compared segment by segment (between `/`):
 *  - a literal segment matches itself (after percent-decoding the request's segment);
 *  - `:name` matches any one non-empty segment, reported as the parameter `name` (decoded);
 *  - a last segment `*` makes a prefix route: it matches the rest of the path, zero or more
 *    segments, reported as the parameter `*` (still percent-encoded, without the leading `/`).
 *
 *  When several patterns match a path, the most specific wins, segment by segment from the left:
 *  a literal before a parameter before `*` (so `/users/me` wins over `/users/:id`, which wins
 *  over the prefix route `/users` + `*`); between equals, the first added. A path that matches some pattern but none
 *  with the request's method is "method not allowed", and allow() lists the methods that would
 *  do (with `HEAD` wherever `GET` is, and `OPTIONS`). A path that does not percent-decode is no
 *  match.
 *
 *  @par Example
 *  @code
 *  socklite::http::Router r;
 *  r.add("GET", "/users/:id");          // route 0
 *  r.add("GET", "/static/" "*");        // route 1, a prefix route
 *  auto m = r.match("GET", "/users/42");
 *  // m.outcome == Router::found, m.route == 0, param_value(m.params, "id") == "42"
 *  @endcode */
class Router {
public:
    /** How a match ended. */
    enum Outcome {
        found,               ///< a route matched method and path
        not_found,           ///< no pattern matches the path (404)
        method_not_allowed,  ///< patterns match the path, none for this method (405)
    };
    /** The outcome of match(). */
    struct Match {
        Outcome outcome = not_found;  ///< found, not_found or method_not_allowed
        std::size_t route = 0;        ///< the route number when found
        Params params;                ///< the named parameters (and `*`) when found
        /** Whether the route was found for `GET` on behalf of a `HEAD` request. */
        bool head_from_get = false;
    };

    /** Adds a route for @p method (case-sensitive, e.g. `GET`; `*` for any method, taken only
     *  where no route names the request's method for an equally specific pattern) and
     *  @p pattern (see the class notes); returns its number (0, 1, 2, ... in order). */
    std::size_t add(std::string_view method, std::string_view pattern);
    /** Matches @p method and @p path (the path of the request target, percent-encoded, without
     *  the query). A `HEAD` request takes a `GET` route when there is no `HEAD` one. */
    Match match(std::string_view method, std::string_view path) const;
    /** The methods allowed on @p path, comma-separated (`GET, HEAD, OPTIONS`), in the order of
     *  the routes; empty when no pattern matches the path. For `*` (the target of
     *  `OPTIONS *`): every method of the table. */
    std::string allow(std::string_view path) const;
    /** The number of routes. */
    std::size_t size() const noexcept { return routes_.size(); }

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // literal, ":name", or a final "*"
        bool prefix = false;
    };
    // A rank per segment (2 literal, 1 parameter, 0 prefix), compared left to right; false
    // when @p route does not match @p segs.
    static bool match_route(const Route& route, const std::vector<std::string>& segs,
                            std::string_view path, std::vector<int>* rank, Params* params);
    static bool split_path(std::string_view path, std::vector<std::string>& segs);
    static void add_method(std::string& list, std::string_view method);

    std::vector<Route> routes_;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline std::size_t Router::add(std::string_view method, std::string_view pattern) {
    Route r;
    r.method.assign(method.data(), method.size());
    std::size_t pos = pattern.empty() || pattern[0] != '/' ? 0 : 1;
    while (pos <= pattern.size() && !(pos == pattern.size() && pattern.size() <= 1)) {
        std::size_t slash = pattern.find('/', pos);
        std::string_view seg = pattern.substr(
            pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        if (seg == "*" && slash == std::string_view::npos) {
            r.prefix = true;
            break;
        }
        r.segments.emplace_back(seg);
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    routes_.push_back(std::move(r));
    return routes_.size() - 1;
}

inline bool Router::split_path(std::string_view path, std::vector<std::string>& segs) {
    segs.clear();
    if (path.empty() || path[0] != '/') return false;
    if (path.size() == 1) return true;  // "/" has no segment
    std::size_t pos = 1;
    for (;;) {
        std::size_t slash = path.find('/', pos);
        std::string_view seg = path.substr(
            pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        segs.emplace_back();
        if (!percent_decode(seg, segs.back())) return false;
        if (slash == std::string_view::npos) return true;
        pos = slash + 1;
    }
}

inline bool Router::match_route(const Route& route, const std::vector<std::string>& segs,
                                std::string_view path, std::vector<int>* rank, Params* params) {
    const std::size_t n = route.segments.size();
    if (route.prefix ? segs.size() < n : segs.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& p = route.segments[i];
        bool named = p.size() > 1 && p[0] == ':';
        if (named ? segs[i].empty() : p != segs[i]) return false;
        if (rank) rank->push_back(named ? 1 : 2);
        if (params && named) params->emplace_back(p.substr(1), segs[i]);
    }
    if (route.prefix) {
        if (rank) rank->push_back(0);
        if (params) {
            // The rest of the raw path after the n matched segments.
            std::size_t pos = 1;
            for (std::size_t i = 0; i < n && pos <= path.size(); ++i) {
                std::size_t slash = path.find('/', pos);
                pos = slash == std::string_view::npos ? path.size() : slash + 1;
            }
            std::string_view rest = pos < path.size() ? path.substr(pos) : std::string_view();
            params->emplace_back("*", std::string(rest));
        }
    }
    return true;
}

inline Router::Match Router::match(std::string_view method, std::string_view path) const {
    Match m;
    std::vector<std::string> segs;
    if (!split_path(path, segs)) return m;
    std::vector<int> best_rank, rank;
    bool any_path = false;
    const bool head = method == "HEAD";
    for (int pass = 0; pass < (head ? 2 : 1) && m.outcome != found; ++pass) {
        // A HEAD request looks for HEAD routes first, then for GET ones.
        std::string_view want = pass == 0 ? method : std::string_view("GET");
        std::size_t best = routes_.size();
        for (std::size_t i = 0; i < routes_.size(); ++i) {
            rank.clear();
            if (!match_route(routes_[i], segs, path, &rank, nullptr)) continue;
            any_path = true;
            const bool any = routes_[i].method == "*";
            if (routes_[i].method != want && !any) continue;
            rank.push_back(any ? 0 : 1);  // between equal paths, the route naming the method
            if (best == routes_.size() || rank > best_rank) {
                best = i;
                best_rank = rank;
            }
        }
        if (best != routes_.size()) {
            m.outcome = found;
            m.route = best;
            m.head_from_get = pass == 1;
            match_route(routes_[best], segs, path, nullptr, &m.params);
        }
    }
    if (m.outcome != found && any_path) m.outcome = method_not_allowed;
    return m;
}

inline void Router::add_method(std::string& list, std::string_view method) {
    std::size_t pos = 0;
    while (pos < list.size()) {
        std::size_t comma = list.find(", ", pos);
        std::size_t end = comma == std::string::npos ? list.size() : comma;
        if (std::string_view(list).substr(pos, end - pos) == method) return;
        pos = end + 2;
    }
    if (!list.empty()) list += ", ";
    list.append(method.data(), method.size());
}

inline std::string Router::allow(std::string_view path) const {
    std::string list;
    std::vector<std::string> segs;
    const bool everything = path == "*";
    if (!everything && !split_path(path, segs)) return list;
    bool any = false;
    for (const Route& r : routes_) {
        if (!everything && !match_route(r, segs, path, nullptr, nullptr)) continue;
        any = true;
        if (r.method == "*") continue;  // (a path with such a route has no 405)
        add_method(list, r.method);
        if (r.method == "GET") add_method(list, "HEAD");
    }
    if (any) add_method(list, "OPTIONS");
    return list;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_ROUTER_HPP
