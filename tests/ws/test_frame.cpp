// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#include <socklite/ws/frame.hpp>

#include "support/doctest_ext.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ws/feed.hpp"

using socklite::ws::append_frame;
using socklite::ws::errc;
using socklite::ws::MaskKey;
using socklite::ws::Opcode;
using socklite::ws::Role;
using namespace ws_test;

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s += static_cast<char>(c);
    return s;
}

std::string filler(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

const MaskKey key{{0x37, 0xfa, 0x21, 0x3d}};

// A frame as a server sends it (unmasked) or as a client sends it (masked with `key`).
std::string server_frame(int op, const std::string& payload, bool fin = true) {
    std::string out;
    append_frame<Role::server>(out, static_cast<Opcode>(op), payload, fin);
    return out;
}
std::string client_frame(int op, const std::string& payload, bool fin = true) {
    std::string out;
    append_frame<Role::client>(out, static_cast<Opcode>(op), payload, fin, key);
    return out;
}

struct Case {
    const char* name;
    std::string input;
    std::vector<Frame> frames;  // expected
    std::error_code ec;         // expected
    std::uint64_t max_frame = UINT64_MAX;
};

template <Role R>
void run_table(const std::vector<Case>& cases) {
    GuardPage guard(70 * 1024);
    for (const Case& c : cases) {
        CAPTURE(c.name);
        FrameOutcome want{c.frames, c.ec};
        CHECK(feed_frames<R>(c.input, cuts_whole(c.input.size()), guard, c.max_frame) == want);
        CHECK(feed_frames<R>(c.input, cuts_bytes(c.input.size()), guard, c.max_frame) == want);
        for (std::size_t at : split_points(c.input.size())) {
            CAPTURE(at);
            REQUIRE(feed_frames<R>(c.input, cuts_split(c.input.size(), at), guard, c.max_frame) ==
                    want);
        }
    }
}

}  // namespace

