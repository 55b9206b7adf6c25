// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_CLIENT_OPTIONS_HPP
#define SOCKLITE_HTTP_CLIENT_OPTIONS_HPP

/** @file
 *  socklite::HttpClientOptions: the limits and timeouts of an HttpClient. */

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "../deadline.hpp"
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
#include "../tls/context.hpp"
#endif

namespace socklite {

/** The limits and timeouts of an HttpClient. Timeouts follow the library's rule:
 *  socklite::no_timeout is no limit, zero or less has expired already. */
struct HttpClientOptions {
    /** Longest wait for a TCP connection to be established (resolution included), and then
     *  for the TLS handshake of an `https://` connection. */
    std::chrono::milliseconds connect_timeout{10000};
    /** Idle timeout: longest wait for the next byte of the response, or for the socket to
     *  accept more of the request (`std::errc::timed_out`). */
    std::chrono::milliseconds read_timeout{30000};
    /** Deadline for a whole request() call: connects, retries, redirects and bodies
     *  included (`std::errc::timed_out`); http::Request::timeout overrides it per request. */
    std::chrono::milliseconds deadline = no_timeout;
    /** Largest response body accepted, buffered or streamed (http::errc::body_too_large). */
    std::uint64_t max_body_size = 256u * 1024 * 1024;
    /** Largest response header section in bytes (http::errc::header_too_large). */
    std::size_t max_header_size = 64 * 1024;
    /** Most response header fields (http::errc::too_many_headers). */
    std::size_t max_header_count = 100;
    /** Most redirects followed per request; a longer chain is http::errc::too_many_redirects.
     *  Zero returns the 3xx response itself. */
    int max_redirects = 10;
    /** Keep connections open between requests (false sends `Connection: close`). */
    bool keep_alive = true;
    /** Most idle connections kept in the pool (all origins together). */
    std::size_t max_idle_connections = 8;
    /** When not empty, every connection goes to this Unix-domain socket (a path, or `@name`
     *  in the abstract namespace) instead of the URL's host and port, which still make the
     *  `Host` field: `http://localhost/v1.43/info` with `/var/run/docker.sock` asks Docker. */
    std::string unix_socket;
    /** Ask for gzip and deflate bodies and decode them as they stream; this needs
     *  `SOCKLITE_WITH_ZLIB` defined to 1 (link the `socklite::zlib` target) and does nothing
     *  without it. A request without its own `Accept-Encoding` field sends
     *  `Accept-Encoding: gzip, deflate`; a response whose `Content-Encoding` is `gzip`, `x-gzip`
     *  or `deflate` reaches http::Response::body and HttpClient::Handlers::on_body decoded, with
     *  max_body_size applied to the decoded size (http::errc::decoded_body_too_large, so a
     *  decompression bomb fails early with bounded memory), and http::Response::decoded set.
     *  Its `Content-Encoding` and `Content-Length` fields stay as received, and progress
     *  callbacks count the bytes received. Other codings (`br`, `zstd`, codings stacked) are
     *  passed through undecoded, as is every body when this is false (the default). */
    bool decompress = false;
#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
    /** The TLS context of `https://` connections (CA certificates, verification, client
     *  certificate: see tls::Context::client()). Empty, the default: the system's CA store with
     *  verification on, made at the first `https://` request. Only with SOCKLITE_WITH_OPENSSL.
     *  @par Example
     *  @code
     *  socklite::tls::ClientOptions t;
     *  t.ca_file = "my-ca.pem";  // trust this CA (instead of the system's store)
     *  socklite::HttpClient::Options o;
     *  o.tls = socklite::tls::Context::client(t);
     *  @endcode */
    tls::Context tls;
#endif
};

}  // namespace socklite

#endif  // SOCKLITE_HTTP_CLIENT_OPTIONS_HPP
