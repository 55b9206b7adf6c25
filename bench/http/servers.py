# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""The servers of the HTTP comparisons (server_vs_nginx.py, tls_server_vs_nginx.py): the
directory they serve, examples/http_server and nginx started the same way for both, each on a
free port of 127.0.0.1, and stopped with SIGTERM."""

import os
import resource
import signal
import socket
import subprocess
import time


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


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """A server process (pinned to @cpu unless None), started and listening on @port."""

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


def make_root(tmp):
    """TMP/root, what every server serves: a 1 MiB file and a 13-byte file `hello` (the /hello
    of the servers that have no fixed answer)."""
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    with open(os.path.join(root, "1m.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    with open(os.path.join(root, "hello"), "wb") as f:
        f.write(b"hello, world!")
    return root


def start_ours(binary, root, cpu, threads=1, tls=None):
    """examples/http_server serving @root and /hello; tls: (cert, key) for HTTPS."""
    port = free_port()
    argv = [binary, "--host", "127.0.0.1", "--port", str(port), "--root", root, "--threads",
            str(threads)]
    if tls:
        argv += ["--tls-cert", tls[0], "--tls-key", tls[1]]
    return Server("socklite", argv, port, cpu)


NGINX_CONF = """
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
    listen 127.0.0.1:%(port)d%(listen_tls)s;%(tls)s
    root %(root)s;
    location = /hello { default_type text/plain; return 200 "hello, world!"; }
  }
}
"""

NGINX_TLS = """
    ssl_certificate %s;
    ssl_certificate_key %s;
    ssl_protocols TLSv1.3;"""


def start_nginx(binary, tmp, root, cpu, tls=None):
    """nginx with one worker, no access log, /hello a fixed answer, files by sendfile, its
    files in @tmp; tls: (cert, key) for HTTPS, TLS 1.3 only."""
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF % {"tmp": tmp, "port": port, "root": root,
                              "listen_tls": " ssl" if tls else "",
                              "tls": NGINX_TLS % tls if tls else ""})
    return Server("nginx", [binary, "-e", os.path.join(tmp, "error.log"), "-c", conf, "-p", tmp],
                  port, cpu)
