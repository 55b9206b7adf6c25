// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_MESSAGE_HPP
#define SOCKLITE_HTTP_MESSAGE_HPP

/** @file
 *  HTTP message value types: http::Headers (ordered, case-insensitive, multi-valued),
 *  http::Request (with http::BodySource for uploads) and http::Response, and http::FieldView (a
 *  header field seen by the parsers). */

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "../detail/function.hpp"

namespace socklite {
namespace http {

/** Compares two strings ASCII-case-insensitively (header names, tokens). No allocation.
 *  The one case-insensitive comparison of the library: the parsers, serializers and Headers use
 *  it. */
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8) {
        // Eight bytes at a time, each word lower-cased without carries between bytes: a byte is
        // an upper-case letter when its low seven bits plus 0x3f reach 0x80 but plus 0x25 do
        // not, and its own high bit is clear; its 0x20 bit is then set.
        constexpr std::uint64_t ones = 0x0101010101010101ull;
        constexpr std::uint64_t highs = ones * 0x80;
        auto lower = [](std::uint64_t x) {
            std::uint64_t low7 = x & ~highs;
            std::uint64_t upper = (low7 + ones * 0x3f) & ~(low7 + ones * 0x25) & ~x & highs;
            return x | (upper >> 2);
        };
        std::uint64_t diff = 0;
        for (std::size_t i = 0;; i += 8) {
            if (i + 8 > n) i = n - 8;  // the last eight bytes, overlapping
            std::uint64_t x, y;
            std::memcpy(&x, a.data() + i, 8);
            std::memcpy(&y, b.data() + i, 8);
            diff |= x == y ? 0 : lower(x) ^ lower(y);
            if (i + 8 == n) break;
        }
        return diff == 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
        unsigned x = static_cast<unsigned char>(a[i]);
        unsigned y = static_cast<unsigned char>(b[i]);
        // Equal, or the same letter in the other case: they differ in bit 0x20 alone.
        if (x != y && ((x ^ y) != 0x20 || (x | 0x20) - 'a' >= 26u)) return false;
    }
    return true;
}

/** One header field as the parsers report it: views into the caller's buffer.
 *
 *  The value has its leading and trailing whitespace removed. The views stay valid as long as
 *  the buffer they were parsed from is neither changed nor freed. */
struct FieldView {
    std::string_view name;   ///< the field name as received (case kept)
    std::string_view value;  ///< the field value without surrounding whitespace
};

/** An ordered list of header fields with case-insensitive lookup by name.
 *
 *  Order and repetition are kept as received or added (`Set-Cookie` may appear many times).
 *  Names are compared ASCII-case-insensitively; the case given is kept for output. The class
 *  does not validate names or values: the serializer does that before anything is sent.
 *
 *  @par Example
 *  @code
 *  socklite::http::Headers h;
 *  h.add("Accept", "text/html");
 *  h.add("accept", "text/plain");
 *  h.get("ACCEPT");      // "text/html" (the first)
 *  h.values("Accept");   // {"text/html", "text/plain"}
 *  h.joined("Accept");   // "text/html, text/plain"
 *  socklite::http::Headers k{{"Accept", "text/html"}, {"X-Trace", "1"}};
 *  @endcode */
class Headers {
public:
    /** One stored field: name and value, owned. */
    struct Field {
        std::string name;   ///< the field name, case as given
        std::string value;  ///< the field value

        /** Exchanges name and value with @p other. */
        void swap(Field& other) noexcept {
            name.swap(other.name);
            value.swap(other.value);
        }
    };
    /** Iterator over the fields in order. */
    using const_iterator = std::vector<Field>::const_iterator;

