#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""A WebSocket client for the tests, on Python's websockets (Debian python3-websockets 10.4).

usage: client_check.py URL

Connects to URL (an echo endpoint), and checks that every message comes back byte-exact:
text and binary messages of sizes across the length encodings up to a few MiB, fragmented
messages (sent as iterables), and a ping answered by a pong. Then closes with 1000 "done" and
checks the server's close code. Prints `ok N` (N: messages checked) on stdout and exits 0, or
prints what failed on stderr and exits 1. Every wait is bounded.
"""
import asyncio
import random
import sys

import websockets

SIZES = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537, 1 << 20, 3 << 20]


def text_of(size, rng):
    # Mixed 1-, 2-, 3- and 4-byte UTF-8 characters, cut to exactly `size` bytes on a boundary.
    alphabet = ["a", "z", "é", "ж", "€", "語", "😀"]
    out, n = [], 0
    while n < size:
        ch = rng.choice(alphabet)
        b = len(ch.encode())
        if n + b > size:
            ch, b = "x", 1
        out.append(ch)
        n += b
    return "".join(out)


async def main(url):
    rng = random.Random(6455)
    checked = 0
    async with websockets.connect(url, max_size=None, compression=None, ping_interval=None,
                                  close_timeout=10, open_timeout=10) as ws:
        for size in SIZES:
            for kind in ("text", "binary"):
                msg = text_of(size, rng) if kind == "text" else rng.randbytes(size)
                await asyncio.wait_for(ws.send(msg), 30)
                back = await asyncio.wait_for(ws.recv(), 30)
                if back != msg:
                    print(f"{kind} of {size} bytes came back different", file=sys.stderr)
                    return 1
                checked += 1
        # Fragmented: a text message in pieces split inside characters is not possible with
        # str fragments, so split on characters; binary split anywhere.
        text = text_of(10000, rng)
        await ws.send(iter([text[:1], text[1:5000], "", text[5000:]]))
        if await asyncio.wait_for(ws.recv(), 30) != text:
            print("fragmented text came back different", file=sys.stderr)
            return 1
        data = rng.randbytes(70000)
        await ws.send(iter([data[:3], data[3:69000], data[69000:]]))
        if await asyncio.wait_for(ws.recv(), 30) != data:
            print("fragmented binary came back different", file=sys.stderr)
            return 1
        checked += 2
        pong = await ws.ping(b"hello?")
        await asyncio.wait_for(pong, 30)
        await ws.close(1000, "done")
        if ws.close_code != 1000:
            print(f"close code {ws.close_code}, expected 1000", file=sys.stderr)
            return 1
    print(f"ok {checked}", flush=True)
    return 0


sys.exit(asyncio.run(main(sys.argv[1])))
