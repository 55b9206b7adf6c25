// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// End-to-end tests of the scenario 1 and 2 example programs: each program runs as a child
// process (see child_process.hpp) against another example or against a peer played by the
// test with socklite itself, on loopback with ephemeral ports.

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <socklite/listener.hpp>
#include <socklite/socket.hpp>

#include "child_process.hpp"
#include "support/example_path.hpp"

using examples_test::Child;
using examples_test::patience;

namespace {

std::unique_ptr<Child> start(const char* name, const std::vector<std::string>& args) {
    return std::make_unique<Child>(socklite_test::example_path(name), args);
}

// Declared first in a test, checked last: no descriptor left open and no child left over.
struct LeakCheck {
    int fds = examples_test::fd_count();
    ~LeakCheck() {
        CHECK(examples_test::fd_count() == fds);
        CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);  // ECHILD: no child, not even a zombie
    }
};

// "prefix 0\nprefix 1\n...": numbered lines, so a lost, doubled or reordered one shows.
std::string numbered_lines(const std::string& prefix, int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += prefix + " " + std::to_string(i) + "\n";
    return text;
}

std::string last_line(const std::string& text) {
    if (text.empty()) return text;
    auto start = text.rfind('\n', text.size() - 2);
    return text.substr(start == std::string::npos ? 0 : start + 1);
}

bool one_line(const std::string& text) {
    return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

socklite::Socket connect_to(std::uint16_t port) {
    auto sock = socklite::Socket::connect("127.0.0.1", port, patience);
    sock.read_timeout(patience);
    sock.write_timeout(patience);
    return sock;
}

// Reads until the peer closes (each recv bounded by the socket's read timeout).
std::string recv_to_end(socklite::Socket& sock) {
    std::string all;
    for (int i = 0; i < 100000; ++i) {
        std::string part = sock.recv(65536);
        if (part.empty()) break;
        all += part;
    }
    return all;
}

std::string recv_bytes(socklite::Socket& sock, std::size_t n) {
    std::string data(n, '\0');
    sock.recv_exact(data.data(), n);
    return data;
}

// A test-side listener on an ephemeral loopback port.
socklite::Listener listen_here() { return socklite::Listener::bind("127.0.0.1", 0); }

// Closes @p sock with a reset (RST) instead of the usual FIN.
void reset(socklite::Socket& sock) {
    linger l{1, 0};
    ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    sock.close();
}

// Holds a loopback port that nobody listens on: bound (without SO_REUSEADDR) but not
// listening, so a connection to it is refused and no other test can take the port meanwhile.
struct ClosedPort {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    std::uint16_t port = 0;
    ClosedPort() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        REQUIRE(fd >= 0);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port = ntohs(a.sin_port);
    }
    ~ClosedPort() { ::close(fd); }
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
};

// How many sockets process @p pid has open (read from /proc/PID/fd).
int sockets_of(pid_t pid) {
    std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    int n = 0;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            char target[256];
            ssize_t len = ::readlink((dir + "/" + e->d_name).c_str(), target, sizeof target - 1);
            if (len <= 0) continue;
            if (std::string(target, static_cast<std::size_t>(len)).rfind("socket:", 0) == 0) ++n;
        }
        ::closedir(d);
    }
    return n;
}

