// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TLS_HPP
#define SOCKLITE_TLS_HPP

/** @file
 *  TLS over OpenSSL: tls::Context, tls::Session, tls::connect(), tls::accept(). Optional: it
 *  needs OpenSSL 1.1.1 or 3.x and is used by the rest of socklite only when
 *  `SOCKLITE_WITH_OPENSSL` is defined to 1 (linking the CMake target `socklite::openssl` or the
 *  Meson dependency `socklite_openssl_dep` does both). */

#include "tls/context.hpp"
#include "tls/error.hpp"
#include "tls/session.hpp"

#endif  // SOCKLITE_TLS_HPP
