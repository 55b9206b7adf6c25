#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""Static files: one http_server binary against another (before/after a change) and nginx.

The three serve the same directory: `hello.txt` (13 bytes, "hello, world!"), the same file four
directories deep (`a/b/c/d/hello.txt`: what a per-component path walk costs) and `1m.bin`
(1 MiB). Each runs one thread/worker pinned to core 0, wrk -t1 pinned to core 1.

  1. System calls per answer: `strace -c -f` attached to every thread of each server during a
     bounded wrk run per shape, divided by the answers wrk counted (strace slows the servers; the
     counts are what matter).
  2. Rates: wrk -c50 (13 B files) and -c10 (1 MiB) against the three servers in rounds, the order
     rotating each round; per-round ratios after/before and after/nginx, and their medians.

Usage: static_files_ab.py --before OLD/examples/http_server --after NEW/examples/http_server
                          [--rounds 5] [--seconds 3] [--strace-seconds 2]
Needs nginx (nginx-light), wrk, strace, taskset. Load goes to 127.0.0.1 only; every run is
bounded in time.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_vs_nginx import (DONE_LUA, Server, free_port, loadavg, raise_nofile,  # noqa: E402
                             start_nginx)

SHAPES = [("13 B file, -c50", "/hello.txt", 50),
          ("13 B file 4 dirs deep, -c50", "/a/b/c/d/hello.txt", 50),
          ("1 MiB file, -c10", "/1m.bin", 10)]


def start_socklite(name, binary, root, cpu):
    port = free_port()
    return Server(name, [binary, "--host", "127.0.0.1", "--port", str(port), "--root", root,
                         "--threads", "1"], port, cpu)


def run_wrk(port, path, conns, seconds, cpu, script):
    argv = ["taskset", "-c", str(cpu), "wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "-s",
            script, "http://127.0.0.1:%d%s" % (port, path)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    m = re.search(r"^SOCKLITE requests (\d+) duration_us (\d+) p50_us \d+ p99_us \d+ "
                  r"errors (\d+)$", out, re.M)
    if not m:
        raise RuntimeError("no figures from wrk: %s" % out)
    requests, duration, errors = (int(x) for x in m.groups())
    if errors or "Non-2xx" in out:
        raise RuntimeError("wrk saw errors or non-2xx answers: %s" % out)
    return requests, requests * 1e6 / duration


def syscalls_per_answer(srv, path, conns, seconds, cpu, script, tmp):
    out = os.path.join(tmp, "strace.txt")
    argv = ["strace", "-c", "-f", "-o", out]
    for tid in os.listdir("/proc/%d/task" % srv.proc.pid):
        argv += ["-p", tid]
    tracer = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached (strace reports nothing until it detaches)
    try:
        requests, _ = run_wrk(srv.port, path, conns, seconds, cpu, script)
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(30)
    calls = {}
    with open(out) as f:
        for line in f:
            cols = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(cols) >= 5 and re.match(r"^[\d.]+$", cols[0]) and cols[-1] != "total":
                calls[cols[-1]] = int(cols[3])
    total = sum(calls.values())
    top = sorted(calls.items(), key=lambda kv: -kv[1])
    detail = ", ".join("`%s` %.2f" % (k, v / requests) for k, v in top if v / requests >= 0.01)
    return total / requests, detail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--strace-seconds", type=int, default=2)
    args = ap.parse_args()
    for tool in ("nginx", "wrk", "strace", "taskset"):
        if not shutil.which(tool) and not shutil.which(tool, path="/usr/sbin"):
            sys.exit("needs %s (apt-get install nginx-light wrk strace util-linux)" % tool)
    raise_nofile()
    server_cpu, client_cpu = 0, 1
    tmp = tempfile.mkdtemp(prefix="socklite-bench-")
    os.chmod(tmp, 0o755)
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "a", "b", "c", "d"))
    for p in ("hello.txt", "a/b/c/d/hello.txt"):
        with open(os.path.join(root, p), "wb") as f:
            f.write(b"hello, world!")
    with open(os.path.join(root, "1m.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    script = os.path.join(tmp, "done.lua")
    with open(script, "w") as f:
        f.write(DONE_LUA)
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    print("started %s, root %s, load %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                             root, loadavg()), flush=True)
    servers = {}
    try:
        servers["before"] = start_socklite("before", args.before, root, server_cpu)
        servers["after"] = start_socklite("after", args.after, root, server_cpu)
        servers["nginx"] = start_nginx(nginx, tmp, root, server_cpu)

        print("\n| shape | before | after | nginx |\n|---|---|---|---|")
        for label, path, conns in SHAPES:
            cells = []
            for name in ("before", "after", "nginx"):
                per, detail = syscalls_per_answer(servers[name], path, conns,
                                                  args.strace_seconds, client_cpu, script, tmp)
                cells.append("**%.2f**: %s" % (per, detail))
            print("| %s | %s |" % (label, " | ".join(cells)), flush=True)

        rates = {(s[0], n): [] for s in SHAPES for n in servers}
        loads = [loadavg()]
        names = list(servers)
        for r in range(args.rounds):
            for label, path, conns in SHAPES:
                order = names[r % len(names):] + names[:r % len(names)]
                for name in order:
                    _, rps = run_wrk(servers[name].port, path, conns, args.seconds, client_cpu,
                                     script)
                    rates[(label, name)].append(rps)
                    print("round %d %-7s %-28s %9.0f req/s" % (r + 1, name, label, rps),
                          flush=True)
            loads.append(loadavg())
        print("\nload average at the start and after each round: %s" % "; ".join(loads))
        print("\n| shape | before req/s | after req/s | nginx req/s | after/before, median "
              "(per round) | after/nginx, median (per round) |\n|---|---|---|---|---|---|")
        for label, _, _ in SHAPES:
            b, a, n = (rates[(label, x)] for x in ("before", "after", "nginx"))
            ab = [x / y for x, y in zip(a, b)]
            an = [x / y for x, y in zip(a, n)]
            print("| %s | %.0f | %.0f | %.0f | **%.2f** (%s) | %.2f (%s) |" % (
                label, statistics.median(b), statistics.median(a), statistics.median(n),
                statistics.median(ab), ", ".join("%.2f" % x for x in ab),
                statistics.median(an), ", ".join("%.2f" % x for x in an)))
    finally:
        for srv in servers.values():
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
