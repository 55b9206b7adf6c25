// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TLS_ERROR_HPP
#define SOCKLITE_TLS_ERROR_HPP

/** @file
 *  The error categories of socklite::tls: certificate verification results and OpenSSL's own
 *  errors, each with a message that names the reason. Needs OpenSSL (SOCKLITE_WITH_OPENSSL). */

#include <string>
#include <system_error>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace socklite {
/** TLS over OpenSSL (optional: define SOCKLITE_WITH_OPENSSL to 1, or link socklite::openssl). */
namespace tls {

/** socklite's own TLS conditions (values below any OpenSSL error code). */
enum class errc {
    handshake_incomplete = 1,  ///< the peer closed the connection during the handshake
    no_session,                ///< the socket has no TLS session (tls::handshake() on a plain one)
};

/** The category of certificate verification failures: the values are OpenSSL's
 *  `X509_V_ERR_*` codes, the messages `certificate verify failed: <reason>` (e.g. `certificate
 *  has expired`), and `host name mismatch` for a certificate that names another host. */
const std::error_category& verify_category() noexcept;
/** The category of other TLS failures: the values are OpenSSL error codes (library and
 *  reason) and socklite::tls::errc, the messages OpenSSL's reasons (e.g. `wrong version
 *  number`, `http request` for plain HTTP sent to a TLS port). */
const std::error_category& error_category() noexcept;

/** Makes an error_code of tls::error_category(). */
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

namespace detail {

class VerifyCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite.tls.verify"; }
    std::string message(int value) const override {
        if (value == X509_V_ERR_HOSTNAME_MISMATCH) return "host name mismatch";
        if (value == X509_V_ERR_IP_ADDRESS_MISMATCH) return "host name mismatch (IP address)";
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(value);
    }
};

class ErrorCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "socklite.tls"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::handshake_incomplete: return "connection closed during the TLS handshake";
            case errc::no_session: return "not a TLS connection";
        }
        const char* reason = ERR_reason_error_string(static_cast<unsigned long>(value));
        if (reason) return reason;
        char text[256];
        ERR_error_string_n(static_cast<unsigned long>(value), text, sizeof text);
        return text;
    }
};

// The error at the end of OpenSSL's queue as an error_code (the queue is cleared), or
// `fallback` when the queue is empty.
inline std::error_code take_openssl_error(std::error_code fallback) noexcept {
    unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (e == 0) return fallback;
    // lib << 23 | reason: fits an int for every library OpenSSL defines.
    return {static_cast<int>(e & 0x7fffffffUL), error_category()};
}

}  // namespace detail

inline const std::error_category& verify_category() noexcept {
    static const detail::VerifyCategory category;
    return category;
}

inline const std::error_category& error_category() noexcept {
    static const detail::ErrorCategory category;
    return category;
}

}  // namespace tls
}  // namespace socklite

namespace std {
/** Lets socklite::tls::errc values compare with and convert to std::error_code. */
template <>
struct is_error_code_enum<socklite::tls::errc> : true_type {};
}  // namespace std

#endif  // SOCKLITE_TLS_ERROR_HPP
