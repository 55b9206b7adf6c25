// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// http::static_files through HttpServer::serve_dir over real sockets: files byte-exact, MIME
// types, index.html, 304, ranges, and the path policy (traversal in every spelling, symlinks),
// with openat2 and with the realpath fallback forced through the syscall seam (openat2 answering
// ENOSYS when the root is opened, or EPERM on every request); links swapped while a request is
// served (at the seam, so the swap lands between the check and the open every time); the root
// held open while it is renamed, replaced and deleted.

#include <socklite/detail/syscall.hpp>
#include <socklite/http/server.hpp>
#include <socklite/http/static_files.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_client/servers.hpp"
#include "server/server_fixture.hpp"
#include "support/doctest_ext.hpp"
#include "support/fd_count.hpp"

using namespace socklite_test;
using socklite::HttpServer;
using socklite::http::Response;

namespace {

const std::string host = "Host: a\r\n";

Response get(RawClient& cli, const std::string& target, const std::string& extra = "",
             const char* method = "GET") {
    cli.send(std::string(method) + " " + target + " HTTP/1.1\r\n" + host + extra + "\r\n");
    return cli.read_response(method);
}

// openat2 through the seam: counted, failed with fail_errno when set, and `before` (when set)
// runs ahead of each real call and may fail it with an errno of its own. Set `before` before
// the server's thread starts; fail_errno at any time.
struct Openat2Hook {
    std::atomic<int> calls{0};
    std::atomic<int> fail_errno{0};
    std::function<int(const char* path, const open_how& how)> before;
} hook;

int hooked_openat2(int dirfd, const char* path, open_how* how, std::size_t size) {
    ++hook.calls;
    int e = hook.fail_errno.load();
    if (e == 0 && hook.before) e = hook.before(path, *how);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return socklite::detail::real_openat2(dirfd, path, how, size);
}

// Installs hooked_openat2 for its lifetime with a clean hook. Declare it before the server (it
// must outlive the server's thread).
class ScopedOpenat2 {
public:
    ScopedOpenat2() {
        hook.calls = 0;
        hook.fail_errno = 0;
        hook.before = nullptr;
        saved_ = socklite::detail::sys.openat2;
        socklite::detail::sys.openat2 = hooked_openat2;
    }
    ScopedOpenat2(const ScopedOpenat2&) = delete;
    ScopedOpenat2& operator=(const ScopedOpenat2&) = delete;
    ~ScopedOpenat2() {
        socklite::detail::sys.openat2 = saved_;
        hook.before = nullptr;
        hook.fail_errno = 0;
    }

private:
    int (*saved_)(int, const char*, open_how*, std::size_t) = nullptr;
};

// How files are opened in a test: openat2, or the realpath fallback, chosen when the root is
// opened (ENOSYS: an old kernel) or on each request (EPERM: a seccomp filter installed later).
enum class Mode { openat2, enosys_at_mount, eperm_per_request };

// Serves @p root at "/" in @p mode (the hook must be installed).
void mount(HttpServer& server, const fs::path& root, Mode mode) {
    if (mode == Mode::enosys_at_mount) hook.fail_errno = ENOSYS;
    server.serve_dir("/", root.string());
    if (mode == Mode::eperm_per_request) hook.fail_errno = EPERM;
}

// Whether this kernel has openat2 (the openat2 mode falls back without it).
bool kernel_has_openat2() {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    int fd = socklite::detail::real_openat2(AT_FDCWD, "/", &how, sizeof how);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

}  // namespace

TEST_CASE("static files: helpers") {
    CHECK(socklite::http::mime_type("a/b.HTML") == "text/html; charset=utf-8");
    CHECK(socklite::http::mime_type("x.png") == "image/png");
    CHECK(socklite::http::mime_type("x.d/noext") == "application/octet-stream");
    CHECK(socklite::http::format_http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
    std::time_t t = 0;
    CHECK(socklite::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", t));
    CHECK(t == 784111777);
    CHECK(!socklite::http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", t));
    std::string rel;
    CHECK(socklite::http::detail::safe_relative_path("a/b%20c", rel));
    CHECK(rel == "a/b c");
    for (const char* bad : {"..", "a/../b", "%2e%2e", "a/%2E%2E/b", ".", "a%2fb", "a%5cb", "a\\b",
                            "a%00b", "a//b", "/etc", "%zz"}) {
        CAPTURE(bad);
        CHECK(!socklite::http::detail::safe_relative_path(bad, rel));
    }
}

TEST_CASE("static files: served byte-exact, index.html, 304, ranges, HEAD, 405") {
    FdLeakGuard leaks;
    TempDir dir;
    fs::create_directories(dir.path() / "root" / "sub");
    std::string data = random_bytes(300000);
    write_file(dir.path() / "root" / "data.bin", data);
    write_file(dir.path() / "root" / "sub" / "index.html", "<p>index</p>");
    write_file(dir.path() / "root" / "style.css", "p{}");
    HttpServer server;
    server.serve_dir("/files/", (dir.path() / "root").string());
    RunningServer run(server);
    RawClient cli(run.port());

    Response r = get(cli, "/files/data.bin");
    CHECK(r.status == 200);
    CHECK(r.body == data);
    CHECK(r.headers.get("Content-Type") == "application/octet-stream");
    CHECK(r.headers.get("Accept-Ranges") == "bytes");
    std::string etag(r.headers.get("ETag"));
    std::string modified(r.headers.get("Last-Modified"));
    CHECK(etag.rfind("W/\"", 0) == 0);

    r = get(cli, "/files/style.css");
    CHECK(r.headers.get("Content-Type") == "text/css; charset=utf-8");
    CHECK(get(cli, "/files/sub/").body == "<p>index</p>");
    CHECK(get(cli, "/files/sub").body == "<p>index</p>");
    CHECK(get(cli, "/files/").status == 404);  // no index.html at the top
    CHECK(get(cli, "/files/missing").status == 404);

    r = get(cli, "/files/data.bin", "If-None-Match: " + etag + "\r\n");
    CHECK(r.status == 304);
    CHECK(r.body.empty());
    CHECK(get(cli, "/files/data.bin", "If-Modified-Since: " + modified + "\r\n").status == 304);
    CHECK(get(cli, "/files/data.bin",
              "If-None-Match: \"other\"\r\nIf-Modified-Since: " + modified + "\r\n")
              .status == 200);  // INM wins

    r = get(cli, "/files/data.bin", "Range: bytes=10-19\r\n");
    CHECK(r.status == 206);
    CHECK(r.body == data.substr(10, 10));
    CHECK(r.headers.get("Content-Range") == "bytes 10-19/300000");
    r = get(cli, "/files/data.bin", "Range: bytes=-5\r\n");
    CHECK(r.body == data.substr(data.size() - 5));
    r = get(cli, "/files/data.bin", "Range: bytes=299990-\r\n");
    CHECK(r.body == data.substr(299990));
    r = get(cli, "/files/data.bin", "Range: bytes=300000-\r\n");
    CHECK(r.status == 416);
    CHECK(r.headers.get("Content-Range") == "bytes */300000");
    CHECK(get(cli, "/files/data.bin", "Range: bytes=0-1,5-6\r\n").status == 200);
    CHECK(get(cli, "/files/data.bin", "Range: bytes=0-1\r\nIf-Range: \"old\"\r\n").status == 200);

    r = get(cli, "/files/data.bin", "", "HEAD");
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Length") == "300000");
    CHECK(r.body.empty());

    cli.send("DELETE /files/data.bin HTTP/1.1\r\n" + host + "\r\n");
    r = cli.read_response();
    CHECK(r.status == 405);
    CHECK(r.headers.get("Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE("static files: never a byte from outside the root") {
    ScopedOpenat2 seam;
    Mode mode = Mode::openat2;
    SUBCASE("openat2") { mode = Mode::openat2; }
    SUBCASE("realpath fallback: openat2 ENOSYS when the root is opened") {
        mode = Mode::enosys_at_mount;
    }
    SUBCASE("realpath fallback: openat2 EPERM on every request") { mode = Mode::eperm_per_request; }
    FdLeakGuard leaks;
    TempDir dir;
    const fs::path root = dir.path() / "root";
    fs::create_directories(root / "in");
    fs::create_directories(root / "d");
    fs::create_directories(dir.path() / "outdir");
    write_file(dir.path() / "secret.txt", "secret");
    write_file(dir.path() / "outdir" / "index.html", "secret index");
    write_file(root / "in" / "ok.txt", "ok");
    // Links that stay inside: absolute, relative, through "..", to a directory, as index.html.
    fs::create_symlink(root / "in" / "ok.txt", root / "alias.txt");
    fs::create_symlink("in/ok.txt", root / "rel.txt");
    fs::create_symlink("../in/ok.txt", root / "d" / "up_and_in.txt");
    fs::create_symlink("../../root/in/ok.txt", root / "in" / "out_and_back.txt");
    fs::create_directory_symlink("in", root / "inlink");
    fs::create_symlink("../in/ok.txt", root / "d" / "index.html");
    fs::create_symlink("in/ok.txt", root / "page.html");
    // Links that leave: absolute and relative, to files and directories, a magic link, a loop.
    fs::create_symlink(dir.path() / "secret.txt", root / "leak.txt");
    fs::create_symlink("../secret.txt", root / "rel_leak.txt");
    fs::create_directory_symlink(dir.path(), root / "up");
    fs::create_directory_symlink("..", root / "uprel");
    fs::create_directory_symlink("../outdir", root / "outlink");
    fs::create_directory_symlink("/proc/self/root", root / "proc");
    fs::create_symlink("loop", root / "loop");
    REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);

    HttpServer server;
    mount(server, root, mode);
    {
        // The way chosen when a root is opened: openat2, unless it fails (as now scripted).
        socklite::http::detail::StaticRoot check(root.string());
        CHECK(check.beneath() == (mode == Mode::openat2 && kernel_has_openat2()));
    }
    RunningServer run(server);
    RawClient cli(run.port());
    CHECK(get(cli, "/in/ok.txt").body == "ok");
    for (const char* target : {"/alias.txt", "/rel.txt", "/d/up_and_in.txt", "/in/out_and_back.txt",
                               "/inlink/ok.txt", "/d/", "/page.html"}) {
        std::string name = target;
        CAPTURE(name);
        Response r = get(cli, target);
        CHECK(r.status == 200);
        CHECK(r.body == "ok");
    }
    // The type is the name asked for's, not the target's.
    CHECK(get(cli, "/page.html").headers.get("Content-Type") == "text/html; charset=utf-8");
    CHECK(get(cli, "/d/").headers.get("Content-Type") == "text/html; charset=utf-8");
    for (const char* target :
         {"/leak.txt", "/rel_leak.txt", "/up/secret.txt", "/uprel/secret.txt", "/outlink/",
          "/outlink/index.html", "/proc/etc/hostname", "/loop", "/fifo",
          "/in/%2e%2e/%2e%2e/secret.txt", "/in/%2E%2E%2F%2E%2E%2Fsecret.txt",
          "/in/..%5c..%5csecret.txt", "/in/ok.txt%00", "//secret.txt", "/in//ok.txt"}) {
        std::string name = target;
        CAPTURE(name);
        Response r = get(cli, target);
        CHECK(r.status == 404);
        CHECK(r.body.find("secret") == std::string::npos);
    }
    // A raw ".." segment is a valid target: still refused.
    Response r = get(cli, "/in/../../secret.txt");
    CHECK(r.status == 404);
    // The mode was the one asked for: openat2 seen (the two roots' probes at least), and with
    // EPERM every open went through it first.
    CHECK(hook.calls.load() >= 2);
    if (mode == Mode::openat2 && kernel_has_openat2()) CHECK(hook.calls.load() > 2);
}

TEST_CASE("static files: a link swapped while a request is served never leads out") {
    if (!kernel_has_openat2()) {
        MESSAGE("no openat2 in this kernel: the realpath fallback is not race-free (documented)");
        return;
    }
    ScopedOpenat2 seam;
    FdLeakGuard leaks;
    TempDir dir;
    const fs::path root = dir.path() / "root";
    fs::create_directories(root / "in");
    fs::create_directories(dir.path() / "outside");
    write_file(root / "in" / "ok.txt", "ok");
    write_file(dir.path() / "outside" / "ok.txt", "secret");
    // Swaps the directory root/in for a link to ../outside (rename: the link appears at once).
    auto swap_in_out = [&] {
        fs::rename(root / "in", root / "in.old");
        fs::create_directory_symlink("../outside", root / "in");
    };
    std::string swap_at;  // the path of the first openat2 call before which the swap happens
    std::atomic<int> swaps{0};
    hook.before = [&](const char* path, const open_how&) {
        if (swaps.load() == 0 && swap_at == path) {
            swap_in_out();
            ++swaps;
        }
        return 0;
    };

    SUBCASE("the path checked by openat2 itself") {
        // The request names in/ok.txt; between the policy check of the path and the open, "in"
        // becomes a link out: RESOLVE_BENEATH refuses it (EXDEV), realpath finds it outside.
        swap_at = "in/ok.txt";
        HttpServer server;
        server.serve_dir("/", root.string());
        RunningServer run(server);
        RawClient cli(run.port());
        Response r = get(cli, "/in/ok.txt");
        CHECK(swaps.load() == 1);
        CHECK(r.status == 404);
        CHECK(r.body.find("secret") == std::string::npos);
    }
    SUBCASE("between realpath and the open of an absolute link") {
        // abs/ok.txt: openat2 refuses the absolute link (EXDEV); realpath finds root/in/ok.txt
        // inside; then, before the second openat2 (no links at all), "in" becomes a link out:
        // that open fails (ELOOP) where an open by name would have followed it.
        fs::create_directory_symlink(root / "in", root / "abs");
        swap_at = "in/ok.txt";
        HttpServer server;
        server.serve_dir("/", root.string());
        RunningServer run(server);
        RawClient cli(run.port());
        Response r = get(cli, "/abs/ok.txt");
        CHECK(swaps.load() == 1);
        CHECK(r.status == 404);
        CHECK(r.body.find("secret") == std::string::npos);
    }
}

TEST_CASE("static files: 403 for a file that may not be read, 404 for what is not there") {
    ScopedOpenat2 seam;
    Mode mode = Mode::openat2;
    SUBCASE("openat2") { mode = Mode::openat2; }
    SUBCASE("realpath fallback") { mode = Mode::enosys_at_mount; }
    FdLeakGuard leaks;
    TempDir dir;
    const fs::path root = dir.path() / "root";
    fs::create_directories(root / "locked");
    write_file(root / "denied.txt", "denied");
    write_file(root / "locked" / "index.html", "<p>locked</p>");
    write_file(root / "ok.txt", "ok");
    if (mode == Mode::openat2) {
        if (!kernel_has_openat2()) return;
        // Read permission refused at the seam (as for a file of mode 000 to a non-root server):
        // the open for reading fails with EACCES, the O_PATH look-up does not.
        hook.before = [](const char* path, const open_how& how) {
            bool reading = (how.flags & O_PATH) == 0;
            std::string p = path;
            bool denied = p == "denied.txt" || p == "locked" || p == "gone.txt";
            return reading && denied ? EACCES : 0;
        };
    } else if (::geteuid() == 0) {
        MESSAGE("as root, file modes refuse nothing: the fallback's 403 is not tested");
        return;
    } else {
        fs::permissions(root / "denied.txt", fs::perms::none);
        fs::permissions(root / "locked", fs::perms::owner_exec);  // searchable, not listable
    }
    HttpServer server;
    mount(server, root, mode);
    RunningServer run(server);
    RawClient cli(run.port());
    Response r = get(cli, "/denied.txt");
    CHECK(r.status == 403);
    CHECK(r.body.find("denied") == std::string::npos);
    CHECK(get(cli, "/locked/").body == "<p>locked</p>");  // a directory not readable: its index
    CHECK(get(cli, "/gone.txt").status == 404);           // EACCES, and then not found
    CHECK(get(cli, "/ok.txt").body == "ok");
    run.stop();
    fs::permissions(root / "locked", fs::perms::owner_all);
}

TEST_CASE("static files: the root is held open while it is renamed, replaced and deleted") {
    ScopedOpenat2 seam;
    Mode mode = Mode::openat2;
    SUBCASE("openat2: the directory opened") { mode = Mode::openat2; }
    SUBCASE("realpath fallback: the path") { mode = Mode::enosys_at_mount; }
    const bool held = mode == Mode::openat2 && kernel_has_openat2();
    FdLeakGuard leaks;  // the root's descriptor is closed with the server
    TempDir dir;
    const fs::path root = dir.path() / "root";
    fs::create_directories(root);
    write_file(root / "a.txt", "one");
    HttpServer server;
    mount(server, root, mode);
    RunningServer run(server);
    RawClient cli(run.port());
    CHECK(get(cli, "/a.txt").body == "one");

    fs::rename(root, dir.path() / "moved");
    Response r = get(cli, "/a.txt");
    CHECK(r.status == (held ? 200 : 404));
    if (held) CHECK(r.body == "one");

    fs::create_directories(root);
    write_file(root / "a.txt", "two");
    CHECK(get(cli, "/a.txt").body == (held ? "one" : "two"));

    fs::remove_all(dir.path() / "moved");
    r = get(cli, "/a.txt");
    CHECK(r.status == (held ? 404 : 200));
    CHECK(get(cli, "/").status == 404);
}

TEST_CASE("static files: a root that does not open serves 404s; the handler's descriptor") {
    FdLeakGuard leaks;
    TempDir dir;
    {
        int before = open_fd_count();
        auto handler = socklite::http::static_files((dir.path() / "root").string());
        CHECK(open_fd_count() == before);  // nothing to hold
    }
    fs::create_directories(dir.path() / "root");
    write_file(dir.path() / "root" / "a.txt", "a");
    {
        int before = open_fd_count();
        auto handler = socklite::http::static_files((dir.path() / "root").string());
        auto copy = handler;
        CHECK(open_fd_count() == before + 1);  // one O_PATH descriptor, shared by the copies
    }
    HttpServer server;
    server.serve_dir("/missing/", (dir.path() / "nowhere").string());
    server.serve_dir("/", (dir.path() / "root").string());
    RunningServer run(server);
    RawClient cli(run.port());
    CHECK(get(cli, "/missing/a.txt").status == 404);
    CHECK(get(cli, "/a.txt").body == "a");
}
