"""IT subcommands: backup, backups, restore, doctor, smoke-test (set-up is `init`, in core.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from counter_app.config import Config, resolve_data_dir
from counter_app.domain.messages import render


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="back up the counter database now (safe while the app runs)")
    p.add_argument("--to", help="folder for the backup (default: backup_dir in config.toml)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", help="list the backups in the backup folder")
    p.add_argument("--dir", help="folder to list (default: backup_dir in config.toml)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("restore", help="replace the counter database by a backup (the app must be closed)")
    p.add_argument("backup", nargs="?", help="the backup file (.sqlite3)")
    p.add_argument("--from-mirror", metavar="DIR",
                   help="rebuild the ledger from the mirror's journal in DIR instead (into an empty data folder)")
    p.add_argument("--counter", help="with --from-mirror: the counter code, when DIR holds several journals")
    p.add_argument("--force", action="store_true",
                   help="restore even if records the server has not received would be lost")
    p.add_argument("--dry-run", action="store_true", help="only say what the restore would do")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("doctor", help="check this counter and say what to do (non-zero exit on a problem)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--offline", action="store_true", help="do not contact the central server")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the server")
    p.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                   help="the 'Chain head' of a signed shift report; may be given several times")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("smoke-test", help="prove this installation works (offscreen Qt, temporary database, PDF)")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    p.set_defaults(func=cmd_smoke_test)


def cmd_backup(args: argparse.Namespace) -> int:
    from counter_app.ops.backup import backup_dir, database_file, make_backup

    data_dir = resolve_data_dir(args.data_dir)
    dest = Path(args.to) if args.to else backup_dir(data_dir, Config.load(data_dir))
    info = make_backup(database_file(data_dir), dest, kind="manual")
    if args.json:
        print(json.dumps(info.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render("ops.backup_made", args.lang, path=info.path, receipts=info.receipts,
                     size_mb=round(info.size_bytes / 1024 / 1024, 1)))
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from counter_app.ops.backup import backup_dir, list_backups

    data_dir = resolve_data_dir(args.data_dir)
    dest = Path(args.dir) if args.dir else backup_dir(data_dir, Config.load(data_dir))
    found = list_backups(dest)
    if args.json:
        print(json.dumps([b.to_dict() for b in found], indent=2, ensure_ascii=False))
        return 0
    for b in found:
        print(f"{b.created_at}  {b.kind:11} {b.receipts:>8} receipts  {b.outbox_pending:>6} pending  {b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from counter_app.ops.restore import plan_restore, restore

    data_dir = resolve_data_dir(args.data_dir)
    if args.from_mirror:
        from counter_app.commands.mirror import restore_from_mirror_command

        return restore_from_mirror_command(args, data_dir)
    if not args.backup:
        print(render("cli.restore_what", args.lang), file=sys.stderr)
        return 2
    if args.dry_run:
        plan = plan_restore(data_dir, Path(args.backup))
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
        return 1 if plan.backup_problems or plan.needs_force else 0
    result = restore(data_dir, Path(args.backup), force=args.force)
    plan = result.plan
    if args.json:
        out = plan.to_dict() | {"restored_to": result.restored_to, "replaced_dir": result.replaced_dir,
                                "forced": result.forced}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(render("ops.restored", args.lang, receipts=plan.backup.receipts, path=plan.backup.path,
                 replaced=result.replaced_dir or "-"))
    if plan.acknowledged_missing:
        print(render("ops.restore_kept_on_server", args.lang, count=len(plan.acknowledged_missing),
                     seqs=plan.to_dict()["acknowledged_missing_seqs"] or "-"), file=sys.stderr)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from counter_app.ops.doctor import exit_code, report_json, report_text, run_doctor

    findings = run_doctor(args.data_dir, server=not args.offline, timeout_s=args.timeout, anchors=args.anchor)
    print(report_json(findings, args.lang) if args.json else report_text(findings, args.lang))
    return exit_code(findings)


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from counter_app.ops.smoke import main

    return main(keep=getattr(args, "keep", False))
