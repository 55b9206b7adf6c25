// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Node's `ws` as the SERVER, examples/ws_cat as the client:
//   node ws_cat_to_node.mjs --ws-cat BUILD/examples/ws_cat
// An echo server on 127.0.0.1 (ephemeral port) at /echo. ws_cat gets lines of mixed lengths
// (empty, around the 125/126 and 65535/65536 length boundaries, up to 1 MiB, with multi-byte
// UTF-8 throughout) on stdin, all at once, then stdin EOF. Checked: the server received each line
// as one text message, byte-exact and in order; ws_cat printed every echo byte-exact (every other
// one sent back in three fragments, split anywhere, even inside a character, with a ping between
// them), exited 0 with nothing on stderr; the server saw the close code 1000 from the client. A
// ping sent by the server as the connection opens is answered (before any stdin) with a pong
// carrying its payload.

import { Child, Random, argValue, check, main, npmPackage, require_, skip, waitFor } from './lib.mjs';

const { WebSocketServer } = npmPackage('ws');

const NAME = 'interop_ws_cat_to_node';

await main(NAME, async () => {
  const wsCat = argValue('--ws-cat');
  if (!wsCat) skip(NAME, 'usage: --ws-cat PATH');

  // Lengths in bytes: empty, small, every frame-length boundary, and big ones.
  const sizes = [0, 1, 2, 7, 100, 124, 125, 126, 127, 128, 1000, 4095, 4096, 4097, 16383, 16384,
                 16385, 65534, 65535, 65536, 65537, 100000, 262144, 500000, 1048576, 3, 1048575];
  const rng = new Random(9);
  const lines = sizes.map((n) => rng.text(n));

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/echo',
                                       perMessageDeflate: false, maxPayload: 8 << 20 });
  await new Promise((resolve) => server.on('listening', resolve));
  const port = server.address().port;

  const received = [];  // {text, isBinary}
  const closes = [];    // {code, reason}
  const events = server;  // 'progress' is emitted on it for waitFor
  const pongs = [];
  const pingPayload = Buffer.from('are you there? ✓');
  server.on('connection', (ws) => {
    // A ping from the server at once: ws_cat answers it by itself.
    ws.on('pong', (data) => { pongs.push(data); events.emit('progress'); });
    ws.ping(pingPayload);
    ws.on('message', (data, isBinary) => {
      received.push({ data, isBinary });
      if (received.length % 2 === 0 && data.length >= 3) {
        // Every other echo in three fragments with a ping between them (control frames may come
        // between the fragments of a message): ws_cat prints the whole message as one line.
        const third = Math.floor(data.length / 3);
        ws.send(data.subarray(0, third), { binary: isBinary, fin: false });
        ws.ping(Buffer.from('between fragments'));
        ws.send(data.subarray(third, 2 * third), { binary: isBinary, fin: false });
        ws.send(data.subarray(2 * third), { binary: isBinary, fin: true });
      } else {
        ws.send(data, { binary: isBinary });
      }
      events.emit('progress');
    });
    ws.on('close', (code, reason) => {
      closes.push({ code, reason: reason.toString() });
      events.emit('progress');
    });
    ws.on('error', (e) => check(false, 'no error on the server side connection', e.message));
  });

  const cat = new Child(wsCat, [`ws://127.0.0.1:${port}/echo`]);
  // While its stdin is idle, ws_cat answers the server's ping.
  await waitFor(events, 'progress', () => pongs.length > 0 || cat.exit !== null, 'the pong of ws_cat');
  for (const l of lines) cat.write(l + '\n');
  cat.endInput();  // at once: the echoes still in flight must come before the close

  const exit = await cat.wait();
  check(exit.code === 0, 'ws_cat exits 0 after stdin EOF', JSON.stringify(exit) + ' stderr: ' + cat.err);
  check(cat.err === '', 'ws_cat prints nothing on stderr', cat.err);
  await waitFor(events, 'progress', () => closes.length === 1, 'the close at the server');
  require_(closes.length === 1, 'one close seen by the server');
  check(closes[0].code === 1000, 'the server saw close code 1000', JSON.stringify(closes[0]));
  check(pongs.length >= 1 && pongs[0].equals(pingPayload),
        'ws_cat answered the server\'s ping with a pong carrying its payload',
        JSON.stringify(pongs.slice(0, 1).map((p) => p.toString())));

  check(received.length === lines.length, `the server got ${lines.length} messages`,
        `got ${received.length}`);
  let sameIn = true;
  for (let i = 0; i < Math.min(received.length, lines.length); i++) {
    const r = received[i];
    if (r.isBinary || !r.data.equals(Buffer.from(lines[i]))) {
      sameIn = check(false, `message ${i} (${sizes[i]} bytes) arrived as text, byte-exact`,
                     `binary=${r.isBinary} length=${r.data.length}`);
    }
  }
  check(sameIn, 'every line reached the server as the same text message');

  const expected = lines.map((l) => l + '\n').join('');
  const got = cat.out;
  if (got !== expected) {
    const outLines = got.split('\n');
    const firstBad = lines.findIndex((l, i) => outLines[i] !== l);
    check(false, 'ws_cat printed every echo byte-exact, one per line',
          `output ${Buffer.byteLength(got)} bytes, expected ${Buffer.byteLength(expected)}; ` +
          `first different line ${firstBad}`);
  } else {
    check(true, 'ws_cat printed every echo byte-exact');
  }
  await new Promise((resolve) => server.close(resolve));
});
