#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""examples/http_server against nginx, h2o and lighttpd in the same run, on loopback.

Every server serves the same directory (a 1 MiB file, and a 13-byte file `hello`) and /hello
("hello, world!") from one worker/thread with its access log off, each started in a temporary
directory on a free high port of 127.0.0.1:
  - socklite: examples/http_server --threads 1 (/hello is a handler, files go out by sendfile);
  - nginx (Debian nginx-light): one worker, `return 200 "hello, world!"`, sendfile, tcp_nopush;
  - h2o (Debian h2o, optional): num-threads 1, /hello is the static 13-byte file `hello` (a
    fixed answer would need its mruby handler; the file is what the issue allows);
  - lighttpd (Debian lighttpd, optional): one process, /hello is the static file `hello`
    (lighttpd has no fixed answer without mod_magnet), network-backend sendfile.
h2o and lighttpd are skipped with a note when not installed. None of these packages is needed by
scripts/test.sh or CI: benchmarks are run by hand.

wrk (pinned to another core than the servers) measures, in rounds, each shape against every
server one after another (all keep running; the order rotates between rounds), so that the
servers of one round see the same machine:
  - /hello with keep-alive, -t1 -c50;
  - /hello with keep-alive, -t1 -c1 (latency-bound);
  - /hello pipelined 16 deep (a wrk Lua script), -t1 -c50;
  - the 1 MiB static file, -t1 -c10;
  - with --file-load BIN (bench/http/file_load): the 1 MiB file again, 10 connections, from a
    client that reads 256 KiB per call. wrk reads 8 KiB per call and asks FIONREAD after each:
    256 system calls per MiB, which take its core about 600 us per answer here, so with wrk
    the 1 MiB shape measures wrk (its core is 90-100% busy for every server). This client
    leaves the server as the bound.
