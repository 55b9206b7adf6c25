// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_TLS_TLS_SERVERS_HPP
#define SOCKLITE_TESTS_TLS_TLS_SERVERS_HPP

// TLS peers on loopback for the client tests: a fresh PKI (tests/tls/make_ca.sh), nginx with one
// HTTPS port per certificate and a plain port, and `openssl s_server -www`. Children are ended
// by PID (servers.hpp's Child); ports are ephemeral, picked and retried on collision.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client/servers.hpp"

namespace tls_test {

using namespace socklite_test;

/** The directory of this file's sources (absolute under CMake; relative to the build directory
 *  under Meson, which runs the tests there). */
inline std::string source_dir() {
    std::string file = __FILE__;
    return file.substr(0, file.rfind('/'));
}

/** The certificates of make_ca.sh, each served by the tests: name -> what a verifying client
 *  must say (empty: valid). */
inline const std::vector<std::string>& leaf_names() {
    static const std::vector<std::string> names{"localhost", "wronghost", "expired", "selfsigned",
                                                "untrusted"};
    return names;
}

/** A fresh PKI in a temporary directory. */
class Pki {
public:
    Pki() {
        std::string cmd = "/bin/sh '" + source_dir() + "/make_ca.sh' '" + dir_.path().string() +
                          "' 2>'" + dir_.path("make_ca.log") + "'";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("make_ca.sh failed: " + read_file(dir_.path("make_ca.log")));
    }
    /** `NAME.pem` (the leaf followed by its issuer) or `ca.pem`. */
    std::string cert(const std::string& name) const { return dir_.path(name + ".pem"); }
    /** `NAME.key`. */
    std::string key(const std::string& name) const { return dir_.path(name + ".key"); }
    /** The trusted root. */
    std::string ca() const { return cert("ca"); }
    const TempDir& dir() const { return dir_; }

private:
    TempDir dir_;
};

/** nginx with an HTTPS port per leaf of leaf_names() and a plain HTTP port, all on 127.0.0.1.
 *  Locations: `/` static files of @p root; `/chunked/` the same through SSI (chunked);
 *  `/to-http` (HTTPS) 302 to the plain port's `/hello.txt`; `/to-https` (plain) 302 to
 *  `https://localhost:PORT/hello.txt` of the valid certificate. The valid port also listens on
 *  [::1] when it can. */
class TlsNginx {
public:
    TlsNginx(const Pki& pki, const fs::path& root, const fs::path& work) {
        for (int attempt = 0; attempt < 20; ++attempt) {
            ports_.clear();
            for (const auto& n : leaf_names()) ports_[n] = pick_free_port();
            plain_ = pick_free_port();
            const bool v6 = attempt < 10;  // without [::1] after repeated failures
            write_config(pki, root, work, v6);
            child_ = Child({"/usr/sbin/nginx", "-p", work.string(), "-c",
                            (work / "nginx.conf").string(), "-e", (work / "error.log").string()},
                           false, (work / "stderr.log").string());
            auto end = std::chrono::steady_clock::now() + 20s;
            while (std::chrono::steady_clock::now() < end) {
                if (!child_.running()) break;  // a port was taken meanwhile: retry
                if (ready()) {
                    v6_ = v6;
                    return;
                }
                std::this_thread::sleep_for(5ms);  // readiness polling, bounded above
            }
            child_.stop();
        }
        throw std::runtime_error("nginx did not start: " + read_file(work / "error.log") +
                                 read_file(work / "stderr.log"));
    }
    /** The HTTPS port serving the leaf @p name. */
    std::uint16_t port(const std::string& name) const { return ports_.at(name); }
    /** The plain HTTP port. */
    std::uint16_t plain_port() const { return plain_; }
    /** Whether the valid port also listens on [::1]. */
    bool ipv6() const { return v6_; }
    /** `https://HOST:PORT/...` for the leaf @p name. */
    std::string url(const std::string& name, const std::string& path = "/",
                    const std::string& host = "localhost") const {
        return "https://" + host + ":" + std::to_string(port(name)) + path;
    }
    /** `http://127.0.0.1:PLAIN/...`. */
    std::string plain_url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(plain_) + path;
    }

private:
    bool ready() const {
        if (!can_connect(plain_)) return false;
        for (const auto& p : ports_)
            if (!can_connect(p.second)) return false;
        return true;
    }
    void write_config(const Pki& pki, const fs::path& root, const fs::path& work, bool v6) {
        std::string w = work.string();
        std::string conf = "daemon off;\nmaster_process off;\nworker_processes 1;\n";
        conf += "pid " + w + "/nginx.pid;\nerror_log " + w + "/error.log error;\n";
        conf += "events { worker_connections 256; }\n";
        conf += "http {\n  access_log off;\n  default_type application/octet-stream;\n";
        conf += "  keepalive_timeout 60s;\n  keepalive_requests 100000;\n";
        for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            conf += std::string("  ") + t + "_temp_path " + w + "/" + t + ";\n";
        const std::string r = root.string();
        const std::string valid = std::to_string(ports_.at("localhost"));
        const std::string plain = std::to_string(plain_);
        for (const auto& n : leaf_names()) {
            const std::string p = std::to_string(ports_.at(n));
            conf += "  server {\n    listen 127.0.0.1:" + p + " ssl;\n";
            if (n == "localhost" && v6) conf += "    listen [::1]:" + p + " ssl;\n";
            conf += "    ssl_certificate " + pki.cert(n) + ";\n";
            conf += "    ssl_certificate_key " + pki.key(n) + ";\n";
            conf += "    root " + r + ";\n    location / { }\n";
            conf += "    location /chunked/ { alias " + r + "/; ssi on; ssi_types *; }\n";
            conf += "    location = /to-http { return 302 http://127.0.0.1:" + plain +
                    "/hello.txt; }\n  }\n";
        }
        conf += "  server {\n    listen 127.0.0.1:" + plain + ";\n    root " + r + ";\n";
        conf += "    location / { }\n";
        conf += "    location = /to-https { return 302 https://localhost:" + valid +
                "/to-http; }\n  }\n}\n";
        write_file(work / "nginx.conf", conf);
    }

