"""`central-server bank ...`: the bank statement import and the lists behind the HQ pages on the
command line. Registered by central_server/cli.py."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from central_server import db, migrate


def _engine(args: argparse.Namespace) -> Any:
    return migrate.migrated_engine(args.database_url)


def cmd_bank_import(args: argparse.Namespace) -> int:
    from central_server.bank.statement import load_mapping
    from central_server.bank.statement_import import StatementRefused, import_statement
    from central_server.billing import import_run

    mapping = import_run.read_mapping(load_mapping, args.mapping)
    path = import_run.input_file(args.statement)
    try:
        rep = import_statement(_engine(args), path, mapping, dry_run=args.dry_run, loaded_by=args.by,
                               rejects_path=args.rejects)
    except StatementRefused as e:
        print(f"error: {e.report.message}", file=sys.stderr)
        if e.report.rejects_path:
            print(f"rejects: {e.report.rejects_path}", file=sys.stderr)
        return 1
    print(json.dumps(rep.__dict__, default=str, indent=2) if args.json else rep.summary())
    return 0


def cmd_bank_review(args: argparse.Namespace) -> int:
    from central_server.bank import figures

    with db.read_tx(_engine(args)) as conn:
        items = figures.review_list(conn)
    if not items:
        print("no unmatched statement lines")
    for it in items:
        amount = it["credit_paise"] or -it["debit_paise"]
        print(f"#{it['id']:<5} {it['txn_date']} {amount:>14} paise  {it['reference']:<20} {it['description'][:40]}"
              f"  {it['reason']}")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("bank", help="bank statements: import (match deposits, realise or return cheques), review")
    bsub = s.add_subparsers(dest="action", required=True)
    a = bsub.add_parser("import", parents=[common], help="import a bank statement (CSV)")
    a.add_argument("statement")
    a.add_argument("--mapping", default=None, help="TOML mapping (see docs/examples/bank-statement-sbi.toml)")
    a.add_argument("--dry-run", action="store_true", help="check and match, apply nothing")
    a.add_argument("--rejects", default=None, help="rejects file (default STATEMENT.rejects.csv)")
    a.add_argument("--by", default=None, help="who imports it (default: the OS user)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_bank_import)
    a = bsub.add_parser("review", parents=[common], help="statement lines nobody could match")
    a.set_defaults(func=cmd_bank_review)
