// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/ws/message.hpp>

#include "support/doctest_ext.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "ws/feed.hpp"

using socklite::ws::append_frame;
using socklite::ws::errc;
using socklite::ws::EventKind;
using socklite::ws::Limits;
using socklite::ws::MaskKey;
using socklite::ws::Opcode;
using socklite::ws::Protocol;
using socklite::ws::Role;
using namespace ws_test;

namespace {

// A frame from the server (what a client-side Protocol receives).
std::string frame(int op, const std::string& payload, bool fin = true) {
    std::string out;
    append_frame<Role::server>(out, static_cast<Opcode>(op), payload, fin);
    return out;
}
// A frame from a client (what a server-side Protocol receives).
std::string cframe(int op, const std::string& payload, bool fin = true) {
    std::string out;
    append_frame<Role::client>(out, static_cast<Opcode>(op), payload, fin, MaskKey{{1, 2, 3, 4}});
    return out;
}
std::string close_payload(int code, const std::string& reason = {}) {
    std::string s;
    s += static_cast<char>(code >> 8);
    s += static_cast<char>(code & 0xFF);
    return s + reason;
}
std::string err(errc e) { return "error:" + socklite::ws::make_error_code(e).message(); }

struct Case {
    const char* name;
    std::string input;
    std::vector<std::string> events;
    std::vector<std::string> sent;
    Limits limits{};
};

template <Role R>
void run_table(const std::vector<Case>& cases) {
    GuardPage guard(64 * 1024);
    for (const Case& c : cases) {
        CAPTURE(c.name);
        ProtocolOutcome want{c.events, c.sent};
        CHECK(feed_protocol<R>(c.input, cuts_whole(c.input.size()), guard, c.limits) == want);
        CHECK(feed_protocol<R>(c.input, cuts_bytes(c.input.size()), guard, c.limits) == want);
        for (std::size_t at : split_points(c.input.size())) {
            CAPTURE(at);
            REQUIRE(feed_protocol<R>(c.input, cuts_split(c.input.size(), at), guard, c.limits) ==
                    want);
        }
    }
}

}  // namespace

TEST_CASE("ws protocol: messages, fragments, pings, closes (client side)") {
    const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
    std::vector<Case> cases = {
        {"text", frame(1, "Hello"), {"text:Hello"}, {}},
        {"binary", frame(2, std::string("\0\xff", 2)), {"binary:" + std::string("\0\xff", 2)}, {}},
        {"empty text", frame(1, ""), {"text:"}, {}},
        {"three empty fragments",
         frame(1, "", false) + frame(0, "", false) + frame(0, ""),
         {"text:"},
         {}},
        {"fragments with a ping between",
         frame(1, "Hel", false) + frame(9, "p1") + frame(0, "lo"),
         {"ping:p1", "text:Hello"},
         {"pong:p1"}},
        {"ping 125 bytes",
         frame(9, std::string(125, 'z')),
         {"ping:" + std::string(125, 'z')},
         {"pong:" + std::string(125, 'z')}},
        {"unsolicited pong", frame(10, "hb") + frame(1, "x"), {"pong:hb", "text:x"}, {}},
        {"ten pings",
         [] {
             std::string s;
             for (int i = 0; i < 10; ++i) s += frame(9, std::to_string(i));
             return s;
         }(),
         {"ping:0", "ping:1", "ping:2", "ping:3", "ping:4", "ping:5", "ping:6", "ping:7", "ping:8",
          "ping:9"},
         {"pong:0", "pong:1", "pong:2", "pong:3", "pong:4", "pong:5", "pong:6", "pong:7", "pong:8",
          "pong:9"}},
        {"utf8 split inside a code point across fragments",
         frame(1, kosme.substr(0, 3), false) + frame(0, kosme.substr(3, 5), false) +
             frame(0, kosme.substr(8)),
         {"text:" + kosme},
         {}},
        {"invalid utf8 fails in the first fragment (fail fast)",
         frame(1, "ab\xed\xa0", false) + frame(0, "\x80"),
         {err(errc::invalid_utf8)},
         {"close:1007:"}},
        {"invalid utf8 in a later fragment",
         frame(1, kosme, false) + frame(0, "\xff", false),
         {err(errc::invalid_utf8)},
         {"close:1007:"}},
        {"truncated code point at the end of the message",
         frame(1, "a\xe1\x80"),
         {err(errc::invalid_utf8)},
         {"close:1007:"}},
        {"binary is not checked", frame(2, "\xff"), {"binary:\xff"}, {}},
        {"close 1000 with reason",
         frame(8, close_payload(1000, "bye")),
         {"close:1000:bye"},
         {"close:1000:"}},
        {"close without payload", frame(8, ""), {"close:1005:"}, {"close:"}},
        {"close with one byte", frame(8, "\x03"), {err(errc::bad_close_frame)}, {"close:1002:"}},
        {"close reason of 123 bytes",
         frame(8, close_payload(1000, std::string(123, 'r'))),
         {"close:1000:" + std::string(123, 'r')},
         {"close:1000:"}},
        {"close reason not utf8",
         frame(8, close_payload(1000, "\xff")),
         {err(errc::invalid_utf8)},
         {"close:1007:"}},
        {"close in the middle of a fragmented message",
         frame(1, "ab", false) + frame(8, close_payload(1001)),
         {"close:1001:"},
         {"close:1001:"}},
        {"frames after a close are not processed",
         frame(8, close_payload(1000)) + frame(1, "x"),
         {"close:1000:"},
         {"close:1000:"}},
        {"message over the limit",
         frame(1, "12345", false) + frame(0, "678901"),
         {err(errc::message_too_large)},
         {"close:1009:"},
         Limits{100, 10}},
        {"message at the limit",
         frame(1, "12345", false) + frame(0, "67890"),
         {"text:1234567890"},
         {},
         Limits{100, 10}},
        {"frame over the limit",
         frame(2, "12345678901"),
         {err(errc::frame_too_large)},
         {"close:1009:"},
         Limits{10, 100}},
        {"protocol error: reserved bit after a message",
         frame(1, "ok") + std::string("\xc1\x00", 2),
         {"text:ok", err(errc::reserved_bits)},
         {"close:1002:"}},
        {"protocol error: masked server frame",
         cframe(1, "x"),
         {err(errc::masked_frame)},
         {"close:1002:"}},
        {"protocol error: fragmented ping",
         frame(9, "", false),
         {err(errc::bad_control_frame)},
         {"close:1002:"}},
        {"protocol error: continuation first",
         frame(0, "x"),
         {err(errc::unexpected_continuation)},
         {"close:1002:"}},
        {"protocol error: two text openers",
         frame(1, "a", false) + frame(1, "b"),
         {err(errc::expected_continuation)},
         {"close:1002:"}},
    };
    // RFC 6455 section 7.4.1 and the IANA registry; Autobahn 7.7 / 7.9 / 7.13.
    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
                     3999, 4000, 4999}) {
        std::string c = std::to_string(code);
        cases.push_back({"valid close code",
                         frame(8, close_payload(code)),
                         {"close:" + c + ":"},
                         {"close:" + c + ":"}});
    }
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        cases.push_back({"invalid close code",
                         frame(8, close_payload(code)),
                         {err(errc::bad_close_frame)},
                         {"close:1002:"}});
    run_table<Role::client>(cases);
}

