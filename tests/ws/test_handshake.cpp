// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/ws/handshake.hpp>

#include "support/doctest_ext.hpp"

#include <socklite/detail/sha1.hpp>

#include <string>
#include <vector>

using socklite::ws::errc;

namespace {

std::string hex(const std::array<std::uint8_t, 20>& d) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (auto b : d) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

// Parses @p text as a response and checks it as the answer to @p key.
std::error_code check(const std::string& text, const std::string& key,
                      const std::vector<std::string>& offered, std::string& selected) {
    socklite::http::ResponseParser p;
    p.request_method("GET");
    auto r = p.parse_head(text);
    REQUIRE(r.complete());
    return socklite::ws::check_response(p, key, offered, selected);
}

socklite::ws::UpgradeCheck check_request(const std::string& text) {
    socklite::http::RequestParser p;
    auto r = p.parse_head(text);
    REQUIRE(r.complete());
    return socklite::ws::check_request(socklite::ws::upgrade_request(p));
}

const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
const std::string rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

}  // namespace

TEST_CASE("sha1: FIPS 180 / RFC 3174 test vectors") {
    using socklite::detail::sha1;
    CHECK(hex(sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(hex(sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(hex(sha1(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    std::string t4;
    for (int i = 0; i < 80; ++i) t4 += "01234567";
    CHECK(hex(sha1(t4)) == "dea356a2cddd90c7a7ecedc5ebb563934f460452");
    // Padding boundaries: 55, 56, 63, 64 bytes, fed in pieces.
    for (std::size_t n : {55, 56, 63, 64, 65, 119, 120}) {
        std::string m(n, 'q');
        socklite::detail::Sha1 s;
        s.update(m.substr(0, n / 3));
        s.update(m.substr(n / 3));
        CHECK(hex(s.digest()) == hex(sha1(m)));
    }
}

TEST_CASE("ws handshake: accept key of RFC 6455 section 1.3, generated keys") {
    CHECK(socklite::ws::accept_key(key) == rfc_accept);
    std::string k1 = socklite::ws::generate_key(), k2 = socklite::ws::generate_key();
    CHECK(k1.size() == 24);
    CHECK(k1 != k2);
    CHECK(socklite::ws::check_request(
              socklite::ws::UpgradeRequest{"GET", 11, "websocket", "Upgrade", k1, "13", {}, {}})
              .status == 101);
}

TEST_CASE("ws handshake: client request") {
    socklite::ws::ClientRequest req;
    req.host = "example.com:8080";
    req.target = "/chat?x=1";
    req.key = key;
    req.subprotocols = {"chat", "superchat"};
    req.origin = "http://example.com";
    req.headers = {{"X-Token", "t"}};
    std::error_code ec;
    std::string text = socklite::ws::build_request(req, ec);
    CHECK_FALSE(ec);
    CHECK(text ==
          "GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\n"
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
          "Origin: http://example.com\r\nX-Token: t\r\n\r\n");
    // The request parses and passes the server-side check.
    auto c = check_request(text);
    CHECK(c.status == 101);
    CHECK(c.accept == rfc_accept);

    req.headers = {{"X-Evil", "a\r\nInjected: 1"}};
    CHECK(socklite::ws::build_request(req, ec).empty());
    CHECK(ec == socklite::http::errc::bad_field);
}

TEST_CASE("ws handshake: response checks") {
    const std::string good =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        rfc_accept + "\r\n";
    std::string sel;
    CHECK_FALSE(check(good + "\r\n", key, {}, sel));
    CHECK(sel.empty());
    CHECK_FALSE(
        check("HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
              "sec-websocket-accept: " +
                  rfc_accept + "\r\n\r\n",
              key, {}, sel));
    CHECK(check(good + "\r\n", "AAAAAAAAAAAAAAAAAAAAAA==", {}, sel) == errc::bad_accept);
    CHECK(check("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", key, {}, sel) ==
          errc::bad_handshake);
    CHECK(check("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + rfc_accept +
                    "\r\n\r\n",
                key, {}, sel) == errc::bad_handshake);
    CHECK(check("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + rfc_accept +
                    "\r\n\r\n",
                key, {}, sel) == errc::bad_handshake);
    CHECK(check(good + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", key, {}, sel) ==
          errc::bad_handshake);
    CHECK(check(good + "Sec-WebSocket-Protocol: chat\r\n\r\n", key, {}, sel) ==
          errc::bad_subprotocol);
    CHECK_FALSE(check(good + "Sec-WebSocket-Protocol: chat\r\n\r\n", key, {"x", "chat"}, sel));
    CHECK(sel == "chat");
}

TEST_CASE("ws handshake: server-side request checks (RFC 6455 section 4.2.1)") {
    auto req = [](const std::string& start, const std::string& fields) {
        return start + "\r\nHost: h\r\n" + fields + "\r\n";
    };
    const std::string up = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    const std::string k = "Sec-WebSocket-Key: " + key + "\r\n";
    const std::string v = "Sec-WebSocket-Version: 13\r\n";
    CHECK(check_request(req("GET / HTTP/1.1", up + k + v)).status == 101);
    CHECK(check_request(req("GET / HTTP/1.1", up + k + v)).accept == rfc_accept);
    CHECK(check_request(req("POST / HTTP/1.1", up + k + v)).status == 405);
    CHECK(check_request(req("GET / HTTP/1.0", up + k + v)).status == 400);
    CHECK(check_request(req("GET / HTTP/1.1", "Connection: Upgrade\r\n" + k + v)).status == 400);
    CHECK(check_request(req("GET / HTTP/1.1", "Upgrade: websocket\r\n" + k + v)).status == 400);
    CHECK(check_request(req("GET / HTTP/1.1", up + v)).status == 400);
    auto bad_version =
        check_request(req("GET / HTTP/1.1", up + k + "Sec-WebSocket-Version: 99\r\n"));
    CHECK(bad_version.status == 426);
    CHECK(bad_version.ec == errc::bad_version);
    CHECK(check_request(req("GET / HTTP/1.1", up + k)).status == 426);
    // Each of the key and the version at most once (sections 11.3.1, 11.3.5), even when equal.
    CHECK(check_request(req("GET / HTTP/1.1", up + k + k + v)).status == 400);
    CHECK(check_request(req("GET / HTTP/1.1", up + k + v + v)).status == 400);
    CHECK(
        check_request(req("GET / HTTP/1.1", up + k + v + "Sec-WebSocket-Version: 8\r\n")).status ==
        400);
    for (const char* bad_key :
         {"dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25j*Q==",
          "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZXg=" /* 17 bytes */}) {
        CAPTURE(bad_key);
        CHECK(
            check_request(req("GET / HTTP/1.1", up + "Sec-WebSocket-Key: " + bad_key + "\r\n" + v))
                .status == 400);
    }
    std::string r426 = socklite::ws::build_rejection(426);
    CHECK(r426.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(r426.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
    CHECK(socklite::ws::build_rejection(405).find("Allow: GET\r\n") != std::string::npos);
    CHECK(socklite::ws::build_rejection(400).rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(socklite::ws::build_response(rfc_accept, "chat") ==
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " +
              rfc_accept + "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
}

TEST_CASE("ws handshake: subprotocol selection and token lists") {
    CHECK(socklite::ws::select_subprotocol("a, chat ,b", {"x", "chat", "b"}) == "chat");
    CHECK(socklite::ws::select_subprotocol("a, b", {"x"}).empty());
    CHECK(socklite::ws::select_subprotocol("", {"x"}).empty());
    CHECK(socklite::ws::has_token("keep-alive, Upgrade", "upgrade"));
    CHECK_FALSE(socklite::ws::has_token("keep-alive, Upgrade2", "upgrade"));
    CHECK_FALSE(socklite::ws::has_token("", "upgrade"));
}
