// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HPP
#define SOCKLITE_HPP

/** @file
 *  The umbrella header: includes every public socklite header (the TLS ones, socklite/tls.hpp,
 *  only when SOCKLITE_WITH_OPENSSL is defined to 1). */

#include "socklite/acceptor.hpp"
#include "socklite/address.hpp"
#include "socklite/config.hpp"
#include "socklite/connection.hpp"
#include "socklite/deadline.hpp"
#include "socklite/error.hpp"
#include "socklite/event_loop.hpp"
#include "socklite/http/chunked.hpp"
#include "socklite/http/client.hpp"
#include "socklite/http/client_options.hpp"
#include "socklite/http/content_coding.hpp"
#include "socklite/http/encoding.hpp"
#include "socklite/http/error.hpp"
#include "socklite/http/handler.hpp"
#include "socklite/http/message.hpp"
#include "socklite/http/parse_result.hpp"
#include "socklite/http/parser.hpp"
#include "socklite/http/redirect.hpp"
#include "socklite/http/router.hpp"
#include "socklite/http/serializer.hpp"
#include "socklite/http/server.hpp"
#include "socklite/http/static_files.hpp"
#include "socklite/http/upgrade.hpp"
#include "socklite/http/url.hpp"
#include "socklite/line_buffer.hpp"
#include "socklite/listener.hpp"
#include "socklite/socket.hpp"
#include "socklite/version.hpp"
#include "socklite/ws/client.hpp"
#include "socklite/ws/error.hpp"
#include "socklite/ws/frame.hpp"
#include "socklite/ws/handshake.hpp"
#include "socklite/ws/message.hpp"
#include "socklite/ws/server.hpp"
#include "socklite/ws/utf8.hpp"

#if defined(SOCKLITE_WITH_OPENSSL) && SOCKLITE_WITH_OPENSSL
#include "socklite/tls.hpp"
#endif

#endif  // SOCKLITE_HPP