bool wait_for(Child& c, const char* text) {
    return Child::pump_until({&c}, patience,
                             [&] { return c.err().find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("examples: --help prints the usage on stdout and exits 0") {
    LeakCheck leaks;
    for (const char* name : {"hello_server", "hello_client", "chat_server", "chat_client"}) {
        CAPTURE(name);
        for (const char* flag : {"--help", "-h"}) {
            auto p = start(name, {flag});
            REQUIRE(p->wait_exit());
            CHECK(p->exit_code() == 0);
            CHECK(p->out().rfind(std::string("usage: ") + name + " [--host H] [--port P]", 0) == 0);
            CHECK(p->err().empty());
        }
    }
}

TEST_CASE("examples: bad arguments are one line on stderr and exit 1") {
    LeakCheck leaks;
    struct Case {
        const char* program;
        std::vector<std::string> args;
        const char* message;
    };
    const Case cases[] = {
        {"hello_server", {"--port", "abc"}, "--port needs a number from 0 to 65535, not 'abc'"},
        {"hello_server", {"--port", "65536"}, "--port needs a number from 0 to 65535, not '65536'"},
        {"hello_server", {"--port=-1"}, "--port needs a number from 0 to 65535, not '-1'"},
        {"hello_server", {"--port", "123456789012"}, "--port needs a number"},
        {"hello_server", {"--port"}, "--port needs a value"},
        {"hello_server", {"extra"}, "unexpected argument 'extra'"},
        {"hello_client", {"one", "two"}, "unexpected argument 'two'"},
        {"hello_client", {"--host"}, "--host needs a value"},
        {"hello_client", {"--host="}, "--host needs a value"},
        {"chat_server", {"-x"}, "unknown option '-x'"},
        {"chat_client", {"--bogus", "1"}, "unknown option '--bogus'"},
        {"chat_client", {"message"}, "unexpected argument 'message'"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.program);
        CAPTURE(c.message);
        auto p = start(c.program, c.args);
        REQUIRE(p->wait_exit());
        CHECK(p->exit_code() == 1);
        CHECK(p->out().empty());
        CHECK(one_line(p->err()));
        std::string prefix = std::string(c.program) + ": bad arguments: " + c.message;
        CHECK(p->err().rfind(prefix, 0) == 0);
        CHECK(p->err().find("(see --help)\n") != std::string::npos);
    }
}

TEST_CASE("hello_server: prints what one client sent, replies hello, exits 0") {
    LeakCheck leaks;
    auto server = start("hello_server", {"--host", "127.0.0.1", "--port", "0"});
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    CHECK(server->err().rfind("listening on 127.0.0.1:" + std::to_string(port) + "\n", 0) == 0);
    {
        auto sock = connect_to(port);
        sock.send_all("allen");
        CHECK(recv_to_end(sock) == "hello");  // then the server hangs up
    }
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 0);
    CHECK(server->out() == "allen\n");
    CHECK(server->err().find("connection from 127.0.0.1:") != std::string::npos);
}

TEST_CASE("hello_client: sends its message, prints the reply, exits 0") {
    LeakCheck leaks;
    auto listener = listen_here();
    std::string port = std::to_string(listener.local_address().port());
    for (const std::string message : {"", "hi there", "\xe4\xbd\xa0\xe5\xa5\xbd allen"}) {
        CAPTURE(message);
        std::vector<std::string> args{"--port", port};
        if (!message.empty()) args.push_back(message);
        auto client = start("hello_client", args);
        std::string expected = message.empty() ? "allen" : message;  // the default
        {
            auto [sock, addr] = listener.accept(patience);
            sock.read_timeout(patience);
            CHECK(recv_bytes(sock, expected.size()) == expected);
            sock.send_all("hello");
        }
        REQUIRE(client->wait_exit());
        CHECK(client->exit_code() == 0);
        CHECK(client->out() == "hello\n");
        CHECK(client->err().empty());
    }
}

TEST_CASE("hello_server and hello_client talk to each other (scenario 1)") {
    LeakCheck leaks;
    auto server = start("hello_server", {"--port", "0"});  // default host 0.0.0.0
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    CHECK(server->err().rfind("listening on 0.0.0.0:", 0) == 0);
    auto client = start("hello_client", {"--port", std::to_string(port)});
    REQUIRE(client->wait_exit());
    REQUIRE(server->wait_exit());
    CHECK(client->exit_code() == 0);
    CHECK(server->exit_code() == 0);
    CHECK(client->out() == "hello\n");
    CHECK(server->out() == "allen\n");
}

TEST_CASE("hello_server and hello_client over IPv6") {
    LeakCheck leaks;
    std::error_code ec;
    socklite::Listener::bind("::1", 0, {}, ec);
    if (ec) {
        MESSAGE("no IPv6 loopback here: skipped (" << ec.message() << ")");
        return;
    }
    auto server = start("hello_server", {"--host", "::1", "--port", "0"});
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    CHECK(server->err().rfind("listening on [::1]:" + std::to_string(port) + "\n", 0) == 0);
    auto client = start("hello_client", {"--host", "::1", "--port", std::to_string(port), "v6"});
    REQUIRE(client->wait_exit());
    REQUIRE(server->wait_exit());
    CHECK(client->exit_code() == 0);
    CHECK(server->exit_code() == 0);
    CHECK(client->out() == "hello\n");
    CHECK(server->out() == "v6\n");
    CHECK(server->err().find("connection from [::1]:") != std::string::npos);
}

TEST_CASE("examples: connection refused is one line and exit 1") {
    LeakCheck leaks;
    ClosedPort closed;
    std::string port = std::to_string(closed.port);
    for (const char* name : {"hello_client", "chat_client"}) {
        CAPTURE(name);
        auto p = start(name, {"--port", port});
        REQUIRE(p->wait_exit());
        CHECK(p->exit_code() == 1);
        CHECK(p->out().empty());
        CHECK(p->err() ==
              std::string(name) + ": connect 127.0.0.1:" + port + ": Connection refused\n");
    }
}

TEST_CASE("examples: a port in use is one line and exit 1") {
    LeakCheck leaks;
    auto busy = listen_here();
    std::string port = std::to_string(busy.local_address().port());
    for (const char* name : {"hello_server", "chat_server"}) {
        CAPTURE(name);
        auto p = start(name, {"--host", "127.0.0.1", "--port", port});
        REQUIRE(p->wait_exit());
        CHECK(p->exit_code() == 1);
        CHECK(p->err() ==
              std::string(name) + ": bind 127.0.0.1:" + port + ": Address already in use\n");
    }
}

TEST_CASE("hello_client: a server that hangs up without a reply is an error") {
    LeakCheck leaks;
    auto listener = listen_here();
    std::string port = std::to_string(listener.local_address().port());
    auto client = start("hello_client", {"--port", port});
    {
        auto [sock, addr] = listener.accept(patience);
        sock.read_timeout(patience);
        CHECK(recv_bytes(sock, 5) == "allen");
    }  // closed without a word
    REQUIRE(client->wait_exit());
    CHECK(client->exit_code() == 1);
    CHECK(client->out().empty());
    CHECK(client->err() == "hello_client: recv 127.0.0.1:" + port +
                               ": connection closed by peer before the data was complete\n");
}

TEST_CASE("examples: a closed stdout is an error line and exit 1, not death by SIGPIPE") {
    LeakCheck leaks;
    SUBCASE("chat_server") {
        auto server = start("chat_server", {"--host", "127.0.0.1", "--port", "0"});
        server->close_stdout();
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        auto sock = connect_to(port);
        sock.send_all("nobody reads this\n");
        REQUIRE(server->wait_exit());
        CHECK(server->term_signal() == 0);
        CHECK(server->exit_code() == 1);
        CHECK(last_line(server->err()) == "chat_server: write stdout: Broken pipe\n");
    }
    SUBCASE("hello_client") {
        auto listener = listen_here();
        auto client =
            start("hello_client", {"--port", std::to_string(listener.local_address().port())});
        client->close_stdout();
        {
            auto [sock, addr] = listener.accept(patience);
            sock.read_timeout(patience);
            CHECK(recv_bytes(sock, 5) == "allen");
            sock.send_all("hello");
        }
        REQUIRE(client->wait_exit());
        CHECK(client->term_signal() == 0);
        CHECK(client->exit_code() == 1);
        CHECK(client->err() == "hello_client: write stdout: Broken pipe\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Scenario 2: the chat

namespace {

// A chat_server on an ephemeral loopback port and a chat_client connected to it.
struct ChatPair {
    std::unique_ptr<Child> server = start("chat_server", {"--host", "127.0.0.1", "--port", "0"});
    std::unique_ptr<Child> client;
    std::uint16_t port = server->listening_port();

    ChatPair() {
        REQUIRE(port != 0);
        client = start("chat_client", {"--port", std::to_string(port)});
        REQUIRE(wait_for(*server, "connection from"));
    }
    // Pumps both until the server printed @p to_server and the client @p to_client (or more).
    bool until_printed(const std::string& to_server, const std::string& to_client) {
        return Child::pump_until({server.get(), client.get()}, patience, [&] {
            return server->out().size() >= to_server.size() &&
                   client->out().size() >= to_client.size();
        });
    }
    bool both_exit() {
        bool ok = Child::pump_until({server.get(), client.get()}, patience, [&] {
            return server->exited() && server->output_done() && client->exited() &&
                   client->output_done();
        });
        return ok && client->wait_exit() && server->wait_exit();  // kills on failure
    }
};

}  // namespace

TEST_CASE("chat: many lines both ways at once, none lost, merged or reordered") {
    LeakCheck leaks;
    ChatPair chat;
    // Both sides type fast at the same time: far more than one recv() or pipe buffer holds.
    std::string from_client = numbered_lines("from the client, line", 5000);
    std::string from_server = numbered_lines("from the server, line", 5000);
    chat.client->write(from_client);
    chat.server->write(from_server);
    REQUIRE(chat.until_printed(from_client, from_server));
    CHECK(chat.server->out() == from_client);
    CHECK(chat.client->out() == from_server);

    // The client's stdin ends: it says goodbye, the server sees the end and exits, then the
    // client sees the server hang up and exits too.
    chat.client->close_stdin();
    REQUIRE(chat.both_exit());
    CHECK(chat.server->exit_code() == 0);
    CHECK(chat.client->exit_code() == 0);
    CHECK(chat.server->out() == from_client);
    CHECK(chat.client->out() == from_server);
}

TEST_CASE("chat: a long line arrives whole, UTF-8 and CRLF too") {
    LeakCheck leaks;
    ChatPair chat;
    std::string long_line(60000, 'x');
    for (std::size_t i = 0; i < long_line.size(); i += 97) long_line[i] = 'a' + i % 26;
    std::string utf8 = "\xe4\xbd\xa0\xe5\xa5\xbd, allen";
    chat.client->write(long_line + "\n" + utf8 + "\r\nshort\n");
    chat.server->write("short\n" + long_line + "\n");
    std::string server_expects = long_line + "\n" + utf8 + "\nshort\n";
    std::string client_expects = "short\n" + long_line + "\n";
    REQUIRE(chat.until_printed(server_expects, client_expects));
    CHECK(chat.server->out() == server_expects);
    CHECK(chat.client->out() == client_expects);
    chat.client->close_stdin();
    REQUIRE(chat.both_exit());
}

TEST_CASE("chat: control characters from the peer are shown, not obeyed by the terminal") {
    LeakCheck leaks;
    ChatPair chat;
    // A cursor move and a forged line start (bare CR), a C1 CSI in UTF-8, DEL; tabs and other
    // UTF-8 stay as they are.
    chat.client->write(
        "a\x1b[2Jb\rforged\x7f\tc \xc2\x9b"
        "31m \xc3\xa9\n");
    std::string expected = "a^[[2Jb^Mforged^?\tc \\u009b31m \xc3\xa9\n";
    REQUIRE(chat.until_printed(expected, ""));
    CHECK(chat.server->out() == expected);
    chat.client->close_stdin();
    REQUIRE(chat.both_exit());
}

TEST_CASE("chat: each program holds just one socket, the connection") {
    LeakCheck leaks;
    ChatPair chat;  // the server has accepted: it must have closed its listener
    chat.client->write("ping\n");
    REQUIRE(chat.until_printed("ping\n", ""));
    CHECK(sockets_of(chat.server->pid()) == 1);
    CHECK(sockets_of(chat.client->pid()) == 1);
    chat.client->close_stdin();
    REQUIRE(chat.both_exit());
}

TEST_CASE("chat: stdin ending on the server side ends the chat for both, nothing lost") {
    LeakCheck leaks;
    ChatPair chat;
    // The last line lacks its '\n': the server ends it before saying goodbye.
    chat.server->write(numbered_lines("server", 100) + "last words");
    chat.server->close_stdin();
    REQUIRE(chat.both_exit());  // the client's stdin stays open: the server's goodbye ends it
    CHECK(chat.client->exit_code() == 0);
    CHECK(chat.server->exit_code() == 0);
    CHECK(chat.client->out() == numbered_lines("server", 100) + "last words\n");
    CHECK(chat.server->out().empty());
}

TEST_CASE("chat: stdin ending on the client side ends the chat for both, nothing lost") {
    LeakCheck leaks;
    ChatPair chat;
    chat.client->write(numbered_lines("client", 100) + "no newline");
    chat.client->close_stdin();
    REQUIRE(chat.both_exit());  // the server's stdin stays open: the client's goodbye ends it
    CHECK(chat.client->exit_code() == 0);
    CHECK(chat.server->exit_code() == 0);
    CHECK(chat.server->out() == numbered_lines("client", 100) + "no newline\n");
    CHECK(chat.client->out().empty());
}

TEST_CASE("chat_client: after stdin ends it prints the peer's last words, waits a bounded time") {
    LeakCheck leaks;
    auto listener = listen_here();
    auto client = start("chat_client", {"--port", std::to_string(listener.local_address().port())});
    client->write("bye\n");
    client->close_stdin();
    REQUIRE(Child::pump_until({client.get()}, patience, [&] { return client->stdin_done(); }));
    auto [sock, addr] = listener.accept(patience);
    sock.read_timeout(patience);
    sock.write_timeout(patience);
    CHECK(recv_to_end(sock) == "bye\n");  // all it typed, then its goodbye (end of stream)
    sock.send_all("late reply\n");
    // The peer never hangs up: the client gives up waiting after its drain limit (5 s).
    REQUIRE(client->wait_exit());
    CHECK(client->exit_code() == 0);
    CHECK(client->out() == "late reply\n");
}

TEST_CASE("chat: a peer that hangs up ends the program with exit 0, last partial line printed") {
    LeakCheck leaks;
    SUBCASE("chat_client") {
        auto listener = listen_here();
        auto client =
            start("chat_client", {"--port", std::to_string(listener.local_address().port())});
        {
            auto [sock, addr] = listener.accept(patience);
            sock.write_timeout(patience);
            sock.send_all("one\ntwo\r\nthree without newline");
        }
        REQUIRE(client->wait_exit());  // its stdin is still open
        CHECK(client->exit_code() == 0);
        CHECK(client->out() == "one\ntwo\nthree without newline\n");
    }
    SUBCASE("chat_server") {
        auto server = start("chat_server", {"--host", "127.0.0.1", "--port", "0"});
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        {
            auto sock = connect_to(port);
            sock.send_all("one\ntwo\nthree without newline");
        }
        REQUIRE(server->wait_exit());  // its stdin is still open
        CHECK(server->exit_code() == 0);
        CHECK(server->out() == "one\ntwo\nthree without newline\n");
    }
}

TEST_CASE("chat: a peer that resets is one error line and exit 1") {
    LeakCheck leaks;
    SUBCASE("chat_client") {
        auto listener = listen_here();
        std::string port = std::to_string(listener.local_address().port());
        auto client = start("chat_client", {"--port", port});
        {
            auto [sock, addr] = listener.accept(patience);
            REQUIRE(wait_for(*client, "connected to"));
            reset(sock);
        }
        REQUIRE(client->wait_exit());
        CHECK(client->exit_code() == 1);
        CHECK(client->term_signal() == 0);
        CHECK(last_line(client->err()) ==
              "chat_client: recv 127.0.0.1:" + port + ": Connection reset by peer\n");
    }
    SUBCASE("chat_server") {
        auto server = start("chat_server", {"--host", "127.0.0.1", "--port", "0"});
        std::uint16_t port = server->listening_port();
        REQUIRE(port != 0);
        auto sock = connect_to(port);
        std::string me = sock.local_address().to_string();
        REQUIRE(wait_for(*server, "connection from"));
        reset(sock);
        REQUIRE(server->wait_exit());
        CHECK(server->exit_code() == 1);
        CHECK(last_line(server->err()) ==
              "chat_server: recv " + me + ": Connection reset by peer\n");
    }
}

TEST_CASE("chat: typing to a peer that reset is an error line, not SIGPIPE") {
    LeakCheck leaks;
    auto listener = listen_here();
    auto client = start("chat_client", {"--port", std::to_string(listener.local_address().port())});
    {
        auto [sock, addr] = listener.accept(patience);
        reset(sock);
    }
    // Whichever the client notices first (the reset on recv, or EPIPE on send), it reports it.
    client->write(numbered_lines("into the void", 1000));
    REQUIRE(client->wait_exit());
    CHECK(client->term_signal() == 0);
    CHECK(client->exit_code() == 1);
    CHECK(last_line(client->err()).rfind("chat_client: ", 0) == 0);
}

TEST_CASE("chat_server: a line longer than the limit is an error, memory stays bounded") {
    LeakCheck leaks;
    auto server = start("chat_server", {"--host", "127.0.0.1", "--port", "0"});
    std::uint16_t port = server->listening_port();
    REQUIRE(port != 0);
    auto sock = connect_to(port);
    std::string me = sock.local_address().to_string();
    std::error_code ec;
    sock.send_all(std::string(200000, 'x') + "\n", ec);  // may fail: the server gives up early
    REQUIRE(server->wait_exit());
    CHECK(server->exit_code() == 1);
    CHECK(server->out().empty());
    CHECK(last_line(server->err()) == "chat_server: recv " + me + ": line too long\n");
}
