#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""WebSocket echo and broadcast: socklite against a raw TCP floor, Node's ws and Python's
websockets, in the same run, on loopback. Builds nothing: it takes the paths of the programs.

Servers (each started here on a free port of 127.0.0.1, all running for the whole run):
  ours    bench/ws/ws_bench_server ws   (HttpServer, one loop, ws::serve())
  raw     bench/ws/ws_bench_server raw  (plain POSIX TCP echo, poll): the floor for echo
  node    bench/ws/node_server.mjs      (the `ws` package pinned in tests/interop/package.json)
  python  tests/ws/echo_server.py       (Debian python3-websockets 10.4), echo only
  raw     bench/ws/ws_bench_server rawcast (plain TCP, one send() per client of the same
          bytes): the floor for broadcast
One client for all of them, bench/ws/ws_bench_client (raw sockets, frames masked by hand):
  echo       COUNT round trips of a 32-byte message on one connection per server, the servers
             taking turns within each round (the order rotating); round trips/s, and per round
             the ratio of ours to each peer; the table gives the medians.
  broadcast  CLIENTS connections to ours, to node and to the floor (all open at once); each round, one
             client sends "go" to each server in turn and the server sends one message to every
             client; the time from the server's send (a CLOCK_MONOTONIC stamp in the message)
             to the last client's receipt; medians, and per round node / ours. Also the
             time each server spent in its loop of sends (it prints it on stderr).
With --pin split (the default) every server runs on CPU 0 and the client on CPU 1; --pin same
puts them all on CPU 0, --pin none leaves placement to the scheduler.

Usage: ws_vs_peers.py --server build/bench/ws/ws_bench_server --client build/bench/ws/ws_bench_client
                      --node-dir DIR [--count 20000] [--rounds 5] [--clients 5000]
                      [--broadcast-rounds 7] [--pin split|same|none] [--only echo|broadcast]