For every run the busy share of both cores comes from /proc/stat: the server's CPU time per
answer (its core's busy time over the answers, kernel work on its behalf included) and how busy
the client's core was (near 100%: the client, not the server, was the bound).
p99 comes from wrk's own latency histogram, printed by the Lua script's done(). For the
pipelined shape it is the time to a whole batch of 16 answers (wrk times a batch), and wrk's
coordinated-omission correction, which assumes one answer per write, sometimes leaves it at 0:
shown as n/a then (see wrk() below).
Then the memory per idle keep-alive connection: the server's RSS before and after N connections
that each made one request and stay open, divided by N.

--threads-bench BIN (bench/http/threads_accept) adds the two-thread comparison: SO_REUSEPORT
listeners, one per loop, against one acceptor handing connections to two loops, with wrk -t2
-c100, unpinned (both cores are used), keep-alive and one request per connection
(`Connection: close`); examples/http_server --threads 2 runs beside them as a reference.

Usage: server_vs_nginx.py --server build/examples/http_server [--rounds 3] [--seconds 3]
                          [--idle 5000] [--only memory|wrk|threads] [--json FILE]
                          [--threads-bench build/bench/http/threads_accept]
                          [--peers nginx,h2o,lighttpd] [--file-load build/bench/http/file_load]
Prints Markdown tables of requests/s (median over the rounds), ratios to nginx (median and per
round) and p99; --json writes them as charts (the format of scripts/charts.py).
Needs nginx and wrk. Every load goes to 127.0.0.1 only, every run is bounded in time.
"""

import argparse
import json
import os
import pwd
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from servers import Server, free_port, make_root, raise_nofile, start_nginx, start_ours

# Every shape runs with a script whose done() prints wrk's own figures on lines of their own,
# so nothing depends on the layout of wrk's report (the old parse gave 0 for the pipelined p99).
DONE_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format("SOCKLITE requests %d duration_us %d p50_us %d p99_us %d errors %d\n",
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
"""

PIPELINE_LUA = r"""
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format("GET", "/hello") end
  req = table.concat(r)
end
request = function() return req end
""" + DONE_LUA

CLOSE_LUA = r"""
wrk.headers["Connection"] = "close"
""" + DONE_LUA


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def start_h2o(binary, tmp, root, cpu):
    # No access-log directive: h2o logs nothing then. h2o 2.2 reads files with pread (no
    # sendfile in its HTTP/1 path); the file handler is its static-file fast path.
    port = free_port()
    conf = os.path.join(tmp, "h2o.conf")
    with open(conf, "w") as f:
        f.write("""listen:
  host: 127.0.0.1
  port: %(port)d
num-threads: 1
max-connections: 20000
user: %(user)s
pid-file: %(tmp)s/h2o.pid
error-log: %(tmp)s/h2o-error.log
http1-request-timeout: 300
hosts:
  default:
    paths:
      /:
        file.dir: %(root)s
""" % {"tmp": tmp, "port": port, "root": root,
       "user": pwd.getpwuid(os.getuid()).pw_name})
    return Server("h2o", [binary, "-c", conf], port, cpu)


def start_lighttpd(binary, tmp, root, cpu):
    # One process (server.max-worker unset), no mod_accesslog: no access log.
    port = free_port()
    conf = os.path.join(tmp, "lighttpd.conf")
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    with open(conf, "w") as f:
        f.write("""server.document-root = "%(root)s"
server.bind = "127.0.0.1"
server.port = %(port)d
server.pid-file = "%(tmp)s/lighttpd.pid"
server.errorlog = "%(tmp)s/lighttpd-error.log"
server.max-keep-alive-requests = 100000000
server.max-keep-alive-idle = 300
server.max-fds = %(fds)d
server.max-connections = %(conns)d
server.network-backend = "sendfile"
mimetype.assign = ( "" => "application/octet-stream" )
""" % {"tmp": tmp, "port": port, "root": root, "fds": min(nofile, 40000),
       "conns": min(nofile, 40000) // 2 - 16})
    return Server("lighttpd", [binary, "-D", "-f", conf], port, cpu)


def cpu_times():
    """{cpu index: (busy, total)} jiffies from /proc/stat."""
    times = {}
    with open("/proc/stat") as f:
        for line in f:
            cols = line.split()
            if cols[0].startswith("cpu") and cols[0] != "cpu":
                values = [int(x) for x in cols[1:]]
                idle = values[3] + values[4]  # idle, iowait
                times[int(cols[0][3:])] = (sum(values) - idle, sum(values))
    return times


def busy_share(before, after, cpu):
    """The busy share of @cpu between two cpu_times() (None when not pinned)."""
    if cpu is None:
        return None
    busy = after[cpu][0] - before[cpu][0]
    total = after[cpu][1] - before[cpu][1]
    return busy / total if total else None


def file_load(binary, port, path, conns, seconds, cpu):
    """bench/http/file_load: answers/s; no p99 (it keeps no histogram)."""
    argv = [binary, "--port", str(port), "--path", path, "--connections", str(conns),
            "--seconds", str(seconds)]
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    m = re.search(r"^SOCKLITE requests (\d+) duration_us (\d+) errors (\d+)$", out, re.M)
    if not m:
        raise RuntimeError("no figures from file_load: %s" % out)
    requests, duration, errors = (int(x) for x in m.groups())
    if errors:
        print("  file_load reported errors (%d)" % errors, file=sys.stderr)
    return requests * 1e6 / duration, None


def wrk(port, path, conns, seconds, cpu, script, threads=1):
    argv = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "-s", script,
            "http://127.0.0.1:%d%s" % (port, path)]
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    m = re.search(r"^SOCKLITE requests (\d+) duration_us (\d+) p50_us (\d+) p99_us (\d+) "
                  r"errors (\d+)$", out, re.M)
    if not m:
        raise RuntimeError("no figures from wrk: %s" % out)
    requests, duration, p50, p99, errors = (int(x) for x in m.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or non2xx:
        print("  wrk reported errors (%d, non-2xx %s)" % (errors, non2xx and non2xx.group(1)),
              file=sys.stderr)
    # wrk 4.1 corrects its histogram for coordinated omission (stats_correct) with an interval
    # computed from answers, not writes: with 16 answers per write it adds synthetic samples
    # below the histogram's min, which percentile() never walks, and returns 0. Such a p99 is
    # not known (None), and a pipelined p99 is the time to a whole batch, lowered by those
    # synthetic samples: indicative only.
    return requests * 1e6 / duration, (p99 / 1000.0 if p99 > 0 else None)


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


def fmt(value, digits=2):
    return "n/a" if value is None else "%.*f" % (digits, value)


def pct(share):
    return "n/a" if share is None else "%.0f%%" % (100 * share)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def threads_comparison(args, tmp, lua_keep, lua_close):
    """Two event loops: SO_REUSEPORT listeners against one acceptor; wrk -t2 -c100 unpinned."""
    modes = [("reuseport", [args.threads_bench, "reuseport"]),
             ("acceptor", [args.threads_bench, "acceptor"]),
             ("acceptor-thread", [args.threads_bench, "acceptor-thread"]),
             ("http_server --threads 2", None)]
    shapes = [("keep-alive -c100", lua_keep), ("Connection: close -c100", lua_close)]
    results = {(s, m): [] for s, _ in shapes for m, _ in modes}
    print("## two threads: SO_REUSEPORT against one acceptor (wrk -t2 -c100, unpinned), load %s"
          % loadavg())
    servers = {}
    try:
        for name, argv in modes:
            if argv is None:
                servers[name] = start_ours(args.server, os.path.join(tmp, "root"), None, 2)
            else:
                port = free_port()
                servers[name] = Server(name, argv + [str(port)], port, None)
        for r in range(args.rounds):
            for label, script in shapes:
                order = list(servers.items())
                order = order[r % len(order):] + order[:r % len(order)]
                for name, srv in order:
                    rps, p99 = wrk(srv.port, "/hello", 100, args.seconds, None, script, 2)
                    results[(label, name)].append(rps)
                    print("round %d %-24s %-24s %10.0f req/s  p99 %s ms" %
                          (r + 1, name, label, rps, fmt(p99)), flush=True)
    finally:
        for srv in servers.values():
            srv.stop()
    print("\n| shape | " + " | ".join(m for m, _ in modes) + " | acceptor/reuseport per round |")
    print("|---|" + "---|" * (len(modes) + 1))
    for label, _ in shapes:
        ratios = [a / b for a, b in zip(results[(label, "acceptor")],
                                        results[(label, "reuseport")])]
        print("| %s | %s | %.2f (%s) |" % (
            label, " | ".join("%.0f" % median(results[(label, m)]) for m, _ in modes),
            median(ratios), ", ".join("%.2f" % x for x in ratios)))
    print("load average after: %s" % loadavg())
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--idle", type=int, default=5000)
    ap.add_argument("--only", choices=["memory", "wrk", "threads"])
    ap.add_argument("--json", help="write the figures as charts (scripts/charts.py) to FILE")
    ap.add_argument("--threads-bench", help="bench/http/threads_accept: adds the two-thread "
                    "comparison")
    ap.add_argument("--file-load", help="bench/http/file_load: adds the 1 MiB file from a "
                    "client that reads 256 KiB per call")
    ap.add_argument("--peers", default="nginx,h2o,lighttpd",
                    help="which peers to run (nginx is the reference and always runs)")
    args = ap.parse_args()
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit("needs %s (apt-get install nginx-light wrk util-linux)" % tool)
    raise_nofile()
    cpus = os.sched_getaffinity(0)
    server_cpu, client_cpu = (0, 1) if len(cpus) >= 2 else (None, None)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    loads = [loadavg()]
    tmp = tempfile.mkdtemp(prefix="socklite-bench-")
    root = make_root(tmp)
    os.chmod(tmp, 0o755)
    scripts = {}
    for name, text in (("done", DONE_LUA), ("pipeline", PIPELINE_LUA), ("close", CLOSE_LUA)):
        scripts[name] = os.path.join(tmp, name + ".lua")
        with open(scripts[name], "w") as f:
            f.write(text)
    starters = {"socklite": lambda: start_ours(args.server, root, server_cpu)}
    wanted = args.peers.split(",")
    for name, binary, start in (("nginx", "nginx", start_nginx), ("h2o", "h2o", start_h2o),
                                ("lighttpd", "lighttpd", start_lighttpd)):
        path = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
        if name != "nginx" and name not in wanted:
            continue
        if not path:
            print("note: %s not installed (apt-get install %s): left out" % (name, binary))
            continue
        starters[name] = (lambda p, s: lambda: s(p, tmp, root, server_cpu))(path, start)
    names = list(starters)
    memory = {}
    shapes = [("keep-alive -c50", "/hello", 50, scripts["done"]),
              ("keep-alive -c1", "/hello", 1, scripts["done"]),
              ("pipelined 16, -c50", "/hello", 50, scripts["pipeline"]),
              ("1 MiB file, -c10", "/1m.bin", 10, scripts["done"])]
    if args.file_load:
        shapes.append(("1 MiB file, -c10, 256 KiB reads", "/1m.bin", 10, None))
    results = {(s[0], n): [] for s in shapes for n in names}
    try:
        if args.only in (None, "memory"):
            print("## memory per idle keep-alive connection (%d connections), load %s" %
                  (args.idle, loadavg()))
            for name, start in starters.items():
                srv = start()
                try:
                    before, after, per = idle_memory(srv, args.idle)
                finally:
                    srv.stop()
                memory[name] = per
                print("%-9s RSS %d KiB -> %d KiB: %.0f B per connection" %
                      (name, before, after, per), flush=True)
        if args.only in (None, "wrk"):
            # Every server runs for the whole measurement (the idle ones cost nothing), and each
            # shape is measured against all of them in turn: a round sees one machine, which
            # matters on a shared one. The order rotates so that no server always goes first.
            servers = {}
            try:
                for name, start in starters.items():
                    servers[name] = start()
                for r in range(args.rounds):
                    loads.append(loadavg())
                    for label, path, conns, script in shapes:
                        order = list(servers.items())
                        order = order[r % len(order):] + order[:r % len(order)]
                        for name, srv in order:
                            before = cpu_times()
                            if script is None:
                                rps, p99 = file_load(args.file_load, srv.port, path, conns,
                                                     args.seconds, client_cpu)
                            else:
                                rps, p99 = wrk(srv.port, path, conns, args.seconds,
                                               client_cpu, script)
                            after = cpu_times()
                            server_busy = busy_share(before, after, server_cpu)
                            client_busy = busy_share(before, after, client_cpu)
                            # The server's core time per answer, in microseconds.
                            cost = (server_busy * 1e6 / rps if server_busy is not None and rps
                                    else None)
                            results[(label, name)].append((rps, p99, cost, client_busy))
                            print("round %d %-9s %-31s %10.0f req/s  p99 %s ms  server %s us/"
                                  "answer  client core %s  (load %s)" %
                                  (r + 1, name, label, rps, fmt(p99), fmt(cost, 0),
                                   pct(client_busy), loadavg()), flush=True)
            finally:
                for srv in servers.values():
                    srv.stop()
            loads.append(loadavg())
            print("\nload average (1, 5, 15 min) at the start and at each round: %s" %
                  "; ".join(loads))
            print("\n| shape | server | req/s (median) | ratio to nginx, median (per round) "
                  "| p99 ms (median) | server CPU us per answer | client core busy |")
            print("|---|---|---|---|---|---|---|")
            for label, _, _, _ in shapes:
                ref = results[(label, "nginx")]
                for name in names:
                    got = results[(label, name)]
                    ratios = [o[0] / t[0] for o, t in zip(got, ref)]
                    p99s = [g[1] for g in got if g[1] is not None]
                    costs = [g[2] for g in got if g[2] is not None]
                    busy = [g[3] for g in got if g[3] is not None]
                    print("| %s | %s | %.0f | %.2f (%s) | %s%s | %s | %s |" % (
                        label, name, median([g[0] for g in got]), median(ratios),
                        ", ".join("%.2f" % x for x in ratios), fmt(median(p99s) if p99s
                                                                   else None),
                        "" if len(p99s) == len(got) else " (%d of %d rounds)" % (len(p99s),
                                                                                len(got)),
                        fmt(median(costs) if costs else None, 0),
                        pct(median(busy) if busy else None)))
        threads = None
        if args.threads_bench and args.only in (None, "threads"):
            threads = threads_comparison(args, tmp, scripts["done"], scripts["close"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        source = "bench/http/server_vs_nginx.py, %s, load average %s" % (
            started, " .. ".join(loads[:1] + loads[-1:]))
        charts = []
        if args.only in (None, "wrk"):
            rate, p99 = {}, {}
            for name in names:
                rate[name] = [round(median([o[0] / t[0] for o, t in zip(
                    results[(s[0], name)], results[(s[0], "nginx")])]), 3) for s in shapes]
                p99[name] = []
                for s in shapes:
                    known = [o[1] for o in results[(s[0], name)] if o[1] is not None]
                    p99[name].append(round(median(known), 3) if known else None)
            charts.append({"name": "server_rate",
                           "title": "HttpServer against nginx, h2o and lighttpd, one thread "
                                    "each (median of per-round ratios)",
                           "source": source, "ylabel": "requests/s, ratio to nginx",
                           "categories": [s[0] for s in shapes], "series": rate,
                           "reference": 1.0})
            cost = {n: [round(median([o[2] for o in results[(s[0], n)] if o[2] is not None]))
                        if any(o[2] is not None for o in results[(s[0], n)]) else None
                        for s in shapes] for n in names}
            charts.append({"name": "server_cpu",
                           "title": "Server CPU time per answer (its core's busy time over the "
                                    "answers), one thread each",
                           "source": source, "ylabel": "microseconds per answer",
                           "categories": [s[0] for s in shapes], "series": cost})
            charts.append({"name": "server_p99", "title": "p99 latency (wrk), one thread each",
                           "source": source, "ylabel": "p99 latency, ms",
                           "categories": [s[0] for s in shapes], "series": p99})
        if memory:
            charts.append({"name": "server_memory",
                           "title": "Memory per idle keep-alive connection",
                           "source": source, "ylabel": "bytes",
                           "categories": ["per idle connection"],
                           "series": {n: [round(v)] for n, v in memory.items()}})
        if threads:
            cats = sorted({k[0] for k in threads}, reverse=True)
            modes = []
            for k in threads:
                if k[1] not in modes:
                    modes.append(k[1])
            charts.append({"name": "server_threads",
                           "title": "Two threads: SO_REUSEPORT listeners against one acceptor "
                                    "(median of per-round ratios)",
                           "source": source, "ylabel": "requests/s, ratio to reuseport",
                           "categories": cats,
                           "series": {m: [round(median([a / b for a, b in zip(
                               threads[(c, m)], threads[(c, "reuseport")])]), 3) for c in cats]
                                      for m in modes},
                           "reference": 1.0})
        with open(args.json, "w") as f:
            json.dump(charts, f, indent=1)
            f.write("\n")
        print("wrote %s" % args.json)


if __name__ == "__main__":
    main()
