// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_HTTP_CONTENT_CODING_HPP
#define SOCKLITE_HTTP_CONTENT_CODING_HPP

/** @file
 *  Content codings (RFC 9110 section 8.4): reading `Content-Encoding` and `Accept-Encoding`
 *  (always available, no dependency), and, when `SOCKLITE_WITH_ZLIB` is defined to 1, the
 *  streaming gzip/deflate decoder http::Inflater and the gzip encoder http::GzipEncoder (zlib).
 *  Without that macro this header never includes `<zlib.h>`. No I/O. */

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"
#include "message.hpp"

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB
#include <memory>
#include <new>
#include <stdexcept>

#include <zlib.h>
#endif

namespace socklite {
namespace http {

/** A body's content coding, as far as socklite can decode it. */
enum class ContentCoding {
    identity,  ///< none (no `Content-Encoding`, or only `identity`)
    gzip,      ///< `gzip` or `x-gzip` (RFC 1952)
    deflate,   ///< `deflate`: the zlib format (RFC 1950), or raw deflate as some servers send
    other      ///< anything else (`br`, `zstd`, several codings stacked): passed through as is
};

/** The coding a `Content-Encoding` field value names (several fields joined with `", "`):
 *  `content_coding("gzip")` is ContentCoding::gzip; `identity` entries are skipped, and two
 *  codings stacked (`gzip, gzip`) are ContentCoding::other. No allocation. */
ContentCoding content_coding(std::string_view field_value) noexcept;

/** Whether an `Accept-Encoding` field value (RFC 9110 section 12.5.3) lets the answer be gzip:
 *  `gzip` or `x-gzip` with a weight above zero, or `*` above zero when gzip is not named.
 *  `gzip;q=0` refuses; an empty value accepts nothing but identity. No allocation. */
bool accepts_gzip(std::string_view field_value) noexcept;

/** Whether a `Content-Type` names text that compresses well: `text/...`, `application/json`,
 *  `application/javascript`, `application/xml`, `image/svg+xml` and the `+json`/`+xml`
 *  application types; parameters (`; charset=utf-8`) are ignored. No allocation. */
bool compressible_type(std::string_view content_type) noexcept;

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB

/** A streaming gzip/deflate decoder with a limit on the decoded size (only with
 *  `SOCKLITE_WITH_ZLIB`).
 *
 *  Bytes go in by write() in pieces of any size (one byte at a time works); decoded bytes come
 *  out through a callback in pieces of at most 16 KiB, so memory stays bounded whatever the
 *  ratio: a decompression bomb fails with http::errc::decoded_body_too_large as soon as its
 *  output passes the limit. gzip accepts several members one after the other (RFC 1952
 *  section 2.2); `deflate` is the zlib format (RFC 9110 section 8.4.1.2), and raw deflate is
 *  accepted too, told apart by its first two bytes. Bytes after the end of the stream are
 *  http::errc::bad_content_encoding; an end of input inside it, seen by finish(), is
 *  http::errc::truncated_content_encoding. An empty input decodes to nothing (the body of a
 *  `HEAD` or `304` answer).
 *
 *  @par Example
 *  @code
 *  socklite::http::Inflater inf(socklite::http::ContentCoding::gzip, 1 << 20);
 *  std::string out;
 *  std::error_code ec;
 *  inf.write(compressed, [&](std::string_view d) { out.append(d); return true; }, ec);
 *  if (!ec) inf.finish(ec);
 *  @endcode */
class Inflater {
public:
    /** A decoder of @p coding (ContentCoding::gzip or ContentCoding::deflate) whose output may
     *  not exceed @p max_decoded bytes. Allocates its buffers on the first write().
     *  @throws std::invalid_argument when @p coding is neither gzip nor deflate. */
    explicit Inflater(ContentCoding coding, std::uint64_t max_decoded = UINT64_MAX);
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    /** Releases zlib's state. */
    ~Inflater();

    /** Decodes @p in, passing each decoded piece to @p out, in pieces of at most 16 KiB.
     *  @param in the next encoded bytes, of any length (empty: nothing happens)
     *  @param out a callable `bool(std::string_view)` given each decoded piece, valid during the
     *  call; returning false stops with `std::errc::operation_canceled`
     *  @param ec the coding error, the limit, or the callback's refusal; the decoder is then
     *  spent
     *  @return whether all of @p in was decoded
     *  @throws std::bad_alloc, and what @p out throws. */
    template <class Out>
    bool write(std::string_view in, Out&& out, std::error_code& ec);
    /** Ends the input: an error unless the stream ended (or no byte came at all).
     *  @param ec http::errc::truncated_content_encoding, or an earlier error
     *  @return whether the stream was complete */
    bool finish(std::error_code& ec) noexcept;
    /** Decoded bytes so far. */
    std::uint64_t decoded() const noexcept { return decoded_; }
    /** Encoded bytes taken so far. */
    std::uint64_t encoded() const noexcept { return encoded_; }

private:
    enum class State { fresh, head, running, ended, failed };
    bool start(int window_bits, std::error_code& ec);
    template <class Out>
    bool run(const unsigned char* data, std::size_t size, Out& out, std::error_code& ec);
    bool fail(std::error_code& ec, std::error_code why) noexcept {
        state_ = State::failed;
        ec = why;
        return false;
    }

