# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""The case table of the WebSocket conformance suite (RFC 6455), against an echo endpoint.

Categories follow the areas of the Autobahn test suite (framing, pings, reserved bits, opcodes,
fragmentation, UTF-8, close) plus the opening handshake, masking, large messages and ordering.
Every case names the RFC 6455 section it checks. What each ending accepts is defined in
engine.py (Ok / Fail); the rules used here:

* a frame-level protocol error (RSV bits, reserved opcode, bad length encoding, oversized or
  fragmented control frame, bad continuation) must be answered with Close 1002 (7.4.1), after
  the echoes of what came before it and with nothing processed after it;
* an unmasked client frame: Close 1002 or a TCP close without a Close frame (5.1: the server
  MUST close the connection and MAY send Close 1002);
* invalid UTF-8 in a text message must be answered with Close 1007 (8.1, 7.4.1), as soon as the
  invalid sequence is seen (a ping sent behind the bad fragment must not be answered);
* an error inside the client's own Close frame (bad code, 1-byte or > 125-byte payload, reason
  not UTF-8) must get Close 1002 (1007 for the reason), or a TCP close without a Close frame:
  the client asked to close anyway, and 7.1.7 only says SHOULD for the Close frame.
"""

from engine import Case, Fail, Ok, Run, Step, judge
from wsclient import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT, Conn, Frame,
                      build_request, check_101, close_payload,
                      header_tokens, header_values, new_key, open_ws, parse_url,
                      standard_headers)

CASES = []


def add(cid, cat, rfc, desc, steps=None, end=None, fn=None):
    CASES.append(Case(cid, cat, rfc, desc, steps, end, fn))


def T(data, fin=True, **kw):
    return Frame(OP_TEXT, data.encode() if isinstance(data, str) else data, fin, **kw)


def B(data, fin=True, **kw):
    return Frame(OP_BINARY, data, fin, **kw)


def C(data, fin=True, **kw):
    return Frame(OP_CONT, data.encode() if isinstance(data, str) else data, fin, **kw)


def PING(data=b"", **kw):
    return Frame(OP_PING, data, **kw)


def PONG(data=b"", **kw):
    return Frame(OP_PONG, data, **kw)


def CLOSE(code=None, reason=b"", **kw):
    return Frame(OP_CLOSE, close_payload(code, reason), **kw)


def et(data):
    return ("text", data.encode() if isinstance(data, str) else data)


def eb(data):
    return ("binary", data)


def ep(data=b""):
    return ("pong", data)


def one(sends, expect=(), chop=None):
    return [Step(sends, expect, chop)]


def pattern(n, seed=0):
    """@p n deterministic bytes covering all byte values."""
    block = bytes((i * 7 + seed) & 0xFF for i in range(256))
    return (block * (n // 256 + 1))[:n]


def text_of(n):
    """@p n bytes of ASCII text."""
    base = b"The quick brown fox jumps over the lazy dog 0123456789. "
    return (base * (n // len(base) + 1))[:n]


def utf8_text_of(n):
    """About @p n bytes of valid multi-byte UTF-8 (1-, 2-, 3- and 4-byte code points)."""
    unit = "aé€𝄞κόσμε".encode()
    return unit * (n // len(unit) + 1)


# ---------------------------------------------------------------------------------------------
# 0. Opening handshake (section 4)

def http_exchange(url, timeout, build):
    host, port, path, hostport = parse_url(url)
    conn = Conn(host, port, timeout)
    key = new_key()
    req = build(path, hostport, key)
    conn.send(req)
    try:
        version, status, _, headers = conn.read_http_head()
    except BaseException:
        conn.close()
        raise
    return conn, key, status, headers


def hs_accept(build, check=None, echo=True):
    """The server must accept (101 per 4.2.2), pass @p check(headers), and then echo."""
    def fn(url, timeout):
        conn, key, status, headers = http_exchange(url, timeout, build)
        try:
            why = check_101(status, headers, key)
            if why:
                return why
            if check:
                why = check(headers)
                if why:
                    return why
            if echo:
                return judge(Case("", "", "", "", one([T("after handshake")], [et("after handshake")]),
                                  Ok()), Run(conn))
            return None
        finally:
            conn.close()
    return fn


def hs_refuse(build, statuses=None, need_version_header=False):
    """The server must refuse: an HTTP response that is not 101, with a status in @p statuses
    (None: any 4xx), and with Sec-WebSocket-Version: 13 when asked (4.4)."""
    def fn(url, timeout):
        conn, key, status, headers = http_exchange(url, timeout, build)
        conn.close()
        if status == 101:
            return "accepted with 101, must refuse"
        if statuses is None and not 400 <= status < 500:
            return "status %d, expected a 4xx refusal" % status
        problems = []
        if statuses is not None and status not in statuses:
            problems.append("status %d, expected %s" % (
                status, "/".join(map(str, sorted(statuses))) if len(statuses) < 5 else "%d-%d" % (
                    min(statuses), max(statuses))))
        if need_version_header and "13" not in header_tokens(headers, "sec-websocket-version"):
            problems.append("status %d without Sec-WebSocket-Version: 13 (4.2.2, 4.4: MUST)" % status)
        return "; ".join(problems) or None
    return fn


def req_with(replace=None, drop=(), add_headers=(), method="GET", version="HTTP/1.1", key=None):
    """A request builder: the standard handshake headers with some replaced, dropped or added."""
    replace = replace or {}

    def build(path, hostport, k):
        hs = []
        for name, value in standard_headers(hostport, key if key is not None else k):
            if name.lower() in drop:
                continue
            hs.append((name, replace.get(name.lower(), value)))
        return build_request(path, hostport, hs + list(add_headers), method, version)
    return build


RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def hs_rfc_example(url, timeout):
    conn, key, status, headers = http_exchange(url, timeout, req_with(key=RFC_KEY))
    conn.close()
    if status != 101:
        return "status %d, expected 101" % status
    acc = header_values(headers, "sec-websocket-accept")
    if acc != ["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]:
        return "Sec-WebSocket-Accept %r, expected the RFC's s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" % acc
    return None


def lower_names(path, hostport, k):
    hs = [(n.lower(), v) for n, v in standard_headers(hostport, k)]
    return build_request(path, hostport, hs)


def no_protocol(headers):
    if header_values(headers, "sec-websocket-protocol"):
        return "Sec-WebSocket-Protocol %r although none was offered (4.2.2)" % header_values(
            headers, "sec-websocket-protocol")
    return None


def protocol_among(offered):
    def check(headers):
        got = header_values(headers, "sec-websocket-protocol")
        if not got:
            return None
        if len(got) != 1 or got[0].strip() not in offered:
            return "Sec-WebSocket-Protocol %r is not one of the offered %r (4.2.2)" % (got, offered)
        return None
    return check


h = [
    ("4.2.2", "RFC example key gets the RFC example accept value", hs_rfc_example),
    ("4.2.2", "valid handshake with a random key: 101, then an echo and a normal close",
     hs_accept(req_with())),
    ("4.2.1", "header names in lower case are accepted", hs_accept(lower_names)),
    ("4.2.1", "Upgrade value is case-insensitive (WebSocket)",
     hs_accept(req_with({"upgrade": "WebSocket"}))),
    ("4.2.1", "Connection is a token list (keep-alive, Upgrade)",
     hs_accept(req_with({"connection": "keep-alive, Upgrade"}))),
    ("4.2.1", "Connection token is case-insensitive (upgrade)",
     hs_accept(req_with({"connection": "upgrade"}))),
    ("4.2.1", "missing Sec-WebSocket-Key is refused with 4xx",
     hs_refuse(req_with(drop=("sec-websocket-key",)))),
    ("4.2.1", "Sec-WebSocket-Key that is not base64 is refused with 4xx",
     hs_refuse(req_with(key="not base64 at all!!"))),
    ("4.2.1", "Sec-WebSocket-Key of 15 bytes is refused with 4xx",
     hs_refuse(req_with(key="AAAAAAAAAAAAAAAAAAAA"))),
    ("4.2.1", "Sec-WebSocket-Key of 17 bytes is refused with 4xx",
     hs_refuse(req_with(key="AAAAAAAAAAAAAAAAAAAAAAA="))),
    ("11.3.1, 4.2.1", "two Sec-WebSocket-Key fields are refused with 4xx",
     hs_refuse(req_with(add_headers=(("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="),)))),
    ("4.2.2, 4.4", "Sec-WebSocket-Version 12: refused (426, or 400 as in 4.4) with Sec-WebSocket-Version: 13",
     hs_refuse(req_with({"sec-websocket-version": "12"}), {400, 426}, True)),
    ("4.2.2, 4.4", "Sec-WebSocket-Version 8: refused (426, or 400 as in 4.4) with Sec-WebSocket-Version: 13",
     hs_refuse(req_with({"sec-websocket-version": "8"}), {400, 426}, True)),
    ("4.2.2, 4.4", "Sec-WebSocket-Version 14: refused (426, or 400 as in 4.4) with Sec-WebSocket-Version: 13",
     hs_refuse(req_with({"sec-websocket-version": "14"}), {400, 426}, True)),
    ("4.2.2, 4.4", "Sec-WebSocket-Version 99: refused (426, or 400 as in 4.4) with Sec-WebSocket-Version: 13",
     hs_refuse(req_with({"sec-websocket-version": "99"}), {400, 426}, True)),
    ("4.2.1", "missing Sec-WebSocket-Version is refused with 4xx",
     hs_refuse(req_with(drop=("sec-websocket-version",)))),
    ("4.2.1", "missing Upgrade header: not upgraded, 4xx",
     hs_refuse(req_with(drop=("upgrade",)))),
    ("4.2.1", "Upgrade: h2c (not websocket): not upgraded, 4xx",
     hs_refuse(req_with({"upgrade": "h2c"}))),
    ("4.2.1", "missing Connection header: not upgraded, 4xx",
     hs_refuse(req_with(drop=("connection",)))),
    ("4.2.1", "Connection: keep-alive without the Upgrade token: not upgraded, 4xx",
     hs_refuse(req_with({"connection": "keep-alive"}))),
    ("4.1", "HTTP/1.0 upgrade request is refused (version must be at least 1.1)",
     hs_refuse(req_with(version="HTTP/1.0"), set(range(400, 600)))),
    ("4.1", "POST upgrade request is refused (method must be GET)",
     hs_refuse(req_with(method="POST", add_headers=(("Content-Length", "0"),)),
               set(range(400, 600)))),
    ("4.2.1", "missing Host is refused with 4xx", hs_refuse(req_with(drop=("host",)))),
    ("4.2.2", "subprotocol chat offered: accepted, with chat or no subprotocol",
     hs_accept(req_with(add_headers=(("Sec-WebSocket-Protocol", "chat"),)),
               protocol_among(["chat"]))),
    ("4.2.2", "unknown subprotocols offered: accepted, with one of them or none",
     hs_accept(req_with(add_headers=(("Sec-WebSocket-Protocol", "x-one, x-two"),)),
               protocol_among(["x-one", "x-two"]))),
    ("4.2.2", "no subprotocol offered: no Sec-WebSocket-Protocol in the answer",
     hs_accept(req_with(), no_protocol)),
    ("9.1", "unknown extension offered: accepted without Sec-WebSocket-Extensions",
     hs_accept(req_with(add_headers=(("Sec-WebSocket-Extensions", "x-unknown-ext"),)))),
    ("11.3.5, 4.2.1", "two Sec-WebSocket-Version fields are refused with 4xx",
     hs_refuse(req_with(add_headers=(("Sec-WebSocket-Version", "13"),)))),
    ("11.3.5, 4.2.1", "Sec-WebSocket-Version 13 and a second field 8: refused with 4xx",
     hs_refuse(req_with(add_headers=(("Sec-WebSocket-Version", "8"),)))),
    ("4.2.1", "method 'get' in lower case is not GET: refused",
     hs_refuse(req_with(method="get"), set(range(400, 600)))),
    ("4.2.1", "Sec-WebSocket-Key with surrounding spaces (optional whitespace) is accepted",
     hs_accept(lambda path, hostport, k: build_request(path, hostport, [
         (n, ("  %s  " % v) if n == "Sec-WebSocket-Key" else v)
         for n, v in standard_headers(hostport, k)]))),
]
for i, (rfc, desc, fn) in enumerate(h, 1):
    add("0.%d" % i, "handshake", rfc, desc, fn=fn)

# ---------------------------------------------------------------------------------------------
# 1. Framing: payload lengths at every boundary of the 7/16/64-bit encodings (5.2)

SIZES = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537, 100000]
n = 0
for size in SIZES:
    n += 1
    add("1.%d" % n, "framing", "5.2, 5.6", "text message of %d bytes echoed" % size,
        one([T(text_of(size))], [et(text_of(size))]), Ok())
for size in SIZES:
    n += 1
    add("1.%d" % n, "framing", "5.2, 5.6", "binary message of %d bytes echoed" % size,
        one([B(pattern(size))], [eb(pattern(size))]), Ok())
more = [
    ("5.2", "64 KiB text sent in 997-byte TCP chops", one([T(text_of(65536))], [et(text_of(65536))], 997), Ok()),
    ("5.2", "126-byte binary, frame sent byte by byte (header split everywhere)",
     one([B(pattern(126))], [eb(pattern(126))], 1), Ok()),
    ("5.2", "65536-byte binary sent in 3-byte chops (64-bit length split)",
     one([B(pattern(65536, 3))], [eb(pattern(65536, 3))], 3), Ok()),
    ("5.2", "two messages in one TCP write echoed in order",
     one([T("first"), B(b"second")], [et("first"), eb(b"second")]), Ok()),
    ("5.2", "100 small messages in one TCP write echoed in order",
     one([T("m%d" % i) for i in range(100)], [et("m%d" % i) for i in range(100)]), Ok()),
    ("5.2", "10000 small messages in one write echoed in order",
     one([T("n%d" % i) for i in range(10000)], [et("n%d" % i) for i in range(10000)]), Ok()),
    ("5.3", "masking key of zero bytes is a valid key",
     one([T("zero mask", mask_key=b"\0\0\0\0")], [et("zero mask")]), Ok()),
    ("5.6", "binary with all 256 byte values",
     one([B(bytes(range(256)))], [eb(bytes(range(256)))]), Ok()),
    ("5.2", "non-minimal length: 0 bytes in the 16-bit form -> 1002",
     one([T(b"", len_form=16)]), Fail()),
    ("5.2", "non-minimal length: 125 bytes in the 16-bit form -> 1002",
     one([T(text_of(125), len_form=16)]), Fail()),
    ("5.2", "non-minimal length: 5 bytes in the 64-bit form -> 1002",
     one([T("hello", len_form=64)]), Fail()),
    ("5.2", "non-minimal length: 126 bytes in the 64-bit form -> 1002",
     one([B(pattern(126), len_form=64)]), Fail()),
    ("5.2", "non-minimal length: 65535 bytes in the 64-bit form -> 1002",
     one([B(pattern(65535), len_form=64)]), Fail()),
    ("5.2", "64-bit length with the most significant bit set (2^63 + 5) -> 1002",
     one([B(b"hello", len_form=64, length=(1 << 63) | 5)]), Fail()),
    ("5.2", "64-bit length of exactly 2^63 -> 1002",
     one([B(b"", len_form=64, length=1 << 63)]), Fail()),
    ("5.2", "continuation frame with a non-minimal 16-bit length -> 1002",
     one([T("start", fin=False), C("end", len_form=16)]), Fail()),
]
for rfc, desc, steps, end in more:
    n += 1
    add("1.%d" % n, "framing", rfc, desc, steps, end)

# ---------------------------------------------------------------------------------------------
# 2. Pings and pongs (5.5.2, 5.5.3)

P125 = pattern(125, 11)
pp = [
    ("5.5.2", "ping without payload -> empty pong", one([PING()], [ep()]), Ok()),
    ("5.5.2", "ping with text payload -> pong with the same payload",
     one([PING(b"Hello, pong")], [ep(b"Hello, pong")]), Ok()),
    ("5.5.2", "ping with binary payload (all byte values, not UTF-8) -> same pong",
     one([PING(bytes(range(0, 250, 2)))], [ep(bytes(range(0, 250, 2)))]), Ok()),
    ("5.5.2", "ping with 125-byte payload -> 125-byte pong", one([PING(P125)], [ep(P125)]), Ok()),
    ("5.5", "ping with 126-byte payload -> 1002, no pong", one([PING(pattern(126))]), Fail()),
    ("5.5.2", "125-byte ping sent byte by byte -> pong", one([PING(P125)], [ep(P125)], 1), Ok()),
    ("5.5.3", "unsolicited empty pong is ignored (then an echo works)",
     one([PONG(), T("still here")], [et("still here")]), Ok()),
    ("5.5.3", "unsolicited 125-byte pong is ignored",
     one([PONG(P125), T("still here")], [et("still here")]), Ok()),
    ("5.5.3", "unsolicited pong then ping -> one pong for the ping only",
     one([PONG(b"unsolicited"), PING(b"solicited")], [ep(b"solicited")]), Ok()),
    ("5.5.2", "ten pings, each answered before the next",
     [Step([PING(b"ping %d" % i)], [ep(b"ping %d" % i)]) for i in range(10)], Ok()),
    ("5.5.3", "ten pings in one write -> pongs in order, at least for the last (MAY skip older)",
     one([PING(b"burst %d" % i) for i in range(10)] + [T("after")],
         [("pongs", [b"burst %d" % i for i in range(10)]), et("after")]), Ok()),
    ("5.5.3", "1000 pings in one write, then a text: pongs (the last one at least), then the echo",
     one([PING(b"flood %d" % i) for i in range(1000)] + [T("after the flood")],
         [("pongs", [b"flood %d" % i for i in range(1000)]), et("after the flood")]), Ok()),
    ("5.5", "pong with 126-byte payload -> 1002", one([PONG(pattern(126))]), Fail()),
    ("5.5", "ping with 126 bytes in 1-byte chops -> 1002",
     one([PING(pattern(126))], chop=1), Fail()),
    ("5.2, 5.5", "ping with 5 bytes in the 16-bit length form (non-minimal) -> 1002, no pong",
     one([PING(b"hello", len_form=16)]), Fail()),
    ("5.2, 5.5", "close in the 64-bit length form (non-minimal) -> 1002",
     one([CLOSE(1000, len_form=64)]), Fail()),
    ("5.2, 5.5", "ping with a 64-bit length of 2^63 -> 1002",
     one([PING(b"", len_form=64, length=1 << 63)]), Fail()),
]
for i, (rfc, desc, steps, end) in enumerate(pp, 1):
    add("2.%d" % i, "ping", rfc, desc, steps, end)

# ---------------------------------------------------------------------------------------------
# 3. Reserved bits without a negotiated extension -> 1002 (5.2)

n = 0
for kind, mk in [("text", lambda r: [T("rsv", rsv=r)]),
                 ("binary", lambda r: [B(b"rsv", rsv=r)]),
                 ("ping", lambda r: [PING(b"rsv", rsv=r)]),
                 ("continuation", lambda r: [T("start", fin=False), C("end", rsv=r)])]:
    for rsv in range(1, 8):
        n += 1
        add("3.%d" % n, "rsv", "5.2", "%s frame with RSV=%d -> 1002%s" % (
            kind, rsv, ", no pong" if kind == "ping" else ""), one(mk(rsv)), Fail())
for kind, mk in [("close", lambda r: [CLOSE(1000, rsv=r)]),
                 ("pong", lambda r: [PONG(b"rsv", rsv=r)])]:
    for rsv in (1, 2, 4):
        n += 1
        add("3.%d" % n, "rsv", "5.2", "%s frame with RSV=%d -> 1002" % (kind, rsv),
            one(mk(rsv)), Fail())
n += 1
add("3.%d" % n, "rsv", "5.2, 7.1.7", "RSV=1 text then a ping -> 1002, the ping not answered",
    one([T("rsv", rsv=1), PING(b"must not pong")]), Fail())

# ---------------------------------------------------------------------------------------------
# 4. Reserved opcodes -> 1002 (5.2: unknown opcode fails the connection)

n = 0
for op in list(range(3, 8)) + list(range(11, 16)):
    n += 1
    add("4.%d" % n, "opcode", "5.2", "reserved opcode %d, empty -> 1002" % op,
        one([Frame(op, b"")]), Fail())
    n += 1
    add("4.%d" % n, "opcode", "5.2", "reserved opcode %d with payload -> 1002" % op,
        one([Frame(op, b"reserved opcode payload")]), Fail())
for op in (3, 11):
    n += 1
    add("4.%d" % n, "opcode", "5.2", "reserved opcode %d, FIN=0 -> 1002" % op,
        one([Frame(op, b"x", fin=False)]), Fail())
n += 1
add("4.%d" % n, "opcode", "5.2, 7.1.7", "reserved opcode 5 then a ping -> 1002, no pong",
    one([Frame(5, b""), PING(b"must not pong")]), Fail())

# ---------------------------------------------------------------------------------------------
# 5. Fragmentation (5.4)

fr = [
    ("5.4, 5.5", "fragmented ping (FIN=0 + continuation) -> 1002",
     one([Frame(OP_PING, b"frag", fin=False), C("ment")]), Fail()),
    ("5.4, 5.5", "fragmented pong -> 1002",
     one([Frame(OP_PONG, b"frag", fin=False), C("ment")]), Fail()),
    ("5.4, 5.5", "fragmented close -> 1002",
     one([Frame(OP_CLOSE, close_payload(1000), fin=False), C(b"")]), Fail()),
    ("5.4", "text in two fragments echoed as one message",
     one([T("frag", fin=False), C("ment")], [et("fragment")]), Ok()),
    ("5.4", "text in two fragments sent byte by byte",
     one([T("frag", fin=False), C("ment")], [et("fragment")], 1), Ok()),
    ("5.4", "binary in three fragments",
     one([B(b"\x00\x01", fin=False), C(b"\x02", fin=False), C(b"\xff")], [eb(b"\x00\x01\x02\xff")]),
     Ok()),
    ("5.4, 5.5.2", "ping between two fragments: pong first, then the message",
     one([T("frag", fin=False), PING(b"between"), C("ment")], [ep(b"between"), et("fragment")]),
     Ok()),
    ("5.4, 5.5.2", "ping between fragments, all sent byte by byte",
     one([T("frag", fin=False), PING(b"between"), C("ment")], [ep(b"between"), et("fragment")], 1),
     Ok()),
    ("5.4, 5.5.2", "ping after the first fragment answered before the rest is sent",
     [Step([T("frag", fin=False), PING(b"early")], [ep(b"early")]), Step([C("ment")], [et("fragment")])],
     Ok()),
    ("5.4, 5.5.3", "unsolicited pong between fragments is ignored",
     one([T("frag", fin=False), PONG(b"x"), C("ment")], [et("fragment")]), Ok()),
    ("5.4", "two pings between three fragments",
     one([T("a", fin=False), PING(b"1"), C("b", fin=False), PING(b"2"), C("c")],
         [ep(b"1"), ep(b"2"), et("abc")]), Ok()),
    ("5.4", "continuation with FIN=1 and nothing to continue -> 1002", one([C("orphan")]), Fail()),
    ("5.4", "continuation with FIN=0 and nothing to continue -> 1002",
     one([C("orphan", fin=False)]), Fail()),
    ("5.4", "continuation chain with nothing to continue (FIN=0, 0, 1) -> 1002",
     one([C("a", fin=False), C("b", fin=False), C("c")]), Fail()),
    ("5.4", "complete text then a continuation -> echo, then 1002",
     one([T("whole"), C("orphan")], [et("whole")]), Fail()),
    ("5.4", "new text frame (FIN=1) inside a fragmented text message -> 1002",
     one([T("start", fin=False), T("intruder")]), Fail()),
    ("5.4", "new binary frame (FIN=0) inside a fragmented text message -> 1002",
     one([T("start", fin=False), B(b"intruder", fin=False), C("end")]), Fail()),
    ("5.4", "new text frame inside a fragmented binary message -> 1002",
     one([B(b"start", fin=False), T("intruder", fin=False), C(b"end")]), Fail()),
    ("5.4", "1000 one-byte fragments form one message",
     one([T(b"a", fin=False)] + [C(b"b", fin=False)] * 998 + [C(b"c")],
         [et(b"a" + b"b" * 998 + b"c")]), Ok()),
    ("5.4, 5.6", "three empty fragments: empty text message",
     one([T("", fin=False), C("", fin=False), C("")], [et("")]), Ok()),
    ("5.4, 5.6", "empty, non-empty, empty fragments",
     one([T("", fin=False), C("middle", fin=False), C("")], [et("middle")]), Ok()),
    ("5.4", "text made of 1000 empty continuation frames around one byte",
     one([T(b"", fin=False)] + [C(b"", fin=False)] * 500 + [C(b"x", fin=False)]
         + [C(b"", fin=False)] * 499 + [C(b"")], [et("x")]), Ok()),
    ("5.4", "binary started with an empty fragment",
     one([B(b"", fin=False), C(b"\x01\x02")], [eb(b"\x01\x02")]), Ok()),
    ("5.4", "fragmented message then an unfragmented one",
     one([T("one", fin=False), C(" two"), T("three")], [et("one two"), et("three")]), Ok()),
    ("5.4", "64 KiB text in 16 fragments of 4 KiB",
     one([T(text_of(65536)[:4096], fin=False)]
         + [C(text_of(65536)[i:i + 4096], fin=(i == 61440)) for i in range(4096, 65536, 4096)],
         [et(text_of(65536))]), Ok()),
]
for i, (rfc, desc, steps, end) in enumerate(fr, 1):
    add("5.%d" % i, "fragmentation", rfc, desc, steps, end)

# ---------------------------------------------------------------------------------------------
# 6. UTF-8 in text messages (5.6, 8.1): invalid -> 1007

VALID = [
    ("kosme: Greek word", "κόσμε".encode()),
    ("U+0000 (NUL byte)", b"\x00"),
    ("U+007F, last 1-byte", b"\x7f"),
    ("U+0080, first 2-byte", b"\xc2\x80"),
    ("U+07FF, last 2-byte", b"\xdf\xbf"),
    ("U+0800, first 3-byte", b"\xe0\xa0\x80"),
    ("U+FFFF, last 3-byte (noncharacter, valid)", b"\xef\xbf\xbf"),
    ("U+10000, first 4-byte", b"\xf0\x90\x80\x80"),
    ("U+10FFFF, last code point", b"\xf4\x8f\xbf\xbf"),
    ("U+D7FF, just below the surrogates", b"\xed\x9f\xbf"),
    ("U+E000, just above the surrogates", b"\xee\x80\x80"),
    ("U+FFFD, replacement character", b"\xef\xbf\xbd"),
    ("U+FFFE (noncharacter, valid)", b"\xef\xbf\xbe"),
    ("U+FDD0 (noncharacter, valid)", b"\xef\xb7\x90"),
    ("U+FDEF (noncharacter, valid)", b"\xef\xb7\xaf"),
    ("U+1FFFE (noncharacter, valid)", b"\xf0\x9f\xbf\xbe"),
    ("U+10FFFE (noncharacter, valid)", b"\xf4\x8f\xbf\xbe"),
    ("U+FEFF byte order mark inside text", b"a\xef\xbb\xbfb"),
    ("mixed scripts", "Hello-µ@ßöäüàá-UTF-8!! ∑ 日本語 🎉".encode()),
    ("every 1-byte code point", bytes(range(128))),
    ("two-byte boundary run U+0080..U+00FF", "".join(chr(c) for c in range(0x80, 0x100)).encode()),
    ("code points around U+FFFF and U+10000", "\ufffc\ufffd\U00010000\U00010001".encode()),
]
INVALID = [
    # unexpected continuation bytes
    ("lone continuation byte 0x80", b"\x80"),
    ("lone continuation byte 0xBF", b"\xbf"),
    ("two continuation bytes", b"\x80\xbf"),
    ("three continuation bytes", b"\x80\xbf\x80"),
    ("seven continuation bytes", b"\x80\xbf\x80\xbf\x80\xbf\x80"),
    ("all 64 continuation bytes", bytes(range(0x80, 0xc0))),
    ("continuation byte after kosme", "κόσμε".encode() + b"\x80"),
    # lonely start bytes followed by a space
    ("2-byte starts 0xC0..0xDF each followed by space", b"".join(bytes([c, 0x20]) for c in range(0xc0, 0xe0))),
    ("3-byte starts 0xE0..0xEF each followed by space", b"".join(bytes([c, 0x20]) for c in range(0xe0, 0xf0))),
    ("4-byte starts 0xF0..0xF7 each followed by space", b"".join(bytes([c, 0x20]) for c in range(0xf0, 0xf8))),
    ("5-byte starts 0xF8..0xFB each followed by space", b"".join(bytes([c, 0x20]) for c in range(0xf8, 0xfc))),
    ("6-byte starts 0xFC..0xFD each followed by space", b"\xfc \xfd "),
    ("start byte 0xC2 followed by space", b"\xc2 "),
    ("start byte 0xE1 followed by space", b"\xe1 "),
    ("start byte 0xF1 followed by space", b"\xf1 "),
    # sequences with the last continuation byte missing (at the end of the message)
    ("truncated 2-byte U+0000 form C0", b"\xc0"),
    ("truncated 3-byte E0 80", b"\xe0\x80"),
    ("truncated 4-byte F0 80 80", b"\xf0\x80\x80"),
    ("truncated 5-byte F8 80 80 80", b"\xf8\x80\x80\x80"),
    ("truncated 6-byte FC 80 80 80 80", b"\xfc\x80\x80\x80\x80"),
    ("truncated 2-byte DF", b"\xdf"),
    ("truncated 3-byte EF BF", b"\xef\xbf"),
    ("truncated 4-byte F4 8F BF", b"\xf4\x8f\xbf"),
    ("truncated valid 2-byte C3 at end", b"caf\xc3"),
    ("truncated valid 3-byte E2 82 at end", b"price \xe2\x82"),
    ("truncated valid 4-byte F0 9D 84 at end", b"clef \xf0\x9d\x84"),
    ("all truncated sequences concatenated",
     b"\xc0\xe0\x80\xf0\x80\x80\xf8\x80\x80\x80\xfc\x80\x80\x80\x80\xdf\xef\xbf\xf7\xbf\xbf"),
    # impossible bytes
    ("byte 0xFE", b"\xfe"),
    ("byte 0xFF", b"\xff"),
    ("bytes FE FE FF FF", b"\xfe\xfe\xff\xff"),
    ("byte 0xF5 (beyond U+10FFFF)", b"\xf5\x80\x80\x80"),
    ("byte 0xC1 (always overlong)", b"\xc1\x81"),
    # overlong forms
    ("overlong '/' in 2 bytes", b"\xc0\xaf"),
    ("overlong '/' in 3 bytes", b"\xe0\x80\xaf"),
    ("overlong '/' in 4 bytes", b"\xf0\x80\x80\xaf"),
    ("overlong '/' in 5 bytes", b"\xf8\x80\x80\x80\xaf"),
    ("overlong '/' in 6 bytes", b"\xfc\x80\x80\x80\x80\xaf"),
    ("maximum overlong 2-byte C1 BF", b"\xc1\xbf"),
    ("maximum overlong 3-byte E0 9F BF", b"\xe0\x9f\xbf"),
    ("maximum overlong 4-byte F0 8F BF BF", b"\xf0\x8f\xbf\xbf"),
    ("maximum overlong 5-byte", b"\xf8\x87\xbf\xbf\xbf"),
    ("maximum overlong 6-byte", b"\xfc\x83\xbf\xbf\xbf\xbf"),
    ("overlong NUL in 2 bytes", b"\xc0\x80"),
    ("overlong NUL in 3 bytes", b"\xe0\x80\x80"),
    ("overlong NUL in 4 bytes", b"\xf0\x80\x80\x80"),
    ("overlong NUL in 5 bytes", b"\xf8\x80\x80\x80\x80"),
    ("overlong NUL in 6 bytes", b"\xfc\x80\x80\x80\x80\x80"),
    # beyond U+10FFFF
    ("U+110000 (F4 90 80 80)", b"\xf4\x90\x80\x80"),
    ("U+1FFFFF (F7 BF BF BF)", b"\xf7\xbf\xbf\xbf"),
    ("5-byte U+200000", b"\xf8\x88\x80\x80\x80"),
    ("6-byte U+4000000", b"\xfc\x84\x80\x80\x80\x80"),
    ("last 5-byte FB BF BF BF BF", b"\xfb\xbf\xbf\xbf\xbf"),
    ("last 6-byte FD BF BF BF BF BF", b"\xfd\xbf\xbf\xbf\xbf\xbf"),
    # UTF-16 surrogates
    ("surrogate U+D800", b"\xed\xa0\x80"),
    ("surrogate U+DB7F", b"\xed\xad\xbf"),
    ("surrogate U+DB80", b"\xed\xae\x80"),
    ("surrogate U+DBFF", b"\xed\xaf\xbf"),
    ("surrogate U+DC00", b"\xed\xb0\x80"),
    ("surrogate U+DF80", b"\xed\xbe\x80"),
    ("surrogate U+DFFF", b"\xed\xbf\xbf"),
    ("surrogate pair U+D800 U+DC00", b"\xed\xa0\x80\xed\xb0\x80"),
    ("surrogate pair U+D800 U+DFFF", b"\xed\xa0\x80\xed\xbf\xbf"),
    ("surrogate pair U+DB7F U+DC00", b"\xed\xad\xbf\xed\xb0\x80"),
    ("surrogate pair U+DB7F U+DFFF", b"\xed\xad\xbf\xed\xbf\xbf"),
    ("surrogate pair U+DB80 U+DC00", b"\xed\xae\x80\xed\xb0\x80"),
    ("surrogate pair U+DB80 U+DFFF", b"\xed\xae\x80\xed\xbf\xbf"),
    ("surrogate pair U+DBFF U+DC00", b"\xed\xaf\xbf\xed\xb0\x80"),
    ("surrogate pair U+DBFF U+DFFF", b"\xed\xaf\xbf\xed\xbf\xbf"),
    ("surrogate inside kosme", "κόσμε".encode() + b"\xed\xa0\x80" + b"edited"),
    ("valid text then 0xFF in the middle of a long message", text_of(1000) + b"\xff" + text_of(1000)),
]
n = 0
for desc, data in VALID:
    n += 1
    add("6.%d" % n, "utf8", "5.6, 8.1", "valid UTF-8 echoed: %s" % desc,
        one([T(data)], [et(data)]), Ok())
for desc, data in INVALID:
    n += 1
    add("6.%d" % n, "utf8", "5.6, 8.1", "invalid UTF-8 -> 1007: %s" % desc,
        one([T(data)]), Fail((1007,)))

# Valid code points split across fragments at every position.
for cp in ["é", "€", "𝄞", "\U0010ffff"]:
    enc = cp.encode()
    whole = b"a" + enc + b"b"
    for cut in range(1, len(enc)):
        n += 1
        add("6.%d" % n, "utf8", "5.4, 8.1",
            "U+%04X split after byte %d of %d across two fragments -> echo" % (ord(cp), cut, len(enc)),
            one([T(b"a" + enc[:cut], fin=False), C(enc[cut:] + b"b")], [et(whole)]), Ok())
for desc, data in [("kosme", "κόσμε".encode()), ("4-, 3-, 2-byte mix", "𝄞€é".encode())]:
    n += 1
    add("6.%d" % n, "utf8", "5.4, 8.1", "%s sent one byte per fragment -> echo" % desc,
        one([T(data[:1], fin=False)] + [C(data[i:i + 1], fin=(i == len(data) - 1))
                                        for i in range(1, len(data))], [et(data)]), Ok())
# Invalid sequences split across fragments.
for desc, a, b in [("surrogate ED | A0 80", b"x\xed", b"\xa0\x80y"),
                   ("U+110000 F4 | 90 80 80", b"x\xf4", b"\x90\x80\x80"),
                   ("overlong C0 | AF", b"x\xc0", b"\xafy"),
                   ("overlong F0 80 | 80 AF", b"x\xf0\x80", b"\x80\xaf"),
                   ("truncated: 'a' | E2 82 at the end of the message", b"a", b"\xe2\x82")]:
    n += 1
    add("6.%d" % n, "utf8", "5.4, 8.1", "invalid across fragments -> 1007: %s" % desc,
        one([T(a, fin=False), C(b)]), Fail((1007,)))
n += 1
bad = "κό".encode() + b"\xed\xa0\x80" + "σμε".encode()
add("6.%d" % n, "utf8", "5.4, 8.1", "kosme with a surrogate, one byte per fragment -> 1007",
    one([T(bad[:1], fin=False)] + [C(bad[i:i + 1], fin=(i == len(bad) - 1))
                                   for i in range(1, len(bad))]), Fail((1007,)))
# The validator's state belongs to one text message: it neither leaks from a binary message nor
# across messages.
n += 1
add("6.%d" % n, "utf8", "5.6, 8.1", "binary ending in E2 82, then text starting with AC -> echo, then 1007",
    one([B(b"\xe2\x82"), T(b"\xac")], [eb(b"\xe2\x82")]), Fail((1007,)))
n += 1
add("6.%d" % n, "utf8", "5.6, 8.1", "text ending valid, next text starts with a continuation byte -> echo, then 1007",
    one([T("café"), T(b"\xa9 more")], [et("café")]), Fail((1007,)))
n += 1
add("6.%d" % n, "utf8", "5.6", "binary message that is not UTF-8 (FF FE ED A0 80) is echoed, not validated",
    one([B(b"\xff\xfe\xed\xa0\x80")], [eb(b"\xff\xfe\xed\xa0\x80")]), Ok())
n += 1
add("6.%d" % n, "utf8", "5.6, 8.1", "after an invalid-free fragmented text, a fresh text is validated from scratch",
    one([T(b"\xe2\x82", fin=False), C(b"\xac"), T(b"\xe2\x82\xac")], [et("€"), et("€")]), Ok())

# A partial code point at the end of a fragment is no error: the ping behind it must be answered
# (so the server has processed the fragment) and the message completes later.
for desc, parts in [("E2 | 82 AC (U+20AC)", [b"\xe2", b"\x82\xac"]),
                    ("F0 | 9D | 84 | 9E (U+1D11E), a ping after each byte", [b"\xf0", b"\x9d", b"\x84", b"\x9e"]),
                    ("CE | BA (kappa), a ping in between", [b"\xce", b"\xba"])]:
    n += 1
    steps = [Step([T(parts[0], fin=False), PING(b"p0")], [ep(b"p0")])]
    for k, p in enumerate(parts[1:-1], 1):
        steps.append(Step([C(p, fin=False), PING(b"p%d" % k)], [ep(b"p%d" % k)]))
    steps.append(Step([C(parts[-1])], [et(b"".join(parts))]))
    add("6.%d" % n, "utf8", "5.4, 8.1",
        "partial code point at a fragment end is not an error (pings answered meanwhile): %s" % desc,
        steps, Ok())

# Fail fast: the invalid fragment is not the last; a ping sent behind it must not be answered,
# since the connection must fail as soon as the invalid sequence is seen.
for desc, frags in [("0xFF in the first fragment", [b"\xff"]),
                    ("0xC0 start byte in the first fragment", [b"ok \xc0"]),
                    ("F4 90 (beyond U+10FFFF) in the first fragment", [b"ok \xf4\x90"]),
                    ("ED A0 (surrogate) in the first fragment", [b"ok \xed\xa0"]),
                    ("valid first fragment, surrogate in the second", ["κόσμε".encode(), b"\xed\xa0\x80"]),
                    ("overlong E0 80 split over the first two fragments", [b"ok \xe0", b"\x80"]),
                    ("E2 82 then 'A' (continuation expected)", [b"ok \xe2\x82A"])]:
    n += 1
    sends = [T(frags[0], fin=False)] + [C(f, fin=False) for f in frags[1:]]
    add("6.%d" % n, "utf8", "8.1, 7.1.7",
        "fail fast -> 1007 before the message ends, ping behind it unanswered: %s" % desc,
        one(sends + [PING(b"too late")]), Fail((1007,)))

# ---------------------------------------------------------------------------------------------
# 7. Closing (5.5.1, 7.1, 7.4)

cl = [
    ("5.5.1, 7.1.1", "close 1000: Close reply, then the server closes TCP",
     one([CLOSE(1000)]), Ok({1000})),
    ("5.5.1", "close without payload: Close reply (no code, or 1000)",
     one([CLOSE()]), Ok({None, 1000})),
    ("5.5.1", "close 1000 with reason: Close reply 1000",
     one([CLOSE(1000, b"goodbye")]), Ok({1000})),
    ("5.5", "close 1000 with 123-byte reason (125-byte payload): Close reply 1000",
     one([CLOSE(1000, b"r" * 123)]), Ok({1000})),
    ("5.5.1", "close 1000 with 123-byte UTF-8 reason (41 x U+20AC)",
     one([CLOSE(1000, "€".encode() * 41)]), Ok({1000})),
    ("5.5.1", "close frame sent byte by byte", one([CLOSE(1000, b"bye")], chop=1), Ok({1000})),
    ("5.5.1", "close with a 1-byte payload -> 1002 (or TCP close)",
     one([Frame(OP_CLOSE, b"\x03")]), Fail((1002,), True)),
    ("5.5", "close with 124-byte reason (126-byte payload) -> 1002 (or TCP close)",
     one([CLOSE(1000, b"r" * 124)]), Fail((1002,), True)),
    ("5.5.1, 8.1", "close reason not UTF-8 -> 1007 (or TCP close)",
     one([CLOSE(1000, b"bad \xff reason")]), Fail((1007,), True)),
    ("5.5.1, 8.1", "close reason with a surrogate -> 1007 (or TCP close)",
     one([CLOSE(1000, b"\xed\xa0\x80")]), Fail((1007,), True)),
    ("5.5.1, 8.1", "close reason with a truncated code point -> 1007 (or TCP close)",
     one([CLOSE(1000, b"caf\xc3")]), Fail((1007,), True)),
    ("5.5.1, 1.4", "two close frames in one write: one Close reply, then TCP close",
     one([CLOSE(1000), CLOSE(1001)]), Ok({1000})),
    ("1.4, 5.5.1", "ping after close is not answered",
     one([CLOSE(1000), PING(b"after close")]), Ok({1000})),
    ("1.4, 5.5.1", "text after close is not echoed",
     one([CLOSE(1000), T("after close")]), Ok({1000})),
    ("5.4, 5.5.1", "close in the middle of a fragmented message: Close reply 1000",
     one([T("start", fin=False), CLOSE(1000)]), Ok({1000})),
    ("5.5.1, 1.4", "256 KiB message, close, ping in one write: echo, Close, no pong",
     one([B(pattern(262144)), CLOSE(1000), PING(b"late")], [eb(pattern(262144))]), Ok({1000})),
]
for code in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
             3000, 3001, 3999, 4000, 4001, 4999]:
    cl.append(("7.4.1, 7.4.2" if code < 3000 else "7.4.2",
               "valid close code %d: Close reply (%d or 1000)" % (code, code),
               one([CLOSE(code, b"code %d" % code)]), Ok({code, 1000})))
for code in [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]:
    cl.append(("7.4.1, 7.4.2", "invalid close code %d -> 1002 (or TCP close)" % code,
               one([CLOSE(code)]), Fail((1002,), True)))
for i, (rfc, desc, steps, end) in enumerate(cl, 1):
    add("7.%d" % i, "close", rfc, desc, steps, end)


def half_close(url, timeout):
    """The client ends its side of TCP (FIN) without a Close frame: abnormal closure (7.1.5,
    code 1006, never sent). The server may still send the echo and a Close frame, but must
    then close the TCP connection rather than keep a connection nobody can close."""
    import socket as _socket
    conn = open_ws(url, timeout)
    try:
        conn.send(T("before FIN").encode())
        conn.sock.shutdown(_socket.SHUT_WR)
        seen = []
        for _ in range(10):
            ev = conn.read_event()
            if ev[0] == "eof":
                return None
            if ev[0] == "timeout":
                return "the server kept the connection open after the client's FIN (got %s)" % seen
            seen.append(ev[0])
            if ev[0] not in ("text", "close"):
                return "unexpected %s after the client's FIN" % ev[0]
        return "too many frames after the client's FIN"
    finally:
        conn.close()


add("7.%d" % (len(cl) + 1), "close", "7.1.5, 7.1.7",
    "client TCP FIN without a Close frame: the server closes the connection", fn=half_close)

# ---------------------------------------------------------------------------------------------
# 8. Masking (5.1, 5.3). 5.1: the server MUST close the connection on an unmasked frame and MAY
# send Close 1002 first, so a TCP close without a Close frame passes too.

mk = [
    ("5.1", "unmasked text frame -> 1002 (or TCP close)",
     one([T("unmasked", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked empty text frame -> 1002 (or TCP close)",
     one([T("", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked binary frame -> 1002 (or TCP close)",
     one([B(b"unmasked", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked ping -> 1002 (or TCP close), no pong",
     one([PING(b"unmasked", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked pong -> 1002 (or TCP close)",
     one([PONG(b"unmasked", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked close -> 1002 (or TCP close)",
     one([CLOSE(1000, mask=False)]), Fail((1002,), True)),
    ("5.1", "masked first fragment, unmasked continuation -> 1002 (or TCP close)",
     one([T("masked", fin=False), C("unmasked", mask=False)]), Fail((1002,), True)),
    ("5.1", "unmasked 64 KiB binary frame -> 1002 (or TCP close)",
     one([B(pattern(65536), mask=False)]), Fail((1002,), True)),
    ("5.3", "each frame with its own masking key",
     one([T("k1", mask_key=b"\x01\x02\x03\x04"), T("k2", mask_key=b"\xff\xfe\xfd\xfc")],
         [et("k1"), et("k2")]), Ok()),
]
for i, (rfc, desc, steps, end) in enumerate(mk, 1):
    add("8.%d" % i, "masking", rfc, desc, steps, end)

# ---------------------------------------------------------------------------------------------
# 9. Large messages (5.4: no limit in the protocol; here every size must be echoed)

MiB = 1 << 20


def fragmented(op, data, size):
    parts = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
    return [Frame(op if i == 0 else OP_CONT, p, fin=(i == len(parts) - 1)) for i, p in enumerate(parts)]


BIG1 = pattern(MiB, 5)
BIG8 = pattern(8 * MiB, 9)
TXT1 = text_of(MiB)
UTF1 = utf8_text_of(MiB)
lg = [
    ("5.6", "text 256 KiB", one([T(text_of(256 << 10))], [et(text_of(256 << 10))])),
    ("5.6", "text 1 MiB", one([T(TXT1)], [et(TXT1)])),
    ("5.6", "binary 1 MiB", one([B(BIG1)], [eb(BIG1)])),
    ("5.6", "binary 4 MiB", one([B(BIG8[:4 * MiB])], [eb(BIG8[:4 * MiB])])),
    ("5.6", "binary 8 MiB", one([B(BIG8)], [eb(BIG8)])),
    ("5.4", "binary 1 MiB in frames of 64 bytes", one(fragmented(OP_BINARY, BIG1, 64), [eb(BIG1)])),
    ("5.4", "binary 1 MiB in frames of 1000 bytes", one(fragmented(OP_BINARY, BIG1, 1000), [eb(BIG1)])),
    ("5.4", "binary 1 MiB in frames of 64 KiB", one(fragmented(OP_BINARY, BIG1, 65536), [eb(BIG1)])),
    ("5.4", "binary 8 MiB in frames of 64 KiB", one(fragmented(OP_BINARY, BIG8, 65536), [eb(BIG8)])),
    ("5.4", "binary 8 MiB in frames of 1 MiB", one(fragmented(OP_BINARY, BIG8, MiB), [eb(BIG8)])),
    ("5.4, 8.1", "multi-byte UTF-8 text of 1 MiB in frames of 1000 bytes (code points split)",
     one(fragmented(OP_TEXT, UTF1, 1000), [et(UTF1)])),
    ("5.2", "binary 1 MiB sent in 1021-byte TCP chops", one([B(BIG1)], [eb(BIG1)], 1021)),
    ("5.4, 5.5.2", "binary 1 MiB in 64 KiB fragments with a ping after each fragment",
     one([f for k, fr in enumerate(fragmented(OP_BINARY, BIG1, 65536))
          for f in ([fr, PING(b"frag %d" % k)] if k < 15 else [fr])],
         [("pongs", [b"frag %d" % k for k in range(15)]), eb(BIG1)])),
    ("5.6", "32 messages of 1 MiB in one write (32 MiB): all echoed in order",
     one([B(BIG8[i * 65536:i * 65536 + MiB]) for i in range(32)],
         [eb(BIG8[i * 65536:i * 65536 + MiB]) for i in range(32)])),
    ("5.6", "ten 100 KiB messages in one write",
     one([B(pattern(102400, i)) for i in range(10)], [eb(pattern(102400, i)) for i in range(10)])),
]
for i, (rfc, desc, steps) in enumerate(lg, 1):
    add("9.%d" % i, "limits", rfc, desc, steps, Ok())

# ---------------------------------------------------------------------------------------------
# 10. Ordering: frames are processed in order. What came before a bad frame is processed
# (echoed) before the Close; a message followed at once by a Close is echoed before the Close
# reply (6.2: a received message is delivered; 7.1.7; 5.5.1: a Close may be delayed until the
# current message is sent, and nothing after it is processed).

od = [
    ("6.2, 7.1.7", "text then RSV=1 text in one write -> echo, then 1002",
     one([T("valid first"), T("rsv", rsv=1)], [et("valid first")]), Fail()),
    ("6.2, 7.1.7", "binary then RSV=4 binary in one write -> echo, then 1002",
     one([B(b"valid first"), B(b"rsv", rsv=4)], [eb(b"valid first")]), Fail()),
    ("6.2, 7.1.7", "text then reserved opcode 3 -> echo, then 1002",
     one([T("valid first"), Frame(3, b"")], [et("valid first")]), Fail()),
    ("6.2, 7.1.7", "text then reserved opcode 11 -> echo, then 1002",
     one([T("valid first"), Frame(11, b"")], [et("valid first")]), Fail()),
    ("6.2, 5.1", "text then an unmasked text -> echo, then 1002 (or TCP close, 5.1)",
     one([T("valid first"), T("unmasked", mask=False)], [et("valid first")]), Fail((1002,), True)),
    ("6.2, 7.1.7", "text then an orphan continuation -> echo, then 1002",
     one([T("valid first"), C("orphan")], [et("valid first")]), Fail()),
    ("6.2, 7.1.7", "text then a 126-byte ping -> echo, then 1002",
     one([T("valid first"), PING(pattern(126))], [et("valid first")]), Fail()),
    ("6.2, 7.1.7", "text then a fragmented ping -> echo, then 1002",
     one([T("valid first"), Frame(OP_PING, b"x", fin=False), C("y")], [et("valid first")]), Fail()),
    ("6.2, 8.1", "text then an invalid UTF-8 text -> echo, then 1007",
     one([T("valid first"), T(b"\xff")], [et("valid first")]), Fail((1007,))),
    ("6.2, 7.1.7", "text then a non-minimal length frame -> echo, then 1002",
     one([T("valid first"), T("x", len_form=16)], [et("valid first")]), Fail()),
    ("5.5.2, 7.1.7", "ping then RSV=2 text -> pong, then 1002",
     one([PING(b"first"), T("rsv", rsv=2)], [ep(b"first")]), Fail()),
    ("6.2, 7.4", "text then close code 1005 -> echo, then 1002 (or TCP close)",
     one([T("valid first"), CLOSE(1005)], [et("valid first")]), Fail((1002,), True)),
    ("6.2, 5.5.1", "text followed at once by close -> echo, then Close reply",
     one([T("last words"), CLOSE(1000)], [et("last words")]), Ok({1000})),
    ("6.2, 5.5.1", "binary followed at once by close -> echo, then Close reply",
     one([B(b"last bytes"), CLOSE(1000)], [eb(b"last bytes")]), Ok({1000})),
    ("6.2, 5.5.1", "fragmented text followed at once by close -> echo, then Close reply",
     one([T("last ", fin=False), C("words"), CLOSE(1000)], [et("last words")]), Ok({1000})),
    ("6.2, 5.5.1", "three messages followed at once by close -> three echoes, then Close",
     one([T("one"), T("two"), T("three"), CLOSE(1000)], [et("one"), et("two"), et("three")]),
     Ok({1000})),
    ("6.2, 5.5.1", "64 KiB text followed at once by close -> echo, then Close",
     one([T(text_of(65536)), CLOSE(1000)], [et(text_of(65536))]), Ok({1000})),
    ("5.5.2, 5.5.1", "ping followed at once by close -> pong, then Close reply",
     one([PING(b"last ping"), CLOSE(1000)], [ep(b"last ping")]), Ok({1000})),
    ("6.2, 5.5.1", "text then close 3000 at once -> echo, then Close (3000 or 1000)",
     one([T("last words"), CLOSE(3000, b"app close")], [et("last words")]), Ok({3000, 1000})),
]
for i, (rfc, desc, steps, end) in enumerate(od, 1):
    add("10.%d" % i, "ordering", rfc, desc, steps, end)

CATEGORIES = []
for c in CASES:
    if c.cat not in CATEGORIES:
        CATEGORIES.append(c.cat)

_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), "duplicate case ids"