DIR holds node_modules/ws: `npm ci --prefix DIR --ignore-scripts` after copying
tests/interop/package.json and package-lock.json into it (as tests/interop/run.sh does).
"""

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pinned(argv, cpu):
    return (["taskset", "-c", str(cpu)] if cpu is not None else []) + argv


class Server:
    """A server process; it says "listening..." on stderr once it accepts."""

    def __init__(self, name, argv, cpu, env=None, stdin=None):
        self.name = name
        self.proc = subprocess.Popen(pinned(argv, cpu), stdin=stdin, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, env=env,
                                     preexec_fn=raise_nofile)
        line = self.proc.stderr.readline()
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError("%s did not start: %r" % (name, line))
        self.port = None
        if ":" in line:
            self.port = int(line.rsplit(":", 1)[1])

    def sent_lines(self):
        """The "sent N in T us" lines the server printed so far: T of each, in order."""
        os.set_blocking(self.proc.stderr.fileno(), False)
        text = self.proc.stderr.read() or ""
        return [float(line.split()[3]) for line in text.splitlines()
                if line.startswith("sent ")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_client(argv, cpu):
    print("$ " + " ".join(argv), file=sys.stderr, flush=True)
    out = subprocess.run(pinned(argv, cpu), check=True, stdout=subprocess.PIPE, text=True,
                         preexec_fn=raise_nofile).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        rows.append((int(f[1]), f[2], [float(x) for x in f[3:]]))
    return rows


def by_round(rows, col=0):
    table = {}
    for rnd, name, values in rows:
        table.setdefault(rnd, {})[name] = values[col]
    return [table[r] for r in sorted(table)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="bench/ws/ws_bench_server")
    ap.add_argument("--client", required=True, help="bench/ws/ws_bench_client")
    ap.add_argument("--node", default="node")
    ap.add_argument("--node-dir", required=True, help="the directory holding node_modules/ws")
    ap.add_argument("--python", default="/usr/bin/python3",
                    help="a Python with websockets (Debian's python3-websockets by default)")
    ap.add_argument("--python-server", default=os.path.join(ROOT, "tests", "ws", "echo_server.py"))
    ap.add_argument("--count", type=int, default=20000, help="round trips per measurement")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=5000)
    ap.add_argument("--broadcast-rounds", type=int, default=7)
    ap.add_argument("--pin", choices=["split", "same", "none"], default="split",
                    help="split: servers on CPU 0, client on CPU 1; same: all on CPU 0")
    ap.add_argument("--only", choices=["echo", "broadcast"])
    args = ap.parse_args()
    srv_cpu, cli_cpu = {"split": (0, 1), "same": (0, 0), "none": (None, None)}[args.pin]

    node_env = dict(os.environ, SOCKLITE_INTEROP_NODE_DIR=os.path.abspath(args.node_dir))
    servers = []
    try:
        ours_port, raw_port, node_port = free_port(), free_port(), free_port()
        servers.append(Server("ours", [args.server, "ws", str(ours_port)], srv_cpu))
        servers.append(Server("raw", [args.server, "raw", str(raw_port)], srv_cpu))
        servers.append(Server("node", [args.node, os.path.join(HERE, "node_server.mjs"),
                                       str(node_port)], srv_cpu, env=node_env))
        if args.only != "echo":
            cast_port = free_port()
            servers.append(Server("rawcast", [args.server, "rawcast", str(cast_port)], srv_cpu))
        if args.only != "broadcast":
            py = Server("python", [args.python, args.python_server], srv_cpu,
                        stdin=subprocess.PIPE)
            servers.append(py)
        print("load average before: %s; pinned: %s" % (loadavg(), {
        "split": "servers on CPU 0, client on CPU 1", "same": "servers and client on CPU 0",
        "none": "no"}[args.pin]), flush=True)

        if args.only != "broadcast":
            rows = run_client([args.client, "echo", str(args.count), str(args.rounds),
                               "raw,raw,%d" % raw_port, "ours,ws,%d,/echo" % ours_port,
                               "node,ws,%d,/echo" % node_port,
                               "python,ws,%d,/echo" % py.port], cli_cpu)
            rounds = by_round(rows)
            print("\nEcho, 32-byte messages, %d round trips per measurement, %d rounds "
                  "(load average after: %s)\n" % (args.count, args.rounds, loadavg()))
            print("| server | round trips/s (median) | ours / server, median | per round "
                  "| raw / server, median (the most ours could reach) |")
            print("|---|---|---|---|---|")
            for name in ["raw", "ours", "node", "python"]:
                rates = [r[name] for r in rounds]
                ratios = [r["ours"] / r[name] for r in rounds]
                print("| %s | %s | %s | %s | %.2f |" % (
                    name, "{:,.0f}".format(statistics.median(rates)),
                    "**%.2f**" % statistics.median(ratios) if name != "ours" else "1",
                    ", ".join("%.2f" % x for x in ratios) if name != "ours" else
                    ", ".join("{:,.0f}".format(x) for x in rates),
                    statistics.median(r["raw"] / r[name] for r in rounds)))
            sys.stdout.flush()

        if args.only != "echo":
            rows = run_client([args.client, "broadcast", str(args.clients),
                               str(args.broadcast_rounds), "ours,%d,/broadcast" % ours_port,
                               "node,%d,/broadcast" % node_port, "raw,%d,-" % cast_port],
                              cli_cpu)
            last, first, go = by_round(rows, 0), by_round(rows, 1), by_round(rows, 2)
            # The servers' own loops of sends (the first line of each: the warm-up round).
            loops = {{"rawcast": "raw"}.get(s.name, s.name): s.sent_lines()[1:] for s in servers
                     if s.name in ("ours", "node", "rawcast")}
            print("\nBroadcast of one message to %d clients, %d rounds (load average after: %s)\n"
                  % (args.clients, args.broadcast_rounds, loadavg()))
            print("| server | send to last receipt, ms (median) | per round | to first, ms | "
                  "\"go\" to last, ms | server's loop of sends, ms | server / raw (last), "
                  "median | node / ours (last), per round |")
            print("|---|---|---|---|---|---|---|---|")
            for name in ["raw", "ours", "node"]:
                ratios = [r["node"] / r["ours"] for r in last]
                print("| %s | %.2f | %s | %.2f | %.2f | %s | %.2f | %s |" % (
                    name, statistics.median(r[name] for r in last) / 1e3,
                    ", ".join("%.2f" % (r[name] / 1e3) for r in last),
                    statistics.median(r[name] for r in first) / 1e3,
                    statistics.median(r[name] for r in go) / 1e3,
                    "%.2f" % (statistics.median(loops[name]) / 1e3) if loops[name] else "-",
                    statistics.median(r[name] / r["raw"] for r in last),
                    ("**%.2f** (%s)" % (statistics.median(ratios),
                                        ", ".join("%.2f" % x for x in ratios)))
                    if name == "ours" else ""))
    finally:
        for s in servers:
            if s.proc.stdin:
                s.proc.stdin.close()
            s.stop()


if __name__ == "__main__":
    main()
