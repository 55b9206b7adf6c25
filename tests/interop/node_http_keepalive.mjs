// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Node's `http` module as a client of examples/http_server, through a keep-alive agent:
//   node node_http_keepalive.mjs --http-server BUILD/examples/http_server
// 100 requests one after another over an agent with keepAlive and one socket: GET /hello, POST
// and PUT /echo with bodies up to 1 MiB (with a Content-Length, and chunked: written in pieces),
// a static file, HEAD, and a 404. Every status and body byte-exact, and all of them over one TCP
// connection (the agent made one socket, and reused it for every request after the first).

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Child, PATIENCE_MS, Random, argValue, check, main, require_, skip, step } from './lib.mjs';

const NAME = 'interop_node_http_keepalive';

// One request; resolves to {status, headers, body: Buffer, reused, socket}.
function request(agent, port, { method, path: p, body, chunked }) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (body && !chunked) headers['Content-Length'] = body.length;
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent, headers,
                               timeout: PATIENCE_MS });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: no answer`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(parts), reused: req.reusedSocket,
                                    socket: req.socket }));
    });
    if (body && chunked) {
      // Several writes without a Content-Length: Node sends them chunked.
      const step_ = Math.max(1, Math.floor(body.length / 5));
      for (let at = 0; at < body.length; at += step_) req.write(body.subarray(at, at + step_));
    } else if (body) {
      req.write(body);
    }
    req.end();
  });
}

await main(NAME, async () => {
  const httpServer = argValue('--http-server');
  if (!httpServer) skip(NAME, 'usage: --http-server PATH');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklite-interop-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const rnd = new Random(20261127);
  const file = Buffer.from(rnd.bytes(300000));
  fs.writeFileSync(path.join(root, 'data.bin'), file);
  const child = new Child(httpServer, ['--host', '127.0.0.1', '--port', '0', '--root', root,
                                       '--threads', '1']);
  const { port } = await child.listening();
  step(`http_server on port ${port}`);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let created = 0;
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => { created += 1; return createConnection(...args); };
  const sockets = new Set();
  let reused = 0;
  for (let i = 0; i < 100; ++i) {
    const kind = i % 7;
    let r;
    let what;
    if (kind === 0) {
      what = `${i}: GET /hello`;
      r = await request(agent, port, { method: 'GET', path: '/hello' });
      check(r.status === 200 && r.body.toString() === 'hello, world!', what, r.status);
    } else if (kind === 1 || kind === 2) {
      const size = rnd.below(kind === 1 ? 1 << 20 : 5000);
      const body = Buffer.from(rnd.bytes(size));
      const chunked = i % 2 === 0 && size > 0;
      what = `${i}: POST /echo ${size} bytes${chunked ? ' chunked' : ''}`;
      r = await request(agent, port, { method: 'POST', path: '/echo', body, chunked });
      check(r.status === 200 && r.body.equals(body), what, `${r.status}, ${r.body.length} bytes`);
    } else if (kind === 3) {
      const body = Buffer.from(rnd.text(rnd.below(2000) + 1));
      what = `${i}: PUT /echo`;
      r = await request(agent, port, { method: 'PUT', path: '/echo', body });
      check(r.status === 200 && r.body.equals(body), what, r.status);
    } else if (kind === 4) {
      what = `${i}: GET /data.bin`;
      r = await request(agent, port, { method: 'GET', path: '/data.bin' });
      check(r.status === 200 && r.body.equals(file), what, `${r.status}, ${r.body.length} bytes`);
    } else if (kind === 5) {
      what = `${i}: HEAD /data.bin`;
      r = await request(agent, port, { method: 'HEAD', path: '/data.bin' });
      check(r.status === 200 && r.body.length === 0 &&
            r.headers['content-length'] === String(file.length), what, r.status);
    } else {
      what = `${i}: GET /absent`;
      r = await request(agent, port, { method: 'GET', path: '/absent' });
      check(r.status === 404, what, r.status);
    }
    sockets.add(r.socket);
    if (r.reused) reused += 1;
  }
  step(`100 requests: ${created} connection(s), ${sockets.size} socket(s), ${reused} reused`);
  check(created === 1, 'the agent opened one connection', created);
  check(sockets.size === 1, 'one socket carried every request', sockets.size);
  check(reused === 99, 'every request after the first reused it', reused);
  agent.destroy();
  process.kill(child.proc.pid, 'SIGTERM');
  const exit = await child.wait();
  require_(exit.code === 0, 'http_server exits 0 on SIGTERM', JSON.stringify(exit));
});
