#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""A WebSocket peer for the tests, on Python's websockets (Debian python3-websockets 10.4).

Listens on 127.0.0.1, port 0, and prints `listening on 127.0.0.1:PORT` on stderr once it
accepts. Paths:
  /echo        every message sent back as it came (text or binary)
  /ping        sends a ping "are you there", waits for its pong, then sends the text "pong ok"
  /close       sends the text "bye" then closes with 4001 "server bye"
  /subprotocol accepts the subprotocol "chat" and sends its name as a text message
Exits when its stdin ends (the test closes it, or dies).
"""
import asyncio
import sys

import websockets


async def handler(ws, path=None):
    path = path if path is not None else ws.path
    try:
        if path == "/ping":
            waiter = await ws.ping(b"are you there")
            await asyncio.wait_for(waiter, 30)
            await ws.send("pong ok")
            async for _ in ws:
                pass
        elif path == "/close":
            await ws.send("bye")
            await ws.close(4001, "server bye")
        elif path == "/subprotocol":
            await ws.send(ws.subprotocol or "")
            async for _ in ws:
                pass
        else:
            async for message in ws:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, compression=None,
                                ping_interval=None, subprotocols=["chat"]) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.buffer.read)


asyncio.run(main())
