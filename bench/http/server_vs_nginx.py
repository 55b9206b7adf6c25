#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""examples/http_server against nginx in the same run, on loopback.

Both serve the same directory (a 1 MiB file) and /hello ("hello, world!") from one worker, each
started in a temporary directory on a free high port. wrk (pinned to another core than the
server) measures, in rounds, each shape against one server and then the other (both keep
running; the order alternates between rounds):
  - /hello with keep-alive, -t1 -c50;
  - /hello pipelined 16 deep (a wrk Lua script), -t1 -c50;
  - the 1 MiB static file, -t1 -c10.
Then the memory per idle keep-alive connection: the server's RSS before and after N connections
that each made one request and stay open, divided by N.

Usage: server_vs_nginx.py --server build/examples/http_server [--rounds 3] [--seconds 5]
                          [--idle 5000] [--only memory|wrk]
Prints a Markdown table of requests/s (median over the rounds) and ours/nginx ratios.
Needs nginx (Debian nginx-light) and wrk. Every load goes to 127.0.0.1 only.
"""

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PIPELINE_LUA = r"""
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format("GET", "/hello") end
  req = table.concat(r)
end
request = function() return req end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited early: %s" % proc.args)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d" % port)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, name, argv, port, cpu):
        self.name, self.port = name, port
        argv = (["taskset", "-c", str(cpu)] if cpu is not None else []) + argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=raise_nofile)
        wait_listening(port, self.proc)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start_ours(binary, root, cpu):
    port = free_port()
    return Server("socklite", [binary, "--host", "127.0.0.1", "--port", str(port), "--root",
                               root, "--threads", "1"], port, cpu)


def start_nginx(tmp, root, cpu):
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""
daemon off;
master_process off;
worker_processes 1;
pid %(tmp)s/nginx.pid;
error_log %(tmp)s/error.log crit;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path %(tmp)s/body;
  proxy_temp_path %(tmp)s/proxy;
  fastcgi_temp_path %(tmp)s/fastcgi;
  uwsgi_temp_path %(tmp)s/uwsgi;
  scgi_temp_path %(tmp)s/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  sendfile on;
  tcp_nopush on;
  types { application/octet-stream bin; }
  server {
    listen 127.0.0.1:%(port)d;
    root %(root)s;
    location = /hello { default_type text/plain; return 200 "hello, world!"; }
  }
}
""" % {"tmp": tmp, "port": port, "root": root})
    return Server("nginx", ["nginx", "-e", os.path.join(tmp, "error.log"), "-c", conf, "-p", tmp],
                  port, cpu)


def wrk(port, path, conns, seconds, cpu, script=None):
    argv = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    if script:
        argv += ["-s", script]
    argv.append("http://127.0.0.1:%d%s" % (port, path))
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else 0.0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or "Socket errors" in out:
        print("  wrk reported errors: %s" % out.strip().splitlines()[-3:], file=sys.stderr)
    return rps, p99


def idle_memory(server, count):
    """RSS growth of the server per idle keep-alive connection (each made one request)."""
    conns = []
    request = b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
    time.sleep(0.3)
    before = rss_kib(server.proc.pid)
    try:
        for start in range(0, count, 200):
            batch = []
            for _ in range(min(200, count - start)):
                s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                s.sendall(request)
                batch.append(s)
            for s in batch:
                got = b""
                while b"hello, world!" not in got:
                    piece = s.recv(4096)
                    if not piece:
                        raise RuntimeError("closed by %s" % server.name)
                    got += piece
            conns += batch
        time.sleep(0.5)
        after = rss_kib(server.proc.pid)
    finally:
        for s in conns:
            s.close()
    return before, after, (after - before) * 1024.0 / count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--idle", type=int, default=5000)
    ap.add_argument("--only", choices=["memory", "wrk"])
    args = ap.parse_args()
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit("needs %s (apt-get install nginx-light wrk util-linux)" % tool)
    raise_nofile()
    cpus = os.sched_getaffinity(0)
    server_cpu, client_cpu = (0, 1) if len(cpus) >= 2 else (None, None)
    tmp = tempfile.mkdtemp(prefix="socklite-bench-")
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    with open(os.path.join(root, "1m.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    lua = os.path.join(tmp, "pipeline.lua")
    with open(lua, "w") as f:
        f.write(PIPELINE_LUA)
    starters = {"socklite": lambda: start_ours(args.server, root, server_cpu),
                "nginx": lambda: start_nginx(tmp, root, server_cpu)}
    try:
        if args.only != "wrk":
            print("## memory per idle keep-alive connection (%d connections)" % args.idle)
            for name, start in starters.items():
                srv = start()
                try:
                    before, after, per = idle_memory(srv, args.idle)
                finally:
                    srv.stop()
                print("%-9s RSS %d KiB -> %d KiB: %.0f B per connection" %
                      (name, before, after, per))
        if args.only == "memory":
            return
        shapes = [("keep-alive /hello -c50", "/hello", 50, None),
                  ("pipelined 16 /hello -c50", "/hello", 50, lua),
                  ("1 MiB file -c10", "/1m.bin", 10, None)]
        results = {(s[0], n): [] for s in shapes for n in starters}
        # Both servers run for the whole measurement (the idle one costs nothing), and each
        # shape is measured against one and then the other right away: a pair sees the same
        # machine, which matters on a shared one.
        servers = {name: start() for name, start in starters.items()}
        try:
            for r in range(args.rounds):
                for label, path, conns, script in shapes:
                    order = list(servers.items())
                    if r % 2 == 1:
                        order.reverse()  # neither server always goes first
                    for name, srv in order:
                        rps, p99 = wrk(srv.port, path, conns, args.seconds, client_cpu, script)
                        results[(label, name)].append((rps, p99))
                        print("round %d %-9s %-26s %10.0f req/s  p99 %.2f ms" %
                              (r + 1, name, label, rps, p99), flush=True)
        finally:
            for srv in servers.values():
                srv.stop()
        print()
        print("| shape | socklite req/s | nginx req/s | ratio (per round) | p99 ms ours / nginx |")
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
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
