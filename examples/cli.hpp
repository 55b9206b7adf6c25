// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_EXAMPLES_CLI_HPP
#define SOCKLITE_EXAMPLES_CLI_HPP

// The small command-line helper shared by the example programs (not part of the library):
// `--help`, `--host H`, `--port P`, positional arguments, and the one error format every
// program uses, `PROGRAM: what failed: why` on stderr with exit status 1.

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace cli {

/** What the command line asked for. */
struct Args {
    std::string host;               ///< --host
    std::uint16_t port = 0;         ///< --port
    std::vector<std::string> rest;  ///< positional arguments, in order
};

/** `host:port` for messages, with brackets around an IPv6 address: `[::1]:8000`. */
inline std::string host_port(const Args& args) {
    bool v6 = args.host.find(':') != std::string::npos;
    return (v6 ? "[" + args.host + "]" : args.host) + ":" + std::to_string(args.port);
}

/** The running program's name, for messages (set by run()). */
inline const char* program = "example";

/** Prints `PROGRAM: message` on stderr and exits with status 1. */
[[noreturn]] inline void fail(const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", program, message.c_str());
    std::exit(1);
}

/** Prints `text` on stderr as one line (progress notes such as `listening on ...`). */
inline void note(const std::string& text) {
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

/** Prints @p text and a newline on stdout, flushed at once so a reader sees every line as it
 *  comes. @throws std::system_error when stdout is gone (a closed pipe is EPIPE, see run()). */
inline void print_line(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        throw std::system_error(errno, std::system_category(), "write stdout");
    }
}

/** @p text, from a peer, made safe to print on a terminal: a control character could move the
 *  cursor, clear the screen, retitle the window or forge a line that seems to come from someone
 *  else (`\r[2] ...`). Those of C0 (but tab) and DEL are shown in caret notation as `cat -v`
 *  does (ESC as `^[`, a lone CR as `^M`), the C1 controls encoded in UTF-8 (U+0080 to U+009F,
 *  which some terminals obey) as `\u0080`; everything else, other UTF-8 text included, is
 *  kept as it is. */
inline std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            out += '^';
            out += static_cast<char>(c ^ 0x40);  // 0x1b -> '[', 0x7f -> '?'
        } else if (c == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            static constexpr char hex[] = "0123456789abcdef";
            const unsigned char c1 = static_cast<unsigned char>(text[++i]);
            out += "\\u00";
            out += hex[c1 >> 4];
            out += hex[c1 & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

/** Parses argv: `--help` prints @p usage and exits 0; `--host H`, `--port P` (also `--host=H`)
 *  override @p defaults; up to @p max_rest positional arguments (after `--`, anything is one).
 *  Anything else is a one-line error and exit 1. */
inline Args parse(int argc, char** argv, const char* usage, Args defaults, std::size_t max_rest) {
    Args args = std::move(defaults);
    auto bad = [](const std::string& why) { fail("bad arguments: " + why + " (see --help)"); };
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            if (args.rest.size() == max_rest) bad("unexpected argument '" + arg + "'");
            args.rest.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            std::exit(std::fflush(stdout) == 0 ? 0 : 1);
        }
        // "--name value" or "--name=value".
        std::string name = arg, value;
        std::size_t eq = arg.find('=');
        if (eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        } else if (arg == "--host" || arg == "--port") {
            if (i + 1 == argc) bad(arg + " needs a value");
            value = argv[++i];
        }
        if (name == "--host") {
            if (value.empty()) bad("--host needs a value");
            args.host = value;
        } else if (name == "--port") {
            // Digits only, at most 65535 (0 asks the system for a free port).
            bool ok = !value.empty() && value.size() <= 5 &&
                      value.find_first_not_of("0123456789") == std::string::npos &&
                      std::stoul(value) <= 65535;
            if (!ok) bad("--port needs a number from 0 to 65535, not '" + value + "'");
            args.port = static_cast<std::uint16_t>(std::stoul(value));
        } else {
            bad("unknown option '" + arg + "'");
        }
    }
    return args;
}

/** Runs @p body as the program @p name: any exception becomes the one-line error and exit 1.
 *  socklite errors already read `what failed: why`, e.g.
 *  `hello_client: connect 127.0.0.1:8000: Connection refused`. */
template <class Body>
int run(const char* name, Body&& body) {
    program = name;
    // socklite never raises SIGPIPE on sockets; this makes a closed stdout an EPIPE error
    // (reported and exit 1) instead of a silent death by signal.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return body();
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

}  // namespace cli

#endif  // SOCKLITE_EXAMPLES_CLI_HPP
