// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_DETAIL_POOL_HPP
#define SOCKLITE_HTTP_DETAIL_POOL_HPP

// Private to HttpClient: one kept-alive connection (socket and receive buffer) and the pool of
// idle ones.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../socket.hpp"

namespace socklite {
namespace http {
namespace detail {

/** One connection to an origin: the socket and the bytes received but not consumed yet. */
struct Connection {
    std::string key;          // the origin, scheme://host[:port]: which requests may reuse it
    Socket socket;            //
    std::vector<char> buffer; // [begin, end) received and not consumed yet
    std::size_t begin = 0;
    std::size_t end = 0;
    bool reused = false;  // has carried a request before this one

    /** The bytes received and not consumed yet. */
    std::string_view pending() const noexcept {
        return std::string_view(buffer.data() + begin, end - begin);
    }
    /** Where the next bytes go, and how many fit there. */
    char* space() noexcept { return buffer.data() + end; }
    std::size_t room() const noexcept { return buffer.size() - end; }
    /** Room for at least @p n bytes after end, moving the pending bytes to the front first. */
    void reserve(std::size_t n) {
        if (begin == end) begin = end = 0;
        if (room() >= n) return;
        if (begin > 0) {
            std::memmove(buffer.data(), buffer.data() + begin, end - begin);
            end -= begin;
            begin = 0;
            if (room() >= n) return;
        }
        buffer.resize(buffer.size() * 2 > end + n ? buffer.size() * 2 : end + n);
    }
};

/** The idle connections of one client, all origins together, oldest first. */
class Pool {
public:
    /** The most recently used idle connection to @p key, or nullptr. */
    std::unique_ptr<Connection> take(const std::string& key) noexcept {
        for (std::size_t i = idle_.size(); i-- > 0;) {
            if (idle_[i]->key != key) continue;
            std::unique_ptr<Connection> c = std::move(idle_[i]);
            idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
            return c;
        }
        return nullptr;
    }
    /** Keeps @p c for reuse; the oldest connection beyond @p max is closed. */
    void put(std::unique_ptr<Connection> c, std::size_t max) {
        if (max == 0) return;
        if (idle_.size() >= max) idle_.erase(idle_.begin());
        idle_.push_back(std::move(c));
    }
    /** The number of idle connections. */
    std::size_t size() const noexcept { return idle_.size(); }
    /** Closes every idle connection. */
    void clear() noexcept { idle_.clear(); }

private:
    std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace detail
}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_DETAIL_POOL_HPP
