// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_ADDRESS_HPP
#define SOCKLITE_ADDRESS_HPP

/** @file
 *  socklite::Address (IPv4, IPv6 and Unix-domain endpoints) and socklite::resolve(). */

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "detail/syscall.hpp"
#include "error.hpp"

namespace socklite {

/** One socket endpoint: an IPv4 or IPv6 address with a port, or a Unix-domain path.
 *
 *  A value type (copyable, comparable) that holds a `sockaddr_storage`, so it can be passed
 *  straight to the system calls through data() and size(). A default-constructed Address is
 *  empty (family() is Family::none).
 *
 *  @par Example
 *  @code
 *  auto a = socklite::Address::parse("[::1]:8000");
 *  assert(a.is_ipv6() && a.port() == 8000 && a.to_string() == "[::1]:8000");
 *  @endcode */
class Address {
public:
    /** The address family. (`local` stands for Unix-domain: `unix` is a macro in GNU C++.) */
    enum class Family { none, ipv4, ipv6, local };

    /** An empty address. */
    Address() noexcept { std::memset(&storage_, 0, sizeof storage_); }

    /** Copies @p len bytes of a `sockaddr` (as filled by `accept` or `getpeername`).
     *  Lengths beyond `sizeof(sockaddr_storage)` are truncated. */
    Address(const sockaddr* sa, socklen_t len) noexcept;

    /** Parses a numeric endpoint: `127.0.0.1:8000`, `[::1]:8000`, `[fe80::1%eth0]:80`, a Unix
     *  path starting with `/` or a dot (`/tmp/x.sock`), or `@abstract` for Linux's abstract namespace.
     *  Host names are not accepted here; use resolve() for those.
     *  @throws Error with errc::bad_address. */
    static Address parse(std::string_view text);
    /** As parse(std::string_view), reporting errc::bad_address through @p ec. */
    static Address parse(std::string_view text, std::error_code& ec) noexcept;

    /** An IPv4 address from dotted text and a port. @throws Error with errc::bad_address. */
    static Address ipv4(std::string_view ip, std::uint16_t port);
    /** As ipv4(std::string_view, std::uint16_t), reporting errc::bad_address through @p ec. */
    static Address ipv4(std::string_view ip, std::uint16_t port, std::error_code& ec) noexcept;
    /** An IPv6 address from its text (no brackets, scope `%if` allowed) and a port.
     *  @throws Error with errc::bad_address. */
    static Address ipv6(std::string_view ip, std::uint16_t port);
    /** As ipv6(std::string_view, std::uint16_t), reporting errc::bad_address through @p ec. */
    static Address ipv6(std::string_view ip, std::uint16_t port, std::error_code& ec) noexcept;
    /** A Unix-domain address; a leading `@` selects the abstract namespace.
     *  @throws Error with errc::bad_address when the path is empty or too long (107 bytes max). */
    static Address unix_path(std::string_view path);
    /** As unix_path(std::string_view), reporting errc::bad_address through @p ec. */
    static Address unix_path(std::string_view path, std::error_code& ec) noexcept;

    /** The family of this address. */
    Family family() const noexcept;
    /** Whether this is an IPv4 address. */
    bool is_ipv4() const noexcept { return family() == Family::ipv4; }
    /** Whether this is an IPv6 address. */
    bool is_ipv6() const noexcept { return family() == Family::ipv6; }
    /** Whether this is a Unix-domain address. */
    bool is_unix() const noexcept { return family() == Family::local; }
    /** Whether this address is empty (default-constructed). */
    bool empty() const noexcept { return family() == Family::none; }

    /** The port (host byte order); 0 for Unix-domain and empty addresses. */
    std::uint16_t port() const noexcept;
    /** Sets the port of an IPv4 or IPv6 address; ignored for other families. */
    void port(std::uint16_t value) noexcept;

    /** The host part as text: `127.0.0.1`, `::1` (no brackets), the Unix path, or `""`. */
    std::string host() const;
    /** The whole endpoint as text, in the form parse() accepts: `127.0.0.1:8000`,
     *  `[::1]:8000`, `/tmp/x.sock`, `@abstract`; `""` when empty. */
    std::string to_string() const;

