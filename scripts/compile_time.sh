#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
#
# How long a translation unit takes to compile when it includes socklite, compared with peers:
# an empty TU (the compiler's fixed cost), <socklite.hpp> (the umbrella), the six foundation
# headers together, the standard and system headers that socklite includes (without socklite's
# own code: the floor for any header that uses them), each public header alone, <asio.hpp>
# alone (standalone Asio, Debian libasio-dev) and <httplib.h> alone (cpp-httplib, Debian
# libcpp-httplib-dev). Every TU is a real compile to an object file with the
# same compiler and flags (-std=c++17 -O0 -c). Runs are interleaved (run 1 of every TU, then run 2
# ...) so that load from elsewhere spreads over all of them; the table gives the median wall time
# and the median CPU time (user+sys, less sensitive to other load), and each TU's ratio to the
# umbrella.
#
# Usage: scripts/compile_time.sh [-n RUNS] [-x CXX] [--head] [--no-peers] [--check]
#   -n RUNS     runs per TU (default 5)
#   --head      measure the headers committed at git HEAD, not the working tree's
#   -x CXX      the compiler (default: $CXX, else g++)
#   --no-peers  skip asio and httplib (the slow ones)
#   --check     exit 1 when the umbrella's median CPU time is 0.7 s or more
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

runs=5
cxx=${CXX:-g++}
peers=1
check=0
head=0
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?}; shift 2 ;;
    -x) cxx=${2:?}; shift 2 ;;
    --head) head=1; shift ;;
    --no-peers) peers=0; shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile_time.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "compile_time.sh: -n needs a positive number" >&2; exit 2 ;; esac
command -v "$cxx" >/dev/null || { echo "compile_time.sh: compiler '$cxx' not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inc=$root/include
if [ "$head" = 1 ]; then
  git -C "$root" archive HEAD include | tar -x -C "$work"
  inc=$work/include
fi
flags=(-std=c++17 -O0 -c -I "$inc")

# The TUs: label, file contents, extra flags.
labels=() sources=() extras=()
add_tu() {  # LABEL INCLUDE-LINE [EXTRA-FLAG]
  local i=${#labels[@]}
  labels+=("$1")
  printf '%s\nint socklite_compile_time_probe_%d;\n' "$2" "$i" >"$work/tu$i.cpp"
  sources+=("$work/tu$i.cpp")
  extras+=("${3:-}")
}
add_tu "(empty TU)" ""
add_tu "<socklite.hpp>" "#include <socklite.hpp>"
# Diagnostics: the foundation's headers together (what issue 2's target was set for), and the
# standard and system headers that socklite's headers include, without socklite's own code.
core=""
for h in error address socket listener line_buffer version; do
  [ -f "$inc/socklite/$h.hpp" ] && core+="#include <socklite/$h.hpp>"$'\n'
done
add_tu "core: error..version (6 headers)" "$core"
# What the umbrella held when issue 7 set its goal (<= 0.5x <asio.hpp>): the core, the event
# loop and the HTTP client, without the server and WebSocket headers that came later.
client=""
for h in acceptor address connection deadline error event_loop line_buffer listener socket \
         version http/chunked http/client http/client_options http/encoding http/error \
         http/message http/parse_result http/parser http/redirect http/serializer http/url; do
  [ -f "$inc/socklite/$h.hpp" ] && client+="#include <socklite/$h.hpp>"$'\n'
done
add_tu "core + loop + HTTP client" "$client"
add_tu "std+system headers socklite uses" \
  "$(grep -rhoE '^#include <[^>]+>' "$inc/socklite" "$inc/socklite.hpp" | grep -v '<socklite' | LC_ALL=C sort -u)"
while IFS= read -r h; do
  add_tu "<${h#include/}>" "#include <${h#include/}>"
done < <(cd "$inc/.." && find include/socklite -name '*.hpp' -not -path '*/detail/*' | LC_ALL=C sort)
if [ "$peers" = 1 ]; then
  for peer in "asio.hpp:-DASIO_STANDALONE" "httplib.h:"; do
    header=${peer%%:*}
    if echo "#include <$header>" | "$cxx" -std=c++17 -E -x c++ - >/dev/null 2>&1; then
      add_tu "<$header>" "#include <$header>" "${peer#*:}"
    else
      echo "compile_time.sh: <$header> not found, skipped (libasio-dev / libcpp-httplib-dev)" >&2
    fi
  done
fi

# One compile: appends "WALL CPU" in seconds to times<INDEX>; a TU that fails is reported once
# and left out (other work in progress must not stop the measurement).
time_one() {  # INDEX
  local i=$1 extra=() t
  [ -f "$work/failed$i" ] && return 0
  [ -n "${extras[$i]}" ] && extra=("${extras[$i]}")
  TIMEFORMAT='%R %U %S'
  if ! t=$( { time "$cxx" "${flags[@]}" "${extra[@]}" "${sources[$i]}" -o "$work/tu$i.o" \
                2>"$work/err$i" >/dev/null; } 2>&1 ); then
    echo "compile_time.sh: ${labels[$i]} does not compile (left out):" >&2
    head -n 5 "$work/err$i" >&2
    touch "$work/failed$i"
    return 0
  fi
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$t" >>"$work/times$i"
}

n=${#labels[@]}
for ((r = 1; r <= runs; r++)); do
  echo "compile_time.sh: run $r/$runs" >&2
  for ((i = 0; i < n; i++)); do
    time_one "$i"
  done
done

median() {  # COLUMN FILE
  [ -s "$2" ] || { printf 'error'; return; }
  sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END {
    if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

umbrella_cpu=$(median 2 "$work/times1")
umbrella_wall=$(median 1 "$work/times1")
version=$("$cxx" --version | head -n 1)
echo
echo "compiler: $version"
src="working tree"
[ "$head" = 1 ] && src="git HEAD $(git -C "$root" rev-parse --short HEAD)"
echo "flags:    -std=c++17 -O0 -c -I include (peers: -DASIO_STANDALONE for asio)"
echo "headers:  $src"
echo "machine:  $(nproc) CPUs, $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs:     $runs per TU, interleaved; median shown; ratio = TU's CPU time / umbrella's CPU time"
echo
printf '%-36s %10s %10s %10s\n' "translation unit includes" "wall s" "CPU s" "x umbrella"
for ((i = 0; i < n; i++)); do
  wall=$(median 1 "$work/times$i")
  cpu=$(median 2 "$work/times$i")
  ratio=$(awk -v a="$cpu" -v b="$umbrella_cpu" \
    'BEGIN { if (a == "error" || b == "error" || b <= 0) printf "-"; else printf "%.2f", a / b }')
  printf '%-36s %10s %10s %10s\n' "${labels[$i]}" "$wall" "$cpu" "$ratio"
done
echo
verdict=$(awk -v c="$umbrella_cpu" \
  'BEGIN { if (c == "error") print "not measured"; else print (c < 0.7) ? "met" : "MISSED" }')
echo "target, <socklite.hpp> under 0.7 s: $verdict (CPU ${umbrella_cpu} s, wall ${umbrella_wall} s)"
if [ "$check" = 1 ] && [ "$verdict" != met ]; then exit 1; fi
