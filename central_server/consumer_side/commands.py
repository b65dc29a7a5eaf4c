"""`central-server disconnections check`, `central-server field-clients ...` and
`central-server notify ...`: the consumer side on the command line. Registered by
central_server/cli.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from central_server import db
from central_server.cli_parts import command_group, open_engine


def cmd_disconnections_check(args: argparse.Namespace) -> int:
    from central_server.billing import import_run
    from central_server.consumer_side.disconnections import ListFormat, ListRefused, check_file

    fmt = import_run.read_mapping(ListFormat.from_mapping_file, args.mapping)
    path = import_run.input_file(args.file)
    try:
        summary = check_file(open_engine(args), path, fmt, Path(args.out))
    except ListRefused as e:
        print(f"error: the list was refused, nothing written: {e}", file=sys.stderr)
        return 1
    print(json.dumps(summary.to_dict()) if args.json else summary.text() + f"; result in {args.out}")
    return 0


def cmd_field_clients(args: argparse.Namespace) -> int:
    from central_server.consumer_side import field_api

    engine = open_engine(args)
    try:
        if args.action == "add":
            with db.write_tx(engine) as conn:
                token = field_api.add_client(conn, args.name)
            print(f"field client {args.name}: token (shown only now; it reads /api/v1/field/accounts/... "
                  "and nothing else):")
            print(token)
        elif args.action == "revoke":
            with db.write_tx(engine) as conn:
                if not field_api.revoke_client(conn, args.name):
                    print(f"error: no field client {args.name}", file=sys.stderr)
                    return 1
            print(f"field client {args.name} revoked")
        else:
            with db.read_tx(engine) as conn:
                for c in field_api.list_clients(conn):
                    print(f"{c['name']:<32} {'revoked' if c['revoked'] else 'active':<8} since {c['created_at']}")
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    from central_server.consumer_side import delivery, outbox

    engine = open_engine(args)
    if args.action == "run":
        gateway = delivery.gateway_from_settings()
        if gateway is None:
            print("error: no gateway configured (CENTRAL_NOTIFY_URL, CENTRAL_NOTIFY_KIND, CENTRAL_NOTIFY_KEY)",
                  file=sys.stderr)
            return 2
        worker = delivery.Worker(engine, gateway)
        if args.once:
            n = worker.run_once()
            print(f"{n} notifications handled")
        else:
            worker.run_forever()
        return 0
    if args.action == "retry":
        with db.write_tx(engine) as conn:
            n = outbox.retry_dead(conn, args.id)
        print(f"{n} dead notification(s) queued again")
        return 0
    with db.read_tx(engine) as conn:
        rows = outbox.dead_letters(conn) if args.action == "dead" else []
        counts = outbox.counts(conn)
    print(json.dumps(counts))
    for r in rows:
        print(f"#{r['id']} {r['event']:<9} {r['receipt_no']:<24} {r['mobile']} attempts {r['attempts']}: "
              f"{r['last_error']}")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    dsub = command_group(sub, "disconnections", "check the billing system's disconnection list against payments",
                         cmd_disconnections_check)
    c = dsub.add_parser("check", parents=[common],
                        help="per account: paid since the bill at any counter, and a verdict (paid / partly / not)")
    c.add_argument("file", help="CSV: account_no, bill_no, amount_due[, bill_date] (or as --mapping names them)")
    c.add_argument("--out", required=True, help="the result CSV")
    c.add_argument("--mapping", default=None,
                   help="the master import's TOML mapping; [disconnections] amount_due names that column")
    c.add_argument("--json", action="store_true", help="print the summary counts as JSON")

    fsub = command_group(sub, "field-clients", "tokens of the field devices (GET /api/v1/field/accounts/...)",
                         cmd_field_clients)
    a = fsub.add_parser("add", parents=[common], help="a new field token (or a new one for the name)")
    a.add_argument("name")
    a = fsub.add_parser("revoke", parents=[common], help="stop a field token now")
    a.add_argument("name")
    fsub.add_parser("list", parents=[common], help="all field clients")

    nsub = command_group(sub, "notify", "payment confirmations to consumers' phones: run the worker, dead letters",
                         cmd_notify)
    a = nsub.add_parser("run", parents=[common], help="deliver queued notifications through the configured gateway")
    a.add_argument("--once", action="store_true", help="one pass over what is due, then exit")
    nsub.add_parser("status", parents=[common], help="counts by state")
    nsub.add_parser("dead", parents=[common], help="the dead-letter list")
    a = nsub.add_parser("retry", parents=[common], help="queue dead notifications again")
    a.add_argument("id", type=int, nargs="?", default=None, help="one notification (default: all dead ones)")
