// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Node's `ws` as the CLIENT of our WebSocket echo:
//   node node_to_ws_echo.mjs --http-server BUILD/examples/http_server     (GET /ws/echo)
//   node node_to_ws_echo.mjs --python-echo tests/ws/echo_server.py         (its /echo: a check
//                                                                          of this harness)
// Text and binary messages of mixed sizes up to 4 MiB, sent all at once (pipelined) and then one
// by one, plus a fragmented text and a fragmented binary message: every echo byte-exact, of the
// same type, in order. A ping with a payload is answered by a pong with the same payload. The
// client's close (1000) is answered with 1000; a second connection is echoed too and its close
// with an application code (4000) is answered with that code.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, Random, argValue, check, main, npmPackage, require_, skip, waitFor } from './lib.mjs';

const WebSocket = npmPackage('ws');
const NAME = 'interop_node_to_ws_echo';

// Starts the server under test; returns {url, child}.
async function startServer() {
  const httpServer = argValue('--http-server');
  const pythonEcho = argValue('--python-echo');
  if (httpServer) {
    // An empty directory to serve (no file is asked for), removed when the test ends.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklite-interop-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    const child = new Child(httpServer, ['--host', '127.0.0.1', '--port', '0', '--root', root,
                                         '--threads', '1']);
    const { port } = await child.listening();
    return { url: `ws://127.0.0.1:${port}/ws/echo`, child };
  }
  if (pythonEcho) {
    const child = new Child(argValue('--python') || '/usr/bin/python3', [pythonEcho]);
    const { port } = await child.listening();
    return { url: `ws://127.0.0.1:${port}/echo`, child };
  }
  skip(NAME, 'usage: --http-server PATH | --python-echo PATH');
}

function describe(m) {
  return `${m.isBinary ? 'binary' : 'text'} ${m.data.length} bytes`;
}

