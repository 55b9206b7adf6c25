// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Scenario 3 of the tutorial: one support agent (this program's stdin and stdout) chatting with
// many customers (any number of unchanged chat_clients) at once. The Python original starts a
// thread per customer, and every thread calls input() on the same terminal, so the agent cannot
// say which customer a typed line is for. Here:
//   - customers get ids 1, 2, 3, ... in the order they connect;
//   - each line a customer sends is printed as `[N] text` (control characters shown as `^[`,
//     so that no customer can move the agent's cursor or forge another customer's line);
//   - the agent types `@N text` to answer customer N alone, or `/list`;
//   - and everything runs on ONE thread with ONE socklite::EventLoop, which calls us back when
//     the listener, a customer's socket or stdin has something for us. No thread waits for one
//     customer while the others are ignored.
// With --web-port W, customers can also chat from a browser: an HttpServer on the same loop
// serves the chat page (support_page.hpp) at http://HOST:W/ and its WebSocket at /ws. A browser
// customer is one more customer: the next id, `[N] text` lines, `@N text` to that tab alone.

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include <socklite/acceptor.hpp>
#include <socklite/connection.hpp>
#include <socklite/event_loop.hpp>
#include <socklite/http/server.hpp>
#include <socklite/line_buffer.hpp>
#include <socklite/listener.hpp>
#include <socklite/ws/server.hpp>
#include <socklite/ws/utf8.hpp>

#include "cli.hpp"
#include "support_page.hpp"

static const char usage[] =
    "usage: support_server [--host H] [--port P] [--web-port W]\n"
    "\n"
    "Listens on H:P (default 0.0.0.0:8000) for any number of chat_clients. Customers get ids\n"
    "1, 2, 3, ... in connection order. On stdout it prints `* N joined`, `* N left`, and each\n"
    "line customer N sends as `[N] text`. Type on stdin:\n"
    "  @N text   send `text` to customer N alone\n"
    "  /list     print the connected ids, as `* connected: 1 2 3` (or `* connected: none`)\n"
    "A command for an unknown id, or a malformed one, prints an error on stderr and sends\n"
    "nothing. A customer who stops reading while replies pile up (256 KiB) is disconnected.\n"
    "When stdin ends, queued replies are delivered (for at most 2 s) and the server exits 0.\n"
    "With --web-port W, it also serves the customer chat page at http://H:W/ (WebSocket at\n"
    "/ws): a browser customer gets the next id, exactly like a chat_client.\n";

namespace {

// Prints an error about a command or a customer on stderr; the server keeps running.
void complain(const std::string& text) {
    std::fprintf(stderr, "support_server: %s\n", text.c_str());
    std::fflush(stderr);
}

class SupportServer {
public:
    SupportServer(socklite::EventLoop& loop, socklite::Listener listener)
        : loop_(loop), acceptor_(loop, std::move(listener), [this](socklite::Accepted a) {
              join(std::move(a));
          }) {
        // Out of descriptors (EMFILE): the Acceptor pauses accepting for 100 ms instead of
        // spinning; say so once, not ten times a second.
        acceptor_.on_error([this](std::error_code ec) {
            if (!warned_) complain("accept: " + ec.message() + " (retrying)");
            warned_ = true;
        });
    }

    // The agent typed a line.
    void command(std::string_view line) {
        if (line.empty()) return;
        if (line == "/list") {
            std::string text = "* connected:";
            for (const auto& client : clients_) text += " " + std::to_string(client.first);
            cli::print_line(clients_.empty() ? text + " none" : text);
            return;
        }
        // "@N text": '@', digits, one space, the text (which may be empty).
        std::size_t digits = line.size() > 1 ? line.find_first_not_of("0123456789", 1) : 1;
        if (line[0] != '@' || digits == 1 || digits == std::string_view::npos ||
            line[digits] != ' ' || digits > 19) {
            complain("bad command '" + std::string(line) + "': type @N text, or /list");
            return;
        }
        unsigned long long id = std::stoull(std::string(line.substr(1, digits - 1)));
        auto it = clients_.find(id);
        if (it == clients_.end()) {
            complain("no customer " + std::to_string(id) + ": nothing sent");
            return;
        }
        std::string text(line.substr(digits + 1));
        if (it->second.web) {
            // A WebSocket text message must be UTF-8 (the browser would drop the connection).
            if (!socklite::ws::Utf8Validator::valid(text)) {
                complain("not UTF-8: nothing sent to customer " + std::to_string(id));
                return;
            }
            // A tab that does not read is dropped by its session past 256 KiB (then it leaves).
            it->second.web->send_text(text);
            return;
        }
        std::error_code ec;
        it->second.tcp->send(text + "\n", ec);
        if (ec == socklite::errc::queue_full) {
            // The customer does not read: drop them rather than pile up memory for them.
            complain("customer " + std::to_string(id) + " does not read its replies: disconnected");
            clients_.erase(it);  // closes the socket
            cli::print_line("* " + std::to_string(id) + " left");
        } else if (ec) {
            complain("send to customer " + std::to_string(id) + ": " + ec.message());
        }
    }

