// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// Shared pieces of the interop tests: child processes with line-split output, bounded waits,
// a seeded generator for message contents, and a tiny check/report scheme whose exit codes CTest
// understands (0 pass, 1 fail, 77 skip).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Loads an npm package installed by run.sh (`npm ci --prefix DIR`, DIR given in
 *  SOCKLITE_INTEROP_NODE_DIR), so the scripts run from the source tree while node_modules lives in
 *  the build tree. */
export function npmPackage(name) {
  const dir = process.env.SOCKLITE_INTEROP_NODE_DIR;
  if (!dir) throw new Error('SOCKLITE_INTEROP_NODE_DIR is not set (run the tests through run.sh)');
  return createRequire(path.join(path.resolve(dir), 'package.json'))(name);
}

/** A generous upper bound for one step (the machine may be loaded); never a pacing delay. */
export const PATIENCE_MS = 30000;

/** Exit status that CTest reads as "skipped" (SKIP_RETURN_CODE in CMakeLists.txt). */
export const SKIP = 77;

let failures = 0;
let checks = 0;

/** Records one check; a failing one is printed and makes the test fail at the end. */
export function check(ok, what, detail) {
  checks += 1;
  if (!ok) {
    failures += 1;
    console.error(`FAIL: ${what}` + (detail !== undefined ? `\n      ${detail}` : ''));
  }
  return ok;
}

/** Like check(), but the test cannot go on without it: throws. */
export function require_(ok, what, detail) {
  if (!check(ok, what, detail)) throw new Error(`cannot go on: ${what}`);
}

/** Ends the test: prints a summary line and exits 0 or 1. Children are killed first. */
export function finish(name) {
  Child.killAll();
  console.log(`${name}: ${checks - failures} passed, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
}

/** Ends the test as skipped, with the reason on stdout (CTest shows it). */
export function skip(name, why) {
  Child.killAll();
  console.log(`SKIP ${name}: ${why}`);
  process.exit(SKIP);
}

const started = Date.now();

/** Prints a progress line with the time since the start (shown by CTest when a test fails). */
export function step(text) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(2)} s] ${text}`);
}

/** Runs @p body; any exception fails the test (after the checks made so far are reported). */
export async function main(name, body) {
  const guard = setTimeout(() => {
    console.error(`FAIL: ${name} did not finish within ${(4 * PATIENCE_MS) / 1000} s`);
    checks += 1;
    failures += 1;
    finish(name);
  }, 4 * PATIENCE_MS);
  try {
    await body();
  } catch (e) {
    checks += 1;
    failures += 1;
    console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
  }
  clearTimeout(guard);
  finish(name);
}

/** Resolves when @p predicate() is true, re-checked on every @p changes event; rejects after
 *  @p ms with a message naming @p what. */
export function waitFor(emitter, event, predicate, what, ms = PATIENCE_MS) {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const onEvent = () => {
      if (predicate()) {
        cleanup();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
  });
}

/** A child process on pipes: stdout and stderr kept whole and split into lines. */
export class Child {
  static live = new Set();

