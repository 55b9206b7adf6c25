// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_CLIENT_TLS_HPP
#define SOCKLITE_HTTP_DETAIL_CLIENT_TLS_HPP

// Private to HttpClient: `https://` connections (a TLS session on a pooled connection) and the
// last session ticket per origin, so that a new connection to the same origin resumes the
// session (an abbreviated handshake). Empty unless SOCKLITE_WITH_OPENSSL is 1.

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "../../deadline.hpp"
#include "../../socket.hpp"
#include "../../tls/context.hpp"
#include "../../tls/session.hpp"
#include "pool.hpp"

namespace socklite {
namespace http {
namespace detail {

/** The TLS side of one HttpClient: its context and the tickets kept for resumption. */
class ClientTls {
public:
    /** Uses @p context; an empty one is replaced at the first connection by a client context on
     *  the system's CA store with verification on. */
    explicit ClientTls(const tls::Context& context) : context_(context) {}

    /** Runs the TLS handshake on the freshly connected @p c for @p route (SNI, certificate and
     *  host name checks per the context), offering the origin's last ticket. */
    bool secure(PooledConnection& c, const Route& route, const Deadline& deadline,
                std::error_code& ec);
    /** Keeps the session ticket of @p c (TLS 1.3 sends it after the handshake: call this once
     *  a response has been read) for the next connection to its origin. */
    void remember(const PooledConnection& c);
    /** The number of connections whose handshake resumed a session. */
    std::uint64_t resumed() const noexcept { return resumed_; }

private:
    static constexpr std::size_t max_tickets = 32;  // origins remembered, the oldest forgotten

    const tls::Ticket* ticket(const std::string& key) const noexcept {
        for (const auto& t : tickets_)
            if (t.first == key) return &t.second;
        return nullptr;
    }

    tls::Context context_;
    std::vector<std::pair<std::string, tls::Ticket>> tickets_;  // origin, last ticket
    std::uint64_t resumed_ = 0;
};

// A close without close_notify: the body that the close delimits may have been cut short.
inline bool truncated_tls(const Socket& s) noexcept {
    const tls::Session* session = tls::session(s);
    return session != nullptr && session->unclean_eof();
}

inline bool ClientTls::secure(PooledConnection& c, const Route& route, const Deadline& deadline,
                              std::error_code& ec) {
    if (!context_) {
        context_ = tls::Context::client(tls::ClientOptions(), ec);
        if (ec) return false;
    }
    const tls::Ticket* last = ticket(route.key);
    tls::connect(c.socket, context_, route.url.host(), deadline, last ? *last : tls::Ticket(), ec);
    if (ec) return false;
    c.truncated = &truncated_tls;
    const tls::Session* session = tls::session(c.socket);
    if (session != nullptr && session->resumed()) ++resumed_;
    return true;
}

inline void ClientTls::remember(const PooledConnection& c) {
    const tls::Session* session = tls::session(c.socket);
    if (session == nullptr) return;
    tls::Ticket t = session->ticket();
    if (!t) return;
    for (auto& kept : tickets_) {
        if (kept.first == c.key) {
            kept.second = std::move(t);
            return;
        }
    }
    if (tickets_.size() >= max_tickets) tickets_.erase(tickets_.begin());
    tickets_.emplace_back(c.key, std::move(t));
}

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_WITH_OPENSSL

#endif  // SOCKLITE_HTTP_DETAIL_CLIENT_TLS_HPP
