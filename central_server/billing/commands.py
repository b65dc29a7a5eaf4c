"""`central-server master ...` and `central-server postings ...`: the billing system's doors on
the command line (the HTTP feed is billing/feed.py). Registered by central_server/cli.py."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from central_server import db
from central_server.cli_parts import command_group, import_command, open_engine, print_rows


def _bar(total: int, label: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A rich progress bar over the file's bytes on stderr (plain, non-animated when not a TTY)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=_console(), transient=False)
    task = prog.add_task(label, total=total)
    prog.start()
    return (lambda done: prog.update(task, completed=done)), prog.stop


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def cmd_master_import(args: argparse.Namespace) -> int:
    from central_server.billing import import_run
    from central_server.billing.mapping import load_mapping
    from central_server.billing.master_import import LoadRefused, import_master

    mapping = import_run.read_mapping(load_mapping, args.mapping)
    if args.max_close_share is not None:
        from dataclasses import replace

        mapping = replace(mapping, max_close_share=args.max_close_share)
    path = import_run.input_file(args.file)
    engine = open_engine(args)
    update, stop = _bar(path.stat().st_size, f"{args.kind} load") if not args.quiet else (None, lambda: None)
    try:
        rep = import_master(engine, path, mapping, kind=args.kind, dry_run=args.dry_run, force=args.force,
                            loaded_by=args.by, rejects_path=args.rejects, progress=update)
    except LoadRefused as e:
        stop()
        print(f"error: {e.report.message}", file=sys.stderr)
        if e.report.rejects_path:
            print(f"rejects: {e.report.rejects_path}", file=sys.stderr)
        return 1
    finally:
        stop()
    if args.json:
        print(json.dumps(rep.__dict__, default=str, indent=2))
    else:
        print(rep.summary())
        if rep.rejects_path:
            print(f"{rep.rejects} rejects (line, column, reason) in {rep.rejects_path}")
    return 0


def cmd_master_loads(args: argparse.Namespace) -> int:
    from central_server.billing.master_import import recent_loads

    return print_rows(args, lambda conn: recent_loads(conn, args.limit), lambda r: (
        f"#{r['id']:<5} {str(r['finished_at'])[:19]} {r['kind']:<5} {r['outcome']:<9} by {r['loaded_by']:<12} "
        f"{r['file_sha256'][:12]} read {r['rows_read']} rejected {r['rows_rejected']} new {r['rows_new']} "
        f"changed {r['rows_changed']} closed {r['rows_closed']} bills {r['bills_new']}"))


def cmd_postings_export(args: argparse.Namespace) -> int:
    from central_server.billing import postings

    engine = open_engine(args)
    out = Path(args.out)
    if args.batch is not None:
        with db.read_tx(engine) as conn:
            try:
                paths = postings.write_batch_files(conn, args.batch, out)
            except LookupError as e:
                print(f"error: {e}", file=sys.stderr)
                return 1
        print(f"batch {args.batch} written again: {paths[0]} and {paths[1]}")
        return 0
    header = db.with_retry(engine, lambda conn: postings.cut_batch(conn, f"cli:{args.by or _whoami()}"))
    if header is None:
        print("nothing new to post: no file written")
        return 0
    # the batch is committed before its files are written: a failed write is repaired with
    # --batch N (the other way round, billing could read a batch the server never kept)
    with db.read_tx(engine) as conn:
        csv_path, man_path = postings.write_batch_files(conn, header["batch_id"], out)
    print(f"batch {header['batch_id']}: {header['control_count']} postings, control total "
          f"{header['control_total_paise']} paise -> {csv_path.name}, {man_path.name}")
    return 0


def _whoami() -> str:
    from central_server.billing.import_run import whoami

    return whoami()


def cmd_postings_ack(args: argparse.Namespace) -> int:
    from central_server.billing import acks

    engine = open_engine(args)
    try:
        items, sha = acks.read_ack_file(Path(args.file))
        rep = db.with_retry(engine, lambda conn: acks.apply_acks(conn, items, f"file:{sha[:16]}"))
    except (OSError, acks.AckError) as e:
        print(f"error: {args.file}: {e}; nothing stored", file=sys.stderr)
        return 1
    print(f"{args.file}: {rep.summary()}")
    return 0


def cmd_postings_client(args: argparse.Namespace) -> int:
    from central_server.billing import feed

    with db.write_tx(open_engine(args)) as conn:
        if args.action == "add":
            try:
                token = feed.add_client(conn, args.name)
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr)
                return 1
            print(f"billing client {args.name}: token (shown only now; good for /api/v1/postings only):")
            print(token)
            return 0
        ok = feed.revoke_client(conn, args.name)
    print(f"billing client {args.name} revoked" if ok else f"error: no billing client {args.name}")
    return 0 if ok else 1


def cmd_postings_queue(args: argparse.Namespace) -> int:
    from central_server.billing import clarification

    return print_rows(args, clarification.queue, lambda it: (
        f"#{it['id']:<5} {it['state']:<9} posting {it['posting_id']} {it['counter_code']} {it['receipt_no']} "
        f"account {it['account_no']} {it['amount_paise']} paise: {it['answer_reason']}"), empty="nothing to clarify")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    msub = command_group(sub, "master", "consumer master and bills from the billing system: import, loads")
    a = import_command(msub, common, "load a full master or a bills delta (CSV)", "file", example="billing-mapping.toml",
                       dry_run="check and count, apply nothing", by="who loads it (default: the OS user)",
                       rejects="FILE")
    a.add_argument("--kind", choices=("full", "bills"), default="full",
                   help="full: every connection (absent ones are closed); bills: new bills and connections")
    a.add_argument("--force", action="store_true", help="apply a full load that closes more than the limit")
    a.add_argument("--max-close-share", type=float, default=None, help="override [load] max_close_share")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=cmd_master_import)
    a = msub.add_parser("loads", parents=[common], help="the loads on record")
    a.add_argument("--limit", type=int, default=20)
    a.set_defaults(func=cmd_master_loads)

    psub = command_group(sub, "postings", "postings for the billing system: export, ack, client, queue",
                         dest="action_group")
    a = psub.add_parser("export", parents=[common], help="write the next batch (CSV + JSON manifest) to DIR")
    a.add_argument("--out", required=True)
    a.add_argument("--batch", type=int, default=None, help="write an existing batch again")
    a.add_argument("--by", default=None)
    a.set_defaults(func=cmd_postings_export)
    a = psub.add_parser("ack", parents=[common], help="the billing system's answers (CSV or JSON)")
    a.add_argument("file")
    a.set_defaults(func=cmd_postings_ack)
    a = psub.add_parser("client", help="billing systems that pull the HTTP feed: add (prints a token), revoke")
    csub = a.add_subparsers(dest="action", required=True)
    for action in ("add", "revoke"):
        c = csub.add_parser(action, parents=[common])
        c.add_argument("name")
    a.set_defaults(func=cmd_postings_client)
    a = psub.add_parser("queue", parents=[common], help="the clarification queue (worked off on /hq/billing)")
    a.set_defaults(func=cmd_postings_queue)