    /** An empty header list. */
    Headers() = default;
    /** The fields @p fields, in order: `Headers h{{"Accept", "text/html"}, {"X-Id", "7"}};` */
    Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
        fields_.reserve(fields.size());
        for (const auto& f : fields) add(f.first, f.second);
    }
    /** A copy of @p other's fields. */
    Headers(const Headers& other) : fields_(other.begin(), other.end()), size_(other.size_) {}
    /** Takes @p other's fields; @p other is left empty. */
    Headers(Headers&& other) noexcept : fields_(std::move(other.fields_)), size_(other.size_) {
        other.fields_.clear();
        other.size_ = 0;
    }
    /** Replaces the fields with a copy of @p other's (the strings already here are reused). */
    Headers& operator=(const Headers& other) {
        if (this != &other) {
            clear();
            // Indexes, not iterators, here and in the other loops of the library: the same
            // code, and no iterator members to instantiate in every program.
            for (std::size_t i = 0; i < other.size_; ++i)
                add(other.fields_[i].name, other.fields_[i].value);
        }
        return *this;
    }
    /** Takes @p other's fields; @p other is left empty. */
    Headers& operator=(Headers&& other) noexcept {
        if (this != &other) {
            fields_ = std::move(other.fields_);
            size_ = other.size_;
            other.fields_.clear();
            other.size_ = 0;
        }
        return *this;
    }
    /** Destroys the fields. */
    ~Headers() = default;

    /** Appends a field, keeping any earlier fields of the same name. The strings of fields
     *  removed by clear() are reused, so that refilling a cleared list allocates nothing. */
    void add(std::string_view name, std::string_view value) {
        if (size_ < fields_.size()) {
            refill(fields_[size_].name, name);
            refill(fields_[size_].value, value);
        } else {
            fields_.push_back(Field{std::string(name), std::string(value)});
        }
        ++size_;
    }
    /** Replaces every field named @p name with one field (added at the place of the first, or at
     *  the end when there was none). */
    void set(std::string_view name, std::string_view value);
    /** Removes every field named @p name. @return the number of fields removed. */
    std::size_t erase(std::string_view name) noexcept;
    /** Removes every field (their storage is kept for the fields added next). */
    void clear() noexcept { size_ = 0; }
    /** Makes room for @p n fields in all, so that adding them does not reallocate. */
    void reserve(std::size_t n) { fields_.reserve(n); }

    /** Whether a field named @p name exists. */
    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }
    /** The value of the first field named @p name, or an empty view when there is none (use
     *  contains() to tell an empty value from a missing field). The view lives as long as the
     *  field is neither changed nor removed. */
    std::string_view get(std::string_view name) const noexcept {
        const Field* f = find(name);
        return f ? std::string_view(f->value) : std::string_view();
    }
    /** The first field named @p name, or `nullptr`. */
    const Field* find(std::string_view name) const noexcept;
    /** Every value of the fields named @p name, in order (views into this object). */
    std::vector<std::string_view> values(std::string_view name) const;
    /** Every value of the fields named @p name joined with `", "` (RFC 9110 section 5.3), or an
     *  empty string when there is none. */
    std::string joined(std::string_view name) const;

    /** The number of fields. */
    std::size_t size() const noexcept { return size_; }
    /** Whether there is no field. */
    bool empty() const noexcept { return size_ == 0; }
    /** The @p i-th field (0-based, `i < size()`). */
    const Field& operator[](std::size_t i) const noexcept { return fields_[i]; }
    /** The first field. */
    const_iterator begin() const noexcept { return fields_.begin(); }
    /** Past the last field. */
    const_iterator end() const noexcept {
        return fields_.begin() + static_cast<std::ptrdiff_t>(size_);
    }

    /** Equal when both hold the same fields in the same order (names compared case-insensitively,
     *  values exactly). */
    friend bool operator==(const Headers& a, const Headers& b) noexcept {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!iequals(a[i].name, b[i].name) || a[i].value != b[i].value) return false;
        }
        return true;
    }
    /** The negation of operator==. */
    friend bool operator!=(const Headers& a, const Headers& b) noexcept { return !(a == b); }

private:
    // Overwrites a kept string. A refilled list often gets the same names (and many of the same
    // values) again: comparing costs less than copying; clear + append less than assign.
    static void refill(std::string& s, std::string_view v) {
        if (std::string_view(s) == v) return;
        s.clear();
        s.append(v.data(), v.size());
    }

    std::vector<Field> fields_;  // [0, size_) are the fields; the rest are kept for reuse
    std::size_t size_ = 0;
};

/** A request body produced piece by piece, so that an upload never has to sit in memory.
 *
 *  With a known length the body is sent with `Content-Length`, otherwise with the chunked
 *  transfer coding (RFC 9112 section 7.1). A source is read once: a request that carries one is
 *  never sent again (not retried on a stale connection, and a 307 or 308 redirect for it is
 *  returned as the response instead of followed).
 *
 *  @par Example
 *  @code
 *  socklite::http::Request req;
 *  req.method = "PUT";
 *  req.target = "/upload/big.iso";
 *  req.body_source = socklite::http::BodySource::file("big.iso");
 *  @endcode */
struct BodySource {
    /** Fills at most `size` bytes at `buffer` and returns how many; 0 means the body is
     *  complete. An exception thrown here aborts the request (and propagates from the throwing
     *  HttpClient calls). Empty: no source. */
    socklite::detail::Function<std::size_t(char* buffer, std::size_t size)> read;
    /** The body's length in bytes when known (`Content-Length`); otherwise the body is chunked.
     *  A source that ends early or runs on fails the request (http::errc::body_length_mismatch). */
    std::optional<std::uint64_t> length;

    /** A source that reads the file at @p path; its length is the file's size at this call.
     *  @throws std::system_error when the file cannot be opened or its size read. */
    static BodySource file(const std::string& path);
};

/** An HTTP request to be sent: method, request target, header fields, body, and the limits
 *  that override the client's for this request.
 *
 *  The serializer (serializer.hpp) adds `Host`, `User-Agent` and `Content-Length` unless given
 *  here, and refuses CR, LF, NUL and other invalid characters (http::errc::bad_field). */