    Child child_;
    std::map<std::string, std::uint16_t> ports_;
    std::uint16_t plain_ = 0;
    bool v6_ = false;
};

/** `openssl s_server -www` with the leaf @p name on 127.0.0.1: each connection gets one
 *  HTTP/1.0 answer (a status page, delimited by the close, which it ends with close_notify).
 *  Session tickets on, so a second connection can resume. */
class SServer {
public:
    SServer(const Pki& pki, const std::string& name, const fs::path& work) {
        for (int attempt = 0; attempt < 20; ++attempt) {
            port_ = pick_free_port();
            child_ = Child(
                {"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port_),
                 "-cert", pki.cert(name), "-key", pki.key(name), "-www", "-quiet"},
                false, (work / ("s_server-" + name + ".log")).string());
            auto end = std::chrono::steady_clock::now() + 20s;
            while (std::chrono::steady_clock::now() < end) {
                if (!child_.running()) break;  // the port was taken meanwhile: retry
                if (can_connect(port_)) return;
                std::this_thread::sleep_for(5ms);  // readiness polling, bounded above
            }
            child_.stop();
        }
        throw std::runtime_error("openssl s_server did not start: " +
                                 read_file(work / ("s_server-" + name + ".log")));
    }
    std::uint16_t port() const { return port_; }
    /** `https://HOST:PORT/`. */
    std::string url(const std::string& host = "localhost") const {
        return "https://" + host + ":" + std::to_string(port_) + "/";
    }

private:
    Child child_;
    std::uint16_t port_ = 0;
};

}  // namespace tls_test

#endif  // SOCKLITE_TESTS_TLS_TLS_SERVERS_HPP
