# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""How a conformance case is described and judged.

A WebSocket case is a list of steps, each: what the client sends (frames or raw bytes, in one
write or in TCP chops) and what the server must send back after it (whole messages and pongs,
in order). Then an ending:

* Ok(codes): the exchange ends normally. If the case sent no Close frame itself, the client
  sends Close 1000 once the expected echoes are in; the server must answer with a Close frame
  whose code is in `codes` (None = a Close frame without a code), send nothing else after it,
  and then close the TCP connection (section 7.1.1: the server closes TCP first).
* Fail(codes, drop_ok): the server must fail the connection (section 7.1.7): after exactly the
  expected echoes (nothing that follows the bad frame may be processed: no echo, no pong), a
  Close frame with a code in `codes`, and after the client's Close reply the TCP close. When
  `drop_ok` is true a TCP close without a Close frame is accepted too (only where the suite
  says why in the case); otherwise a dropped connection fails the case, since 7.1.7 says the
  endpoint SHOULD send the Close frame and 7.4.1 names the code.

Everything else the server sends is a failure: extra or missing messages, messages out of
order, frames after its Close frame, and any frame that breaks RFC 6455 for a server.
"""

from wsclient import (Frame, HandshakeError, ProtocolViolation, OP_CLOSE,
                      close_payload, open_ws)


class Step:
    def __init__(self, sends, expect=(), chop=None):
        self.sends = list(sends)
        self.expect = list(expect)
        self.chop = chop


class Ok:
    def __init__(self, codes=(1000, None)):
        self.codes = set(codes)


class Fail:
    def __init__(self, codes=(1002,), drop_ok=False):
        self.codes = set(codes)
        self.drop_ok = drop_ok


class Case:
    """kind 'ws': steps + end; kind 'http': fn(url, timeout) -> None (pass) or a reason."""

    def __init__(self, cid, cat, rfc, desc, steps=None, end=None, fn=None):
        self.id, self.cat, self.rfc, self.desc = cid, cat, rfc, desc
        self.steps, self.end, self.fn = steps or [], end, fn


def show(ev):
    if ev[0] in ("text", "binary", "pong", "ping"):
        p = ev[1]
        if len(p) > 24:
            return "%s(%d bytes %r...)" % (ev[0], len(p), p[:16])
        return "%s(%r)" % (ev[0], p)
    if ev[0] == "pongs":
        return "pongs(subsequence of %d, ending with the last)" % len(ev[1])
    return repr(ev)


def match(events, expected, resume=(0, 0)):
    """('complete'|'partial'|'mismatch', reason, resume). Expected items are events, or
    ('pongs', [payloads]): pongs for a burst of pings, any in-order subset that ends with the
    last payload (5.5.3: an endpoint MAY answer only the most recent ping). `resume` is a
    position (events used, expected items matched) known to match, to start from: events and
    expected items only ever get appended, so a caller can pass back the one returned."""
    i, k = resume
    while k < len(expected):
        e = expected[k]
        if e[0] == "pongs":
            payloads, j = e[1], 0
            while j < len(payloads):
                if i >= len(events):
                    return "partial", None, resume
                ev = events[i]
                if ev[0] != "pong":
                    return "mismatch", "got %s, expected a pong for the last ping %r" % (
                        show(ev), payloads[-1]), resume
                try:
                    j = payloads.index(ev[1], j) + 1
                except ValueError:
                    return "mismatch", "unexpected or out of order %s" % show(ev), resume
                i += 1
        else:
            if i >= len(events):
                return "partial", None, resume
            if events[i] != e:
                return "mismatch", "got %s, expected %s" % (show(events[i]), show(e)), resume
            i += 1
        k += 1
        resume = (i, k)
    if i < len(events):
        return "mismatch", "unexpected %s" % show(events[i]), resume
    return "complete", None, resume


class Run:
    """State of one WebSocket case while it runs."""

    def __init__(self, conn):
        self.conn = conn
        self.events = []
        self.close = None  # (code, reason) of the server's Close frame
        self.after_close = None  # first event after the server's Close frame
        self.eof = False
        self.resume = (0, 0)

    def read_until(self, expected=None, to_close=False):
        """Reads events until `expected` is matched or broken, or, with to_close, until it is
        broken or the server's Close frame or EOF comes. Returns 'match', 'mismatch', 'close',
        'eof', 'timeout'."""
        while True:
            if expected is not None:
                state, _, self.resume = match(self.events, expected, self.resume)
                if state == "mismatch":
                    return state
                if state == "complete" and not to_close:
                    return "match"
            if self.close is not None:
                return "close"
            if self.eof:
                return "eof"
            ev = self.conn.read_event()
            if ev[0] == "timeout":
                return "timeout"
            if ev[0] == "eof":
                self.eof = True
            elif ev[0] == "close":
                self.close = (ev[1], ev[2])
            else:
                self.events.append(ev)

    def wait_tcp_close(self):
        """After the close handshake: the server must send nothing more and close TCP."""
        ev = self.conn.read_event()
        if ev[0] == "eof":
            self.eof = True
            return None
        if ev[0] == "timeout":
            return "the server did not close the TCP connection after the closing handshake (7.1.1)"
        return "the server sent %s after its Close frame (5.5.1)" % show(ev)


def run_ws(case, url, timeout):
    """Runs a WebSocket case. Returns None (pass) or the reason it failed."""
    try:
        conn = open_ws(url, timeout)
    except (OSError, HandshakeError) as e:
        return "opening handshake failed: %s" % e
    try:
        return judge(case, Run(conn))
    except ProtocolViolation as e:
        return "server broke the protocol: %s" % e
    except OSError as e:
        return "socket error: %s" % e
    finally:
        conn.close()


def sends_close(step):
    return any(isinstance(s, Frame) and s.opcode == OP_CLOSE for s in step.sends)


def judge(case, run):
    conn = run.conn
    expected = []
    we_closed = False
    for step in case.steps:
        if run.close is None and not run.eof:
            conn.send(b"".join(s.encode() for s in step.sends), step.chop)
            we_closed = we_closed or sends_close(step)
        expected += step.expect
        r = run.read_until(expected)
        if r == "timeout":
            got = ", ".join(show(e) for e in run.events[-3:]) or "nothing"
            return "timed out waiting for %s (got %s)" % (
                ", ".join(show(e) for e in expected[len(run.events):][:2]) or "the echo", got)
        if r == "mismatch":
            # Something that must not come (an extra echo, a pong after a bad frame, ...):
            # judged at once, without waiting for the rest.
            return match(run.events, expected)[1]
    end = case.end
    if isinstance(end, Ok):
        if run.close is None and not run.eof and match(run.events, expected)[0] == "complete":
            if not we_closed:
                conn.send(Frame(OP_CLOSE, close_payload(1000)).encode())
                we_closed = True
            r = run.read_until(expected, to_close=True)
            if r == "timeout":
                return "no Close frame in reply to the client's Close (5.5.1)"
        state, why, _ = match(run.events, expected)
        if state != "complete":
            if state == "partial":
                missing = expected[len(run.events)] if len(run.events) < len(expected) else expected[-1]
                why = "missing %s" % show(missing)
            if run.close is not None:
                why += " before the server's Close %s" % (run.close[0],)
            return why
        if run.close is None:
            return "connection closed without a Close frame (expected a normal closure)"
        if run.close[0] not in end.codes:
            return "Close code %s, expected one of %s (reason %r)" % (
                run.close[0], sorted(end.codes, key=str), run.close[1][:60])
        if not we_closed:
            return "server closed first with %s" % (run.close[0],)
        return run.wait_tcp_close()
    # Fail
    if run.close is None and not run.eof:
        r = run.read_until(expected, to_close=True)
        if r == "mismatch":
            return match(run.events, expected)[1]
        if r == "timeout":
            state, why, _ = match(run.events, expected)
            if state == "mismatch":
                return why
            return "no Close frame (expected %s) and no TCP close before the deadline" % (
                "/".join(str(c) for c in sorted(end.codes)))
    state, why, _ = match(run.events, expected)
    if state != "complete":
        if state == "partial":
            why = "missing %s" % show(expected[len(run.events)])
        return why + (" before the server's Close %s" % (run.close[0],) if run.close
                      else " before the TCP close")
    if run.close is None:
        if end.drop_ok:
            return None
        return "connection dropped without a Close frame (7.1.7: SHOULD send Close %s)" % (
            "/".join(str(c) for c in sorted(end.codes)))
    if run.close[0] not in end.codes:
        return "Close code %s (reason %r), expected %s" % (
            run.close[0], run.close[1][:60], "/".join(str(c) for c in sorted(end.codes)))
    if not we_closed:
        conn.send(Frame(OP_CLOSE, close_payload(run.close[0])).encode())
    return run.wait_tcp_close()


def run_case(case, url, timeout):
    if case.fn is not None:
        try:
            return case.fn(url, timeout)
        except (OSError, HandshakeError) as e:
            return "error: %s" % e
        except ProtocolViolation as e:
            return "server broke the protocol: %s" % e
    return run_ws(case, url, timeout)