await main(NAME, async () => {
  const { url, child } = await startServer();

  const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 << 20 });
  const got = [];      // {data: Buffer, isBinary}
  const pongs = [];
  let closed = null;   // {code, reason}
  ws.on('message', (data, isBinary) => { got.push({ data, isBinary }); ws.emit('progress'); });
  ws.on('pong', (data) => { pongs.push(data); ws.emit('progress'); });
  ws.on('close', (code, reason) => { closed = { code, reason: reason.toString() }; ws.emit('progress'); });
  let wsError = null;
  ws.on('error', (e) => { wsError = e; ws.emit('progress'); });
  await new Promise((resolve) => {
    ws.once('open', resolve);
    ws.once('error', resolve);
  });
  require_(ws.readyState === WebSocket.OPEN, `the handshake with ${url} succeeds`, wsError && wsError.message);
  check(ws.protocol === '', 'no subprotocol when none was asked for', ws.protocol);
  check(ws.extensions === '', 'no extension negotiated (permessage-deflate off)', ws.extensions);

  // Messages: alternate text and binary over every length boundary, up to 4 MiB.
  const rng = new Random(2026);
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1000, 200000, 1 << 20, 3, 4 << 20,
                 17, (2 << 20) + 5, 0, 4096];
  const sent = sizes.map((n, i) => (i % 2 === 0
    ? { data: Buffer.from(rng.text(n)), isBinary: false }
    : { data: rng.bytes(n), isBinary: true }));

  const compare = (from, what) => {
    let ok = true;
    for (let i = from; i < sent.length + from && i < got.length; i++) {
      const s = sent[i - from];
      const g = got[i];
      if (g.isBinary !== s.isBinary || !g.data.equals(s.data)) {
        ok = check(false, `${what}: echo ${i - from} is the message sent`,
                   `sent ${describe(s)}, got ${describe(g)}`);
      }
    }
    return ok;
  };

  // 1. Pipelined: everything at once, then all the echoes.
  for (const m of sent) ws.send(m.data, { binary: m.isBinary });
  await waitFor(ws, 'progress', () => got.length >= sent.length || closed,
                `${sent.length} echoes of pipelined messages`);
  check(got.length === sent.length, 'as many echoes as messages (pipelined)', `got ${got.length}`);
  check(compare(0, 'pipelined'), 'pipelined echoes byte-exact, same types, in order');

  // 2. One at a time: each echo before the next message.
  const base = got.length;
  for (let i = 0; i < sent.length && !closed; i++) {
    ws.send(sent[i].data, { binary: sent[i].isBinary });
    await waitFor(ws, 'progress', () => got.length >= base + i + 1 || closed, `echo ${i} (one at a time)`);
  }
  check(got.length === base + sent.length, 'as many echoes as messages (one at a time)');
  check(compare(base, 'one at a time'), 'one-at-a-time echoes byte-exact');

  // 3. Fragmented messages: three frames each; the echo is one message of the whole.
  const parts = [Buffer.from('frag-'), Buffer.from(rng.text(70000)), Buffer.from('-end κόσμε')];
  const binParts = [rng.bytes(10), rng.bytes(130000), rng.bytes(1)];
  const before = got.length;
  parts.forEach((p, i) => ws.send(p, { binary: false, fin: i === parts.length - 1 }));
  binParts.forEach((p, i) => ws.send(p, { binary: true, fin: i === binParts.length - 1 }));
  await waitFor(ws, 'progress', () => got.length >= before + 2 || closed, 'echoes of fragmented messages');
  check(got.length === before + 2, 'two echoes for two fragmented messages', `got ${got.length - before}`);
  if (got.length >= before + 2) {
    check(!got[before].isBinary && got[before].data.equals(Buffer.concat(parts)),
          'fragmented text echoed whole', describe(got[before]));
    check(got[before + 1].isBinary && got[before + 1].data.equals(Buffer.concat(binParts)),
          'fragmented binary echoed whole', describe(got[before + 1]));
  }

  // 4. Ping with a payload (125 bytes, the most a control frame carries), and an empty one.
  const pingPayload = rng.bytes(125);
  ws.ping(pingPayload);
  ws.ping();
  await waitFor(ws, 'progress', () => pongs.length >= 2 || closed, 'two pongs');
  check(pongs.length === 2, 'each ping answered by a pong', `got ${pongs.length}`);
  if (pongs.length >= 2) {
    check(pongs[0].equals(pingPayload), 'the pong carries the ping payload', `${pongs[0].length} bytes`);
    check(pongs[1].length === 0, 'an empty ping gets an empty pong');
  }

  // 5. Clean close: ours with 1000, theirs 1000 back, and the TCP connection ends.
  const extraBefore = got.length;
  ws.close(1000, 'done');
  await waitFor(ws, 'progress', () => closed !== null, 'the close handshake (and the TCP end)');
  check(closed.code === 1000, 'the server answers the close with 1000', JSON.stringify(closed));
  check(got.length === extraBefore, 'no message after the close');
  check(wsError === null, 'no error on the client side', wsError && wsError.message);

  // The server is still fine after a client went: a second connection echoes too.
  const ws2 = new WebSocket(url, { perMessageDeflate: false });
  const second = await new Promise((resolve, reject) => {
    ws2.once('open', () => ws2.send('again'));
    ws2.once('message', (d, isBinary) => resolve({ d: d.toString(), isBinary }));
    ws2.once('error', reject);
  });
  check(second.d === 'again' && !second.isBinary, 'a second connection is echoed too', JSON.stringify(second));
  // Its close carries an application code (4000): the server echoes that code.
  const closed2 = await new Promise((resolve) => { ws2.once('close', (code) => resolve(code)); ws2.close(4000, 'bye'); });
  check(closed2 === 4000, 'a close with code 4000 is answered with 4000', String(closed2));

  child.endInput();  // the Python peer ends with its stdin; http_server is killed at the end
});