TEST_CASE("ws protocol: server side unmasks and rejects unmasked frames") {
    std::vector<Case> cases = {
        {"masked text in fragments", cframe(1, "Hel", false) + cframe(0, "lo"), {"text:Hello"}, {}},
        {"masked ping", cframe(9, "abc"), {"ping:abc"}, {"pong:abc"}},
        {"unmasked frame", frame(1, "x"), {err(errc::unmasked_frame)}, {"close:1002:"}},
        {"masked close",
         cframe(8, close_payload(1000, "done")),
         {"close:1000:done"},
         {"close:1000:"}},
    };
    run_table<Role::server>(cases);
}

TEST_CASE("ws protocol: large messages across fragments, byte-exact") {
    std::string big(3 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + (i >> 13));
    std::string input = frame(2, big.substr(0, 70000), false) + frame(9, "mid") +
                        frame(0, big.substr(70000, 1 << 20), false) +
                        frame(0, big.substr(70000 + (1 << 20)));
    Protocol<Role::client> p;
    std::vector<EventKind> kinds;
    std::size_t used = 0;
    // Deliver in pieces of 1000 bytes, like TCP reads.
    std::string pending;
    for (std::size_t at = 0; at < input.size(); at += 1000) {
        pending.append(input, at, 1000);
        for (;;) {
            auto e = p.feed(pending);
            pending.erase(0, e.consumed);
            used += e.consumed;
            if (e.kind == EventKind::need_more) break;
            kinds.push_back(e.kind);
        }
    }
    CHECK(used == input.size());
    REQUIRE(kinds == std::vector<EventKind>{EventKind::ping, EventKind::binary});
    CHECK(p.message() == big);
}

TEST_CASE("ws protocol: sending; close once; nothing after the close") {
    Protocol<Role::server> s;
    s.send(Opcode::text, "hi");
    s.send(Opcode::binary, "b", false);
    s.send(Opcode::continuation, "c");
    s.close(1001, "going");
    s.send(Opcode::text, "late");
    s.close(1000);
    CHECK(s.close_sent());
    CHECK(decode_output<Role::server>(s.output()) ==
          std::vector<std::string>{"text:hi", "binary:b", "?0", "close:1001:going"});

    Protocol<Role::client> c;
    c.send(Opcode::text, "masked");
    CHECK((static_cast<unsigned char>(c.output()[1]) & 0x80) == 0x80);
    CHECK(decode_output<Role::client>(c.output()) == std::vector<std::string>{"text:masked"});

    // Our close first, then the peer's answer: the handshake is over, no echo.
    Protocol<Role::client> d;
    d.close(1000);
    d.output().clear();
    auto e = d.feed(frame(8, close_payload(1000)));
    CHECK(e.kind == EventKind::close);
    CHECK(d.output().empty());
    CHECK(d.closed());
    CHECK(d.feed(frame(1, "x")).ec == errc::closed);
}

TEST_CASE("ws protocol: close codes") {
    CHECK(socklite::ws::close_code_for(errc::invalid_utf8) == 1007);
    CHECK(socklite::ws::close_code_for(errc::message_too_large) == 1009);
    CHECK(socklite::ws::close_code_for(errc::bad_opcode) == 1002);
    CHECK(socklite::ws::close_code_for(std::make_error_code(std::errc::timed_out)) == 1011);
    CHECK(std::string(socklite::ws::error_category().name()) == "socklite.ws");
}
