// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TLS_CONTEXT_HPP
#define SOCKLITE_TLS_CONTEXT_HPP

/** @file
 *  socklite::tls::Context: the TLS settings many connections share (an OpenSSL `SSL_CTX`):
 *  trust store and verification for clients, certificate and key for servers, ALPN. Needs
 *  OpenSSL (SOCKLITE_WITH_OPENSSL). */

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <openssl/ssl.h>

#include "../error.hpp"
#include "error.hpp"

namespace socklite {
namespace tls {

/** What a client context trusts and offers. */
struct ClientOptions {
    /** A PEM file of trusted CA certificates; with ca_dir also empty, the system store
     *  (`SSL_CTX_set_default_verify_paths`: `/etc/ssl/certs`, `SSL_CERT_FILE`, `SSL_CERT_DIR`). */
    std::string ca_file;
    /** A directory of trusted CA certificates in OpenSSL's hashed layout (`c_rehash`). */
    std::string ca_dir;
    /** Verify the server's chain against the trusted CAs and its name against the host
     *  connected to. Turning this off accepts any certificate, a man in the middle's too: for
     *  tests and a user's explicit `--insecure` only. */
    bool verify = true;
    /** A client certificate chain (PEM) to present when a server asks for one (optional). */
    std::string cert_file;
    /** The private key (PEM) of cert_file. */
    std::string key_file;
    /** Protocols offered by ALPN, most preferred first (empty: no ALPN). */
    std::vector<std::string> alpn = {"http/1.1"};
};

/** What a server context presents. */
struct ServerOptions {
    /** The certificate chain (PEM): the server's certificate first, then the intermediates
     *  (sending the chain matters: clients hold only the roots). */
    std::string cert_file;
    /** The private key (PEM) of the certificate; checked to match it. */
    std::string key_file;
    /** Protocols accepted by ALPN, most preferred first: the first one the client also
     *  offers is selected; a client offering none of them gets no ALPN answer. */
    std::vector<std::string> alpn = {"http/1.1"};
};

/** TLS settings shared by many connections: a reference-counted handle on an OpenSSL
 *  `SSL_CTX` (copies share it; it lives while a copy or a session made from it does).
 *
 *  Both kinds accept TLS 1.2 and 1.3 only. A client context verifies by default (chain and
 *  host name, the way browsers and curl do); a server context holds a certificate and key.
 *  Settings are fixed once made: to change a server's certificate, make a new Context and give
 *  it to new connections (the sessions already running keep theirs).
 *
 *  @par Example
 *  @code
 *  auto ctx = socklite::tls::Context::client();  // the system's trusted CAs
 *  auto sock = socklite::Socket::connect("example.com", 443, std::chrono::seconds(5));
 *  socklite::tls::connect(sock, ctx, "example.com");
 *  @endcode */
class Context {
public:
    /** An empty context (operator bool is false). */
    Context() noexcept = default;

    /** A client context. @throws Error naming the file that could not be loaded. */
    static Context client(const ClientOptions& options = {});
    /** As client(const ClientOptions&), reporting through @p ec (empty on failure). */
    static Context client(const ClientOptions& options, std::error_code& ec) noexcept;
    /** A server context. @throws Error naming the file that could not be loaded, or
     *  `key values mismatch` when the key does not belong to the certificate. */
    static Context server(const ServerOptions& options);
    /** As server(const ServerOptions&), reporting through @p ec (empty on failure). */
    static Context server(const ServerOptions& options, std::error_code& ec) noexcept;

    /** Whether this holds a context. */
    explicit operator bool() const noexcept { return state_ != nullptr; }
    /** Whether it is a server context. */
    bool is_server() const noexcept { return state_ && state_->server; }
    /** Whether a client context verifies its peers (ClientOptions::verify). */
    bool verifies() const noexcept { return state_ && state_->verify; }
    /** The OpenSSL context, for settings this class does not offer (change them before any
     *  connection uses it). */
    SSL_CTX* native_handle() const noexcept { return state_ ? state_->ctx : nullptr; }

private:
    struct State {
        SSL_CTX* ctx = nullptr;
        bool server = false;
        bool verify = false;
        std::string alpn;  // wire format: length-prefixed names
        State() = default;
        State(const State&) = delete;
        State& operator=(const State&) = delete;
        ~State() { SSL_CTX_free(ctx); }
    };

    // The read buffer of a session with read-ahead (released while idle: RELEASE_BUFFERS).
    static constexpr std::size_t read_buffer = 64 * 1024;

    static std::shared_ptr<State> make(bool server, const std::vector<std::string>& alpn,
                                       std::error_code& ec) noexcept;
    static bool load_pair(SSL_CTX* ctx, const std::string& cert, const std::string& key,
                          std::error_code& ec) noexcept;
    static int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen,
                           const unsigned char* in, unsigned int inlen, void* arg) noexcept;

