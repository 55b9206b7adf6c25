// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_STATIC_FILES_HPP
#define SOCKLITE_HTTP_STATIC_FILES_HPP

/** @file
 *  http::static_files(): a handler that serves the files under a directory (MIME types,
 *  `index.html`, ETag and Last-Modified with 304, single ranges with 206 and 416), never a byte
 *  from outside it; http::mime_type(), http::parse_http_date(), http::format_http_date(). */

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../detail/function.hpp"
#include "../detail/syscall.hpp"
#include "handler.hpp"
#include "router.hpp"

namespace socklite {
namespace http {

/** The `Content-Type` for a file name, by its extension (case-insensitive): `text/html;
 *  charset=utf-8` for `.html`, ..., `application/octet-stream` when unknown. No allocation. */
inline std::string_view mime_type(std::string_view name) noexcept;

/** Formats @p t as an HTTP date (IMF-fixdate, RFC 9110 section 5.6.7):
 *  `Sun, 06 Nov 1994 08:49:37 GMT`. */
inline std::string format_http_date(std::time_t t);

/** Parses an IMF-fixdate (the only form senders may use); false when @p s is not one. */
inline bool parse_http_date(std::string_view s, std::time_t& out) noexcept;

/** A handler for a prefix route that serves the files under @p root; the request's path below
 *  the prefix is the route parameter `*` (see HttpServer::serve_dir()).
 *
 *  **Which files (the policy).** The path is split at `/` and each segment percent-decoded; a
 *  segment that is empty (`a//b`), `.` or `..` (also spelled `%2e%2e`), or that holds a `/`
 *  (`%2F`), a backslash or a NUL after decoding, is 404, as is a path that does not decode.
 *  Symbolic links are followed only while the file they lead to stays inside the root, so a link
 *  leaving the root is 404 (nginx follows them by default; we do not); links that stay inside,
 *  relative or absolute, are followed. Only regular files are served; a directory serves its
 *  `index.html` (404 without one); a file the server may not read is 403. The `Content-Type`
 *  comes from the name asked for (a link's name, not its target's; `index.html` for a
 *  directory).
 *
 *  **How the root is kept (race-free).** @p root is opened once, when the handler is made
 *  (`O_PATH`, closed with the last copy of the handler), and each file is opened relative to it
 *  with `openat2(2)` and `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`: the kernel resolves the
 *  path and refuses any step above the root, so no link swapped while the server runs can lead
 *  out of it. An absolute link, or one that climbs above the root and comes back, is refused by
 *  `RESOLVE_BENEATH`; for those `realpath` decides and the file is opened again beneath the root
 *  with `RESOLVE_NO_SYMLINKS`, so a swap between the two fails (404). Size and dates are taken
 *  from the opened descriptor (`fstat`). Because the directory is held open, renaming or moving
 *  it, or pointing its path (or a link on it) at another directory later, does not change what
 *  is served: the server keeps serving the directory it opened (404s once it is deleted); serve a
 *  new tree with a new handler. A @p root that does not open serves 404s.
 *
 *  **Without openat2** (Linux before 5.6, or a seccomp filter that answers `ENOSYS` or
 *  `EPERM`, found when the handler is made or on any request): each path is checked with
 *  `realpath` against `realpath(root)` taken when the handler was made, then opened by that
 *  path with `O_NOFOLLOW`. The policy is the same, but a directory on the path swapped for a
 *  link between the check and the open is not caught, and the root is the path (a renamed root
 *  serves 404s, a new directory put at its path is served).
 *
 *  This handler reads the file on the loop's thread, whole, into the answer; through
 *  HttpServer::serve_dir() the body is sent with `sendfile(2)` instead, in bounded pieces under
 *  flow control (Connection::send_file()), so file size costs no memory.
 *
 *  **Caching and ranges.** `ETag` (weak: size and modification time) and `Last-Modified` are
 *  sent; `If-None-Match` (which wins) or `If-Modified-Since` give 304. `Range: bytes=a-b`,
 *  `a-` or `-n` (one range) gives 206 with `Content-Range`, a range beyond the end 416 with
 *  `Content-Range: bytes *` `/size`; several ranges, or an `If-Range` that does not match the
 *  ETag, give the whole file. `Accept-Ranges: bytes` is sent. */
inline Handler static_files(std::string root);

// ---------------------------------------------------------------------------------------------
// Implementation

inline std::string_view mime_type(std::string_view name) noexcept {
    std::size_t dot = name.rfind('.');
    std::size_t slash = name.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return "application/octet-stream";
    std::string_view ext = name.substr(dot + 1);
    struct Entry {
        const char* ext;
        const char* type;
    };
    static const Entry table[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
        {"md", "text/markdown; charset=utf-8"},
        {"csv", "text/csv; charset=utf-8"},
        {"xml", "application/xml"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"pdf", "application/pdf"},
        {"wasm", "application/wasm"},
        {"mp4", "video/mp4"},
        {"webm", "video/webm"},
        {"mp3", "audio/mpeg"},
        {"ogg", "audio/ogg"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"tar", "application/x-tar"},
    };
    for (const Entry& e : table)
        if (iequals(ext, e.ext)) return e.type;
    return "application/octet-stream";
}

inline std::string format_http_date(std::time_t t) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days + 3 * tm.tm_wday,
                  tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

inline bool parse_http_date(std::string_view s, std::time_t& out) noexcept {
    // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters at fixed places.
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT")
        return false;
    auto num = [&](std::size_t at, std::size_t n, int& v) {
        v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        return true;
    };
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int mon = -1;
    for (int m = 0; m < 12; ++m)
        if (s.substr(8, 3) == std::string_view(months + 3 * m, 3)) mon = m;
    std::tm tm{};
    if (mon < 0 || !num(5, 2, tm.tm_mday) || !num(12, 4, tm.tm_year) || !num(17, 2, tm.tm_hour) ||
        !num(20, 2, tm.tm_min) || !num(23, 2, tm.tm_sec))
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon = mon;
    out = ::timegm(&tm);
    return out != static_cast<std::time_t>(-1);
}

namespace detail {

// The decoded relative path below the root, or false when the policy refuses it.
inline bool safe_relative_path(std::string_view encoded, std::string& out) {
    out.clear();
    std::string seg;
    std::size_t pos = 0;
    while (pos <= encoded.size()) {
        std::size_t slash = encoded.find('/', pos);
        std::size_t end = slash == std::string_view::npos ? encoded.size() : slash;
        std::string_view raw = encoded.substr(pos, end - pos);
        bool last = slash == std::string_view::npos;
        if (raw.empty()) {
            if (last) break;  // "dir/": the directory itself
            return false;     // "a//b", or a leading '/'
        }
        if (!percent_decode(raw, seg)) return false;
        if (seg == "." || seg == ".." ||
            seg.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
            return false;
        if (!out.empty()) out += '/';
        out += seg;
        if (last) break;
        pos = slash + 1;
    }
    return true;
}

inline bool inside(const std::string& real_root, const std::string& real) {
    return real == real_root ||
           (real.size() > real_root.size() && real.compare(0, real_root.size(), real_root) == 0 &&
            (real_root == "/" || real[real_root.size()] == '/'));
}

inline bool read_range(int fd, std::uint64_t from, std::uint64_t n, std::string& out) {
    out.resize(static_cast<std::size_t>(n));
    std::uint64_t got = 0;
    while (got < n) {
        ssize_t r = ::pread(fd, &out[static_cast<std::size_t>(got)],
                            static_cast<std::size_t>(n - got), static_cast<off_t>(from + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += static_cast<std::uint64_t>(r);
    }
    return true;
}

// "bytes=a-b" | "bytes=a-" | "bytes=-n" for a file of `size` bytes: 1 a satisfiable range
// (from, n), 0 unsatisfiable (416), -1 to be ignored (malformed, or several ranges).
inline int parse_range(std::string_view v, std::uint64_t size, std::uint64_t& from,
                       std::uint64_t& n) {
    if (v.substr(0, 6) != "bytes=" || v.find(',') != std::string_view::npos) return -1;
    v.remove_prefix(6);
    std::size_t dash = v.find('-');
    if (dash == std::string_view::npos) return -1;
    auto number = [](std::string_view d, std::uint64_t& x) {
        if (d.empty() || d.size() > 18) return false;
        x = 0;
        for (char c : d) {
            if (c < '0' || c > '9') return false;
            x = x * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return true;
    };
    std::uint64_t a = 0, b = 0;
    std::string_view first = v.substr(0, dash), second = v.substr(dash + 1);
    if (first.empty()) {  // the last b bytes
        if (!number(second, b)) return -1;
        if (b == 0 || size == 0) return 0;
        from = b >= size ? 0 : size - b;
        n = size - from;
        return 1;
    }
    if (!number(first, a)) return -1;
    if (second.empty()) {
        b = size == 0 ? 0 : size - 1;
    } else if (!number(second, b) || b < a) {
        return -1;
    }
    if (a >= size) return 0;
    if (b >= size) b = size - 1;
    from = a;
    n = b - a + 1;
    return 1;
}

/** A file body that the server sends with `sendfile(2)` (HttpServer::serve_dir()): @p length
 *  bytes of @p fd from @p offset; the server closes @p fd. Private. */
struct FileBody {
    int fd = -1;               ///< the open file, or -1 when the answer has no file body
    std::uint64_t offset = 0;  ///< where the body starts in the file
    std::uint64_t length = 0;  ///< the body's length (its Content-Length)
};

/** A handler whose body may be a file (FileBody); HttpServer::serve_dir() routes to one.
 *  Private. */
using FileHandler = socklite::detail::Function<void(const ServerRequest&, Response&, FileBody&)>;

/** The directory a static-files handler serves: opened once (`O_PATH`), closed with the last
 *  handler that holds it. Opens paths beneath it (see static_files() for the policy). Private. */
class StaticRoot {
public:
    /** Opens @p root; when it does not open, every open() fails with ENOENT. */
    explicit StaticRoot(const std::string& root);
    ~StaticRoot();
    StaticRoot(const StaticRoot&) = delete;
    StaticRoot& operator=(const StaticRoot&) = delete;

    /** Opens @p rel (a path that safe_relative_path() made, "" for the root itself) with
     *  @p flags, never outside the root: a descriptor, or -1 with errno (EXDEV for a path that
     *  leads out, as the other errors: not found). */
    int open(const std::string& rel, int flags) const;
    /** Whether openat2 was found working when the root was opened (false: realpath only). */
    bool beneath() const noexcept { return beneath_; }

private:
    int open_checked(const std::string& rel, int flags, bool beneath) const;
    int fd_ = -1;
    std::string real_;  // realpath(root), for what openat2 cannot do
    bool beneath_ = false;
};

/** The file a request names, opened (or found but not readable). Private. */
struct OpenedFile {
    int fd = -1;         ///< open for reading, or -1
    bool found = false;  ///< true when fd is open, or when the file exists but may not be read
    struct stat st {};   ///< its status, when found
};

inline int openat2_beneath(int dirfd, const char* path, int flags, std::uint64_t resolve) noexcept {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = resolve;
    return socklite::detail::sys.openat2(dirfd, path, &how, sizeof how);
}

inline StaticRoot::StaticRoot(const std::string& root) {
    fd_ = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return;
    char buf[PATH_MAX];
    if (::realpath(root.c_str(), buf) != nullptr) real_ = buf;
    // One probe decides for the handler's life: a seccomp filter or an old kernel answers every
    // call alike.
    int probe = openat2_beneath(fd_, ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
                                RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    if (probe >= 0) {
        beneath_ = true;
        ::close(probe);
    }
}

inline StaticRoot::~StaticRoot() {
    if (fd_ >= 0) ::close(fd_);
}

inline int StaticRoot::open(const std::string& rel, int flags) const {
    if (fd_ < 0) {
        errno = ENOENT;
        return -1;
    }
    if (beneath_) {
        const char* path = rel.empty() ? "." : rel.c_str();
        for (int tries = 0; tries < 3; ++tries) {
            int fd = openat2_beneath(fd_, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
            if (fd >= 0 || errno == ENOENT) return fd;
            if (errno == EAGAIN) continue;  // a rename raced with a ".." of a link: look again
            if (errno == EXDEV) return open_checked(rel, flags, true);  // see static_files()
            if (errno == ENOSYS || errno == EPERM) break;  // a filter installed since the probe
            return -1;
        }
        if (errno == EAGAIN) return -1;
    }
    return open_checked(rel, flags, false);
}

// realpath decides; then the resolved path is opened beneath the root with no link allowed
// (race-free), or, without openat2, by its name with no link at the end.
inline int StaticRoot::open_checked(const std::string& rel, int flags, bool beneath) const {
    if (real_.empty()) {
        errno = ENOENT;
        return -1;
    }
    std::string path = real_ + (rel.empty() ? "" : "/" + rel);
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) return -1;
    if (!inside(real_, resolved)) {
        errno = EXDEV;
        return -1;
    }
    if (!beneath) return ::open(resolved, flags | O_NOFOLLOW);
    const char* below = resolved + real_.size();
    while (*below == '/') ++below;
    return openat2_beneath(fd_, *below != '\0' ? below : ".", flags,
                           RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

// Opens @p rel for reading. O_NONBLOCK: a FIFO put where a file was must not block the loop (it
// is opened, found not regular, closed; regular files ignore the flag).
inline OpenedFile open_file(const StaticRoot& root, const std::string& rel) {
    OpenedFile f;
    f.fd = root.open(rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (f.fd >= 0) {
        f.found = ::fstat(f.fd, &f.st) == 0;
        if (!f.found) {
            ::close(f.fd);
            f.fd = -1;
        }
        return f;
    }
    if (errno != EACCES) return f;
    // Not readable: a file that exists is 403, a directory may still serve its index.html.
    int probe = root.open(rel, O_PATH | O_CLOEXEC);
    if (probe < 0) return f;
    f.found = ::fstat(probe, &f.st) == 0;
    ::close(probe);
    return f;
}

/** static_files() with the choice of body: read into @p res when @p sendfile_body is null,
 *  else left in @p sendfile_body (opened, not read). Private. */
inline void serve_file(const StaticRoot& root, const ServerRequest& req, Response& res,
                       FileBody* sendfile_body) {
    res.status = 404;
    std::string rel;
    if (!detail::safe_relative_path(req.param("*"), rel)) return;
    OpenedFile f = open_file(root, rel);
    if (f.found && S_ISDIR(f.st.st_mode)) {
        if (f.fd >= 0) ::close(f.fd);
        rel += rel.empty() ? "index.html" : "/index.html";
        f = open_file(root, rel);
    }
    if (!f.found) return;
    if (!S_ISREG(f.st.st_mode)) {
        if (f.fd >= 0) ::close(f.fd);
        return;
    }
    if (f.fd < 0) {
        res.status = 403;
        return;
    }
    const int fd = f.fd;
    const struct stat& st = f.st;
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    char etag[64];
    std::snprintf(etag, sizeof etag, "W/\"%llx-%llx\"", static_cast<unsigned long long>(size),
                  static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                      static_cast<unsigned long long>(st.st_mtim.tv_nsec));
    res.headers.add("ETag", etag);
    res.headers.add("Last-Modified", format_http_date(st.st_mtim.tv_sec));
    res.headers.add("Accept-Ranges", "bytes");
    std::string_view inm = req.header("If-None-Match");
    std::time_t since = 0;
    bool not_modified =
        !inm.empty()
            ? (inm == "*" || inm.find(etag) != std::string_view::npos ||
               inm.find(std::string_view(etag).substr(2)) != std::string_view::npos)
            : parse_http_date(req.header("If-Modified-Since"), since) && st.st_mtim.tv_sec <= since;
    if (not_modified) {
        ::close(fd);
        res.status = 304;
        return;
    }
    res.headers.add("Content-Type", mime_type(rel));
    std::uint64_t from = 0, n = size;
    std::string_view range = req.header("Range");
    std::string_view if_range = req.header("If-Range");
    int r = range.empty() || (!if_range.empty() && if_range != etag)
                ? -1
                : detail::parse_range(range, size, from, n);
    if (r == 0) {
        ::close(fd);
        res.status = 416;
        res.headers.add("Content-Range", "bytes */" + std::to_string(size));
        return;
    }
    if (r == 1) {
        res.status = 206;
        res.headers.add("Content-Range", "bytes " + std::to_string(from) + "-" +
                                             std::to_string(from + n - 1) + "/" +
                                             std::to_string(size));
    } else {
        res.status = 200;
        from = 0;
        n = size;
    }
    if (sendfile_body != nullptr && req.method != "HEAD") {
        sendfile_body->fd = fd;  // the server sends it with sendfile(2), and closes it
        sendfile_body->offset = from;
        sendfile_body->length = n;
        return;
    }
    bool ok = req.method == "HEAD" ? true : detail::read_range(fd, from, n, res.body);
    ::close(fd);
    if (req.method == "HEAD") res.headers.add("Content-Length", std::to_string(n));
    if (!ok) {
        res = Response();
        res.status = 500;
    }
}

/** static_files() for HttpServer::serve_dir(): bodies are left open for `sendfile(2)`. */
inline FileHandler file_sender(std::shared_ptr<const StaticRoot> root) {
    return [root = std::move(root)](const ServerRequest& req, Response& res, FileBody& file) {
        serve_file(*root, req, res, &file);
    };
}

/** file_sender() on a root of its own. */
inline FileHandler file_sender(std::string root) {
    return file_sender(std::make_shared<const StaticRoot>(root));
}

/** static_files() on a root shared with a file_sender() (one descriptor for both). */
inline Handler static_files(std::shared_ptr<const StaticRoot> root) {
    return [root = std::move(root)](const ServerRequest& req, Response& res) {
        serve_file(*root, req, res, nullptr);
    };
}

}  // namespace detail

inline Handler static_files(std::string root) {
    return detail::static_files(std::make_shared<const detail::StaticRoot>(root));
}

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_STATIC_FILES_HPP
