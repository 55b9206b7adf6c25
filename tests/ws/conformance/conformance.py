#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""WebSocket (RFC 6455) conformance suite: a raw client against an echo endpoint.

    conformance.py ws://127.0.0.1:PORT/path            run every case
    conformance.py URL -c utf8 -c close                run some categories
    conformance.py URL -i 6.1 -i '7.*'                 run cases by id (exact, or glob)
    conformance.py --list [-c CAT]                     list the cases

The endpoint must echo every text and binary message as it came. One line per case:
`ID  [RFC section]  PASS|FAIL  description: reason`, then `N passed, M failed`.
Exit status 0 iff every case selected passed (2 for a usage error).
Standard library only; each case is bounded by --timeout seconds (default 10).
"""
import argparse
import fnmatch
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cases import CASES, CATEGORIES  # noqa: E402
from engine import run_case  # noqa: E402
from wsclient import HandshakeError, open_ws  # noqa: E402


def select_cases(cats, ids):
    out = []
    for c in CASES:
        if cats and c.cat not in cats:
            continue
        if ids and not any(c.id == p or fnmatch.fnmatchcase(c.id, p) or
                           (p.endswith(".") and c.id.startswith(p)) for p in ids):
            continue
        out.append(c)
    return out


def preflight(url, timeout):
    try:
        open_ws(url, timeout).close()
    except (OSError, HandshakeError, ValueError) as e:
        return str(e) or type(e).__name__
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="categories: " + ", ".join(CATEGORIES))
    ap.add_argument("url", nargs="?", help="echo endpoint, ws://HOST:PORT/PATH")
    ap.add_argument("-c", "--category", action="append", default=[],
                    help="run only this category (repeatable)")
    ap.add_argument("-i", "--id", action="append", default=[],
                    help="run only this case id or glob such as '6.*' (repeatable)")
    ap.add_argument("-l", "--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-t", "--timeout", type=float, default=10.0,
                    help="bound for each case, seconds (default 10)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the time each case took")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    args = ap.parse_args(argv)

    for cat in args.category:
        if cat not in CATEGORIES:
            ap.error("unknown category %r (have: %s)" % (cat, ", ".join(CATEGORIES)))
    cases = select_cases(set(args.category), args.id)
    if args.list:
        for c in cases:
            print("%-7s %-14s [%s] %s" % (c.id, c.cat, c.rfc, c.desc))
        print("%d cases" % len(cases))
        return 0
    if not args.url:
        ap.error("an endpoint URL is required (or --list)")
    if not cases:
        ap.error("no case selected")
    passed = failed = 0
    failures = []
    start = time.monotonic()
    # Without a working endpoint every refusal case would "pass": check it first.
    why = preflight(args.url, args.timeout)
    if why:
        print("endpoint %s does not accept a valid WebSocket handshake: %s" % (args.url, why))
        print("0 passed, %d failed (no endpoint)" % len(cases), flush=True)
        return 1
    for c in cases:
        t0 = time.monotonic()
        why = run_case(c, args.url, args.timeout)
        took = time.monotonic() - t0
        ok = why is None
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append(c.id)
        if not ok or not args.quiet:
            line = "%-7s [%s] %s %s" % (c.id, c.rfc, "PASS" if ok else "FAIL", c.desc)
            if not ok:
                line += ": " + why
            if args.verbose:
                line += " (%.2f s)" % took
            print(line, flush=True)
    print("%d passed, %d failed (%.1f s)%s" % (
        passed, failed, time.monotonic() - start,
        ("; failed: " + " ".join(failures)) if failures else ""), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
