"""The CLI of a lost ledger: `restore --from-mirror DIR` (an option of commands/ops.py's restore) and
`recover --from-server [--backup FILE | --mirror DIR]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from counter_app.domain.messages import render


def register(sub: Any) -> None:
    p = sub.add_parser("recover", help="rebuild a lost ledger from the central server (on a PC enrolled "
                                       "with the same counter code), plus a backup or the mirror")
    p.add_argument("--from-server", action="store_true", required=True,
                   help="fetch this counter's records back from the central server")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--backup", help="a backup file holding receipts the server has not received")
    src.add_argument("--mirror", help="the mirror folder (mirror_dir) holding receipts the server has not received")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recover)


def cmd_recover(args: argparse.Namespace) -> int:
    from counter_app.app import open_application
    from counter_app.config import resolve_data_dir
    from counter_app.ops.recover import RecoverRefused, recover
    from counter_app.sync.setup import make_client

    app = open_application(resolve_data_dir(args.data_dir), mirror=False)  # the mirror may be the source
    try:
        client = make_client(app)
        if client is None:
            raise RecoverRefused("recover.not_enrolled")
        source = args.backup or args.mirror
        result = recover(app.store, client, source=Path(source) if source else None, now=app.service.clock())
    finally:
        app.close()
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render("recover.done", args.lang, server=result.from_server_receipts, source=result.from_source_receipts,
                     name=result.source or "-", next=result.last_seq + 1))
    return 0


def restore_from_mirror_command(args: argparse.Namespace, data_dir: Path) -> int:
    from counter_app.ops.mirror_restore import check_journal, find_journal, restore_from_mirror

    if args.dry_run:
        check = check_journal(find_journal(Path(args.from_mirror), args.counter))
        print(json.dumps(check.to_dict(), indent=2, ensure_ascii=False))
        return 1 if check.problem else 0
    result = restore_from_mirror(data_dir, Path(args.from_mirror), counter_code=args.counter)
    check = result.check
    if args.json:
        print(json.dumps({**check.to_dict(), "restored_to": result.restored_to, "journal_kept_as": result.journal_kept_as,
                          "kinds_kept_only_in_outbox": result.kinds_kept_only_in_outbox}, indent=2, ensure_ascii=False))
    else:
        print(render("mirror.restored", args.lang, counter=check.counter_code, receipts=check.receipts,
                     seq=check.last_seq, records=check.records, kept=result.journal_kept_as))
    if check.problem:
        print(render("mirror.restore_stopped", args.lang, frame=check.problem.get("frame"),
                     offset=check.problem.get("offset"), problem=check.problem.get("key")), file=sys.stderr)
        return 1
    return 0
