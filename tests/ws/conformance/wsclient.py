# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""A raw WebSocket client for the conformance suite (RFC 6455), standard library only.

It writes whatever frames a case asks for, valid or not (any opcode, RSV bits, masking, length
encoding, TCP chops), and reads the server's frames strictly: every server frame is checked
against the RFC (unmasked, RSV 0, known opcode, control frames short and unfragmented, text and
close reasons valid UTF-8), so a server that answers with a broken frame fails the case.
Every wait is bounded by the connection's deadline.
"""
import base64
import hashlib
import os
import select
import socket
import struct
import time
import urllib.parse

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def accept_for(key):
    """The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 section 4.2.2)."""
    if isinstance(key, str):
        key = key.encode("ascii")
    return base64.b64encode(hashlib.sha1(key + GUID).digest()).decode("ascii")


def new_key():
    return base64.b64encode(os.urandom(16)).decode("ascii")


def mask_bytes(payload, key):
    """XORs @p payload with the 4-byte @p key (fast for large payloads)."""
    n = len(payload)
    if n == 0:
        return b""
    reps = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(reps, "little")).to_bytes(n, "little")


class Frame:
    """One frame as the client sends it. Everything can be wrong on purpose:
    rsv: the three RSV bits as a number 0..7; mask: whether the MASK bit is set;
    len_form: None (minimal), 7, 16 or 64 (which length encoding to use);
    length: the declared payload length when it must differ from len(payload)."""

    def __init__(self, opcode, payload=b"", fin=True, rsv=0, mask=True, len_form=None,
                 length=None, mask_key=None):
        self.opcode, self.payload, self.fin, self.rsv = opcode, bytes(payload), fin, rsv
        self.mask, self.len_form, self.length, self.mask_key = mask, len_form, length, mask_key

    def encode(self):
        b0 = (0x80 if self.fin else 0) | ((self.rsv & 7) << 4) | (self.opcode & 0x0F)
        n = len(self.payload) if self.length is None else self.length
        form = self.len_form
        if form is None:
            form = 7 if n < 126 else 16 if n < 65536 else 64
        mbit = 0x80 if self.mask else 0
        if form == 7:
            head = bytes([b0, mbit | n])
        elif form == 16:
            head = bytes([b0, mbit | 126]) + struct.pack("!H", n)
        else:
            head = bytes([b0, mbit | 127]) + struct.pack("!Q", n)
        if not self.mask:
            return head + self.payload
        key = self.mask_key if self.mask_key is not None else os.urandom(4)
        return head + key + mask_bytes(self.payload, key)

    def __repr__(self):
        return "Frame(op=%d, len=%d, fin=%s, rsv=%d, mask=%s)" % (
            self.opcode, len(self.payload), self.fin, self.rsv, self.mask)


class Raw:
    """Bytes sent as they are."""

    def __init__(self, data):
        self.data = bytes(data)

    def encode(self):
        return self.data


def close_payload(code=None, reason=b""):
    if code is None:
        return b""
    return struct.pack("!H", code) + reason


class ProtocolViolation(Exception):
    """The server sent something RFC 6455 forbids."""


class HandshakeError(Exception):
    pass


def parse_url(url):
    u = urllib.parse.urlsplit(url)
    if u.scheme != "ws":
        raise ValueError("only ws:// URLs are supported: %r" % url)
    host = u.hostname or "127.0.0.1"
    port = u.port or 80
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    hostport = host if port == 80 else "%s:%d" % (host, port)
    return host, port, path, hostport


def utf8_ok(data):
    try:
        data.decode("utf-8", "strict")  # Python's codec rejects surrogates, overlongs, > U+10FFFF
        return True
    except UnicodeDecodeError:
        return False


VALID_CLOSE_CODES = set(range(1000, 1004)) | set(range(1007, 1015)) | set(range(3000, 5000))


class Conn:
    """A TCP connection with a deadline; reads raw bytes into a buffer."""

    def __init__(self, host, port, timeout):
        self.deadline = time.monotonic() + timeout
        self.sock = socket.create_connection((host, port), timeout=max(0.1, timeout))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.eof = False  # the server closed its side (or reset)
        self.reset = False
        self.send_failed = False
        # message assembly state for server frames
        self.frag_op = None
        self.frag_data = bytearray()

    def left(self):
        return self.deadline - time.monotonic()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _recv_some(self, wait):
        """Reads what is there (waiting at most @p wait seconds). False on timeout."""
        if self.eof:
            return True
        r, _, _ = select.select([self.sock], [], [], max(0.0, wait))
        if not r:
            return False
        try:
            data = self.sock.recv(1 << 20)
        except (ConnectionResetError, ConnectionAbortedError):
            self.eof = self.reset = True
            return True
        if not data:
            self.eof = True
        self.buf += data
        return True

    def fill(self):
        """Waits for more bytes until the deadline. False on timeout (True on data or EOF)."""
        while True:
            w = self.left()
            if w <= 0:
                return False
            if self._recv_some(min(w, 1.0)):
                return True

    def send(self, data, chop=None):
        """Sends @p data (in @p chop-sized writes when given), reading meanwhile so that a
        server that answers while we write cannot deadlock us. Returns False when the server
        closed or reset the connection first (the rest is then dropped), or on the deadline."""
        if self.send_failed:
            return False
        view = memoryview(data)
        chunk = chop or (1 << 16)
        pos = 0
        while pos < len(view):
            end = min(len(view), pos + chunk)
            while pos < end:
                w = self.left()
                if w <= 0:
                    return False
                r, wr, _ = select.select([] if self.eof else [self.sock], [self.sock], [], min(w, 1.0))
                if r:
                    self._recv_some(0)
                if wr:
                    try:
                        pos += self.sock.send(view[pos:end])
                    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                        self.send_failed = True
                        return False
        return True

    # -- HTTP -------------------------------------------------------------------------------

    def read_http_head(self, limit=65536):
        """Reads a response head. Returns (version, status, reason, headers) with headers a list
        of (lower-case name, value); raises HandshakeError on EOF/timeout/garbage."""
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > limit:
                raise HandshakeError("response head longer than %d bytes" % limit)
            if self.eof:
                raise HandshakeError("connection closed before a complete HTTP response (got %r)"
                                     % bytes(self.buf[:80]))
            if not self.fill():
                raise HandshakeError("no complete HTTP response before the deadline (got %r)"
                                     % bytes(self.buf[:80]))
        end = self.buf.index(b"\r\n\r\n")
        head = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[:end + 4]
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise HandshakeError("bad status line %r" % lines[0])
        headers = []
        for line in lines[1:]:
            if ":" not in line:
                raise HandshakeError("bad header line %r" % line)
            name, value = line.split(":", 1)
            headers.append((name.strip().lower(), value.strip()))
        return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else "", headers

    # -- frames from the server --------------------------------------------------------------

    def read_frame(self):
        """One server frame as (fin, rsv, opcode, payload), None on EOF, 'timeout' on the
        deadline. Raises ProtocolViolation for a frame the server must not send."""
        while True:
            if len(self.buf) >= 2:
                b0, b1 = self.buf[0], self.buf[1]
                n = b1 & 0x7F
                pos = 2
                if n == 126:
                    if len(self.buf) >= 4:
                        n = struct.unpack("!H", bytes(self.buf[2:4]))[0]
                        pos = 4
                    else:
                        n = None
                elif n == 127:
                    if len(self.buf) >= 10:
                        n = struct.unpack("!Q", bytes(self.buf[2:10]))[0]
                        pos = 10
                    else:
                        n = None
                if n is not None:
                    if b1 & 0x80:
                        raise ProtocolViolation("server frame is masked (section 5.1: a server "
                                                "MUST NOT mask)")
                    if n >> 63:
                        raise ProtocolViolation("server frame length has the top bit set")
                    if n > 256 << 20:
                        raise ProtocolViolation("server frame declares %d bytes" % n)
                    if len(self.buf) >= pos + n:
                        payload = bytes(self.buf[pos:pos + n])
                        del self.buf[:pos + n]
                        return bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0x0F, payload
            if self.eof:
                if self.buf:
                    raise ProtocolViolation("connection closed in the middle of a frame "
                                            "(%d bytes left over)" % len(self.buf))
                return None
            if not self.fill():
                return "timeout"

    def read_event(self):
        """The next thing the server did, as a tuple:
        ('text'|'binary', payload) a whole message; ('pong', payload); ('ping', payload)
        (answered automatically); ('close', code or None, reason bytes); ('eof',);
        ('timeout',). Raises ProtocolViolation."""
        while True:
            f = self.read_frame()
            if f is None:
                return ("eof",)
            if f == "timeout":
                return ("timeout",)
            fin, rsv, op, payload = f
            if rsv:
                raise ProtocolViolation("server frame has RSV bits %d set (no extension)" % rsv)
            if op >= 8:
                if not fin:
                    raise ProtocolViolation("server sent a fragmented control frame (5.5)")
                if len(payload) > 125:
                    raise ProtocolViolation("server control frame of %d bytes (5.5)" % len(payload))
                if op == OP_CLOSE:
                    if len(payload) == 1:
                        raise ProtocolViolation("server close frame with a 1-byte payload (5.5.1)")
                    if not payload:
                        return ("close", None, b"")
                    code = struct.unpack("!H", payload[:2])[0]
                    if code not in VALID_CLOSE_CODES:
                        raise ProtocolViolation("server close code %d not allowed on the wire "
                                                "(7.4)" % code)
                    if not utf8_ok(payload[2:]):
                        raise ProtocolViolation("server close reason is not UTF-8 (5.5.1)")
                    return ("close", code, payload[2:])
                if op == OP_PING:
                    self.send(Frame(OP_PONG, payload).encode())
                    continue  # keepalive pings are allowed; not recorded
                if op == OP_PONG:
                    return ("pong", payload)
                raise ProtocolViolation("server frame with reserved opcode %d" % op)
            if op in (OP_TEXT, OP_BINARY):
                if self.frag_op is not None:
                    raise ProtocolViolation("server started a message inside another (5.4)")
                self.frag_op = op
                self.frag_data = bytearray(payload)
            elif op == OP_CONT:
                if self.frag_op is None:
                    raise ProtocolViolation("server continuation frame with nothing to continue")
                self.frag_data += payload
            else:
                raise ProtocolViolation("server frame with reserved opcode %d" % op)
            if fin:
                data = bytes(self.frag_data)
                kind = "text" if self.frag_op == OP_TEXT else "binary"
                self.frag_op = None
                self.frag_data = bytearray()
                if kind == "text" and not utf8_ok(data):
                    raise ProtocolViolation("server text message is not valid UTF-8 (8.1)")
                return (kind, data)


def build_request(path, hostport, headers, method="GET", version="HTTP/1.1"):
    lines = ["%s %s %s" % (method, path, version)]
    for name, value in headers:
        lines.append("%s: %s" % (name, value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def standard_headers(hostport, key):
    return [("Host", hostport), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")]


def header_values(headers, name):
    return [v for n, v in headers if n == name]


def header_tokens(headers, name):
    out = []
    for v in header_values(headers, name):
        out += [t.strip().lower() for t in v.split(",") if t.strip()]
    return out


def check_101(status, headers, key):
    """None when (status, headers) is a valid acceptance of @p key, else why not (4.2.2)."""
    if status != 101:
        return "status %d, expected 101" % status
    if "websocket" not in header_tokens(headers, "upgrade"):
        return "101 without Upgrade: websocket"
    if "upgrade" not in header_tokens(headers, "connection"):
        return "101 without Connection: Upgrade"
    acc = header_values(headers, "sec-websocket-accept")
    if acc != [accept_for(key)]:
        return "Sec-WebSocket-Accept %r, expected %r" % (acc, accept_for(key))
    if header_values(headers, "sec-websocket-extensions"):
        return "101 with Sec-WebSocket-Extensions although none was offered (9.1)"
    return None


def open_ws(url, timeout, extra_headers=()):
    """Connects and performs a valid opening handshake. Returns the Conn."""
    host, port, path, hostport = parse_url(url)
    conn = Conn(host, port, timeout)
    key = new_key()
    try:
        conn.send(build_request(path, hostport, standard_headers(hostport, key) + list(extra_headers)))
        _, status, _, headers = conn.read_http_head()
        why = check_101(status, headers, key)
        if why:
            raise HandshakeError(why)
    except BaseException:
        conn.close()
        raise
    return conn
