#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one interop test (a Node script of this directory) after making sure what it needs is there:
#   run.sh --node NODE --npm NPM --prefix DIR [--chromium] SCRIPT [ARGS...]
# - the npm packages pinned by package-lock.json, installed with `npm ci --prefix DIR` into the
#   build tree (again only when the lock file changed); tests running at once (ctest -j) take
#   turns through a lock file;
# - with --chromium, Debian's chromium (/usr/bin/chromium, or $SOCKLITE_CHROMIUM): installed with
#   apt-get when missing and running as root, otherwise the test is skipped (exit 77).
# Then it runs `NODE SCRIPT ARGS...` with SOCKLITE_INTEROP_NODE_DIR=DIR, which loads the packages.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
node=node npm=npm prefix= chromium=
while [ $# -gt 0 ]; do
  case $1 in
    --node) node=$2; shift 2 ;;
    --npm) npm=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --chromium) chromium=yes; shift ;;
    *) break ;;
  esac
done
if [ -z "$prefix" ] || [ $# -eq 0 ]; then
  echo "usage: run.sh --node NODE --npm NPM --prefix DIR [--chromium] SCRIPT [ARGS...]" >&2
  exit 2
fi
script=$1; shift
name=$(basename "$script" .mjs)

mkdir -p "$prefix"
exec 9>"$prefix/.install.lock"
if ! flock -w 600 9; then
  echo "FAIL $name: waited 600 s for another test installing the npm packages" >&2
  exit 1
fi

# npm packages: `npm ci` when the lock file differs from the one installed last.
stamp="$prefix/.installed-lock.json"
if ! cmp -s "$here/package-lock.json" "$stamp" || [ ! -d "$prefix/node_modules/ws" ] ||
   [ ! -d "$prefix/node_modules/playwright-core" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$prefix/"
  echo "installing the npm packages of package-lock.json into $prefix" >&2
  # --ignore-scripts: nothing runs at install time (playwright-core has no browser download
  # anyway; the browser is Debian's).
  # npm's cache lives under $HOME; without one (some CI environments), in the build tree.
  cache=()
  [ -n "${HOME:-}" ] && [ -d "$HOME" ] || cache=(--cache "$prefix/.npm-cache")
  if ! "$npm" ci --prefix "$prefix" --ignore-scripts --no-audit --no-fund "${cache[@]}" >&2; then
    echo "FAIL $name: npm ci failed (is the npm registry reachable?)" >&2
    exit 1
  fi
  cp "$here/package-lock.json" "$stamp"
fi

if [ -n "$chromium" ]; then
  browser=${SOCKLITE_CHROMIUM:-/usr/bin/chromium}
  if [ ! -x "$browser" ]; then
    if [ -z "${SOCKLITE_CHROMIUM:-}" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian's chromium with apt-get (once)" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends chromium >&2 ||
        { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2; } ||
        true
    fi
    if [ ! -x "$browser" ]; then
      echo "SKIP $name: no Chromium at $browser (install Debian's chromium as root:" \
        "apt-get install chromium, or set SOCKLITE_CHROMIUM)"
      exit 77
    fi
  fi
  export SOCKLITE_CHROMIUM="$browser"
fi
exec 9>&-

export SOCKLITE_INTEROP_NODE_DIR="$prefix"
exec "$node" "$script" "$@"