    std::shared_ptr<State> state_;
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline std::shared_ptr<Context::State> Context::make(bool server,
                                                     const std::vector<std::string>& alpn,
                                                     std::error_code& ec) noexcept {
    try {
        auto state = std::make_shared<State>();
        ERR_clear_error();
        state->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
        if (!state->ctx) {
            ec = detail::take_openssl_error(std::make_error_code(std::errc::not_enough_memory));
            return nullptr;
        }
        state->server = server;
        for (const std::string& name : alpn) {
            if (name.empty() || name.size() > 255) {
                ec = std::make_error_code(std::errc::invalid_argument);
                return nullptr;
            }
            state->alpn += static_cast<char>(name.size());
            state->alpn += name;
        }
        SSL_CTX* ctx = state->ctx;
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        // Non-blocking use: a write retried after would-block may come from a moved buffer
        // (the same bytes), partial writes are reported, and idle connections give their
        // 34 KiB of record buffers back.
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                  SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
        // Read-ahead: each recv takes what the kernel holds (up to the read buffer), not a
        // record's 5-byte header and then its body. Session::buffered() accounts for the
        // records it leaves inside OpenSSL, where no readiness event shows them.
        SSL_CTX_set_read_ahead(ctx, 1);
        SSL_CTX_set_default_read_buffer_len(ctx, read_buffer);
        ec.clear();
        return state;
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return nullptr;
    }
}

inline bool Context::load_pair(SSL_CTX* ctx, const std::string& cert, const std::string& key,
                               std::error_code& ec) noexcept {
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ec = detail::take_openssl_error(std::make_error_code(std::errc::invalid_argument));
        return false;
    }
    return true;
}

inline int Context::select_alpn(SSL*, const unsigned char** out, unsigned char* outlen,
                                const unsigned char* in, unsigned int inlen, void* arg) noexcept {
    const std::string& ours = static_cast<State*>(arg)->alpn;
    // Ours in order of preference, the first the client offers too.
    for (std::size_t i = 0; i < ours.size(); i += 1 + static_cast<unsigned char>(ours[i])) {
        const unsigned char n = static_cast<unsigned char>(ours[i]);
        for (unsigned int j = 0; j < inlen; j += 1u + in[j]) {
            if (in[j] == n && j + 1u + n <= inlen &&
                ours.compare(i + 1, n, reinterpret_cast<const char*>(in + j + 1), n) == 0) {
                *out = in + j + 1;
                *outlen = n;
                return SSL_TLSEXT_ERR_OK;
            }
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

inline Context Context::client(const ClientOptions& options, std::error_code& ec) noexcept {
    Context c;
    std::shared_ptr<State> state = make(false, options.alpn, ec);
    if (!state) return c;
    SSL_CTX* ctx = state->ctx;
    state->verify = options.verify;
    if (options.verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        const bool own = !options.ca_file.empty() || !options.ca_dir.empty();
        const int ok = own ? SSL_CTX_load_verify_locations(
                                 ctx, options.ca_file.empty() ? nullptr : options.ca_file.c_str(),
                                 options.ca_dir.empty() ? nullptr : options.ca_dir.c_str())
                           : SSL_CTX_set_default_verify_paths(ctx);
        if (ok != 1) {
            ec = detail::take_openssl_error(std::make_error_code(std::errc::invalid_argument));
            return c;
        }
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (!options.cert_file.empty() && !load_pair(ctx, options.cert_file, options.key_file, ec))
        return c;
    if (!state->alpn.empty() &&
        SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(state->alpn.data()),
                                static_cast<unsigned int>(state->alpn.size())) != 0) {
        ec = detail::take_openssl_error(std::make_error_code(std::errc::not_enough_memory));
        return c;
    }
    c.state_ = std::move(state);
    return c;
}

inline Context Context::client(const ClientOptions& options) {
    std::error_code ec;
    Context c = client(options, ec);
    if (ec) {
        const std::string& file = !options.ca_file.empty() ? options.ca_file : options.ca_dir;
        socklite::detail::throw_error(ec, "load TLS trust store", file.empty() ? "(system)" : file);
    }
    return c;
}

inline Context Context::server(const ServerOptions& options, std::error_code& ec) noexcept {
    Context c;
    std::shared_ptr<State> state = make(true, options.alpn, ec);
    if (!state) return c;
    SSL_CTX* ctx = state->ctx;
    if (!load_pair(ctx, options.cert_file, options.key_file, ec)) return c;
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (!state->alpn.empty()) SSL_CTX_set_alpn_select_cb(ctx, &Context::select_alpn, state.get());
    c.state_ = std::move(state);
    return c;
}

inline Context Context::server(const ServerOptions& options) {
    std::error_code ec;
    Context c = server(options, ec);
    if (ec) socklite::detail::throw_error(ec, "load TLS certificate", options.cert_file);
    return c;
}

}  // namespace tls
}  // namespace socklite

#endif  // SOCKLITE_TLS_CONTEXT_HPP
