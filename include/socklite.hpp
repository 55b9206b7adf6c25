// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HPP
#define SOCKLITE_HPP

/** @file
 *  The umbrella header: includes every public socklite header. */

#include "socklite/address.hpp"
#include "socklite/error.hpp"
#include "socklite/line_buffer.hpp"
#include "socklite/listener.hpp"
#include "socklite/socket.hpp"
#include "socklite/version.hpp"

#endif  // SOCKLITE_HPP
