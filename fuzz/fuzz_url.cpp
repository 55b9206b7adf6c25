// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// libFuzzer target: http::Url::parse and resolve. Whatever parses must print back to a URL that
// parses to the same value, with a target safe for a request line.
#include <socklite/http/serializer.hpp>
#include <socklite/http/url.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace {

void check_invariants(const socklite::http::Url& u) {
    if (u.empty()) return;
    if (u.scheme() != "http" && u.scheme() != "https") std::abort();
    if (u.host().empty() || u.port() == 0) std::abort();
    if (u.path().empty() || u.path()[0] != '/') std::abort();
    if (!socklite::http::is_request_target(u.target())) std::abort();
    if (!socklite::http::is_field_value(u.authority())) std::abort();
    std::error_code ec;
    socklite::http::Url again = socklite::http::Url::parse(u.str(), ec);
    if (ec || again != u) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An exact-size copy, so that ASan sees any read past the end.
    std::unique_ptr<char[]> buf(new char[size ? size : 1]);
    if (size) std::memcpy(buf.get(), data, size);
    std::string_view text(buf.get(), size);

    std::error_code ec;
    socklite::http::Url u = socklite::http::Url::parse(text, ec);
    if (ec && !u.empty()) std::abort();
    check_invariants(u);

    static const socklite::http::Url base =
        socklite::http::Url::parse("http://user@example.com:8080/a/b/c?q=1");
    socklite::http::Url r = base.resolve(text, ec);
    if (ec && !r.empty()) std::abort();
    check_invariants(r);
    return 0;
}
