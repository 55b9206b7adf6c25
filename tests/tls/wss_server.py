#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""A wss:// echo peer for the TLS tests: Python's websockets (Debian python3-websockets 10.4)
behind an ssl context.

usage: wss_server.py CERT KEY
Listens on 127.0.0.1, port 0, and prints `listening on 127.0.0.1:PORT` on stderr once it
accepts. Every message is sent back as it came (text or binary). Exits when its stdin ends.
"""
import asyncio
import ssl
import sys

import websockets


async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    async with websockets.serve(echo, "127.0.0.1", 0, ssl=context, max_size=None,
                                compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.buffer.read)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
