"""`central-server bank ...`: the bank statement import and the lists behind the HQ pages on the
command line. Registered by central_server/cli.py."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from central_server.cli_parts import command_group, import_command, open_engine, print_rows


def cmd_bank_import(args: argparse.Namespace) -> int:
    from central_server.bank.statement import load_mapping
    from central_server.bank.statement_import import StatementRefused, import_statement
    from central_server.billing import import_run

    mapping = import_run.read_mapping(load_mapping, args.mapping)
    path = import_run.input_file(args.statement)
    try:
        rep = import_statement(open_engine(args), path, mapping, dry_run=args.dry_run, loaded_by=args.by,
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

    def line(it: dict[str, Any]) -> str:
        amount = it["credit_paise"] or -it["debit_paise"]
        return (f"#{it['id']:<5} {it['txn_date']} {amount:>14} paise  {it['reference']:<20} {it['description'][:40]}"
                f"  {it['reason']}")

    return print_rows(args, figures.review_list, line, empty="no unmatched statement lines")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    bsub = command_group(sub, "bank", "bank statements: import (match deposits, realise or return cheques), review")
    a = import_command(bsub, common, "import a bank statement (CSV)", "statement", example="bank-statement-sbi.toml",
                       dry_run="check and match, apply nothing", by="who imports it (default: the OS user)",
                       rejects="STATEMENT")
    a.set_defaults(func=cmd_bank_import)
    a = bsub.add_parser("review", parents=[common], help="statement lines nobody could match")
    a.set_defaults(func=cmd_bank_review)