    // stdin ended: stop accepting, deliver what is queued, then leave (within 2 s at most).
    void shut_down() {
        acceptor_.close();
        if (web_) web_->stop();  // web customers get a close (1001) after their replies
        closing_ = true;
        if (clients_.empty()) return loop_.stop();
        for (auto& client : clients_)
            if (client.second.tcp) client.second.tcp->close_after_flush();
        loop_.call_after(std::chrono::seconds(2), [this] { loop_.stop(); });
    }

    // The web side: the chat page at `/` and its WebSocket at `/ws` on @p web, on our loop.
    void serve_web(socklite::HttpServer& web) {
        web_ = &web;
        web.get("/", [](const socklite::http::ServerRequest&, socklite::http::Response& res) {
            res.headers.add("Content-Type", "text/html; charset=utf-8");
            res.headers.add("Cache-Control", "no-store");
            res.body = support_page::html;
        });
        socklite::ws::ServerHandlers h;
        // A page from another site must not chat in the customer's name (section 10.2):
        // a browser's Origin must be this server; other clients send none.
        h.check = [](const socklite::http::ServerRequest& req) {
            std::string_view origin = req.header("Origin");
            return origin.empty() || origin == "http://" + std::string(req.header("Host"));
        };
        h.on_open = [this](socklite::ws::ServerSession& session) {
            unsigned long long id = next_id_++;
            session.tag = id;
            Customer c;
            c.web = &session;
            clients_.emplace(id, std::move(c));
            session.send_text("* you are customer " + std::to_string(id));
            cli::print_line("* " + std::to_string(id) + " joined");
        };
        h.on_message = [](socklite::ws::ServerSession& session, std::string& text,
                          socklite::ws::MessageType) {
            // One line per `[N] text`, as a chat_client's lines are printed.
            std::string_view rest = text;
            do {
                std::size_t nl = rest.find('\n');
                std::string_view line = rest.substr(0, nl);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                cli::print_line("[" + std::to_string(session.tag) + "] " +
                                cli::terminal_safe(line));
                rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
            } while (!rest.empty());
        };
        h.on_close = [this](socklite::ws::ServerSession& session, std::uint16_t, std::string_view) {
            leave(session.tag, {});
        };
        socklite::ws::ServerOptions o;
        o.max_queued = 256 * 1024;  // as for a chat_client: the bound on what a non-reader costs
        web.upgrade("/ws", socklite::ws::serve(std::move(h), o));
    }

private:
    // A customer connected.
    void join(socklite::Accepted accepted) {
        unsigned long long id = next_id_++;
        socklite::Connection::Options options;
        options.max_queued = 256 * 1024;  // per customer: the bound on what a non-reader costs us
        auto conn =
            std::make_unique<socklite::Connection>(loop_, std::move(accepted.socket), options);
        conn->on_line([id](std::string_view text) {
            cli::print_line("[" + std::to_string(id) + "] " + cli::terminal_safe(text));
        });
        conn->on_close([this, id](std::error_code ec) { leave(id, ec); });
        Customer c;
        c.tcp = std::move(conn);
        clients_.emplace(id, std::move(c));
        warned_ = false;
        cli::print_line("* " + std::to_string(id) + " joined");
    }

    // A customer's connection ended (they quit, vanished, or broke a limit).
    void leave(unsigned long long id, std::error_code ec) {
        if (clients_.find(id) == clients_.end()) return;
        // A reset is how many clients just leave: only unusual errors are worth a message.
        if (ec && ec != std::errc::connection_reset && ec != std::errc::broken_pipe)
            complain("customer " + std::to_string(id) + ": " + ec.message());
        clients_.erase(id);  // safe here: the Connection expects to be destroyed by on_close
        cli::print_line("* " + std::to_string(id) + " left");
        if (closing_ && clients_.empty()) loop_.stop();
    }

