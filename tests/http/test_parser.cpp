// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/http/parser.hpp>

#include "support/doctest_ext.hpp"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "http/feed.hpp"

// Counts every allocation in this test program, to prove that parsing allocates nothing. (Not
// under TSan: its runtime defines the allocation operators itself and the link would clash.)
#if defined(__SANITIZE_THREAD__)
#define SOCKLITE_TEST_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SOCKLITE_TEST_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef SOCKLITE_TEST_COUNT_ALLOCATIONS
#define SOCKLITE_TEST_COUNT_ALLOCATIONS 1
#endif
#if SOCKLITE_TEST_COUNT_ALLOCATIONS
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 at -O2 sees the replaced operator new inlined into malloc and the replaced operator
// delete into free, and warns about a pair it cannot match; the pair is right.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<long> g_allocations{0};
}  // namespace
void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using socklite::errc;
using socklite::http::BodyKind;
using socklite::http::ParserLimits;
using socklite::http::ResponseParser;
using socklite_test::Outcome;

namespace {

const std::string nul("\0", 1);

struct Case {
    const char* name;
    std::string input;
    std::error_code ec;  // expected error, or none
    int status = 0;
    BodyKind kind = BodyKind::none;
    bool keep_alive = false;
    std::string body;
    std::string rest;
    const char* method = "GET";
    std::size_t interim = 0;
};

Case good(const char* name, std::string input, int status, BodyKind kind, bool keep_alive,
          std::string body, std::string rest = {}, const char* method = "GET",
          std::size_t interim = 0) {
    Case c;
    c.name = name;
    c.input = std::move(input);
    c.status = status;
    c.kind = kind;
    c.keep_alive = keep_alive;
    c.body = std::move(body);
    c.rest = std::move(rest);
    c.method = method;
    c.interim = interim;
    return c;
}

Case bad(const char* name, std::string input, std::error_code e, const char* method = "GET") {
    Case c;
    c.name = name;
    c.input = std::move(input);
    c.ec = e;
    c.method = method;
    return c;
}

const std::string ok = "HTTP/1.1 200 OK\r\n";

std::vector<Case> cases() {
    using K = BodyKind;
    std::vector<Case> v = {
        // ---- good responses
        good("content-length body", ok + "Content-Length: 5\r\n\r\nhello", 200, K::content_length,
             true, "hello"),
        good("content-length zero", ok + "Content-Length: 0\r\n\r\n", 200, K::content_length, true,
             ""),
        good("pipelined next response stays", ok + "Content-Length: 2\r\n\r\nhiHTTP/1.1 204", 200,
             K::content_length, true, "hi", "HTTP/1.1 204"),
        good("chunked",
             ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200,
             K::chunked, true, "hello world"),
        good("chunked upper-case hex, extension, trailer",
             ok + "Transfer-Encoding: Chunked\r\n\r\n"
                  "A;name=value;q=\"quoted\"\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\nNEXT",
             200, K::chunked, true, "0123456789", "NEXT"),
        good("TE list ending in chunked", ok + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
             200, K::chunked, true, ""),
        good("TE split over two fields",
             ok + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200,
             K::chunked, true, ""),
        good("TE empty list elements", ok + "Transfer-Encoding: , chunked ,\r\n\r\n0\r\n\r\n", 200,
             K::chunked, true, ""),
        good("TE chunked wins over CL, no reuse",
             ok + "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
             200, K::chunked, false, "abc"),
        good("TE without chunked: read until close", ok + "Transfer-Encoding: gzip\r\n\r\nrawbytes",
             200, K::until_close, false, "rawbytes"),
        good("xchunked is not chunked: until close",
             ok + "Transfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
             200, K::until_close, false, "3\r\nabc\r\n0\r\n\r\n"),
        good("no framing: read until close", ok + "Server: x\r\n\r\nall of it", 200, K::until_close,
             false, "all of it"),
        good("HTTP/1.0 until close", "HTTP/1.0 200 OK\r\n\r\nold", 200, K::until_close, false,
             "old"),
        good("HTTP/1.0 with CL still closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200,
             K::content_length, false, "ok"),
        good("HTTP/1.0 keep-alive header ignored",
             "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", 200,
             K::content_length, false, "ok"),
        good("Connection: close", ok + "Connection: close\r\nContent-Length: 1\r\n\r\nx", 200,
             K::content_length, false, "x"),
        good("Connection list with close",
             ok + "Connection: Keep-Alive, CLOSE\r\nContent-Length: 1\r\n\r\nx", 200,
             K::content_length, false, "x"),
        good("Connection: keep-alive", ok + "Connection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
             200, K::content_length, true, "x"),
        good("204 has no body despite CL",
             "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nNEXT", 204, K::none, true, "",
             "NEXT"),
        good("304 has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", 304,
             K::none, true, ""),
        good("HEAD has no body", ok + "Content-Length: 50\r\n\r\nNEXT", 200, K::none, true, "",
             "NEXT", "HEAD"),
        good("HEAD with chunked has no body", ok + "Transfer-Encoding: chunked\r\n\r\n", 200,
             K::none, true, "", "", "HEAD"),
        good("100 Continue skipped",
             "HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 1\r\n\r\nx", 200,
             K::content_length, true, "x", "", "GET", 1),
        good("103 twice then 200",
             "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n" +
                 ok + "Content-Length: 0\r\n\r\n",
             200, K::content_length, true, "", "", "GET", 2),
        good("101 switching: rest belongs to the new protocol",
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
             "Upgrade\r\n\r\n\x81\x05hello",
             101, K::none, false, "", "\x81\x05hello"),
        good("CONNECT 200 is a tunnel", ok + "\r\ntunnel bytes", 200, K::none, false, "",
             "tunnel bytes", "CONNECT"),
        good("CONNECT 407 has a body", "HTTP/1.1 407 Auth\r\nContent-Length: 1\r\n\r\nx", 407,
             K::content_length, true, "x", "", "CONNECT"),
        good("CL list of equal values", ok + "Content-Length: 3, 3,3\r\n\r\nabc", 200,
             K::content_length, true, "abc"),
        good("CL duplicate identical fields",
             ok + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 200, K::content_length, true,
             "abc"),
        good("CL with leading zeros and OWS", ok + "Content-Length: \t 003 \t\r\n\r\nabc", 200,
             K::content_length, true, "abc"),
        good("empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200, K::content_length,
             true, ""),
        good("reason with HTAB and obs-text",
             "HTTP/1.1 404 Not\tF\xc3\xb6und\r\nContent-Length: 0\r\n\r\n", 404, K::content_length,
             true, ""),
        good("status 599", "HTTP/1.1 599 X\r\nContent-Length: 0\r\n\r\n", 599, K::content_length,
             true, ""),
        good("header value with HTAB, obs-text, empty value",
             ok + "X-A: a\tb\r\nX-B: \xff\x80\r\nX-C:\r\nX-D: \t \r\nContent-Length: 0\r\n\r\n",
             200, K::content_length, true, ""),
        good("token characters in names",
             ok + "!#$%&'*+-.^_`|~09AZaz: v\r\nContent-Length: 0\r\n\r\n", 200, K::content_length,
             true, ""),
        good("TE without space, tab OWS", ok + "Transfer-Encoding:\tchunked\t\r\n\r\n0\r\n\r\n",
             200, K::chunked, true, ""),
        good("Transfer_Encoding is another field",
             ok + "Transfer_Encoding: chunked\r\nContent-Length: 1\r\n\r\nx", 200,
             K::content_length, true, "x"),
        good("leading CRLF skipped", "\r\n" + ok + "Content-Length: 1\r\n\r\nx", 200,
             K::content_length, true, "x"),
        good("eight leading CRLFs skipped",
             "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n" + ok + "Content-Length: 0\r\n\r\n", 200,
             K::content_length, true, ""),
        good("empty line after 100 Continue skipped",
             "HTTP/1.1 100 Continue\r\n\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok", 200,
             K::content_length, true, "ok", "", "GET", 1),
        good("chunk extension with BWS and quoted value",
             ok + "Transfer-Encoding: chunked\r\n\r\n2 ; a = \"q\\\"x\" ;b\r\nhi\r\n0\r\n\r\n", 200,
             K::chunked, true, "hi"),
        good("unrelated names of framing lengths",
             ok + "Content-Lengtx: zz\r\nTransfer-Encodinx: zz\r\nConnectioX: "
                  "close\r\nContent-Length: 0\r\n\r\n",
             200, K::content_length, true, ""),

        // ---- status line
        bad("no SP after code", "HTTP/1.1 200\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("two SP", "HTTP/1.1  200 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("two-digit code", "HTTP/1.1 20 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("four-digit code", "HTTP/1.1 2000 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("code below 100", "HTTP/1.1 099 X\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("code above 599", "HTTP/1.1 600 X\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("signed code", "HTTP/1.1 +20 X\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("hex code", "HTTP/1.1 0x1 X\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/1.10", "HTTP/1.10 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/0.9", "HTTP/0.9 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/1.x", "HTTP/1.x 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/x.1", "HTTP/x.1 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("HTTP/1,1", "HTTP/1,1 200 OK\r\n\r\n", socklite::http::errc::bad_version),
        bad("lower-case http", "http/1.1 200 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("leading space", " HTTP/1.1 200 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("leading bare LF", "\nHTTP/1.1 200 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("leading bare CR", "\rHTTP/1.1 200 OK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("too many leading empty lines",
            "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            socklite::http::errc::bad_status_line),
        bad("empty line then garbage", "\r\nSSH-2.0\r\n", socklite::http::errc::bad_status_line),
        bad("not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n", socklite::http::errc::bad_status_line),
        bad("HTTP/0.9 style body", "<html>", socklite::http::errc::bad_status_line),
        bad("bare LF ends status line", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
            socklite::http::errc::bad_status_line),
        bad("bare CR in status line", "HTTP/1.1 200 O\rK\r\n\r\n",
            socklite::http::errc::bad_status_line),
        bad("NUL in reason", "HTTP/1.1 200 O" + nul + "K\r\n\r\n",
            socklite::http::errc::bad_status_line),
        bad("DEL in reason", "HTTP/1.1 200 O\x7fK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("CTL in reason", "HTTP/1.1 200 O\x1bK\r\n\r\n", socklite::http::errc::bad_status_line),
        bad("tab instead of SP", "HTTP/1.1\t200 OK\r\n\r\n", socklite::http::errc::bad_status_line),

        // ---- header fields
        bad("space before colon", ok + "Content-Length : 5\r\n\r\nhello",
            socklite::http::errc::bad_header),
        bad("tab before colon", ok + "Content-Length\t: 5\r\n\r\nhello",
            socklite::http::errc::bad_header),
        bad("obs-fold", ok + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("obs-fold with tab", ok + "X-A: a\r\n\tb\r\n\r\n", socklite::http::errc::bad_header),
        bad("obs-folded TE", ok + "Transfer-Encoding: gzip\r\n chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("obs-folded TE, empty first line",
            ok + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("whitespace before first field", ok + " X-A: a\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("empty name", ok + ": v\r\n\r\n", socklite::http::errc::bad_header),
        bad("no colon", ok + "NoColon\r\n\r\n", socklite::http::errc::bad_header),
        bad("quote in name", ok + "X\"A: v\r\n\r\n", socklite::http::errc::bad_header),
        bad("slash in name", ok + "X/A: v\r\n\r\n", socklite::http::errc::bad_header),
        bad("non-ASCII name", ok + "X\xc3\xa9: v\r\n\r\n", socklite::http::errc::bad_header),
        bad("bare LF after field", ok + "X-A: v\nContent-Length: 0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("bare LF ends head", ok + "X-A: v\r\n\n", socklite::http::errc::bad_header),
        bad("bare CR in value", ok + "X-A: a\rb\r\n\r\n", socklite::http::errc::bad_header),
        bad("bare CR at end of head", ok + "X-A: a\r\n\rX", socklite::http::errc::bad_header),
        bad("NUL in value", ok + "X-A: a" + nul + "b\r\n\r\n", socklite::http::errc::bad_header),
        bad("NUL in name", ok + "X-" + nul + "A: b\r\n\r\n", socklite::http::errc::bad_header),
        bad("CTL in value", ok + "X-A: a\x01\r\n\r\n", socklite::http::errc::bad_header),
        bad("DEL in value", ok + "X-A: a\x7f\r\n\r\n", socklite::http::errc::bad_header),
        bad("LF in long value", ok + "X-A: 0123456789abcdef\n0123456789\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("ESC in long value",
            ok + "X-A: 0123456789abcdef\x1b"
                 "0123456789\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("bad Connection list", ok + "Connection: close; x\r\n\r\n",
            socklite::http::errc::bad_header),

        // ---- Content-Length
        bad("CL negative", ok + "Content-Length: -5\r\n\r\n",
            socklite::http::errc::bad_content_length),
        bad("CL plus sign", ok + "Content-Length: +5\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL hex", ok + "Content-Length: 0x5\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL inner space", ok + "Content-Length: 5 5\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL differing list", ok + "Content-Length: 5, 6\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL differing duplicates", ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL differing duplicates, case",
            ok + "content-length: 5\r\nCONTENT-LENGTH: 50\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL empty", ok + "Content-Length:\r\n\r\n", socklite::http::errc::bad_content_length),
        bad("CL letters", ok + "Content-Length: abc\r\n\r\n",
            socklite::http::errc::bad_content_length),
        bad("CL trailing comma", ok + "Content-Length: 5,\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL empty element", ok + "Content-Length: 5,,5\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL decimal point", ok + "Content-Length: 5.0\r\n\r\nhello",
            socklite::http::errc::bad_content_length),
        bad("CL overflow 2^64", ok + "Content-Length: 18446744073709551616\r\n\r\n",
            socklite::http::errc::bad_content_length),
        bad("CL overflow 2^63", ok + "Content-Length: 9223372036854775808\r\n\r\n",
            socklite::http::errc::bad_content_length),
        bad("CL huge", ok + "Content-Length: 99999999999999999999999999999\r\n\r\n",
            socklite::http::errc::bad_content_length),
        bad("CL bad even with chunked",
            ok + "Content-Length: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            socklite::http::errc::bad_content_length),

        // ---- Transfer-Encoding
        bad("TE chunked, identity", ok + "Transfer-Encoding: chunked, identity\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE chunked twice", ok + "Transfer-Encoding: chunked, chunked\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE chunked then gzip field",
            ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE with parameter", ok + "Transfer-Encoding: chunked;q=1\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE empty", ok + "Transfer-Encoding:\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE only commas", ok + "Transfer-Encoding: , ,\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE quoted", ok + "Transfer-Encoding: \"chunked\"\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE space inside", ok + "Transfer-Encoding: chun ked\r\n\r\n",
            socklite::http::errc::bad_transfer_encoding),
        bad("TE vertical tab",
            ok + "Transfer-Encoding: \x0b"
                 "chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE form feed", ok + "Transfer-Encoding: chunked\x0c\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE space before colon", ok + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE tab before colon", ok + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE as first field with leading space", ok + " Transfer-Encoding: chunked\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE folded onto another field", ok + "X: y\r\n Transfer-Encoding: chunked\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE with NUL", ok + "Transfer-Encoding: chunked" + nul + "\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("TE after a bare LF", ok + "X: y\nTransfer-Encoding: chunked\r\n\r\n",
            socklite::http::errc::bad_header),

        // ---- bodies
        bad("chunked: negative size",
            ok + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: 0x prefix",
            ok + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: overflow", ok + "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: missing CRLF after data",
            ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX0\r\n\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: extension without a name",
            ok + "Transfer-Encoding: chunked\r\n\r\n2;\r\nhi\r\n0\r\n\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: extension name without value",
            ok + "Transfer-Encoding: chunked\r\n\r\n2;a=\r\nhi\r\n0\r\n\r\n",
            socklite::http::errc::bad_chunk),
        bad("chunked: bad trailer",
            ok + "Transfer-Encoding: chunked\r\n\r\n0\r\nBad Name: x\r\n\r\n",
            socklite::http::errc::bad_header),
        bad("truncated head", ok + "Content-Length: 5\r\n", errc::unexpected_eof),
        bad("empty input", "", errc::unexpected_eof),
        bad("truncated CL body", ok + "Content-Length: 5\r\n\r\nhel", errc::unexpected_eof),
        bad("truncated chunked body", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel",
            errc::unexpected_eof),
        bad("chunked without last chunk", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            errc::unexpected_eof),
        bad("chunked without final CRLF", ok + "Transfer-Encoding: chunked\r\n\r\n0\r\n",
            errc::unexpected_eof),
    };
    return v;
}

bool small(const Case& c) { return c.input.size() <= 512; }

void check_expected(const Case& c, const Outcome& o) {
    CHECK(o.ec == c.ec);
    if (c.ec) return;
    CHECK(o.status == c.status);
    CHECK(o.kind == c.kind);
    CHECK(o.keep_alive == c.keep_alive);
    CHECK(o.body == c.body);
    CHECK(o.rest == c.rest);
    CHECK(o.interim == c.interim);
}

}  // namespace

TEST_CASE("parser: every case fed whole, per byte and split at every offset, at a guard page") {
    socklite_test::GuardPage guard(8192);
    for (const Case& c : cases()) {
        CAPTURE(std::string(c.name));
        const std::size_t n = c.input.size();
        Outcome whole = socklite_test::feed_response(c.input, socklite_test::cuts_whole(n), guard,
                                                     {}, c.method);
        check_expected(c, whole);
        if (!small(c)) continue;
        Outcome bytes = socklite_test::feed_response(c.input, socklite_test::cuts_bytes(n), guard,
                                                     {}, c.method);
        CHECK(bytes == whole);
        for (std::size_t at = 1; at < n; ++at) {
            CAPTURE(at);
            Outcome split = socklite_test::feed_response(c.input, socklite_test::cuts_split(n, at),
                                                         guard, {}, c.method);
            CHECK(split == whole);
        }
    }
}

TEST_CASE("parser: fields are zero-copy views, trimmed, in order") {
    std::string in =
        "HTTP/1.1 200 Fine Thanks\r\nServer:  nginx \t\r\nSet-Cookie: a=1\r\n"
        "X-Empty:\r\nset-cookie: b=2\r\nContent-Length: 2\r\n\r\nhi";
    ResponseParser p;
    auto r = p.parse_head(in);
    REQUIRE(r.complete());
    CHECK(r.consumed == in.size() - 2);
    CHECK(p.head_size() == in.size() - 2);
    CHECK(p.status() == 200);
    CHECK(p.version() == 11);
    CHECK(p.reason() == "Fine Thanks");
    CHECK(p.reason().data() == in.data() + 13);
    REQUIRE(p.field_count() == 5);
    CHECK(p.field(0).name == "Server");
    CHECK(p.field(0).value == "nginx");
    CHECK(p.field(0).value.data() == in.data() + in.find("nginx"));
    CHECK(p.field(2).value.empty());
    CHECK(p.header("SET-COOKIE") == "a=1");
    CHECK(p.header("missing").empty());
    CHECK(p.has_header("x-empty"));
    CHECK_FALSE(p.has_header("x-missing"));
    CHECK(p.content_length() == 2);
    CHECK(p.has_content_length());
    CHECK(p.body_kind() == BodyKind::content_length);
    CHECK_FALSE(p.complete());

    socklite::http::Response res;
    p.copy_head(res);
    CHECK(res.status == 200);
    CHECK(res.reason == "Fine Thanks");
    CHECK(res.headers.size() == 5);
    CHECK(res.headers.values("set-cookie").size() == 2);

    auto b = p.parse_body(std::string_view(in).substr(r.consumed));
    CHECK(b.complete());
    CHECK(b.body == "hi");
    CHECK(p.complete());
    CHECK(p.body_received() == 2);
    CHECK(p.keep_alive());
}

TEST_CASE("parser: reset() makes it ready for the next response on the connection") {
    std::string two =
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 NF\r\n"
        "Transfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n";
    ResponseParser p;
    std::string_view in = two;
    auto r = p.parse_head(in);
    REQUIRE(r.complete());
    in.remove_prefix(r.consumed);
    r = p.parse_body(in);
    REQUIRE(r.complete());
    CHECK(r.body == "a");
    in.remove_prefix(r.consumed);
    p.reset();
    r = p.parse_head(in);
    REQUIRE(r.complete());
    CHECK(p.status() == 404);
    CHECK(p.body_kind() == BodyKind::chunked);
    in.remove_prefix(r.consumed);
    r = p.parse_body(in);
    CHECK(r.body == "b");
    in.remove_prefix(r.consumed);
    r = p.parse_body(in);
    CHECK(r.complete());
    in.remove_prefix(r.consumed);
    CHECK(in.empty());
    CHECK(p.keep_alive());
}

TEST_CASE("parser: an error sticks until reset()") {
    ResponseParser p;
    auto r = p.parse_head("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
    CHECK(r.ec == socklite::http::errc::bad_header);
    CHECK(p.parse_head("HTTP/1.1 200 OK\r\n\r\n").ec == socklite::http::errc::bad_header);
    CHECK(p.parse_body("x").ec == socklite::http::errc::bad_header);
    CHECK(p.finish().ec == socklite::http::errc::bad_header);
    CHECK_FALSE(p.keep_alive());
    p.reset();
    CHECK(p.parse_head("HTTP/1.1 200 OK\r\n\r\n").complete());
}

TEST_CASE("parser: limits are enforced while the head is still arriving") {
    socklite_test::GuardPage guard(128 * 1024);
    SUBCASE("an endless header line fails at the limit, not at its end") {
        ParserLimits lim;
        lim.max_header_bytes = 1024;
        ResponseParser p(lim);
        std::string in = "HTTP/1.1 200 OK\r\nX-Long: ";
        socklite::http::ParseResult r;
        while (in.size() < 4096) {
            in.append(100, 'a');
            r = p.parse_head(guard.place(in));
            if (!r.need_more()) break;
        }
        CHECK(r.ec == socklite::http::errc::header_too_large);
        CHECK(in.size() < 1024 + 100 + 1);
    }
    SUBCASE("default limit: 64 KiB") {
        std::string in = "HTTP/1.1 200 OK\r\n";
        while (in.size() < 70 * 1024)
            in += "X-Filler: 0123456789012345678901234567890123456789\r\n";
        ParserLimits lim;
        lim.max_fields = 100000;
        Outcome o = socklite_test::feed_response(in + "\r\n", {in.size() + 2}, guard, lim);
        CHECK(o.ec == socklite::http::errc::header_too_large);
        ResponseParser p(lim);
        // also when it arrives in pieces: the error comes as soon as 64 KiB are buffered
        std::size_t fed = 0;
        socklite::http::ParseResult r;
        for (fed = 1000; fed <= in.size(); fed += 1000) {
            r = p.parse_head(guard.place(std::string_view(in).substr(0, fed)));
            if (!r.need_more()) break;
        }
        CHECK(r.ec == socklite::http::errc::header_too_large);
        CHECK(fed >= 64 * 1024);
        CHECK(fed < 64 * 1024 + 1000);
    }
    SUBCASE("a head of exactly the limit passes, one byte more fails") {
        std::string head = "HTTP/1.1 200 OK\r\nX: ";
        std::string end = "\r\nContent-Length: 0\r\n\r\n";
        ParserLimits lim;
        lim.max_header_bytes = 200;
        std::string exact = head + std::string(200 - head.size() - end.size(), 'v') + end;
        REQUIRE(exact.size() == 200);
        Outcome o = socklite_test::feed_response(exact, {exact.size()}, guard, lim);
        CHECK_FALSE(o.ec);
        std::string over = head + std::string(201 - head.size() - end.size(), 'v') + end;
        o = socklite_test::feed_response(over, {over.size()}, guard, lim);
        CHECK(o.ec == socklite::http::errc::header_too_large);
        o = socklite_test::feed_response(over, socklite_test::cuts_bytes(over.size()), guard, lim);
        CHECK(o.ec == socklite::http::errc::header_too_large);
    }
    SUBCASE("field count") {
        ParserLimits lim;
        lim.max_fields = 3;
        std::string in = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        CHECK_FALSE(socklite_test::feed_response(in, {in.size()}, guard, lim).ec);
        in = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        CHECK(socklite_test::feed_response(in, {in.size()}, guard, lim).ec ==
              socklite::http::errc::too_many_headers);
        CHECK(
            socklite_test::feed_response(in, socklite_test::cuts_bytes(in.size()), guard, lim).ec ==
            socklite::http::errc::too_many_headers);
        // without the end of the head: the error does not wait for it
        in = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n";
        ResponseParser p(lim);
        CHECK(p.parse_head(in).ec == socklite::http::errc::too_many_headers);
    }
    SUBCASE("limits apply to each interim response separately") {
        ParserLimits lim;
        lim.max_header_bytes = 64;
        std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
        std::string in;
        for (int i = 0; i < 10; ++i) in += interim;
        in += "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        Outcome o = socklite_test::feed_response(in, {in.size()}, guard, lim);
        CHECK_FALSE(o.ec);
        CHECK(o.interim == 10);
        // and their number is bounded too
        lim.max_interim = 10;
        CHECK_FALSE(socklite_test::feed_response(in, {in.size()}, guard, lim).ec);
        lim.max_interim = 9;
        CHECK(socklite_test::feed_response(in, {in.size()}, guard, lim).ec ==
              socklite::http::errc::header_too_large);
        CHECK(
            socklite_test::feed_response(in, socklite_test::cuts_bytes(in.size()), guard, lim).ec ==
            socklite::http::errc::header_too_large);
    }
}

TEST_CASE("parser: garbage fails early, before a whole line arrived") {
    ResponseParser p;
    CHECK(p.parse_head("SSH").ec == socklite::http::errc::bad_status_line);
    p.reset();
    CHECK(p.parse_head("HTTP/2").ec == socklite::http::errc::bad_version);
    p.reset();
    CHECK(p.parse_head("HTTP/x").ec == socklite::http::errc::bad_version);
    p.reset();
    CHECK(p.parse_head("HTTP/1.1 2x").ec == socklite::http::errc::bad_status_line);
    p.reset();
    CHECK(p.parse_head("HTTP/1.1 200 OK\r\nBad Name").ec == socklite::http::errc::bad_header);
    p.reset();
    CHECK(p.parse_head("HTTP/1.1 200 OK\r\nX: a\x01").ec == socklite::http::errc::bad_header);
    p.reset();
    CHECK(p.parse_head("HTTP/1").need_more());
    CHECK(p.parse_head("").need_more());
}

TEST_CASE("parser: interim responses are consumed and counted") {
    ResponseParser p;
    std::string in = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n";
    auto r = p.parse_head(in);
    CHECK(r.need_more());
    CHECK(r.consumed == 25);  // the 100 response may be dropped
    CHECK(p.interim_count() == 1);
    CHECK(p.last_interim_status() == 100);
    r = p.parse_head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK(r.complete());
    CHECK(p.status() == 200);
    CHECK(p.complete());
}

TEST_CASE("parser: finish() completes a body read until close only") {
    ResponseParser p;
    REQUIRE(p.parse_head("HTTP/1.1 200 OK\r\n\r\n").complete());
    CHECK(p.body_kind() == BodyKind::until_close);
    CHECK(p.parse_body("abc").body == "abc");
    CHECK(p.finish().complete());
    CHECK(p.complete());
    CHECK_FALSE(p.keep_alive());
    CHECK(p.body_received() == 3);
    ResponseParser q;
    CHECK(q.finish().ec == errc::unexpected_eof);
}

TEST_CASE("parser: the word-at-a-time scanners agree with a byte-by-byte reference") {
    namespace d = socklite::http::detail;
    socklite_test::GuardPage guard;
    auto ref_value = [](const char* p, const char* e) {
        while (p < e) {
            unsigned char c = static_cast<unsigned char>(*p);
            if (!(c == '\t' || c == ' ' || (c > 0x20 && c != 0x7f))) break;
            ++p;
        }
        return p;
    };
    // every byte value at every position of lines of several lengths, ending at the guard page
    for (std::size_t len = 1; len <= 19; len += 3) {
        for (std::size_t pos = 0; pos < len; ++pos) {
            for (int b = 0; b < 256; ++b) {
                std::string s(len, 'a');
                s[pos] = static_cast<char>(b);
                if (pos + 1 < len) s[len - 1] = '\t';
                std::string_view v = guard.place(s);
                const char* e = v.data() + v.size();
                CHECK(d::scan_field_value(v.data(), e) == ref_value(v.data(), e));
                const char* colon = v.data();
                while (colon < e && *colon != ':') ++colon;
                CHECK(d::find_colon(v.data(), e) == colon);
                bool all = true;
                for (char c : v) all = all && d::is(c, d::cc_tchar);
                CHECK(d::all_tchar(v.data(), e) == all);
            }
        }
    }
    CHECK(socklite::http::iequals("Content-Length", "content-length"));
    CHECK(socklite::http::iequals("CONTENT-LENGTH", "content-length"));
    CHECK_FALSE(socklite::http::iequals("Content-Lengti", "content-length"));
    CHECK_FALSE(socklite::http::iequals("Dontent-Length", "content-length"));
    CHECK(socklite::http::iequals("Transfer-Encoding", "transfer-encoding"));
    CHECK_FALSE(socklite::http::iequals("Transfer-EncodinG!", "transfer-encoding"));
    CHECK(socklite::http::iequals("Close", "close"));
    CHECK_FALSE(socklite::http::iequals("Clos^", "close"));
    CHECK_FALSE(socklite::http::iequals("Content\rLength", "content-length"));
    CHECK_FALSE(socklite::http::iequals("@", "`"));  // differ in bit 0x20 only, not letters
    CHECK_FALSE(socklite::http::iequals("[", "{"));
    CHECK(socklite::http::iequals("x-\xc3\xa9", "X-\xc3\xa9"));
}

TEST_CASE("parser: long lines arriving in pieces give the same outcome as when whole") {
    // Lines longer than the rescan threshold are checked incrementally; any byte that may end
    // the line, change its phase or be an error still triggers a full check.
    socklite_test::GuardPage guard(65536);
    const std::string longv(700, 'v');
    const std::string longn(700, 'N');
    const std::vector<std::string> inputs = {
        ok + "X: " + longv + "\r\nContent-Length: 0\r\n\r\n",
        ok + "X: " + longv + "\rx\r\n\r\n",
        ok + "X: " + longv + "\nx\r\n\r\n",
        ok + "X: " + longv + nul + "x\r\n\r\n",
        ok + "X: " + longv + "\x01",
        ok + "X: " + longv,
        ok + longn + ": v\r\nContent-Length: 0\r\n\r\n",
        ok + longn + " : v\r\n\r\n",
        ok + longn + "(",
        ok + longn + "\r\n\r\n",
        ok + longn,
        "HTTP/1.1 200 " + longv + "\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 " + longv + "\x11" + longv,
        "HTTP/1.1 200 " + longv + "\rx",
        "HTTP/1.1 200 " + longv,
    };
    for (const std::string& in : inputs) {
        CAPTURE(in.size());
        for (bool eof : {true, false}) {
            const std::size_t n = in.size();
            Outcome whole = socklite_test::feed_response(in, socklite_test::cuts_whole(n), guard,
                                                         {}, "GET", eof);
            Outcome bytes = socklite_test::feed_response(in, socklite_test::cuts_bytes(n), guard,
                                                         {}, "GET", eof);
            CHECK(bytes == whole);
            for (std::size_t step : {7u, 100u, 257u, 300u}) {
                std::vector<std::size_t> cuts;
                for (std::size_t at = step; at < n; at += step) cuts.push_back(at);
                cuts.push_back(n);
                CHECK(socklite_test::feed_response(in, cuts, guard, {}, "GET", eof) == whole);
            }
        }
    }
}

#if SOCKLITE_TEST_COUNT_ALLOCATIONS
TEST_CASE("parser: parsing allocates nothing (storage comes from the constructor)") {
    const std::vector<std::string> inputs = {
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: "
        "5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "HTTP/1.0 200 OK\r\n\r\nuntil close",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    };
    const long at_start = g_allocations.load();
    ResponseParser p;
    CHECK(g_allocations.load() > at_start);  // the counter works: the constructor allocates
    for (const std::string& in : inputs) {
        CAPTURE(in);
        const long before = g_allocations.load();
        p.reset();
        // per byte, the worst case for state kept between calls
        std::size_t start = 0;
        for (std::size_t end = 1; end <= in.size(); ++end) {
            std::string_view v(in.data() + start, end - start);
            socklite::http::ParseResult r;
            for (;;) {
                r = p.head_complete() ? p.parse_body(v) : p.parse_head(v);
                start += r.consumed;
                v.remove_prefix(r.consumed);
                if (r.error() || p.complete() || !(r.complete() || !r.body.empty())) break;
            }
            if (r.error() || p.complete()) break;
        }
        if (!p.complete()) p.finish();
        CHECK(g_allocations.load() == before);
    }
    socklite::http::ChunkedDecoder d;
    const long before = g_allocations.load();
    CHECK(d.decode("3\r\nabc\r\n0\r\nA: 1\r\n\r\n").need_more());
    CHECK(g_allocations.load() == before);
}
#endif