TEST_CASE("ws frame: RFC 6455 section 5.7 examples, byte-exact both ways") {
    CHECK(server_frame(1, "Hello") == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(client_frame(1, "Hello") ==
          bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
    CHECK(server_frame(1, "Hel", false) + server_frame(0, "lo") ==
          bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
    CHECK(server_frame(9, "Hello") == bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(server_frame(2, std::string(256, 'x')).substr(0, 4) == bytes({0x82, 0x7E, 0x01, 0x00}));
    CHECK(server_frame(2, std::string(65536, 'x')).substr(0, 10) ==
          bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
}

TEST_CASE("ws frame: header sizes at every length boundary") {
    char h[socklite::ws::max_frame_header_size];
    for (const auto& row :
         std::vector<std::array<std::uint64_t, 3>>{{0, 2, 6},
                                                   {125, 2, 6},
                                                   {126, 4, 8},
                                                   {127, 4, 8},
                                                   {65535, 4, 8},
                                                   {65536, 10, 14},
                                                   {std::uint64_t{1} << 40, 10, 14}}) {
        const std::uint64_t len = row[0], server = row[1], client = row[2];
        CAPTURE(len);
        CHECK(socklite::ws::write_frame_header<Role::server>(h, Opcode::binary, len) == server);
        CHECK((static_cast<unsigned char>(h[1]) & 0x80) == 0);
        CHECK(socklite::ws::write_frame_header<Role::client>(h, Opcode::binary, len, true, key) ==
              client);
        CHECK((static_cast<unsigned char>(h[1]) & 0x80) == 0x80);
    }
}

TEST_CASE("ws frame: unmask at any offset equals byte-wise XOR") {
    std::string data = filler(100);
    for (std::uint64_t offset = 0; offset < 8; ++offset) {
        for (std::size_t len = 0; len <= 40; ++len) {
            std::string a = data.substr(0, len), b = a;
            socklite::ws::unmask(a.data(), a.size(), key, offset);
            for (std::size_t i = 0; i < len; ++i)
                b[i] = static_cast<char>(b[i] ^ static_cast<char>(key[(offset + i) % 4]));
            REQUIRE(a == b);
        }
    }
}

TEST_CASE("ws frame: client-side parser (server frames) table, whole, per byte, every split") {
    std::vector<Case> cases = {
        {"hello", server_frame(1, "Hello"), {{true, 1, "Hello"}}, {}},
        {"fragmented",
         server_frame(1, "Hel", false) + server_frame(0, "lo"),
         {{false, 1, "Hel"}, {true, 0, "lo"}},
         {}},
        {"ping between fragments",
         server_frame(1, "Hel", false) + server_frame(9, "p") + server_frame(0, "l", false) +
             server_frame(10, "") + server_frame(0, "o"),
         {{false, 1, "Hel"}, {true, 9, "p"}, {false, 0, "l"}, {true, 10, ""}, {true, 0, "o"}},
         {}},
        {"three frames back to back",
         server_frame(2, "a") + server_frame(2, "") + server_frame(8, bytes({0x03, 0xe8})),
         {{true, 2, "a"}, {true, 2, ""}, {true, 8, bytes({0x03, 0xe8})}},
         {}},
        {"control 125 bytes", server_frame(9, filler(125)), {{true, 9, filler(125)}}, {}},
        {"rsv1", bytes({0xC1, 0x00}), {}, errc::reserved_bits},
        {"rsv2", bytes({0xA1, 0x00}), {}, errc::reserved_bits},
        {"rsv3", bytes({0x91, 0x00}), {}, errc::reserved_bits},
        {"rsv on ping", bytes({0xF9, 0x00}), {}, errc::reserved_bits},
        {"rsv after a good frame",
         server_frame(1, "ok") + bytes({0xC1, 0x00}),
         {{true, 1, "ok"}},
         errc::reserved_bits},
        {"masked frame to a client", client_frame(1, "Hello"), {}, errc::masked_frame},
        {"16-bit length below 126",
         bytes({0x82, 0x7E, 0x00, 0x7D}) + filler(125),
         {},
         errc::bad_length},
        {"64-bit length of 65535",
         bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}),
         {},
         errc::bad_length},
        {"64-bit length with the top bit",
         bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}),
         {},
         errc::bad_length},
        {"ping of 126", bytes({0x89, 0x7E, 0x00, 0x7E}) + filler(126), {}, errc::bad_control_frame},
        {"close of 126", bytes({0x88, 0x7E, 0x00, 0x7E}), {}, errc::bad_control_frame},
        {"fragmented ping", server_frame(9, "a", false), {}, errc::bad_control_frame},
        {"fragmented pong", server_frame(10, "a", false), {}, errc::bad_control_frame},
        {"continuation first", server_frame(0, "a"), {}, errc::unexpected_continuation},
        {"continuation after a whole message",
         server_frame(1, "a") + server_frame(0, "b", false),
         {{true, 1, "a"}},
         errc::unexpected_continuation},
        {"text inside a fragmented message",
         server_frame(1, "a", false) + server_frame(1, "b"),
         {{false, 1, "a"}},
         errc::expected_continuation},
        {"binary inside a fragmented message",
         server_frame(2, "a", false) + server_frame(9, "") + server_frame(2, "b"),
         {{false, 2, "a"}, {true, 9, ""}},
         errc::expected_continuation},
        {"frame over the limit", server_frame(2, filler(11)), {}, errc::frame_too_large, 10},
        {"frame at the limit", server_frame(2, filler(10)), {{true, 2, filler(10)}}, {}, 10},
        {"truncated header", bytes({0x82, 0x7E, 0x01}), {}, incomplete},
        {"truncated payload", server_frame(2, "abc").substr(0, 4), {}, incomplete},
    };
    for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        cases.push_back({"reserved opcode", bytes({0x80 | op, 0x00}), {}, errc::bad_opcode});
    for (std::size_t len : {0, 1, 125, 126, 127, 128, 65535, 65536, 65537})
        cases.push_back(
            {"length boundary", server_frame(2, filler(len)), {{true, 2, filler(len)}}, {}});
    run_table<Role::client>(cases);
}

TEST_CASE("ws frame: server-side parser (client frames) table, whole, per byte, every split") {
    std::vector<Case> cases = {
        {"masked hello (RFC 6455 5.7)",
         bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
         {{true, 1, "Hello"}},
         {}},
        {"unmasked client frame", server_frame(1, "Hello"), {}, errc::unmasked_frame},
        {"unmasked after a good one",
         client_frame(2, "x") + server_frame(2, "y"),
         {{true, 2, "x"}},
         errc::unmasked_frame},
        {"fragments and ping",
         client_frame(1, "ab", false) + client_frame(9, "p") + client_frame(0, "c"),
         {{false, 1, "ab"}, {true, 9, "p"}, {true, 0, "c"}},
         {}},
        {"masked ping of 126", bytes({0x89, 0xFE, 0x00, 0x7E}), {}, errc::bad_control_frame},
    };
    for (std::size_t len : {0, 1, 3, 4, 5, 125, 126, 127, 65535, 65536})
        cases.push_back(
            {"masked length boundary", client_frame(2, filler(len)), {{true, 2, filler(len)}}, {}});
    run_table<Role::server>(cases);
}

TEST_CASE("ws frame: an error sticks") {
    socklite::ws::FrameParser<Role::client> p;
    CHECK(p.parse(bytes({0xC1, 0x00})).ec == errc::reserved_bits);
    auto r = p.parse(server_frame(1, "fine"));
    CHECK(r.error());
    CHECK(r.ec == errc::reserved_bits);
    CHECK(r.consumed == 0);
}
