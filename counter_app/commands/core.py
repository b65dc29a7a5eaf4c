"""Core subcommands: init, users, demo-data, verify, status, and the headless demo."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from typing import Any

from counter_app.app import open_application
from counter_app.config import Config, resolve_data_dir
from counter_app.domain.errors import CounterError


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create or upgrade the database and set the counter code")
    p.add_argument("--counter-code", help="this counter's code, e.g. K07")
    p.add_argument("--counter-name", default="", help="where the counter is, e.g. 'Kidwai Nagar'")
    p.add_argument("--server", help="central server address, e.g. https://kesco-central.example (with --enroll)")
    p.add_argument("--enroll", metavar="CODE", help="one-time enrollment code from 'central-server counters add'")
    p.add_argument("--ca-bundle", help="extra CA certificates (PEM) for the server's TLS, if the utility runs its own CA")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("users", help="manage clerks, supervisors and admins")
    usub = p.add_subparsers(dest="users_command", required=True)
    a = usub.add_parser("add", help="add a user")
    a.add_argument("username")
    a.add_argument("--name", default="", help="full name")
    a.add_argument("--role", choices=("clerk", "supervisor", "admin"), default="clerk")
    a.add_argument("--pin", help="PIN (asked for when not given; prefer that: a PIN in a command line is seen by others)")
    a.set_defaults(func=cmd_users_add)
    ls = usub.add_parser("list", help="list users")
    ls.set_defaults(func=cmd_users_list)

    p = sub.add_parser("demo-data", help="fill the consumer cache with generated demo consumers")
    p.add_argument("--consumers", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("verify", help="integrity check, receipt chain, sequence gaps (non-zero exit on a problem)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                   help="the 'Chain head' of a signed shift report; may be given several times")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("status", help="what this counter holds and its sync state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)


def cmd_init(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    if args.server:
        from counter_app.sync.address import check_server_url

        args.server = check_server_url(args.server)  # before anything is written or sent
    with open_application(data_dir) as c:
        if args.counter_code:
            c.service.initialise(args.counter_code, args.counter_name)
            cfg = Config.load(data_dir)
            cfg.counter_code = c.service.counter_code
            if args.counter_name:
                cfg.counter_name = args.counter_name
            cfg.save(data_dir)
        if args.server or args.enroll:
            if not (args.server and args.enroll):
                print("--server and --enroll go together", file=sys.stderr)
                return 2
            from counter_app.commands.sync import enroll_counter

            enroll_counter(c, args.server, args.enroll, args.ca_bundle)
            print(f"enrolled with {args.server}: the token is in this computer's keyring")
        code = c.store.get_meta("counter_code")
        print(f"data directory: {data_dir}")
        print(f"database: {c.store.path}")
        print(f"counter code: {code or '(not set: pass --counter-code)'}")
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    pin = args.pin
    if pin is None:
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("PIN again: ") != pin:
            print("The PINs differ." if args.lang != "hi" else "दोनों पिन अलग हैं।", file=sys.stderr)
            return 1
    with open_application(args.data_dir) as c:
        c.service.add_user(args.username, args.name, args.role, pin, actor="cli")
    print(f"added {args.role} {args.username}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    with open_application(args.data_dir) as c:
        for username, name, role, active in c.service.list_users():
            print(f"{username:16} {role:10} {'active' if active else 'disabled':8} {name}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from kesco_demo.load import load_demo_consumers

    if args.consumers < 1 or args.consumers > 2_000_000:
        print("--consumers must be between 1 and 20,00,000", file=sys.stderr)
        return 2
    with open_application(args.data_dir) as c:
        t = time.perf_counter()
        n = load_demo_consumers(c.store, args.consumers, seed=args.seed)
        print(f"loaded {n} demo consumers in {time.perf_counter() - t:.1f} s")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with open_application(args.data_dir) as c:
        report = c.service.verify(args.anchor)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"receipts: {report['receipts']}, chain links checked: {report['chain_checked']}")
        for p in report["problems"]:
            key = p["key"]
            params = {k: v for k, v in p.items() if k != "key"}
            print("PROBLEM: " + CounterError(key, **params).message(args.lang))
        print("OK" if report["ok"] else "FAILED")
    return 0 if report["ok"] else 1


def status_dict(c: Any) -> dict[str, Any]:
    """What `status --json` prints; the sync and operations code add their parts."""
    from counter_app.services.status import counter_status

    return counter_status(c)


def cmd_status(args: argparse.Namespace) -> int:
    with open_application(args.data_dir, lock=False) as c:
        st = status_dict(c)
    if args.json:
        print(json.dumps(st, indent=2, ensure_ascii=False, default=str))
    else:
        for k, v in st.items():
            print(f"{k}: {v}")
    return 0