  constructor(path, args, options = {}) {
    this.name = path.split('/').pop();
    this.out = '';
    this.err = '';
    this.outBytes = 0;
    this.exit = null;  // {code, signal} once it has ended
    this.proc = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    Child.live.add(this);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => {
      this.out += d;
      this.proc.emit('progress');
    });
    this.proc.stderr.on('data', (d) => {
      this.err += d;
      this.proc.emit('progress');
    });
    this.proc.stdin.on('error', () => {});  // EPIPE when it has gone: seen through its exit
    this.proc.on('error', (e) => {
      this.spawnError = e;
      this.exit = { code: null, signal: null };
      this.proc.emit('progress');
    });
    this.proc.on('close', (code, signal) => {
      this.exit = { code, signal };
      Child.live.delete(this);
      this.proc.emit('progress');
    });
  }

  outLines() { return this.out.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''); }
  errLines() { return this.err.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''); }

  write(text) { this.proc.stdin.write(text); }
  endInput() { this.proc.stdin.end(); }

  /** Waits until @p predicate(this) holds; fails early when the child has ended meanwhile. */
  async until(predicate, what, ms = PATIENCE_MS) {
    try {
      await waitFor(this.proc, 'progress', () => predicate(this) || this.exit !== null,
                    what, ms);
    } catch (e) {
      throw new Error(`${this.name}: ${e.message}\n  stdout: ${tail(this.out)}\n  stderr: ${tail(this.err)}`);
    }
    if (!predicate(this)) {
      throw new Error(`${this.name} ended (${JSON.stringify(this.exit)}) before ${what}` +
                      `${this.spawnError ? ': ' + this.spawnError.message : ''}` +
                      `\n  stdout: ${tail(this.out)}\n  stderr: ${tail(this.err)}`);
    }
  }

  /** Waits for a stdout line equal to @p line. */
  untilLine(line, ms = PATIENCE_MS) {
    return this.until((c) => c.outLines().includes(line), `the line "${line}" on stdout`, ms);
  }

  /** Waits for `listening on HOST:PORT` + @p suffix on stderr; returns {host, port}. */
  async listening(suffix = '', ms = PATIENCE_MS) {
    const re = new RegExp(`^listening on (.+):(\\d+)${suffix.replace(/[()]/g, '\\$&')}$`);
    const found = () => this.errLines().map((l) => re.exec(l)).find((m) => m);
    await this.until(() => found() !== undefined, `"listening on HOST:PORT${suffix}" on stderr`, ms);
    const m = found();
    return { host: m[1], port: Number(m[2]) };
  }

  /** Waits for the child to end; returns {code, signal}. */
  async wait(ms = PATIENCE_MS) {
    await waitFor(this.proc, 'progress', () => this.exit !== null, `${this.name} to exit`, ms);
    return this.exit;
  }

  /** Ends it by its PID if it still runs (SIGKILL: the test is over for it). */
  kill() {
    if (this.exit === null && this.proc.pid !== undefined) {
      try { process.kill(this.proc.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }

  static killAll() {
    for (const c of Child.live) c.kill();
  }
}

function tail(text, n = 600) {
  const t = JSON.stringify(text.length > n ? '...' + text.slice(-n) : text);
  return t;
}

/** A seeded generator (xorshift32): the same contents on every run. */
export class Random {
  constructor(seed) { this.s = seed >>> 0 || 1; }
  next() {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  below(n) { return this.next() % n; }

  /** Random bytes. */
  bytes(n) {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }

  /** A UTF-8 string of exactly @p n bytes without '\n': ASCII mixed with 2-, 3- and 4-byte
   *  characters, in runs, so code points straddle every frame and read boundary somewhere. */
  text(n) {
    const pieces = ['a', 'Z', ' ', '~', '0', 'é', 'κ', 'ж', '€', '中', '✓', '😀', '𝄞'];
    const parts = [];
    let left = n;
    while (left > 0) {
      let p = pieces[this.below(pieces.length)];
      if (Buffer.byteLength(p) > left) p = 'x';
      const run = Math.min(1 + this.below(64), Math.floor(left / Buffer.byteLength(p)));
      parts.push(p.repeat(run));
      left -= run * Buffer.byteLength(p);
    }
    return parts.join('');
  }
}

/** Where a required program is, from an argument like `--ws-cat PATH`. */
export function argValue(name) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

/** Starts Debian's Chromium (SOCKLITE_CHROMIUM, else /usr/bin/chromium) headless through
 *  playwright-core, with a fresh profile in a temporary directory. Returns {context, close}. */
export async function launchChromium(options = {}) {
  const executablePath = process.env.SOCKLITE_CHROMIUM || '/usr/bin/chromium';
  const { chromium } = npmPackage('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'socklite-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      timeout: PATIENCE_MS,
      // Without the background-networking switches Chromium's own connections out of a closed
      // network make the page's fail too.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      ...options,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
