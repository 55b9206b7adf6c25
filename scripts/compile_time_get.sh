#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
#
# Compile time of a minimal GET program (compile and link, -std=c++17 -O0), four ways: with
# socklite::HttpClient header-only, with socklite::compiled (the program compiled with
# SOCKLITE_SEPARATE_COMPILATION and linked with libsocklite.a, built once before the runs from
# src/socklite.cpp), with cpp-httplib's client (Debian libcpp-httplib-dev: its header plus
# the prebuilt library, not upstream's single 10,000+ line header) and with plain POSIX sockets.
# --server does the same for a hello-world server (socklite::HttpServer with one route,
# httplib::Server, and a POSIX accept loop that answers once).
# Runs are interleaved; the table gives the median wall and CPU (user+sys) times and the ratio of
# CPU time to plain POSIX.
#
# Usage: scripts/compile_time_get.sh [-n RUNS] [-x CXX] [--server] [--check]
#   --check   exit 1 when the median CPU time of socklite header-only is 0.8 s or more
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=5
cxx=${CXX:-g++}
check=0
program=get
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?}; shift 2 ;;
    -x) cxx=${2:?}; shift 2 ;;
    --check) check=1; shift ;;
    --server) program=server; shift ;;
    -h|--help) sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile_time_get.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "compile_time_get.sh: -n needs a positive number" >&2; exit 2 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/socklite_get.cpp" <<'CPP'
#include <socklite/http/client.hpp>
#include <cstdio>
int main() {
    socklite::HttpClient cli("http://127.0.0.1:8080");
    auto res = cli.get("/index.html");
    std::printf("%d %s\n", res.status, res.body.c_str());
}
CPP
cat >"$work/httplib_get.cpp" <<'CPP'
#include <httplib.h>
#include <cstdio>
int main() {
    httplib::Client cli("127.0.0.1", 8080);
    auto res = cli.Get("/index.html");
    if (res) std::printf("%d %s\n", res->status, res->body.c_str());
}
CPP
cat >"$work/posix_get.cpp" <<'CPP'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>
#include <cstring>
int main() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(8080);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 1;
    const char req[] = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n";
    send(fd, req, sizeof req - 1, 0);
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) fwrite(buf, 1, static_cast<size_t>(n), stdout);
    close(fd);
}
CPP

cat >"$work/socklite_server.cpp" <<'CPP'
#include <socklite/http/server.hpp>
int main() {
    socklite::HttpServer server;
    server.get("/hello", [](const socklite::http::ServerRequest&, socklite::http::Response& res) {
        res.body = "hello, world!";
    });
    server.listen("127.0.0.1", 8080);
    server.run();
}
CPP
cat >"$work/httplib_server.cpp" <<'CPP'
#include <httplib.h>
int main() {
    httplib::Server server;
    server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("hello, world!", "text/plain");
    });
    server.listen("127.0.0.1", 8080);
}
CPP
cat >"$work/posix_server.cpp" <<'CPP'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
int main() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(8080);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 128) != 0) return 1;
    for (;;) {
        int c = accept(fd, nullptr, nullptr);
        if (c < 0) return 1;
        char buf[4096];
        if (recv(c, buf, sizeof buf, 0) > 0) {
            const char res[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nhello, world!";
            send(c, res, sizeof res - 1, 0);
        }
        close(c);
    }
}
CPP
cp "$work/socklite_$program.cpp" "$work/compiled_$program.cpp"
for n in socklite compiled httplib posix; do cp "$work/${n}_$program.cpp" "$work/${n}.cpp"; done
# The compiled library, built once (as a user's build does), not timed.
"$cxx" -std=c++17 -O0 -DSOCKLITE_SEPARATE_COMPILATION=1 -I "$root/include" \
  -c "$root/src/socklite.cpp" -o "$work/socklite_lib.o"
ar rcs "$work/libsocklite.a" "$work/socklite_lib.o"

names=(socklite compiled httplib posix)
declare -A extra=([socklite]="-I $root/include" [compiled]="-DSOCKLITE_SEPARATE_COMPILATION=1 -I $root/include $work/libsocklite.a" [httplib]="$(pkg-config --cflags --libs cpp-httplib 2>/dev/null || echo -lcpp-httplib)" [posix]="")
if [ ! -f /usr/include/httplib.h ]; then
  echo "compile_time_get.sh: httplib.h not found (apt-get install libcpp-httplib-dev): skipped" >&2
  names=(socklite compiled posix)
fi
declare -A wall cpu
TIMEFORMAT='%R %U %S'  # bash's own timer: no /usr/bin/time needed
for ((r = 0; r < runs; r++)); do
  for n in "${names[@]}"; do
    # shellcheck disable=SC2086
    t=$( { time "$cxx" -std=c++17 -O0 "$work/${n}.cpp" -o "$work/$n" ${extra[$n]} -pthread >/dev/null 2>&1; } 2>&1 | tail -1)
    read -r w u s <<<"$t"
    wall[$n]+="$w "
    cpu[$n]+="$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(echo "${cpu[posix]}" | median)
what="a minimal GET program"
[ "$program" = server ] && what="a hello-world server"
printf '%s -std=c++17 -O0, compile and link %s, median of %d runs\n' "$cxx" "$what" "$runs"
printf '| %-12s | %9s | %8s | %9s |\n' program "wall s" "CPU s" "CPU/POSIX"
printf '|%s|%s|%s|%s|\n' -------------- ----------- ---------- -----------
for n in "${names[@]}"; do
  w=$(echo "${wall[$n]}" | median)
  c=$(echo "${cpu[$n]}" | median)
  printf '| %-12s | %9.2f | %8.2f | %9.1f |\n' "$n" "$w" "$c" "$(awk -v c="$c" -v b="$base" 'BEGIN {print c / b}')"
done
if [ "$check" = 1 ]; then
  c=$(echo "${cpu[socklite]}" | median)
  if awk -v c="$c" 'BEGIN {exit !(c >= 0.8)}'; then
    echo "compile_time_get.sh: socklite $program program takes ${c} s CPU (limit 0.8 s)" >&2
    exit 1
  fi
fi
