// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_CONFIG_HPP
#define SOCKLITE_CONFIG_HPP

/** @file
 *  How socklite is built into a program: header-only (the default), or with HttpServer,
 *  HttpClient and the handler types compiled once in a library (separate compilation).
 *
 *  **Header-only** (nothing to define): every function is an inline function of the headers,
 *  compiled in each translation unit that uses it. Nothing to build or link but the headers.
 *
 *  **Separate compilation**: define SOCKLITE_SEPARATE_COMPILATION in every translation unit
 *  (linking CMake's `socklite::compiled`, Meson's `socklite_compiled_dep` or pkg-config's
 *  `socklite-compiled` does it) and link the library built from `src/socklite.cpp`. Then
 *  `socklite/http/server.hpp` and `socklite/http/client.hpp` declare HttpServer and HttpClient
 *  only: the server's connections, parser, router and static files, and the client's pool,
 *  parser and redirects, are compiled in the library, once, not in every program that uses
 *  them (a hello-world server compiles about five times faster at `-O0`; see
 *  docs/benchmarks.md). The rest of the library (Socket, Listener, EventLoop, Connection,
 *  WebSocket) stays header-only either way, and the headers include only what their
 *  declarations need (to use the Address that HttpServer::local_address() returns, include
 *  socklite/address.hpp). The library is built without OpenSSL and zlib: HTTPS and gzip need
 *  the header-only mode. */

#if defined(SOCKLITE_DOXYGEN)
/** Define (to anything, in every translation unit) to use socklite's compiled library rather
 *  than header-only HttpServer and HttpClient (see socklite/config.hpp). */
#define SOCKLITE_SEPARATE_COMPILATION
#endif

/// @cond INTERNAL
// SOCKLITE_SOURCE is defined by src/socklite.cpp alone, the one file that compiles the
// definitions the headers only declare under SOCKLITE_SEPARATE_COMPILATION.
#if defined(SOCKLITE_SEPARATE_COMPILATION)
#define SOCKLITE_DECL
#if defined(SOCKLITE_SOURCE)
#define SOCKLITE_WITH_DEFINITIONS 1
#else
#define SOCKLITE_WITH_DEFINITIONS 0
#endif
#if (defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL) || \
    (defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB)
#error \
    "socklite's compiled library is built without OpenSSL and zlib: for HTTPS or gzip, use socklite header-only (do not define SOCKLITE_SEPARATE_COMPILATION)"
#endif
#else
#define SOCKLITE_DECL inline
#define SOCKLITE_WITH_DEFINITIONS 1
#endif
/// @endcond

#endif  // SOCKLITE_CONFIG_HPP