    // A customer: a chat_client's connection, or a browser tab's WebSocket session (owned by
    // the HttpServer, valid until its on_close).
    struct Customer {
        std::unique_ptr<socklite::Connection> tcp;  // unique_ptr: a Connection never moves
        socklite::ws::ServerSession* web = nullptr;
    };

    socklite::EventLoop& loop_;
    socklite::Acceptor acceptor_;
    socklite::HttpServer* web_ = nullptr;
    // Sorted by id, so /list prints them in order.
    std::map<unsigned long long, Customer> clients_;
    unsigned long long next_id_ = 1;
    bool warned_ = false;
    bool closing_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    return cli::run("support_server", [&] {
        // --web-port here; cli::parse takes the rest.
        long web_port = -1;
        std::vector<char*> rest{argv[0]};
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            std::string name = arg.substr(0, arg.find('='));
            if (name != "--web-port") {
                rest.push_back(argv[i]);
                continue;
            }
            std::string value;
            if (name.size() < arg.size()) {
                value = arg.substr(name.size() + 1);
            } else if (i + 1 < argc) {
                value = argv[++i];
            }
            if (value.empty() || value.size() > 5 ||
                value.find_first_not_of("0123456789") != std::string::npos ||
                std::stol(value) > 65535)
                cli::fail("bad arguments: --web-port needs a port from 0 to 65535 (see --help)");
            web_port = std::stol(value);
        }
        cli::Args args =
            cli::parse(static_cast<int>(rest.size()), rest.data(), usage, {"0.0.0.0", 8000, {}}, 0);

        socklite::EventLoop loop;
        socklite::ListenOptions listen_options;
        listen_options.accept_non_blocking = true;  // the loop never waits inside a socket call
        auto listener = socklite::Listener::bind(args.host, args.port, listen_options);
        std::string where = listener.local_address().to_string();
        SupportServer server(loop, std::move(listener));
        // The web side shares the loop: one thread serves both kinds of customers.
        socklite::HttpServer::Options web_options;
        web_options.on_error = [](std::string_view what) { complain(std::string(what)); };
        socklite::HttpServer web(web_options);
        if (web_port >= 0) {
            server.serve_web(web);
            web.listen(loop, args.host, static_cast<std::uint16_t>(web_port));
        }

        // The agent's keyboard is one more input of the same loop. We read stdin with one
        // read(2) per "readable" event and leave it blocking: stdin may be the terminal of the
        // shell that started us, and switching it to non-blocking would affect the shell too.
        socklite::LineBuffer typed;
        char buf[4096];
        auto read_stdin = [&]() -> bool {  // false once stdin ended
            ssize_t n = ::read(0, buf, sizeof buf);
            if (n < 0 && errno == EINTR) return true;
            if (n < 0) throw std::system_error(errno, std::system_category(), "read stdin");
            if (n == 0) {
                if (!typed.pending().empty()) server.command(std::string(typed.pending()));
                return false;
            }
            typed.append(std::string_view(buf, static_cast<std::size_t>(n)));
            std::string line;
            std::error_code ec;
            while (typed.next_line(line, ec)) server.command(line);
            if (ec) throw socklite::Error(ec, "read stdin");
            return true;
        };
        auto finish_stdin = [&] { server.shut_down(); };

        std::error_code ec;
        loop.add(
            0, socklite::EventLoop::readable,
            [&](socklite::EventLoop::Events) {
                if (!read_stdin()) {
                    loop.remove(0);
                    finish_stdin();
                }
            },
            ec);
        std::function<void()> pump;
        if (ec == std::errc::operation_not_permitted) {
            // epoll refuses regular files (`support_server < commands.txt`): they are always
            // "ready", so read them a chunk per loop iteration instead, between socket events.
            pump = [&] {
                if (read_stdin())
                    loop.post(pump);
                else
                    finish_stdin();
            };
            loop.post(pump);
        } else if (ec) {
            throw socklite::Error(ec, "watch stdin");
        }

        cli::note("listening on " + where);
        if (web_port >= 0) cli::note("listening on " + web.local_address().to_string() + " (web)");
        loop.run();
        return 0;
    });
}
