#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""examples/http_server --tls-cert/--tls-key against nginx with TLS, in the same run, on loopback.

The sibling of server_vs_nginx.py (servers.py starts both scripts' servers): both servers get the same fresh
self-signed P-256 certificate, TLS 1.3 only, one worker each, pinned to one core while wrk runs
on another. Shapes, in rounds that alternate which server goes first:
  - /hello with keep-alive, -t1 -c50 (the handshakes are a negligible share);
  - the 1 MiB static file, -t1 -c10;
  - /hello with `Connection: close`, -t1 -c50: a new TCP connection and TLS handshake per
    request (wrk resumes its TLS sessions: against `openssl s_server`, 942 of 945 such
    handshakes were session cache hits, so this is the rate of resumed handshakes);
  - full handshakes: `openssl s_time -new` (pinned like wrk), one connection at a time, each
    with a full TLS 1.3 handshake and no request; the rate is its connections per wall second.
Before measuring, openssl s_client asks each server which protocol and cipher it negotiates, so
that the table compares the same cipher.

Usage: tls_server_vs_nginx.py --server build/examples/http_server [--rounds 3] [--seconds 5]
Prints a Markdown table of requests/s (median over the rounds) and ours/nginx ratios.
Needs nginx (Debian nginx-light), wrk and openssl. Every load goes to 127.0.0.1 only.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from servers import make_root, raise_nofile, start_nginx, start_ours


def make_cert(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def negotiated(port, cert):
    out = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile",
                          cert, "-brief"], input="", capture_output=True, text=True,
                         timeout=30)
    text = out.stdout + out.stderr
    proto = re.search(r"Protocol version: (\S+)", text)
    cipher = re.search(r"Ciphersuite: (\S+)", text)
    return (proto.group(1) if proto else "?", cipher.group(1) if cipher else "?")


def wrk(port, path, conns, seconds, cpu, close=False):
    argv = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    if close:
        argv += ["-H", "Connection: close"]
    argv.append("https://127.0.0.1:%d%s" % (port, path))
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else 0.0
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out) or "Socket errors" in out:
        print("  wrk reported errors: %s" % out.strip().splitlines()[-3:], file=sys.stderr)
    return rps, p99


def s_time(port, seconds, cpu):
    """Full handshakes per second (openssl s_time -new, one at a time, wall-clock rate)."""
    argv = ["openssl", "s_time", "-connect", "127.0.0.1:%d" % port, "-new", "-time", str(seconds)]
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    start = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    wall = time.monotonic() - start
    m = re.search(r"(\d+) connections in", out)
    return (int(m.group(1)) / wall if m else 0.0), 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    for tool in ("nginx", "wrk", "taskset", "openssl"):
        if not shutil.which(tool):
            sys.exit("needs %s (apt-get install nginx-light wrk util-linux openssl)" % tool)
    raise_nofile()
    cpus = os.sched_getaffinity(0)
    server_cpu, client_cpu = (0, 1) if len(cpus) >= 2 else (None, None)
    tmp = tempfile.mkdtemp(prefix="socklite-tlsbench-")
    root = make_root(tmp)
    cert, key = make_cert(tmp)
    servers = {}
    try:
        servers["socklite"] = start_ours(args.server, root, server_cpu, tls=(cert, key))
        servers["nginx"] = start_nginx("nginx", tmp, root, server_cpu, tls=(cert, key))
        for name, srv in servers.items():
            print("%-9s negotiates %s %s" % ((name,) + negotiated(srv.port, cert)))
        shapes = [("keep-alive /hello -c50", "/hello", 50, False),
                  ("1 MiB file -c10", "/1m.bin", 10, False),
                  ("new connection per request -c50", "/hello", 50, True),
                  ("full handshakes (s_time -new)", None, 1, False)]
        results = {(s[0], n): [] for s in shapes for n in servers}
        for r in range(args.rounds):
            for label, path, conns, close in shapes:
                order = list(servers.items())
                if r % 2 == 1:
                    order.reverse()  # neither server always goes first
                for name, srv in order:
                    if path is None:
                        rps, p99 = s_time(srv.port, args.seconds, client_cpu)
                    else:
                        rps, p99 = wrk(srv.port, path, conns, args.seconds, client_cpu, close)
                    results[(label, name)].append((rps, p99))
                    print("round %d %-9s %-24s %10.0f req/s  p99 %.2f ms" %
                          (r + 1, name, label, rps, p99), flush=True)
        print()
        print("| shape (HTTPS) | socklite req/s | nginx req/s | ratio (per round) |"
              " p99 ms ours / nginx |")
        print("|---|---|---|---|---|")
        for label, _, _, _ in shapes:
            ours = results[(label, "socklite")]
            theirs = results[(label, "nginx")]
            ratios = [o[0] / t[0] for o, t in zip(ours, theirs)]
            print("| %s | %.0f | %.0f | %.2f (%s) | %.2f / %.2f |" % (
                label, statistics.median(o[0] for o in ours),
                statistics.median(t[0] for t in theirs), statistics.median(ratios),
                ", ".join("%.2f" % x for x in ratios),
                statistics.median(o[1] for o in ours), statistics.median(t[1] for t in theirs)))
    finally:
        for srv in servers.values():
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
