"""Sync subcommands: `sync --once | --forever | --problems` and `export-pending FILE`.
(`init --server URL --enroll CODE` lives with init in commands/core.py and calls enroll_counter.)"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from counter_app.app import open_application
from counter_app.domain.messages import render
from counter_app.sync.state import Link, SyncState


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="send receipts to the central server and fetch consumer data")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true",
                      help="push everything pending and pull consumer data, then exit (non-zero if it failed)")
    mode.add_argument("--forever", action="store_true", help="keep syncing until Ctrl+C (one JSON line per change)")
    mode.add_argument("--problems", action="store_true",
                      help="list records the server did not simply accept (conflicts, refused, parked)")
    p.add_argument("--no-pull", action="store_true", help="push only; do not fetch consumer data")
    p.add_argument("--json", action="store_true", help="print the final state as JSON")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("export-pending", help="write every unsynced record to a sealed file (for a USB stick)")
    p.add_argument("file")
    p.set_defaults(func=cmd_export_pending)


def enroll_counter(counter: Any, server_url: str, enrollment_code: str, ca_bundle: str | None = None) -> str:
    """For `init --server URL --enroll CODE`: token into the keyring, address into config.toml."""
    from counter_app.sync.setup import enroll

    return enroll(counter, server_url, enrollment_code, ca_bundle=ca_bundle)


def _print_state(st: SyncState, lang: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps(st.to_dict(), ensure_ascii=False, default=str), flush=True)
        return
    line = f"{st.link.value}: pending {st.pending}"
    if st.oldest_pending_age_s is not None:
        line += f" (oldest {st.oldest_pending_age_s / 60:.0f} min)"
    if st.conflicts or st.invalid or st.parked:
        line += f", conflicts {st.conflicts}, refused {st.invalid}, parked {st.parked}"
    snap = st.snapshot
    if snap.complete:
        line += f"; consumers as of {st.consumers_as_of}"
    elif snap.rows_total:
        line += f"; consumer download {snap.rows_done}/{snap.rows_total}"
    print(line, flush=True)
    if st.last_error is not None:
        print("  " + render(st.last_error.key, lang, **{"detail": st.last_error.detail, **st.last_error.params}),
              flush=True)


def cmd_sync(args: argparse.Namespace) -> int:
    from counter_app.sync.review import sync_problems
    from counter_app.sync.setup import make_engine

    with open_application(args.data_dir) as c:
        if args.problems:
            rows = sync_problems(c)
            if args.json:
                print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
            for r in [] if args.json else rows:
                print(f"{r['state']:9} {r['kind']:10} {r['record_id']}  {r['server_detail'] or r['last_error'] or ''}")
            return 0
        engine = make_engine(c, pull=not args.no_pull)
        if args.once:
            st = engine.drain()
            _print_state(st, args.lang, args.json)
            ok = st.link in (Link.ONLINE, Link.CLOSING) and st.last_error is None
            return 0 if ok else 1
        return _forever(engine, args)


def _forever(engine: Any, args: argparse.Namespace) -> int:
    done = threading.Event()

    def stop(_sig: int, _frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGINT, stop)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)
    engine.add_listener(lambda st: _print_state(st, args.lang, args.json))
    engine.start()
    try:
        while not done.wait(0.5):
            pass
    finally:
        engine.stop()
    return 0


def cmd_export_pending(args: argparse.Namespace) -> int:
    from counter_app.sync.errors import NotEnrolled
    from counter_app.sync.export import write_export
    from counter_app.sync.setup import token_store_for
    from counter_app.sync.signing_keys import attach

    with open_application(args.data_dir) as c:
        code = c.service.counter_code
        url = c.config.server_url
        tokens = token_store_for(c.config)
        token = tokens.get(url, code) if url else None
        if not token:
            raise NotEnrolled(detail="the export is sealed with the counter's key: enrol the counter first")
        attach(c, tokens)
        exp = write_export(c, args.file)
    print(f"wrote {len(exp.records)} unsynced records ({exp.receipts} receipts, "
          f"{exp.receipts_total_paise} paise) of counter {exp.counter_code} to {args.file}")
    print("take it to the central office: central-server import FILE", file=sys.stderr)
    return 0
