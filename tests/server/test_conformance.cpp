// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// A request conformance table for HttpServer: raw requests, each with the section of RFC 9112 or
// RFC 9110 it comes from, the answers expected (statuses, and bodies where they tell what the
// handler saw), whether the server closes after them, and how many times a handler ran. Every
// case goes over a real socket to one server three ways: in one send, byte by byte, and split
// in two at every position (a sample of positions for the few large requests). A malformed
// request must never reach a handler: the handlers count their calls.

#include <socklite/detail/syscall.hpp>
#include <socklite/http/parser.hpp>
#include <socklite/http/server.hpp>
#include <socklite/socket.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"
#include "support/peer.hpp"
#include "support/sanitizer.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;
using socklite::http::ServerRequest;

namespace {

// One expected answer: its status, and (when not null) its exact body.
struct Answer {
    int status;
    const char* body = nullptr;
};

// One row of the table.
struct Case {
    const char* section;  // where the rule comes from
    const char* name;
    std::string request;          // the raw bytes (one or more requests)
    std::vector<Answer> answers;  // in order; interim 100 answers are skipped
    bool closes;                  // the server closes after the last answer
    int calls;                    // handler calls the request causes
    const char* methods = "";     // 'H' at position i: answer i is to a HEAD request
};

const int bad = 400;

// The server of the table: GET and POST /, GET /hello, POST and PUT /echo, GET /close, and a
// prefix route GET /files/*; every handler counts its calls and says what it saw.
struct TableServer {
    std::atomic<int> calls{0};
    HttpServer server;
    static HttpServer::Options options() {
        HttpServer::Options o;
        o.max_request_line = 1024;
        o.max_header_bytes = 4096;
        o.max_fields = 20;
        o.max_body_size = 64 * 1024;
        o.linger_timeout = std::chrono::milliseconds(2000);
        return o;
    }
    TableServer() : server(options()) {
        auto seen = [this](const ServerRequest& req, Response& res) {
            ++calls;
            res.body = req.method + " " + req.path;
            if (!req.query.empty()) res.body += "?" + req.query;
            if (!req.body.empty()) res.body += " " + req.body;
        };
        server.get("/", seen);
        server.post("/", seen);
        server.get("/hello", [this](const ServerRequest&, Response& res) {
            ++calls;
            res.body = "hello";
        });
        server.post("/echo", seen);
        server.put("/echo", seen);
        server.get("/files/*", seen);
        server.get("/close", [this](const ServerRequest&, Response& res) {
            ++calls;
            res.headers.add("Connection", "close");
            res.body = "bye";
        });
    }
};

const std::string H = "Host: a\r\n";
std::string get(const std::string& target, const std::string& fields = "") {
    return "GET " + target + " HTTP/1.1\r\n" + H + fields + "\r\n";
}
std::string post(const std::string& fields, const std::string& body) {
    return "POST / HTTP/1.1\r\n" + H + fields + "\r\n" + body;
}
std::string cl_post(const std::string& body) {
    return post("Content-Length: " + std::to_string(body.size()) + "\r\n", body);
}
std::string te_post(const std::string& te, const std::string& body) {
    return post("Transfer-Encoding: " + te + "\r\n", body);
}
std::string chunked(const std::string& body) { return te_post("chunked", body); }
std::string field(const std::string& f) { return get("/", f + "\r\n"); }

// The table. Statuses follow the server's documented policy: every smuggling ambiguity is a 400
// and a close; an unknown transfer coding 501; a version above 1.1 505.
std::vector<Case> table() {
    const std::string long_target = "/" + std::string(1100, 'a');
    const std::string big_field = "X: " + std::string(5000, 'v') + "\r\n";
    std::string many_fields;
    for (int i = 0; i < 25; ++i) many_fields += "X-" + std::to_string(i) + ": v\r\n";
    std::string big_chunked = "10000\r\n" + std::string(0x10000, 'c') + "\r\n1\r\nd\r\n0\r\n\r\n";
    std::vector<Case> t = {
        // --- RFC 9112 section 2.2: message parsing, line endings -------------------------------
        {"9112 2.2",
         "bare LF ends the request line",
         "GET / HTTP/1.1\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "bare LF ends a field line",
         "GET / HTTP/1.1\r\nHost: a\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2", "bare LF ends the head", "GET / HTTP/1.1\r\n" + H + "\n", {{bad}}, true, 0},
        {"9112 2.2", "bare LF everywhere", "GET / HTTP/1.1\nHost: a\n\n", {{bad}}, true, 0},
        {"9112 2.2",
         "bare CR inside a field value",
         "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "bare CR inside the request line",
         "GET /\r HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "bare CR ends the head",
         "GET / HTTP/1.1\r\n" + H + "\r\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "CR CR LF ends a field",
         "GET / HTTP/1.1\r\nHost: a\r\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "whitespace before the first field",
         "GET / HTTP/1.1\r\n " + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "tab before the first field",
         "GET / HTTP/1.1\r\n\t" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.2",
         "one empty line before the request line is skipped",
         "\r\n" + get("/"),
         {{200, "GET /"}},
         false,
         1},
        {"9112 2.2",
         "two empty lines before the request line are skipped",
         "\r\n\r\n" + get("/"),
         {{200, "GET /"}},
         false,
         1},
        {"9112 2.2", "a bare LF before the request line", "\n" + get("/"), {{bad}}, true, 0},
        {"9112 2.2",
         "NUL before the request line",
         std::string("\0", 1) + get("/"),
         {{bad}},
         true,
         0},
        // --- RFC 9112 section 2.3: HTTP version --------------------------------------------------
        {"9112 2.3", "HTTP/1.1", get("/"), {{200, "GET /"}}, false, 1},
        {"9112 2.3", "HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", {{200, "GET /"}}, true, 1},
        {"9112 2.3", "version 1.2 is 505", "GET / HTTP/1.2\r\n" + H + "\r\n", {{505}}, true, 0},
        {"9112 2.3", "version 2.0 is 505", "GET / HTTP/2.0\r\n" + H + "\r\n", {{505}}, true, 0},
        {"9112 2.3", "version 3.0 is 505", "GET / HTTP/3.0\r\n" + H + "\r\n", {{505}}, true, 0},
        {"9112 2.3", "version 9.9 is 505", "GET / HTTP/9.9\r\n" + H + "\r\n", {{505}}, true, 0},
        {"9112 2.3",
         "lower-case protocol name",
         "GET / http/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.3",
         "two-digit minor version",
         "GET / HTTP/1.10\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.3",
         "leading zero in the major version",
         "GET / HTTP/01.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.3", "no minor version", "GET / HTTP/1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 2.3", "no version (HTTP/0.9 form)", "GET /\r\n\r\n", {{bad}}, true, 0},
        {"9112 2.3", "letters as version", "GET / HTTP/a.b\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 2.3",
         "space after the version",
         "GET / HTTP/1.1 \r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 2.3", "another protocol name", "GET / HTTPS/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        // --- RFC 9112 section 3: request line ----------------------------------------------------
        {"9112 3",
         "two spaces after the method",
         "GET  / HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3",
         "two spaces before the version",
         "GET /  HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3", "tab as separator", "GET\t/ HTTP/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 3", "leading space", " GET / HTTP/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 3", "no target", "GET HTTP/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 3", "empty method", " / HTTP/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 3",
         "method with a non-token character",
         "G@T / HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3", "method with a slash", "GE/T / HTTP/1.1\r\n" + H + "\r\n", {{bad}}, true, 0},
        {"9112 3",
         "NUL in the method",
         std::string("G\0T / HTTP/1.1\r\n", 16) + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3", "request line only", "GET / HTTP/1.1\r\n\r\n", {{bad}}, true, 0},
        {"9110 9.1",
         "methods are case-sensitive: get is not GET",
         "get / HTTP/1.1\r\n" + H + "\r\n",
         {{405}},
         false,
         0},
        {"9110 9.1",
         "an unknown method on a known path",
         "BREW / HTTP/1.1\r\n" + H + "\r\n",
         {{405}},
         false,
         0},
        {"9110 9.3.6",
         "CONNECT is not implemented",
         "CONNECT a:443 HTTP/1.1\r\n" + H + "\r\n",
         {{501}},
         false,
         0},
        {"9112 3",
         "request line of 1024 bytes",
         "GET /" + std::string(1024 - 15, 'a') + " HTTP/1.1\r\n" + H + "\r\n",
         {{404}},
         false,
         0},
        {"9112 3", "request line too long is 414", get(long_target), {{414}}, true, 0},
        {"9112 3",
         "method too long is 414",
         std::string(1100, 'M') + " / HTTP/1.1\r\n" + H + "\r\n",
         {{414}},
         true,
         0},
        // --- RFC 9112 section 3.2: request target ------------------------------------------------
        {"9112 3.2.1",
         "origin-form with a query",
         get("/?a=1&b=2"),
         {{200, "GET /?a=1&b=2"}},
         false,
         1},
        {"9112 3.2.1",
         "origin-form, percent-encoded",
         get("/files/a%20b"),
         {{200, "GET /files/a%20b"}},
         false,
         1},
        {"9112 3.2.1", "origin-form, empty query", get("/?"), {{200, "GET /"}}, false, 1},
        {"9112 3.2.1", "relative target", get("hello"), {{bad}}, true, 0},
        {"9112 3.2.1", "dot-relative target", get("./hello"), {{bad}}, true, 0},
        {"9112 3.2", "fragment in the target", get("/#frag"), {{bad}}, true, 0},
        {"9112 3.2", "space-free but bad escape", get("/%zz"), {{bad}}, true, 0},
        {"9112 3.2", "truncated escape", get("/%4"), {{bad}}, true, 0},
        {"9112 3.2", "double quote in the target", get("/\"x\""), {{bad}}, true, 0},
        {"9112 3.2", "backslash in the target", get("/a\\b"), {{bad}}, true, 0},
        {"9112 3.2", "non-ASCII byte in the target", get("/caf\xc3\xa9"), {{bad}}, true, 0},
        {"9112 3.2", "DEL in the target", get("/a\x7f"), {{bad}}, true, 0},
        {"9112 3.2", "braces in the target", get("/{a}"), {{bad}}, true, 0},
        {"9112 3.2.2",
         "absolute-form",
         "GET http://a/hello HTTP/1.1\r\n" + H + "\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form with a query",
         "GET http://a/?x=1 HTTP/1.1\r\n" + H + "\r\n",
         {{200, "GET /?x=1"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form without a path",
         "GET http://a HTTP/1.1\r\n" + H + "\r\n",
         {{200, "GET /"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form: Host differs, the target's authority wins",
         "GET http://b/hello HTTP/1.1\r\n" + H + "\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form with a port",
         "GET http://a:8080/hello HTTP/1.1\r\n" + H + "\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form with https",
         "GET https://a/hello HTTP/1.1\r\n" + H + "\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 3.2.2",
         "absolute-form with userinfo",
         "GET http://u@a/hello HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2.2",
         "absolute-form with an empty authority",
         "GET http:///hello HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2.3",
         "authority-form outside CONNECT",
         "GET a:80 HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2.4",
         "asterisk-form with OPTIONS",
         "OPTIONS * HTTP/1.1\r\n" + H + "\r\n",
         {{204}},
         false,
         0},
        {"9112 3.2.4",
         "asterisk-form outside OPTIONS",
         "GET * HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2.4",
         "asterisk with more",
         "OPTIONS *a HTTP/1.1\r\n" + H + "\r\n",
         {{bad}},
         true,
         0},
        // --- RFC 9112 section 3.2 and RFC 9110 section 7.2: Host ---------------------------------
        {"9112 3.2", "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", {{bad}}, true, 0},
        {"9112 3.2", "two Host fields", get("/", H), {{bad}}, true, 0},
        {"9112 3.2", "two Host fields, different", get("/", "Host: b\r\n"), {{bad}}, true, 0},
        {"9112 3.2", "Host with a list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", {{bad}}, true, 0},
        {"9112 3.2",
         "Host with a space inside",
         "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2", "Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", {{bad}}, true, 0},
        {"9112 3.2", "Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", {{bad}}, true, 0},
        {"9112 3.2",
         "Host with a port",
         "GET / HTTP/1.1\r\nHost: a:8080\r\n\r\n",
         {{200}},
         false,
         1},
        {"9112 3.2",
         "Host with an IPv6 literal",
         "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
         {{200}},
         false,
         1},
        {"9112 3.2",
         "empty Host (no authority)",
         "GET / HTTP/1.1\r\nHost:\r\n\r\n",
         {{200}},
         false,
         1},
        {"9112 3.2",
         "Host with a bad port",
         "GET / HTTP/1.1\r\nHost: a:x\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2",
         "HTTP/1.0 without Host",
         "GET /hello HTTP/1.0\r\n\r\n",
         {{200, "hello"}},
         true,
         1},
        {"9112 3.2",
         "HTTP/1.0 with two Host fields",
         "GET / HTTP/1.0\r\n" + H + H + "\r\n",
         {{bad}},
         true,
         0},
        {"9112 3.2",
         "host field name in lower case",
         "GET / HTTP/1.1\r\nhost: a\r\n\r\n",
         {{200}},
         false,
         1},
        // --- RFC 9112 section 5 and RFC 9110 section 5: field syntax -----------------------------
        {"9112 5.1",
         "space before the colon",
         "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 5.1",
         "tab before the colon",
         "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 5.1", "space before the colon, other field", field("X-A : b"), {{bad}}, true, 0},
        {"9112 5.1",
         "space before the colon of Transfer-Encoding",
         post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 5.1",
         "space before the colon of Content-Length",
         post("Content-Length : 1\r\n", "a"),
         {{bad}},
         true,
         0},
        {"9110 5.1", "empty field name", field(": b"), {{bad}}, true, 0},
        {"9110 5.1", "space inside a field name", field("X A: b"), {{bad}}, true, 0},
        {"9110 5.1", "non-token character in a field name", field("X@A: b"), {{bad}}, true, 0},
        {"9110 5.1", "quote in a field name", field("X\"A: b"), {{bad}}, true, 0},
        {"9110 5.1", "non-ASCII byte in a field name", field("X\xc3\xa9: b"), {{bad}}, true, 0},
        {"9110 5.1", "a field line without a colon", field("XYZ"), {{bad}}, true, 0},
        {"9110 5.1", "underscore in a field name is a token", field("X_A: b"), {{200}}, false, 1},
        {"9112 5.2", "obs-fold with a space", field("X-A: one\r\n two"), {{bad}}, true, 0},
        {"9112 5.2", "obs-fold with a tab", field("X-A: one\r\n\ttwo"), {{bad}}, true, 0},
        {"9112 5.2", "obs-fold of Host", "GET / HTTP/1.1\r\nHost:\r\n a\r\n\r\n", {{bad}}, true, 0},
        {"9112 5.2",
         "obs-fold of Transfer-Encoding",
         post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9110 5.5", "NUL in a field value", field(std::string("X-A: a\0b", 8)), {{bad}}, true, 0},
        {"9110 5.5", "SOH in a field value", field("X-A: a\x01z"), {{bad}}, true, 0},
        {"9110 5.5", "ESC in a field value", field("X-A: a\x1bz"), {{bad}}, true, 0},
        {"9110 5.5", "DEL in a field value", field("X-A: a\x7fz"), {{bad}}, true, 0},
        {"9110 5.5", "vertical tab in a field value", field("X-A: a\x0bz"), {{bad}}, true, 0},
        {"9110 5.5", "form feed in a field value", field("X-A: a\x0cz"), {{bad}}, true, 0},
        {"9110 5.5",
         "obs-text in a field value is accepted",
         field("X-A: caf\xc3\xa9"),
         {{200}},
         false,
         1},
        {"9110 5.5", "tab inside a field value", field("X-A: a\tb"), {{200}}, false, 1},
        {"9110 5.5", "empty field value", field("X-A:"), {{200}}, false, 1},
        {"9110 5.5", "whitespace around a field value", field("X-A: \t a \t"), {{200}}, false, 1},
        {"9110 5.5", "no space after the colon", field("X-A:b"), {{200}}, false, 1},
        // --- RFC 9112 section 6.1: Transfer-Encoding ---------------------------------------------
        {"9112 6.1",
         "chunked body",
         chunked("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"),
         {{200, "POST / abcde"}},
         false,
         1},
        {"9112 6.1",
         "Chunked in capitals",
         te_post("Chunked", "1\r\na\r\n0\r\n\r\n"),
         {{200, "POST / a"}},
         false,
         1},
        {"9112 6.1",
         "chunked with trailing whitespace",
         te_post("chunked \t", "0\r\n\r\n"),
         {{200, "POST /"}},
         false,
         1},
        {"9112 6.1",
         "TE not ending in chunked",
         te_post("chunked, gzip", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1", "TE gzip alone", te_post("gzip", "abc"), {{bad}}, true, 0},
        {"9112 6.1",
         "TE identity (no longer a coding) is unknown: 501",
         te_post("identity", "abc"),
         {{501}},
         true,
         0},
        {"9112 6.1",
         "chunked twice in one field",
         te_post("chunked, chunked", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "chunked twice in two fields",
         post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "unknown coding before chunked is 501",
         te_post("gzip, chunked", "0\r\n\r\n"),
         {{501}},
         true,
         0},
        {"9112 6.1",
         "unknown coding in another field is 501",
         post("Transfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
         {{501}},
         true,
         0},
        {"9112 6.1",
         "chunked with a parameter",
         te_post("chunked;q=1", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "a prefix of chunked is an unknown coding: 501",
         te_post("chunk", "0\r\n\r\n"),
         {{501}},
         true,
         0},
        {"9112 6.1",
         "chunked with a vertical tab",
         te_post("\x0b"
                 "chunked",
                 "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1", "chunked in quotes", te_post("\"chunked\"", "0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 6.1", "empty Transfer-Encoding", te_post("", "0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 6.1",
         "Transfer-Encoding in HTTP/1.0",
         "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "Transfer-Encoding with a body on GET",
         "GET / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
         {{200, "GET / x"}},
         false,
         1},
        {"9112 6.1",
         "Transfer_Encoding is just an unknown field: its body is the next request",
         post("Transfer_Encoding: chunked\r\n", "0\r\n\r\n"),
         {{200, "POST /"}, {bad}},
         true,
         1},
        // --- RFC 9112 sections 6.1 and 6.3: Content-Length with Transfer-Encoding -----------------
        {"9112 6.1",
         "CL then TE",
         post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "TE then CL",
         post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "CL 0 and TE",
         post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "CL and an unknown TE",
         post("Content-Length: 3\r\nTransfer-Encoding: gzip\r\n", "abc"),
         {{bad}},
         true,
         0},
        {"9112 6.1",
         "CL and TE in lower case",
         post("content-length: 5\r\ntransfer-encoding: chunked\r\n", "0\r\n\r\n"),
         {{bad}},
         true,
         0},
        // --- RFC 9112 section 6.2, RFC 9110 section 8.6: Content-Length --------------------------
        {"9110 8.6", "Content-Length body", cl_post("hello"), {{200, "POST / hello"}}, false, 1},
        {"9110 8.6", "Content-Length 0", cl_post(""), {{200, "POST /"}}, false, 1},
        {"9110 8.6",
         "leading zeros",
         post("Content-Length: 005\r\n", "hello"),
         {{200, "POST / hello"}},
         false,
         1},
        {"9110 8.6",
         "whitespace around the value",
         post("Content-Length:  5 \r\n", "hello"),
         {{200, "POST / hello"}},
         false,
         1},
        {"9110 8.6",
         "two Content-Length fields, different",
         post("Content-Length: 1\r\nContent-Length: 2\r\n", "ab"),
         {{bad}},
         true,
         0},
        {"9110 8.6",
         "two Content-Length fields, equal",
         post("Content-Length: 2\r\nContent-Length: 2\r\n", "ab"),
         {{bad}},
         true,
         0},
        {"9110 8.6",
         "a Content-Length list, equal",
         post("Content-Length: 2, 2\r\n", "ab"),
         {{bad}},
         true,
         0},
        {"9110 8.6",
         "a Content-Length list, different",
         post("Content-Length: 1, 2\r\n", "ab"),
         {{bad}},
         true,
         0},
        {"9110 8.6", "plus sign", post("Content-Length: +1\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "minus sign", post("Content-Length: -1\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "hexadecimal", post("Content-Length: 0x1\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "decimal point", post("Content-Length: 1.0\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "space inside", post("Content-Length: 1 1\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "empty", post("Content-Length:\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6", "letters", post("Content-Length: abc\r\n", "a"), {{bad}}, true, 0},
        {"9110 8.6",
         "overflowing 64 bits",
         post("Content-Length: 99999999999999999999999\r\n", "a"),
         {{bad}},
         true,
         0},
        {"9110 8.6",
         "a body larger than allowed is 413",
         post("Content-Length: 70000\r\n", ""),
         {{413}},
         true,
         0},
        {"9110 8.6",
         "a body shorter than announced, then more requests",
         post("Content-Length: 10\r\n", "abc") + get("/"),
         {{200, "POST / abcGET / H"}, {bad}},
         true,
         1},
        {"9110 8.6",
         "a body longer than announced: the rest is the next request",
         post("Content-Length: 1\r\n", "aGET / HTTP/1.1\r\n" + H + "\r\n"),
         {{200, "POST / a"}, {200, "GET /"}},
         false,
         2},
        {"9110 8.6",
         "Content-Length on GET",
         "GET / HTTP/1.1\r\n" + H + "Content-Length: 2\r\n\r\nab",
         {{200, "GET / ab"}},
         false,
         1},
        // --- RFC 9112 section 7.1: chunked coding ------------------------------------------------
        {"9112 7.1",
         "upper-case hex size",
         chunked("A\r\n0123456789\r\n0\r\n\r\n"),
         {{200, "POST / 0123456789"}},
         false,
         1},
        {"9112 7.1",
         "leading zeros in a size",
         chunked("0003\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1", "a size that is not hex", chunked("zz\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1", "a size with 0x", chunked("0x3\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1", "a negative size", chunked("-3\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1", "a size with a plus", chunked("+3\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1", "an empty size", chunked("\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1",
         "a space before the size",
         chunked(" 3\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1", "a space after the size", chunked("3 \r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1",
         "a size overflowing 64 bits",
         chunked("10000000000000000\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1",
         "a size of 16 f",
         chunked("ffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1", "a bare LF after the size", chunked("3\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1", "a bare CR after the size", chunked("3\rabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1",
         "data longer than the size",
         chunked("3\r\nabcd\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1",
         "data shorter than the size",
         chunked("3\r\nab\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1", "a bare LF after the data", chunked("3\r\nabc\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1",
         "no last chunk: the body ends with the connection only",
         chunked("3\r\nabc\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.1",
         "a chunk extension",
         chunked("3;a=b\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "a chunk extension without a value",
         chunked("3;a\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "a quoted chunk extension",
         chunked("3;a=\"b c\"\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "two chunk extensions",
         chunked("3;a=b;c=d\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "a chunk extension on the last chunk",
         chunked("3\r\nabc\r\n0;x=y\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "whitespace around the extension's semicolon",
         chunked("3 ; a=b\r\nabc\r\n0\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.1",
         "an empty extension name",
         chunked("3;=b\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.1", "a semicolon alone", chunked("3;\r\nabc\r\n0\r\n\r\n"), {{bad}}, true, 0},
        {"9112 7.1.1",
         "a non-token extension name",
         chunked("3;a@b\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.1",
         "an unterminated quoted extension",
         chunked("3;a=\"b\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.1",
         "a control character in an extension",
         chunked("3;a=b\x01\r\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.1",
         "a bare LF in an extension",
         chunked("3;a=b\nabc\r\n0\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.2",
         "a trailer field",
         chunked("3\r\nabc\r\n0\r\nX-T: v\r\n\r\n"),
         {{200, "POST / abc"}},
         false,
         1},
        {"9112 7.1.2",
         "two trailer fields",
         chunked("1\r\na\r\n0\r\nX-T: v\r\nX-U: w\r\n\r\n"),
         {{200, "POST / a"}},
         false,
         1},
        {"9112 7.1.2",
         "an obs-folded trailer",
         chunked("1\r\na\r\n0\r\nX-T: v\r\n w\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.2",
         "a trailer with a space before the colon",
         chunked("1\r\na\r\n0\r\nX-T : v\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.2",
         "a trailer without a colon",
         chunked("1\r\na\r\n0\r\nXT\r\n\r\n"),
         {{bad}},
         true,
         0},
        {"9112 7.1.2",
         "a trailer with a NUL",
         chunked(std::string("1\r\na\r\n0\r\nX: \0\r\n\r\n", 18)),
         {{bad}},
         true,
         0},
        {"9112 7.1",
         "a chunked body larger than allowed is 413",
         te_post("chunked", big_chunked),
         {{413}},
         true,
         0},
        // --- RFC 9110 section 15.5.14 and 15.5.20, RFC 6585 section 5: header limits -------------
        {"6585 5",
         "a field larger than the header section is 431",
         field(big_field.substr(0, big_field.size() - 2)),
         {{431}},
         true,
         0},
        {"6585 5", "too many fields is 431", get("/", many_fields), {{431}}, true, 0},
        {"6585 5",
         "20 fields are fine",
         get("/", many_fields.substr(0, many_fields.find("X-19"))),
         {{200}},
         false,
         1},
        // --- RFC 9112 section 9.3: persistence ---------------------------------------------------
        {"9112 9.3", "HTTP/1.1 persists", get("/hello"), {{200, "hello"}}, false, 1},
        {"9112 9.3",
         "HTTP/1.1 with Connection: close",
         get("/hello", "Connection: close\r\n"),
         {{200, "hello"}},
         true,
         1},
        {"9112 9.3",
         "Connection: Close in capitals",
         get("/hello", "Connection: Close\r\n"),
         {{200, "hello"}},
         true,
         1},
        {"9112 9.3",
         "close among other options",
         get("/hello", "Connection: foo, close, bar\r\n"),
         {{200, "hello"}},
         true,
         1},
        {"9112 9.3",
         "HTTP/1.1 with Connection: keep-alive",
         get("/hello", "Connection: keep-alive\r\n"),
         {{200, "hello"}},
         false,
         1},
        {"9112 9.3", "HTTP/1.0 closes", "GET /hello HTTP/1.0\r\n\r\n", {{200, "hello"}}, true, 1},
        {"9112 9.3",
         "HTTP/1.0 with keep-alive persists",
         "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 9.3",
         "HTTP/1.0 with Keep-Alive in capitals",
         "GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
         {{200, "hello"}},
         false,
         1},
        {"9112 9.3",
         "HTTP/1.0 with keep-alive and close",
         "GET /hello HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
         {{200, "hello"}},
         true,
         1},
        {"9112 9.3", "the handler closes", get("/close") + get("/hello"), {{200, "bye"}}, true, 1},
        {"9112 9.3", "an error closes", get("/%zz") + get("/hello"), {{bad}}, true, 0},
        {"9112 9.3", "a 404 keeps the connection", get("/nowhere"), {{404}}, false, 0},
        // --- RFC 9112 section 9.3.2: pipelining --------------------------------------------------
        {"9112 9.3.2",
         "three GETs in one go",
         get("/") + get("/hello") + get("/?q"),
         {{200, "GET /"}, {200, "hello"}, {200, "GET /?q"}},
         false,
         3},
        {"9112 9.3.2",
         "bodies between pipelined requests",
         cl_post("one") + chunked("3\r\ntwo\r\n0\r\n\r\n") + get("/hello"),
         {{200, "POST / one"}, {200, "POST / two"}, {200, "hello"}},
         false,
         3},
        {"9112 9.3.2",
         "a close in the middle ends the pipeline",
         get("/") + get("/hello", "Connection: close\r\n") + get("/"),
         {{200, "GET /"}, {200, "hello"}},
         true,
         2},
        {"9112 9.3.2",
         "a bad request in the middle: answers before it, then 400",
         get("/") + "GET / HTTP/1.1\r\nHost : a\r\n\r\n" + get("/hello"),
         {{200, "GET /"}, {bad}},
         true,
         1},
        {"9112 9.3.2",
         "smuggling through a pipeline: CL and TE in the second",
         get("/") + post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nX"),
         {{200, "GET /"}, {bad}},
         true,
         1},
        {"9112 9.3.2",
         "HEAD then GET",
         "HEAD /hello HTTP/1.1\r\n" + H + "\r\n" + get("/hello"),
         {{200, ""}, {200, "hello"}},
         false,
         2,
         "H"},
        {"9112 9.3.2",
         "HTTP/1.0 keep-alive pipeline",
         "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello HTTP/1.0\r\n\r\n",
         {{200, "GET /"}, {200, "hello"}},
         true,
         2},
        // --- RFC 9110 section 9.3.2: HEAD; 9.3.7: OPTIONS ----------------------------------------
        {"9110 9.3.2",
         "HEAD of a GET route",
         "HEAD /hello HTTP/1.1\r\n" + H + "\r\n",
         {{200, ""}},
         false,
         1,
         "H"},
        {"9110 9.3.2",
         "HEAD of no route",
         "HEAD /nowhere HTTP/1.1\r\n" + H + "\r\n",
         {{404, ""}},
         false,
         0,
         "H"},
        {"9110 9.3.7",
         "OPTIONS of a path",
         "OPTIONS /echo HTTP/1.1\r\n" + H + "\r\n",
         {{204}},
         false,
         0},
        {"9110 9.3.7",
         "OPTIONS of no route",
         "OPTIONS /nowhere HTTP/1.1\r\n" + H + "\r\n",
         {{404}},
         false,
         0},
        {"9110 15.5.6",
         "a known path with another method is 405",
         "DELETE /echo HTTP/1.1\r\n" + H + "\r\n",
         {{405}},
         false,
         0},
        // --- RFC 9110 section 10.1.1: Expect -----------------------------------------------------
        {"9110 10.1.1",
         "100-continue with its body",
         post("Expect: 100-continue\r\nContent-Length: 2\r\n", "ok"),
         {{200, "POST / ok"}},
         false,
         1},
        {"9110 10.1.1",
         "100-continue in capitals",
         post("Expect: 100-Continue\r\nContent-Length: 2\r\n", "ok"),
         {{200, "POST / ok"}},
         false,
         1},
        {"9110 10.1.1",
         "100-continue with a chunked body",
         post("Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n", "2\r\nok\r\n0\r\n\r\n"),
         {{200, "POST / ok"}},
         false,
         1},
        {"9110 10.1.1",
         "100-continue refused: the body is too large",
         post("Expect: 100-continue\r\nContent-Length: 100000\r\n", ""),
         {{413}},
         true,
         0},
        {"9110 10.1.1",
         "another expectation is 417",
         get("/", "Expect: something\r\n"),
         {{417}},
         true,
         0},
    };
    return t;
}

// Reads what a connection gets: bytes until the peer closes (or @p enough says it has what it
// needs), bounded by io_timeout. Returns false when the time bound passed.
template <class Enough>
bool read_until(socklite::Socket& s, std::string& buf, bool& closed, Enough enough) {
    auto start = std::chrono::steady_clock::now();
    while (!enough()) {
        if (elapsed_since(start) > io_timeout) return false;
        pollfd p{s.native_handle(), POLLIN, 100};
        if (::poll(&p, 1, 100) != 1) continue;
        char tmp[16384];
        std::error_code ec;
        std::size_t n = s.recv(tmp, sizeof tmp, ec);
        if (ec == std::errc::resource_unavailable_try_again ||
            ec == std::errc::operation_would_block || ec == std::errc::interrupted)
            continue;
        if (ec || n == 0) {
            closed = true;
            return true;
        }
        buf.append(tmp, n);
    }
    return true;
}

// The answers in @p bytes, 1xx skipped; `rest` gets what does not parse as an answer.
struct Parsed {
    std::vector<Response> answers;
    bool error = false;
    std::size_t rest = 0;
};
Parsed parse_answers(const std::string& bytes, const char* methods, std::size_t want) {
    Parsed out;
    std::string_view in(bytes);
    while (!in.empty() && out.answers.size() < want + 1) {
        socklite::http::ResponseParser p;
        std::size_t index = out.answers.size();
        bool head = std::strlen(methods) > index && methods[index] == 'H';
        p.request_method(head ? "HEAD" : "GET");
        auto r = p.parse_head(in);
        if (r.error()) {
            out.error = true;
            break;
        }
        if (!r.complete()) break;
        Response res;
        p.copy_head(res);
        std::string_view after = in.substr(r.consumed);
        bool done = p.complete();
        while (!done) {
            auto b = p.parse_body(after);
            if (b.error()) {
                out.error = true;
                return out;
            }
            res.body.append(b.body.data(), b.body.size());
            after.remove_prefix(b.consumed);
            if (b.complete()) done = true;
            if (!done && b.body.empty() && b.consumed == 0) break;
        }
        if (!done) break;
        in = after;
        if (res.status >= 100 && res.status < 200) continue;
        out.answers.push_back(std::move(res));
    }
    out.rest = in.size();
    return out;
}

// How a case is delivered: as the pieces that start at these offsets.
using Cuts = std::vector<std::size_t>;

// Runs one case over a new connection with the request cut at @p cuts; checks everything.
void run_case(const Case& k, std::uint16_t port, std::atomic<int>& calls, const Cuts& cuts,
              const std::string& how) {
    std::string section = k.section, name = k.name;
    CAPTURE(section);
    CAPTURE(name);
    CAPTURE(how);
    int calls_before = calls.load();
    socklite::Socket s = socklite::Socket::connect("127.0.0.1", port, io_timeout);
    s.nodelay(true);
    s.write_timeout(io_timeout);
    std::error_code ec;
    for (std::size_t i = 0; i < cuts.size() && !ec; ++i) {
        std::size_t end = i + 1 < cuts.size() ? cuts[i + 1] : k.request.size();
        s.send_all(k.request.data() + cuts[i], end - cuts[i], ec);  // a reset is fine after 4xx
    }
    std::string buf;
    bool closed = false;
    const std::size_t want = k.answers.size();
    bool in_time = read_until(s, buf, closed, [&] {
        if (k.closes) return false;  // read until the server closes
        return parse_answers(buf, k.methods, want).answers.size() >= want;
    });
    CHECK_MESSAGE(in_time, "no answer within the time bound; got: " << buf);
    if (!in_time) return;
    Parsed got = parse_answers(buf, k.methods, want);
    CHECK_MESSAGE(!got.error, "unparsable answer: " << buf);
    CHECK_MESSAGE(got.answers.size() == want, "answers: " << buf);
    if (got.answers.size() != want) return;
    CHECK_MESSAGE(got.rest == 0, "bytes after the answers: " << buf);
    for (std::size_t i = 0; i < want; ++i) {
        CHECK_MESSAGE(got.answers[i].status == k.answers[i].status, "answer " << i << ": " << buf);
        if (k.answers[i].body != nullptr) CHECK(got.answers[i].body == k.answers[i].body);
    }
    CHECK(closed == k.closes);
    if (k.closes) {
        CHECK(got.answers.back().headers.get("Connection") == "close");
    } else {
        // The connection stays usable: another request is answered on it.
        CHECK(got.answers.back().headers.get("Connection") != "close");
        std::string again = get("/hello");
        s.send_all(again, ec);
        REQUIRE(!ec);
        buf.clear();
        read_until(s, buf, closed,
                   [&] { return parse_answers(buf, "", 1).answers.size() >= 1 || closed; });
        Parsed more = parse_answers(buf, "", 1);
        REQUIRE(more.answers.size() == 1);
        CHECK(more.answers[0].body == "hello");
        --calls;  // not the case's
        // Close with a reset: no TIME_WAIT left behind on the client side for the many cases.
        linger l{1, 0};
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    CHECK_MESSAGE(calls.load() - calls_before == k.calls, "handler calls");
}

// Split positions for a request of @p n bytes: every one, or an even sample of @p most.
std::vector<std::size_t> split_points(std::size_t n, std::size_t most) {
    std::vector<std::size_t> v;
    if (n < 2) return v;
    if (n - 1 <= most) {
        for (std::size_t i = 1; i < n; ++i) v.push_back(i);
        return v;
    }
    for (std::size_t i = 0; i < most; ++i) v.push_back(1 + (n - 2) * i / (most - 1));
    return v;
}

}  // namespace

TEST_CASE("conformance: the table has at least 150 cases, each with its section") {
    std::vector<Case> t = table();
    MESSAGE(t.size() << " cases");
    CHECK(t.size() >= 150);
    for (const Case& k : t) {
        CAPTURE(k.name);
        CHECK(std::strlen(k.section) > 0);
        CHECK(!k.answers.empty());
    }
}

TEST_CASE("conformance: every case sent whole") {
    FdLeakGuard leaks;
    TableServer srv;
    RunningServer run(srv.server);
    for (const Case& k : table()) run_case(k, run.port(), srv.calls, {0}, "whole");
}

TEST_CASE("conformance: every case sent byte by byte") {
    FdLeakGuard leaks;
    TableServer srv;
    RunningServer run(srv.server);
    // Byte by byte for the first 512 bytes of a request, the rest in one piece (a few requests
    // carry tens of KiB of body: a send per byte of them would add nothing but time).
    for (const Case& k : table()) {
        Cuts cuts;
        for (std::size_t i = 0; i < std::min<std::size_t>(k.request.size(), 512); ++i)
            cuts.push_back(i);
        run_case(k, run.port(), srv.calls, cuts, "byte by byte");
    }
}

TEST_CASE("conformance: every case split in two at every position") {
    FdLeakGuard leaks;
    TableServer srv;
    RunningServer run(srv.server);
    // Every position (under sanitizers, and for requests over 300 bytes: an even sample).
    const std::size_t most = sanitized ? 24 : 300;
    std::size_t runs = 0;
    for (const Case& k : table()) {
        for (std::size_t at : split_points(k.request.size(), most)) {
            run_case(k, run.port(), srv.calls, {0, at}, "split at " + std::to_string(at));
            ++runs;
        }
    }
    MESSAGE(runs << " split deliveries");
}

namespace {
std::atomic<int> server_sends{0};
ssize_t counting_send(int fd, const void* data, size_t len, int flags) {
    ++server_sends;
    return ::send(fd, data, len, flags);
}
}  // namespace

TEST_CASE("conformance: the answers to one input of pipelined requests leave in one send") {
    FdLeakGuard leaks;
    auto saved = socklite::detail::sys.send;
    socklite::detail::sys.send = counting_send;  // before the server thread starts
    {
        TableServer srv;
        RunningServer run(srv.server);
        // The client writes with ::send directly: only the server's sends are counted.
        socklite::Socket s = socklite::Socket::connect("127.0.0.1", run.port(), io_timeout);
        std::string batch;
        for (int i = 0; i < 16; ++i) batch += get("/hello");
        server_sends = 0;
        REQUIRE(::send(s.native_handle(), batch.data(), batch.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(batch.size()));
        std::string buf;
        bool closed = false;
        CHECK(read_until(s, buf, closed, [&] {
            return parse_answers(buf, "", 16).answers.size() >= 16 || closed;
        }));
        Parsed got = parse_answers(buf, "", 16);
        REQUIRE(got.answers.size() == 16);
        for (const Response& r : got.answers) CHECK(r.body == "hello");
        // One send per input the server read: the 16 requests may arrive in more than one
        // read only if the kernel splits 400 bytes on loopback, which it does not.
        MESSAGE(server_sends.load() << " server sends for 16 pipelined answers");
        CHECK(server_sends.load() <= 2);
        run.stop();
    }
    socklite::detail::sys.send = saved;
}
