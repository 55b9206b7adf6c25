// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: ws::FrameParser and ws::Protocol. The first input byte chooses the role
// (bit 0: server, i.e. masked frames expected), small limits (bit 1) and the split point; the
// rest is the byte stream. Whole, split and per-byte feeding must agree, for frames and for
// protocol events; every frame parsed, built again by the peer's role, parses the same.
#include <socklite/ws/frame.hpp>
#include <socklite/ws/message.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ws/feed.hpp"

namespace {

template <socklite::ws::Role R>
void check(std::string_view in, unsigned sel, ws_test::GuardPage& guard) {
    using namespace ws_test;
    const std::uint64_t max_frame = (sel & 2) ? 64 : UINT64_MAX;
    const socklite::ws::Limits limits =
        (sel & 2) ? socklite::ws::Limits{64, 100} : socklite::ws::Limits{};
    const std::size_t n = in.size();
    const std::size_t at = n ? (sel >> 2) % (n + 1) : 0;

    FrameOutcome whole = feed_frames<R>(in, cuts_whole(n), guard, max_frame);
    if (!(feed_frames<R>(in, cuts_split(n, at), guard, max_frame) == whole)) std::abort();
    if (n <= 300 && !(feed_frames<R>(in, cuts_bytes(n), guard, max_frame) == whole)) std::abort();

    // Rebuilt by the sender's role, the frames parse back the same.
    constexpr socklite::ws::Role sender =
        R == socklite::ws::Role::client ? socklite::ws::Role::server : socklite::ws::Role::client;
    std::string rebuilt;
    for (const Frame& f : whole.frames) {
        socklite::ws::append_frame<sender>(rebuilt, static_cast<socklite::ws::Opcode>(f.opcode),
                                           f.payload, f.fin, socklite::ws::MaskKey{{9, 8, 7, 6}});
    }
    FrameOutcome again = feed_frames<R>(rebuilt, cuts_whole(rebuilt.size()), guard, max_frame);
    if (again.ec == incomplete || !(again.frames == whole.frames)) std::abort();

    ProtocolOutcome p = feed_protocol<R>(in, cuts_whole(n), guard, limits);
    if (!(feed_protocol<R>(in, cuts_split(n, at), guard, limits) == p)) std::abort();
    if (n <= 300 && !(feed_protocol<R>(in, cuts_bytes(n), guard, limits) == p)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static ws_test::GuardPage guard(1 << 20);
    const unsigned sel = data[0];
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (in.size() > guard.capacity()) return 0;
    if (sel & 1) {
        check<socklite::ws::Role::server>(in, sel, guard);
    } else {
        check<socklite::ws::Role::client>(in, sel, guard);
    }
    return 0;
}