    /** The address as a `sockaddr` for system calls. */
    const sockaddr* data() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
    /** The address as a writable `sockaddr` (for `accept` and friends; then call resize()). */
    sockaddr* data() noexcept { return reinterpret_cast<sockaddr*>(&storage_); }
    /** The length of the meaningful bytes of data(). */
    socklen_t size() const noexcept { return size_; }
    /** The capacity of data(), i.e. `sizeof(sockaddr_storage)`. */
    static constexpr socklen_t capacity() noexcept { return sizeof(sockaddr_storage); }
    /** Sets the length after a system call filled data(). */
    void resize(socklen_t len) noexcept { size_ = len > capacity() ? capacity() : len; }

    /** Equal when family, address bytes and port (or path) match. */
    friend bool operator==(const Address& a, const Address& b) noexcept {
        return a.size_ == b.size_ && std::memcmp(&a.storage_, &b.storage_, a.size_) == 0;
    }
    /** Negation of operator==. */
    friend bool operator!=(const Address& a, const Address& b) noexcept { return !(a == b); }

private:
    sockaddr_storage storage_;
    socklen_t size_ = 0;
};

/** Resolves @p host (a name such as `localhost`, or a numeric IPv4/IPv6 address, brackets
 *  allowed) through `getaddrinfo`, returning every address in the resolver's preferred order
 *  with @p port set.
 *  @throws Error with a resolve_category() code (e.g. unknown host) or errc::no_address.
 *  @note The call blocks for as long as the system resolver takes. */
std::vector<Address> resolve(std::string_view host, std::uint16_t port);
/** As resolve(std::string_view, std::uint16_t), reporting failures through @p ec. */
std::vector<Address> resolve(std::string_view host, std::uint16_t port,
                             std::error_code& ec) noexcept;

namespace detail {
/** Appends @p host to @p out, in brackets when it is an IPv6 literal (it holds a `:` and has no
 *  brackets yet). With @p uri_zone, an IPv6 zone's `%` is written `%25` (RFC 6874: a URL, a
 *  Host value). With join_host_port(), the one host-and-port joiner of the library (Address,
 *  Url::authority(), error messages). */
inline void append_host(std::string& out, std::string_view host, bool uri_zone = false) {
    bool v6 = !host.empty() && host.front() != '[' && host.find(':') != std::string_view::npos;
    if (!v6) {
        out.append(host.data(), host.size());
        return;
    }
    out += '[';
    std::size_t pct = uri_zone ? host.find('%') : std::string_view::npos;
    if (pct == std::string_view::npos) {
        out.append(host.data(), host.size());
    } else {
        out.append(host.data(), pct);
        out += "%25";
        out.append(host.data() + pct + 1, host.size() - pct - 1);
    }
    out += ']';
}

/** `host:port`, with brackets when @p host is an IPv6 literal (for error messages and Host). */
inline std::string join_host_port(std::string_view host, std::uint16_t port) {
    std::string out;
    append_host(out, host);
    out += ':';
    out += std::to_string(port);
    return out;
}

/** getaddrinfo() for stream sockets: each distinct IPv4 or IPv6 address in the resolver's
 *  order, its port set to @p port; @p passive for binding (an empty host means "any").
 *  @p ec: the resolver's error, errc::no_address when there is none, or `not_enough_memory`. */
std::vector<Address> resolve_stream(std::string_view host, std::uint16_t port, bool passive,
                                    std::error_code& ec) noexcept;

/** Parses decimal port text (1 to 5 digits, at most 65535). */
inline bool parse_port(std::string_view text, std::uint16_t& port) noexcept {
    if (text.empty() || text.size() > 5) return false;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

/** The address a descriptor is bound to (`getsockname`), or its peer's (`getpeername`). */
inline Address socket_name(int fd, bool peer, std::error_code& ec) noexcept {
    Address a;
    socklen_t len = Address::capacity();
    if ((peer ? ::getpeername(fd, a.data(), &len) : ::getsockname(fd, a.data(), &len)) != 0) {
        ec = {errno, std::system_category()};
        return {};
    }
    a.resize(len);
    ec.clear();
    return a;
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Implementation

inline Address::Address(const sockaddr* sa, socklen_t len) noexcept : Address() {
    resize(len);
    if (size_ > 0) std::memcpy(&storage_, sa, size_);  // (sa may be null when len is 0)
}

inline Address::Family Address::family() const noexcept {
    if (size_ == 0) return Family::none;
    switch (storage_.ss_family) {
        case AF_INET: return Family::ipv4;
        case AF_INET6: return Family::ipv6;
        case AF_UNIX: return Family::local;
        default: return Family::none;
    }
}

inline std::uint16_t Address::port() const noexcept {
    switch (family()) {
        case Family::ipv4: return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
        case Family::ipv6:
            return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
        default: return 0;
    }
}

inline void Address::port(std::uint16_t value) noexcept {
    switch (family()) {
        case Family::ipv4:
            reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(value);
            break;
        case Family::ipv6:
            reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(value);
            break;
        default: break;
    }
}

inline std::string Address::host() const {
    switch (family()) {
        case Family::ipv4:
        case Family::ipv6: {
            char buf[NI_MAXHOST];
            if (::getnameinfo(data(), size_, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0)
                return {};
            return buf;
        }
        case Family::local: {
            auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
            std::size_t offset = offsetof(sockaddr_un, sun_path);
            if (size_ <= offset) return {};  // unnamed socket
            std::size_t len = size_ - offset;
            if (un->sun_path[0] == '\0') return "@" + std::string(un->sun_path + 1, len - 1);
            return std::string(un->sun_path, ::strnlen(un->sun_path, len));
        }
        case Family::none: break;
    }
    return {};
}

inline std::string Address::to_string() const {
    switch (family()) {
        case Family::ipv4:
        case Family::ipv6: return detail::join_host_port(host(), port());
        case Family::local: return host();
        case Family::none: break;
    }
    return {};
}

inline Address Address::parse(std::string_view text, std::error_code& ec) noexcept {
    ec.clear();
    if (!text.empty() && (text.front() == '/' || text.front() == '.' || text.front() == '@'))
        return unix_path(text, ec);
    std::string_view host;
    std::uint16_t port = 0;
    bool bracketed = !text.empty() && text.front() == '[';
    if (bracketed) {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':' ||
            !detail::parse_port(text.substr(close + 2), port)) {
            ec = errc::bad_address;
            return {};
        }
        host = text.substr(1, close - 1);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos || !detail::parse_port(text.substr(colon + 1), port)) {
            ec = errc::bad_address;
            return {};
        }
        host = text.substr(0, colon);
        if (host.find(':') != std::string_view::npos) {  // IPv6 needs brackets with a port
            ec = errc::bad_address;
            return {};
        }
    }
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    // An embedded NUL would end the C string early: "1.2.3.4\0junk:80" is not 1.2.3.4:80.
    if (host.empty() || host.size() >= sizeof buf || host.find('\0') != std::string_view::npos) {
        ec = errc::bad_address;
        return {};
    }
    std::memcpy(buf, host.data(), host.size());
    buf[host.size()] = '\0';
    addrinfo hints{};
    hints.ai_family = bracketed ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    if (!bracketed) {  // inet_pton is strict about IPv4: no "1.2.3", no octal, no hex
        sockaddr_in sin{};
        if (::inet_pton(AF_INET, buf, &sin.sin_addr) != 1) {
            ec = errc::bad_address;
            return {};
        }
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        return Address(reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
    }
    addrinfo* res = nullptr;
    if (::getaddrinfo(buf, nullptr, &hints, &res) != 0 || res == nullptr) {
        ec = errc::bad_address;
        return {};
    }
    Address out(res->ai_addr, res->ai_addrlen);
    ::freeaddrinfo(res);
    out.port(port);
    return out;
}

inline Address Address::parse(std::string_view text) {
    std::error_code ec;
    Address a = parse(text, ec);
    if (ec) detail::throw_error(ec, "parse address", std::string(text));
    return a;
}

namespace detail {
/** Parses @p before + @p ip + @p after as one endpoint (in a local buffer: no allocation), and
 *  checks that the result has @p family. */
inline Address parse_wrapped(std::string_view before, std::string_view ip, std::string_view after,
                             Address::Family family, std::error_code& ec) noexcept {
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];
    if (before.size() + ip.size() + after.size() > sizeof buf) {
        ec = errc::bad_address;
        return {};
    }
    std::memcpy(buf, before.data(), before.size());
    std::memcpy(buf + before.size(), ip.data(), ip.size());
    std::memcpy(buf + before.size() + ip.size(), after.data(), after.size());
    Address a = Address::parse(std::string_view(buf, before.size() + ip.size() + after.size()), ec);
    if (!ec && a.family() != family) ec = errc::bad_address;
    return ec ? Address() : a;
}
}  // namespace detail

inline Address Address::ipv4(std::string_view ip, std::uint16_t port,
                             std::error_code& ec) noexcept {
    Address a = detail::parse_wrapped("", ip, ":0", Family::ipv4, ec);
    a.port(port);
    return a;
}

inline Address Address::ipv4(std::string_view ip, std::uint16_t port) {
    std::error_code ec;
    Address a = ipv4(ip, port, ec);
    if (ec) detail::throw_error(ec, "parse address", std::string(ip));
    return a;
}

inline Address Address::ipv6(std::string_view ip, std::uint16_t port,
                             std::error_code& ec) noexcept {
    Address a = detail::parse_wrapped("[", ip, "]:0", Family::ipv6, ec);
    a.port(port);
    return a;
}

inline Address Address::ipv6(std::string_view ip, std::uint16_t port) {
    std::error_code ec;
    Address a = ipv6(ip, port, ec);
    if (ec) detail::throw_error(ec, "parse address", std::string(ip));
    return a;
}

inline Address Address::unix_path(std::string_view path) {
    std::error_code ec;
    Address a = unix_path(path, ec);
    if (ec) detail::throw_error(ec, "parse address", std::string(path));
    return a;
}

inline Address Address::unix_path(std::string_view path, std::error_code& ec) noexcept {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    bool abstract = !path.empty() && path.front() == '@';
    if (path.empty() || path.size() >= sizeof un.sun_path || (abstract && path.size() < 2) ||
        (!abstract && path.find('\0') != std::string_view::npos)) {
        ec = errc::bad_address;
        return {};
    }
    ec.clear();
    std::memcpy(un.sun_path, path.data(), path.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    if (abstract) {
        un.sun_path[0] = '\0';  // abstract names are not NUL-terminated; length says where they end
    } else {
        len += 1;  // include the terminating NUL, as the kernel reports it back
    }
    return Address(reinterpret_cast<const sockaddr*>(&un), len);
}

inline std::vector<Address> detail::resolve_stream(std::string_view host, std::uint16_t port,
                                                   bool passive, std::error_code& ec) noexcept {
    ec.clear();
    std::vector<Address> out;
    try {
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        std::string name(host);
        if (name.find('\0') != std::string::npos) {
            ec = errc::bad_address;
            return out;
        }
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = passive ? AI_PASSIVE : 0;
        addrinfo* res = nullptr;
        int rc =
            sys.getaddrinfo(name.empty() && passive ? nullptr : name.c_str(), "0", &hints, &res);
        if (rc == EAI_SYSTEM) {
            ec = last_error();
            return out;
        }
        if (rc != 0) {
            ec = std::error_code(rc, resolve_category());
            return out;
        }
        // Freed on every path, including a std::bad_alloc thrown by push_back.
        struct Free {
            addrinfo* p;
            ~Free() { sys.freeaddrinfo(p); }
        } free_res{res};
        for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
            if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
            Address a(ai->ai_addr, ai->ai_addrlen);
            a.port(port);
            bool seen = false;  // the list is short: compare with the entries kept so far
            for (std::size_t i = 0; i < out.size() && !seen; ++i) seen = out[i] == a;
            if (!seen) out.push_back(a);
        }
        if (out.empty()) ec = errc::no_address;
    } catch (...) {
        out.clear();
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
    return out;
}

inline std::vector<Address> resolve(std::string_view host, std::uint16_t port,
                                    std::error_code& ec) noexcept {
    return detail::resolve_stream(host, port, false, ec);
}

inline std::vector<Address> resolve(std::string_view host, std::uint16_t port) {
    std::error_code ec;
    auto out = resolve(host, port, ec);
    if (ec) detail::throw_error(ec, "resolve", std::string(host));
    return out;
}

}  // namespace socklite

#endif  // SOCKLITE_ADDRESS_HPP