    static constexpr std::size_t piece = 16 * 1024;
    ContentCoding coding_;
    State state_ = State::fresh;
    bool initialized_ = false;
    z_stream zs_{};
    std::unique_ptr<unsigned char[]> buf_;
    unsigned char head_[2] = {};  // deflate: the first byte, until the second tells the format
    std::uint64_t max_;
    std::uint64_t decoded_ = 0;
    std::uint64_t encoded_ = 0;
};

/** A streaming gzip encoder (RFC 1952, one member; only with `SOCKLITE_WITH_ZLIB`).
 *
 *  @par Example
 *  @code
 *  std::string gz = socklite::http::gzip("hello, world!");
 *  @endcode */
class GzipEncoder {
public:
    /** An encoder at zlib @p level (1 fastest ... 9 smallest, 6 zlib's default).
     *  @throws std::bad_alloc; std::invalid_argument for a level outside 0-9. */
    explicit GzipEncoder(int level = 6);
    GzipEncoder(const GzipEncoder&) = delete;
    GzipEncoder& operator=(const GzipEncoder&) = delete;
    /** Releases zlib's state. */
    ~GzipEncoder() { deflateEnd(&zs_); }

    /** Compresses @p in, appending what is ready to @p out (maybe nothing yet).
     *  @throws std::bad_alloc */
    void write(std::string_view in, std::string& out) { run(in, out, Z_NO_FLUSH); }
    /** Appends the rest of the stream (the gzip trailer included) to @p out; the encoder is
     *  spent afterwards. @throws std::bad_alloc */
    void finish(std::string& out) { run({}, out, Z_FINISH); }

private:
    void run(std::string_view in, std::string& out, int flush);
    z_stream zs_{};
};

/** @p data compressed as one gzip member at zlib @p level (only with `SOCKLITE_WITH_ZLIB`).
 *  @throws std::bad_alloc; std::invalid_argument for a level outside 0-9. */
inline std::string gzip(std::string_view data, int level = 6) {
    std::string out;
    out.reserve(data.size() / 3 + 64);
    GzipEncoder enc(level);
    enc.write(data, out);
    enc.finish(out);
    return out;
}

#endif  // SOCKLITE_WITH_ZLIB

// ---------------------------------------------------------------------------------------------
// Implementation

/// @cond INTERNAL
namespace detail {

inline std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The next comma-separated element of a list field (RFC 9110 section 5.6.1), trimmed; empty
// elements are skipped. False at the end.
inline bool next_element(std::string_view& list, std::string_view& element) noexcept {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        element = trim_ows(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (!element.empty()) return true;
    }
    return false;
}

// A weight (RFC 9110 section 12.4.2) above zero: `q=0`, `q=0.0`, `q=0.000` are zero; a
// malformed weight counts as zero too (not acceptable is the safe reading).
inline bool weight_above_zero(std::string_view params) noexcept {
    std::string_view rest = params;
    while (!rest.empty()) {
        const std::size_t semi = rest.find(';');
        std::string_view p = trim_ows(rest.substr(0, semi));
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q')) continue;
        std::string_view v = trim_ows(p.substr(1));
        if (v.empty() || v[0] != '=') continue;
        v = trim_ows(v.substr(1));
        if (v.empty() || (v[0] != '0' && v[0] != '1')) return false;
        if (v[0] == '1') return true;
        for (std::size_t i = 1; i < v.size(); ++i) {
            if (v[i] >= '1' && v[i] <= '9') return true;
        }
        return false;
    }
    return true;  // no weight: 1
}

}  // namespace detail
/// @endcond

inline ContentCoding content_coding(std::string_view field_value) noexcept {
    ContentCoding found = ContentCoding::identity;
    std::string_view list = field_value, c;
    while (detail::next_element(list, c)) {
        if (iequals(c, "identity")) continue;
        ContentCoding k = ContentCoding::other;
        if (iequals(c, "gzip") || iequals(c, "x-gzip")) k = ContentCoding::gzip;
        if (iequals(c, "deflate")) k = ContentCoding::deflate;
        if (found != ContentCoding::identity) return ContentCoding::other;  // stacked codings
        found = k;
    }
    return found;
}

inline bool accepts_gzip(std::string_view field_value) noexcept {
    std::string_view list = field_value, e;
    int star = -1;  // -1: not named; 0: refused; 1: accepted
    while (detail::next_element(list, e)) {
        const std::size_t semi = e.find(';');
        std::string_view name = detail::trim_ows(e.substr(0, semi));
        std::string_view params = semi == std::string_view::npos ? "" : e.substr(semi + 1);
        if (iequals(name, "gzip") || iequals(name, "x-gzip"))
            return detail::weight_above_zero(params);
        if (name == "*") star = detail::weight_above_zero(params) ? 1 : 0;
    }
    return star == 1;
}

inline bool compressible_type(std::string_view content_type) noexcept {
    std::string_view t = detail::trim_ows(content_type.substr(0, content_type.find(';')));
    auto starts = [&](std::string_view p) {
        return t.size() >= p.size() && iequals(t.substr(0, p.size()), p);
    };
    auto ends = [&](std::string_view s) {
        return t.size() >= s.size() && iequals(t.substr(t.size() - s.size()), s);
    };
    if (starts("text/")) return true;
    if (iequals(t, "image/svg+xml")) return true;
    if (!starts("application/")) return false;
    return iequals(t, "application/json") || iequals(t, "application/javascript") ||
           iequals(t, "application/xml") || ends("+json") || ends("+xml");
}

#if defined(SOCKLITE_WITH_ZLIB) && SOCKLITE_WITH_ZLIB

inline Inflater::Inflater(ContentCoding coding, std::uint64_t max_decoded)
    : coding_(coding), max_(max_decoded) {
    if (coding != ContentCoding::gzip && coding != ContentCoding::deflate)
        throw std::invalid_argument("socklite::http::Inflater: not gzip or deflate");
}

inline Inflater::~Inflater() {
    if (initialized_) inflateEnd(&zs_);
}

inline bool Inflater::start(int window_bits, std::error_code& ec) {
    if (!buf_) buf_.reset(new unsigned char[piece]);
    const int rc = inflateInit2(&zs_, window_bits);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) return fail(ec, errc::bad_content_encoding);
    initialized_ = true;
    state_ = State::running;
    return true;
}

template <class Out>
bool Inflater::write(std::string_view in, Out&& out, std::error_code& ec) {
    ec.clear();
    if (state_ == State::failed) return fail(ec, errc::bad_content_encoding);
    if (in.empty()) return true;
    const auto* data = reinterpret_cast<const unsigned char*>(in.data());
    std::size_t size = in.size();
    if (state_ == State::fresh && coding_ == ContentCoding::gzip && !start(16 + MAX_WBITS, ec))
        return false;
    if (state_ == State::fresh) {  // deflate: the format shows in the first two bytes
        head_[0] = data[0];
        ++encoded_;
        ++data;
        --size;
        state_ = State::head;
        if (size == 0) return true;
    }
    if (state_ == State::head) {
        head_[1] = data[0];
        ++encoded_;
        ++data;
        --size;
        // RFC 1950: CM 8, CINFO at most 7, and the header as a 16-bit number a multiple of 31.
        const bool zlib = (head_[0] & 0x0f) == 8 && (head_[0] >> 4) <= 7 &&
                          ((head_[0] << 8) | head_[1]) % 31 == 0;
        if (!start(zlib ? MAX_WBITS : -MAX_WBITS, ec)) return false;
        encoded_ -= 2;  // counted again by run()
        if (!run(head_, 2, out, ec)) return false;
    }
    return run(data, size, out, ec);
}

template <class Out>
bool Inflater::run(const unsigned char* data, std::size_t size, Out& out, std::error_code& ec) {
    while (size > 0) {
        if (state_ == State::ended) {
            // After a gzip member only another member may follow (zlib checks its magic); after
            // a deflate stream, nothing.
            if (coding_ != ContentCoding::gzip) return fail(ec, errc::bad_content_encoding);
            if (inflateReset(&zs_) != Z_OK) return fail(ec, errc::bad_content_encoding);
            state_ = State::running;
        }
        const uInt chunk = size > 1u << 30 ? 1u << 30 : static_cast<uInt>(size);
        zs_.next_in = const_cast<Bytef*>(data);  // zlib does not write through next_in
        zs_.avail_in = chunk;
        int rc = Z_OK;
        do {
            zs_.next_out = buf_.get();
            zs_.avail_out = piece;
            rc = inflate(&zs_, Z_NO_FLUSH);
            if (rc == Z_MEM_ERROR) throw std::bad_alloc();
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return fail(ec, errc::bad_content_encoding);
            const std::size_t made = piece - zs_.avail_out;
            if (made > 0) {
                if (made > max_ - decoded_) return fail(ec, errc::decoded_body_too_large);
                decoded_ += made;
                if (!out(std::string_view(reinterpret_cast<const char*>(buf_.get()), made)))
                    return fail(ec, std::make_error_code(std::errc::operation_canceled));
            }
            if (rc == Z_STREAM_END) {
                state_ = State::ended;
                break;
            }
            if (rc == Z_BUF_ERROR) break;  // no progress possible: input used up
        } while (zs_.avail_in > 0 || zs_.avail_out == 0);
        const std::size_t used = chunk - zs_.avail_in;
        encoded_ += used;
        data += used;
        size -= used;
        if (rc == Z_BUF_ERROR && used == 0 && zs_.avail_in > 0)
            return fail(ec, errc::bad_content_encoding);
    }
    return true;
}

inline bool Inflater::finish(std::error_code& ec) noexcept {
    ec.clear();
    switch (state_) {
        case State::fresh:
        case State::ended: return true;
        case State::failed: return fail(ec, errc::bad_content_encoding);
        default: return fail(ec, errc::truncated_content_encoding);
    }
}

inline GzipEncoder::GzipEncoder(int level) {
    if (level < 0 || level > 9) throw std::invalid_argument("socklite::http::GzipEncoder: level");
    // windowBits 16 + 15: a gzip wrapper; memLevel 8 is zlib's default.
    const int rc = deflateInit2(&zs_, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) throw std::bad_alloc();
}

inline void GzipEncoder::run(std::string_view in, std::string& out, int flush) {
    do {  // in pieces of at most 1 GiB: avail_in is 32 bits wide
        const std::size_t take = in.size() < (1u << 30) ? in.size() : (1u << 30);
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs_.avail_in = static_cast<uInt>(take);
        in.remove_prefix(take);
        const int mode = in.empty() ? flush : Z_NO_FLUSH;
        for (;;) {
            const std::size_t room = deflateBound(&zs_, zs_.avail_in) + 64;
            const std::size_t old = out.size();
            out.resize(old + room);
            zs_.next_out = reinterpret_cast<Bytef*>(&out[old]);
            zs_.avail_out = static_cast<uInt>(room);
            const int rc = deflate(&zs_, mode);
            out.resize(old + room - zs_.avail_out);
            if (rc == Z_STREAM_END) return;
            if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::bad_alloc();  // only memory fails
            if (mode == Z_NO_FLUSH && zs_.avail_in == 0) break;
        }
    } while (!in.empty());
}

/// @cond INTERNAL
namespace detail {

// HttpServer's gzip of an answer in memory (ServerOptions::gzip). Eligible: a final status
// with a body that is not partial (206) or absent (204, 304), at least min_size bytes, of a
// text type, without a Content-Encoding, Content-Length or Transfer-Encoding of the handler's
// own. Vary: Accept-Encoding goes on every eligible answer, compressed or not, since a cache
// must tell them apart; the gzip one gets a weak ETag (RFC 9110 section 8.8.3.3: not the same
// bytes). A HEAD answer gets Vary but keeps its length: its body is never sent. Returns whether
// it gzipped.
inline bool gzip_answer(Response& res, std::string_view method, std::string_view accept_encoding,
                        std::size_t min_size, int level) {
    if (res.status < 200 || res.status == 204 || res.status == 206 || res.status == 304 ||
        res.body.size() < min_size)
        return false;
    if (!compressible_type(res.headers.get("Content-Type"))) return false;
    if (res.headers.contains("Content-Encoding") || res.headers.contains("Content-Length") ||
        res.headers.contains("Transfer-Encoding"))
        return false;
    const std::string vary = res.headers.joined("Vary");
    bool named = false;
    std::string_view list = vary, e;
    while (next_element(list, e)) named = named || e == "*" || iequals(e, "Accept-Encoding");
    if (!named)
        res.headers.set("Vary", vary.empty() ? "Accept-Encoding" : vary + ", Accept-Encoding");
    if (method == "HEAD" || !accepts_gzip(accept_encoding)) return false;
    std::string packed = gzip(res.body, level);
    if (packed.size() >= res.body.size()) return false;  // incompressible: send it as it is
    res.body.swap(packed);
    res.headers.add("Content-Encoding", "gzip");
    const std::string_view etag = res.headers.get("ETag");
    if (!etag.empty() && etag[0] == '"') res.headers.set("ETag", "W/" + std::string(etag));
    return true;
}

}  // namespace detail
/// @endcond

#endif  // SOCKLITE_WITH_ZLIB

}  // namespace http
}  // namespace socklite

#endif  // SOCKLITE_HTTP_CONTENT_CODING_HPP
