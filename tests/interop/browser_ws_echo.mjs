// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Chromium's own WebSocket as the client of http_server's /ws/echo:
//   node browser_ws_echo.mjs --http-server BUILD/examples/http_server
// A page served by http_server (same origin) opens ws://HOST/ws/echo and, inside the browser,
// sends text (JavaScript strings with multi-byte characters) and binary (ArrayBuffer) messages of
// mixed sizes up to 1 MiB, all at once; every echo must come back in order, of the same type and
// byte-exact (compared in the page). Then the page closes with 1000 and the close must be clean
// (wasClean, code 1000 from the server).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, argValue, check, launchChromium, main, skip, step } from './lib.mjs';

const NAME = 'interop_browser_ws_echo';

// Runs in the page: the echo exchange; returns a summary that Node checks.
async function echoInPage(sizes) {
  let s = 2026;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const pieces = ['a', ' ', 'Z', 'é', 'κ', '€', '中', '😀'];
  const widths = pieces.map((p) => new TextEncoder().encode(p).length);
  const makeText = (n) => {  // about n UTF-8 bytes
    const parts = [];
    let bytes = 0;
    while (bytes < n) {
      const k = next() % pieces.length;
      parts.push(pieces[k]);
      bytes += widths[k];
    }
    return parts.join('');
  };
  const makeBytes = (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = next() & 0xff;
    return b;
  };
  const sent = sizes.map((n, i) => (i % 2 === 0 ? makeText(n) : makeBytes(n)));

  const ws = new WebSocket(`ws://${location.host}/ws/echo`);
  ws.binaryType = 'arraybuffer';
  const got = [];
  const result = { opened: false, protocol: null, extensions: null, received: 0, mismatches: [],
                   close: null, errors: 0 };
  await new Promise((resolve) => {
    ws.onopen = () => {
      result.opened = true;
      result.protocol = ws.protocol;
      result.extensions = ws.extensions;
      for (const m of sent) ws.send(m);
    };
    ws.onerror = () => { result.errors += 1; };
    ws.onmessage = (e) => {
      got.push(e.data);
      if (got.length === sent.length) ws.close(1000, 'done');
    };
    ws.onclose = (e) => {
      result.close = { code: e.code, reason: e.reason, wasClean: e.wasClean };
      resolve();
    };
  });
  result.received = got.length;
  for (let i = 0; i < Math.min(got.length, sent.length); i++) {
    const s = sent[i];
    const g = got[i];
    let same;
    if (typeof s === 'string') {
      same = typeof g === 'string' && g === s;
    } else {
      const a = g instanceof ArrayBuffer ? new Uint8Array(g) : null;
      same = a !== null && a.length === s.length && a.every((v, k) => v === s[k]);
    }
    if (!same) {
      result.mismatches.push({ i, sentType: typeof s, gotType: typeof g,
                               gotLength: g && (g.length ?? g.byteLength) });
    }
  }
  return result;
}

await main(NAME, async () => {
  const httpServer = argValue('--http-server');
  if (!httpServer) skip(NAME, 'usage: --http-server PATH');
  const browserPath = process.env.SOCKLITE_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(browserPath)) skip(NAME, `no Chromium at ${browserPath}`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklite-interop-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'index.html'),
                   '<!doctype html><meta charset="utf-8"><title>echo</title><p>echo test</p>\n');
  const server = new Child(httpServer, ['--host', '127.0.0.1', '--port', '0', '--root', root,
                                        '--threads', '1']);
  const { port } = await server.listening();
  step('http_server listening');

  const browser = await launchChromium();
  step('Chromium started');
  try {
    const page = await browser.context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const response = await page.goto(`http://127.0.0.1:${port}/`);
    check(response && response.status() === 200, 'the page is served', response && response.status());

    // Chromium's WebSocket moves large messages slowly here (about 1 MiB/s each way on this
    // loaded 2-core machine, the same against Python's websockets): a few MiB in all.
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 65537, 100000, 3, 1 << 20, 17, 300000,
                   (1 << 20) + 1];
    const r = await page.evaluate(echoInPage, sizes);
    step('echo exchange done');
    check(r.opened, 'the browser opened the WebSocket');
    check(r.protocol === '' && r.extensions === '', 'no subprotocol, no extension',
          JSON.stringify([r.protocol, r.extensions]));
    check(r.received === sizes.length, `${sizes.length} echoes received`, `got ${r.received}`);
    check(r.mismatches.length === 0, 'every echo byte-exact, same type, in order',
          JSON.stringify(r.mismatches));
    check(r.close && r.close.code === 1000 && r.close.wasClean, 'a clean close with 1000',
          JSON.stringify(r.close));
    check(r.errors === 0, 'no WebSocket error event in the page');
    check(problems.length === 0, 'no script errors', JSON.stringify(problems));
  } finally {
    await browser.close();
    server.kill();
  }
});