struct Request {
    std::string method = "GET";  ///< the method token, case-sensitive (`GET`, `POST`, ...)
    std::string target = "/";    ///< the request target: `/path?query`, or `*` for `OPTIONS`
    Headers headers;             ///< extra header fields, sent in this order
    std::string body;            ///< the body; sent with `Content-Length` when not empty
    BodySource body_source;      ///< an upload read piece by piece (instead of `body`)
    /** The deadline of this request as a whole, connects, redirects and body included
     *  (instead of HttpClientOptions::deadline); socklite::no_timeout for none, zero or less
     *  fails at once. */
    std::optional<std::chrono::milliseconds> timeout;
    /** Most redirects to follow for this request (instead of HttpClientOptions::max_redirects). */
    std::optional<int> max_redirects;
    /** Largest response body accepted (instead of HttpClientOptions::max_body_size). */
    std::optional<std::uint64_t> max_body_size;
};

/** An HTTP response as received: status line, header fields, body and trailers. */
struct Response {
    int status = 0;      ///< the status code, 100-599
    std::string reason;  ///< the reason phrase (may be empty)
    int version = 11;    ///< the HTTP version: 10 for HTTP/1.0, 11 for HTTP/1.1
    Headers headers;     ///< the header fields, in received order
    std::string body;    ///< the body, decoded from chunked; empty when streamed elsewhere
    Headers trailers;    ///< trailer fields of a chunked body (usually none)
    std::string url;     ///< where the response came from: the last URL after redirects
    /** Whether the client decoded the body from its `Content-Encoding` (gzip or deflate, with
     *  HttpClientOptions::decompress); the field itself is kept as received. */
    bool decoded = false;

    /** The status line without CRLF: `HTTP/1.1 200 OK` (no space after the code when the reason
     *  is empty). */
    std::string status_line() const {
        std::string s = version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
        s += std::to_string(status);
        if (!reason.empty()) {
            s += ' ';
            s += reason;
        }
        return s;
    }
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline void Headers::set(std::string_view name, std::string_view value) {
    bool placed = false;
    std::size_t out = 0;
    for (std::size_t i = 0; i < size_; ++i) {
        if (iequals(fields_[i].name, name)) {
            if (placed) continue;
            fields_[i].name.assign(name.data(), name.size());
            fields_[i].value.assign(value.data(), value.size());
            placed = true;
        }
        if (out != i) fields_[out].swap(fields_[i]);
        ++out;
    }
    for (std::size_t i = out; i < size_; ++i) fields_[i].value.clear();  // no stale values
    size_ = out;
    if (!placed) add(name, value);
}

inline std::size_t Headers::erase(std::string_view name) noexcept {
    std::size_t out = 0;
    for (std::size_t i = 0; i < size_; ++i) {
        if (iequals(fields_[i].name, name)) continue;
        if (out != i) fields_[out].swap(fields_[i]);
        ++out;
    }
    std::size_t removed = size_ - out;
    for (std::size_t i = out; i < size_; ++i) fields_[i].value.clear();  // no stale values
    size_ = out;
    return removed;
}

inline const Headers::Field* Headers::find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
        if (iequals(fields_[i].name, name)) return &fields_[i];
    }
    return nullptr;
}

inline std::vector<std::string_view> Headers::values(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const Field& f : *this) {
        if (iequals(f.name, name)) out.emplace_back(f.value);
    }
    return out;
}

inline std::string Headers::joined(std::string_view name) const {
    std::string out;
    bool first = true;
    for (const Field& f : *this) {
        if (!iequals(f.name, name)) continue;
        if (!first) out += ", ";
        out += f.value;
        first = false;
    }
    return out;
}

namespace detail {

/** The reader behind BodySource::file(): reads its file from its own offset, so a copy (on a
 *  duplicated descriptor) never moves another copy's position. */
class FileReader {
public:
    FileReader(int fd, std::string path) noexcept : fd_(fd), path_(std::move(path)) {}
    FileReader(const FileReader& other)
        : fd_(::fcntl(other.fd_, F_DUPFD_CLOEXEC, 0)), offset_(other.offset_), path_(other.path_) {
        if (fd_ < 0) throw std::system_error(errno, std::system_category(), "dup " + path_);
    }
    FileReader(FileReader&& other) noexcept
        : fd_(other.fd_), offset_(other.offset_), path_(std::move(other.path_)) {
        other.fd_ = -1;
    }
    FileReader& operator=(const FileReader&) = delete;
    FileReader& operator=(FileReader&&) = delete;
    ~FileReader() {
        if (fd_ >= 0) ::close(fd_);
    }

    std::size_t operator()(char* buffer, std::size_t size) {
        for (;;) {
            ::ssize_t n = ::pread(fd_, buffer, size, static_cast<::off_t>(offset_));
            if (n >= 0) {
                offset_ += static_cast<std::uint64_t>(n);
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR)
                throw std::system_error(errno, std::system_category(), "read " + path_);
        }
    }

private:
    int fd_;
    std::uint64_t offset_ = 0;
    std::string path_;
};

}  // namespace detail

inline BodySource BodySource::file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::system_category(), "open " + path);
    detail::FileReader reader(fd, path);  // owns fd from here on
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw std::system_error(errno, std::system_category(), "stat " + path);
    BodySource s;
    s.length = static_cast<std::uint64_t>(st.st_size);
    s.read = std::move(reader);
    return s;
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_MESSAGE_HPP
