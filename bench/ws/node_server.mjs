// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The Node peer of bench/ws/ws_vs_peers.py, on the `ws` package pinned in
// tests/interop/package.json: node node_server.mjs PORT, with SOCKLITE_INTEROP_NODE_DIR naming
// the directory that holds node_modules/ws. Serves on 127.0.0.1:
//   /echo       each message back as it came
//   /broadcast  a text "go" from any client is answered by "b <ns>" to every /broadcast client,
//               <ns> process.hrtime.bigint() (CLOCK_MONOTONIC, as the C++ steady clock) at the send;
//               then prints "sent N in T us" (the loop of sends) on stderr
// Prints "listening" on stderr once it accepts.
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = process.env.SOCKLITE_INTEROP_NODE_DIR;
if (!dir) throw new Error('SOCKLITE_INTEROP_NODE_DIR is not set');
const require = createRequire(path.join(dir, 'node_modules', 'index.js'));
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: '127.0.0.1', port, backlog: 1024 });
const listeners = new Set();
wss.on('connection', (socket, req) => {
  if (req.url === '/broadcast') {
    listeners.add(socket);
    socket.on('close', () => listeners.delete(socket));
    socket.on('message', (data, isBinary) => {
      if (isBinary || data.toString() !== 'go') return;
      const out = 'b ' + process.hrtime.bigint().toString();
      const start = process.hrtime.bigint();
      for (const s of listeners) s.send(out);
      const took = Number(process.hrtime.bigint() - start) / 1e3;
      process.stderr.write(`sent ${listeners.size} in ${took.toFixed(1)} us\n`);
    });
  } else {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  }
});
wss.on('listening', () => process.stderr.write('listening\n'));
