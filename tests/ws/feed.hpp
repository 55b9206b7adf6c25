// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Drives ws::FrameParser and ws::Protocol over an input cut into pieces, as a socket would
// deliver it, each call's input ending at a guard page; records what came out.
#ifndef SOCKLITE_TESTS_WS_FEED_HPP
#define SOCKLITE_TESTS_WS_FEED_HPP

#include <socklite/ws/frame.hpp>
#include <socklite/ws/message.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/guard_page.hpp"
#include "support/cuts.hpp"

namespace ws_test {

using socklite_test::cuts_bytes;
using socklite_test::cuts_split;
using socklite_test::cuts_whole;
using socklite_test::GuardPage;

/** The input ended before the frame or message did. */
inline const std::error_code incomplete =
    std::make_error_code(std::errc::resource_unavailable_try_again);

/** The split points worth trying for an input of @p n bytes: all of them when small, else the
 *  first and last 40 and every 997th. */
inline std::vector<std::size_t> split_points(std::size_t n) {
    std::vector<std::size_t> v;
    for (std::size_t i = 0; i <= n; ++i)
        if (n <= 2048 || i < 40 || n - i < 40 || i % 997 == 0) v.push_back(i);
    return v;
}

/** One frame as parsed, payload unmasked. */
struct Frame {
    bool fin = false;
    int opcode = 0;
    std::string payload;
    bool operator==(const Frame& o) const {
        return fin == o.fin && opcode == o.opcode && payload == o.payload;
    }
};

/** What a frame parse produced. */
struct FrameOutcome {
    std::vector<Frame> frames;
    std::error_code ec;
    bool operator==(const FrameOutcome& o) const { return frames == o.frames && ec == o.ec; }
};

/** Parses @p input with a FrameParser<R>, delivered in pieces ending at @p cuts. */
template <socklite::ws::Role R>
FrameOutcome feed_frames(std::string_view input, const std::vector<std::size_t>& cuts,
                         GuardPage& guard, std::uint64_t max_frame = UINT64_MAX) {
    socklite::ws::FrameParser<R> p(max_frame);
    FrameOutcome out;
    std::string pending;
    std::string payload;
    std::size_t fed = 0;
    for (std::size_t cut : cuts) {
        pending.append(input.substr(fed, cut - fed));
        fed = cut;
        for (;;) {
            std::string_view v = guard.place(pending);
            socklite::ws::FrameResult r = p.parse(v);
            if (r.error()) {
                out.ec = r.ec;
                return out;
            }
            std::string part(r.payload);
            if (p.header().masked)
                socklite::ws::unmask(part.data(), part.size(), p.header().mask, r.payload_offset);
            payload += part;
            pending.erase(0, r.consumed);
            if (!r.complete()) break;
            out.frames.push_back(
                Frame{p.header().fin, static_cast<int>(p.header().opcode), payload});
            payload.clear();
        }
    }
    if (p.in_frame() || !pending.empty()) out.ec = incomplete;
    return out;
}

/** Decodes the frames a Protocol<R> sent (parsed as its peer would), as readable strings:
 *  `pong:x`, `close:1000:reason`, `close:` (empty), `text:...`. */
template <socklite::ws::Role R>
std::vector<std::string> decode_output(const std::string& bytes) {
    constexpr socklite::ws::Role peer =
        R == socklite::ws::Role::client ? socklite::ws::Role::server : socklite::ws::Role::client;
    static thread_local GuardPage shared(1 << 20);  // mapped once: the fuzzer calls this a lot
    FrameOutcome f;
    if (bytes.size() <= shared.capacity()) {
        f = feed_frames<peer>(bytes, cuts_whole(bytes.size()), shared);
    } else {
        GuardPage guard(bytes.size());
        f = feed_frames<peer>(bytes, cuts_whole(bytes.size()), guard);
    }
    std::vector<std::string> out;
    for (const Frame& fr : f.frames) {
        std::string s;
        switch (fr.opcode) {
            case 1: s = "text:" + fr.payload; break;
            case 2: s = "binary:" + fr.payload; break;
            case 9: s = "ping:" + fr.payload; break;
            case 10: s = "pong:" + fr.payload; break;
            case 8:
                s = "close:";
                if (fr.payload.size() >= 2)
                    s += std::to_string((static_cast<unsigned char>(fr.payload[0]) << 8) |
                                        static_cast<unsigned char>(fr.payload[1])) +
                         ":" + fr.payload.substr(2);
                break;
            default: s = "?" + std::to_string(fr.opcode);
        }
        out.push_back(s);
    }
    if (f.ec) out.push_back("bad output: " + f.ec.message());
    return out;
}

/** What a Protocol produced: its events as strings (`text:Hello`, `ping:x`, `close:1000:bye`,
 *  `error:<message>`) and the frames it sent, decoded. */
struct ProtocolOutcome {
    std::vector<std::string> events;
    std::vector<std::string> sent;
    bool operator==(const ProtocolOutcome& o) const { return events == o.events && sent == o.sent; }
};

/** Feeds @p input to a Protocol<R> in pieces ending at @p cuts, until a close or an error. */
template <socklite::ws::Role R>
ProtocolOutcome feed_protocol(std::string_view input, const std::vector<std::size_t>& cuts,
                              GuardPage& guard, const socklite::ws::Limits& limits = {}) {
    using socklite::ws::EventKind;
    socklite::ws::Protocol<R> p(limits);
    ProtocolOutcome out;
    std::string pending;
    std::size_t fed = 0;
    bool done = false;
    for (std::size_t cut : cuts) {
        if (done) break;
        pending.append(input.substr(fed, cut - fed));
        fed = cut;
        for (;;) {
            socklite::ws::Event e = p.feed(guard.place(pending));
            pending.erase(0, e.consumed);
            if (e.kind == EventKind::need_more) break;
            switch (e.kind) {
                case EventKind::text: out.events.push_back("text:" + p.message()); break;
                case EventKind::binary: out.events.push_back("binary:" + p.message()); break;
                case EventKind::ping: out.events.push_back("ping:" + p.control()); break;
                case EventKind::pong: out.events.push_back("pong:" + p.control()); break;
                case EventKind::close:
                    out.events.push_back("close:" + std::to_string(p.close_code()) + ":" +
                                         std::string(p.close_reason()));
                    done = true;
                    break;
                default:
                    out.events.push_back("error:" + e.ec.message());
                    done = true;
                    break;
            }
            if (done) break;
        }
    }
    out.sent = decode_output<R>(p.output());
    return out;
}

}  // namespace ws_test

#endif  // SOCKLITE_TESTS_WS_FEED_HPP
