// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// The RFC 6455 conformance suite (tests/ws/conformance/conformance.py, a raw Python client)
// against examples/http_server's echo endpoint GET /ws/echo. Fails on any failing case; the
// suite's report (failures and the summary) is in the test output.
#include <doctest/doctest.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "examples/child_process.hpp"
#include "support/example_path.hpp"
#include "ws/peer.hpp"

using examples_test::Child;

namespace {

namespace fs = std::filesystem;

}  // namespace

TEST_CASE("http_server GET /ws/echo passes the RFC 6455 conformance suite") {
    if (::access("/usr/bin/python3", X_OK) != 0) {
        MESSAGE("no /usr/bin/python3: conformance suite skipped");
        return;
    }
    std::string server_path = socklite_test::example_path("http_server");
    REQUIRE_MESSAGE(!server_path.empty(), "examples/http_server not found");
    Child server(server_path, {"--port", "0", "--threads", "2"});
    std::uint16_t port = server.listening_port();
    REQUIRE_MESSAGE(port != 0, "http_server did not start: " << server.err());

    // Every case is bounded by the suite (10 s each); the whole run takes seconds when the
    // server is right. 240 s stays under the CTest timeout of 300 s.
    Child suite("/usr/bin/python3",
                {ws_test::source_dir() + "/conformance/conformance.py", "--quiet",
                 "ws://127.0.0.1:" + std::to_string(port) + "/ws/echo"});
    bool done = Child::pump_until({&server, &suite}, std::chrono::seconds(240),
                                  [&] { return suite.exited() && suite.output_done(); });
    MESSAGE("conformance suite output:\n" << suite.out() << suite.err());
    CHECK_MESSAGE(done, "the suite did not finish within 240 s");
    CHECK_MESSAGE(suite.exit_code() == 0,
                  "failing cases above (exit code " << suite.exit_code() << ")");
    CHECK_MESSAGE(!server.exited(), "http_server died during the suite: " << server.err());
}
