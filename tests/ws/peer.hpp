// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Starts tests/ws/echo_server.py (Python's websockets) as a child process and waits, bounded,
// for its `listening on` line.
#ifndef SOCKLITE_TESTS_WS_PEER_HPP
#define SOCKLITE_TESTS_WS_PEER_HPP

#include <cstdint>
#include <memory>
#include <string>

#include <unistd.h>

#include "examples/child_process.hpp"

namespace ws_test {

/** The directory of this file's sources (absolute under CMake; relative to the build directory
 *  under Meson, which runs tests there). */
inline std::string source_dir() {
    std::string file = __FILE__;
    return file.substr(0, file.rfind('/'));
}

/** Whether Python 3 with websockets is there to be the peer. */
inline bool have_python_websockets() {
    return ::access("/usr/bin/python3", X_OK) == 0 &&
           ::access("/usr/lib/python3/dist-packages/websockets", F_OK) == 0;
}

/** A running Python websockets server; stops when destroyed (stdin closed, then killed). */
class PythonPeer {
public:
    PythonPeer()
        : child_(std::make_unique<examples_test::Child>(
              "/usr/bin/python3", std::vector<std::string>{source_dir() + "/echo_server.py"})),
          port_(child_->listening_port()) {}
    ~PythonPeer() {
        child_->close_stdin();
        child_->wait_exit(std::chrono::seconds(10));
    }
    /** The port it listens on (0 when it failed to start). */
    std::uint16_t port() const { return port_; }
    /** `ws://127.0.0.1:PORT` followed by @p path. */
    std::string url(const std::string& path) const {
        return "ws://127.0.0.1:" + std::to_string(port_) + path;
    }
    /** What it wrote on stderr. */
    const std::string& err() const { return child_->err(); }

private:
    std::unique_ptr<examples_test::Child> child_;
    std::uint16_t port_;
};

}  // namespace ws_test

#endif  // SOCKLITE_TESTS_WS_PEER_HPP
