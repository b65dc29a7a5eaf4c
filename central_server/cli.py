"""`central-server` command line: serve, migrate, counters, demo-data, period, import, reconcile,
hq-users, alarms, parked, backup, partition, openapi. Every command takes --database-url (or CENTRAL_DATABASE_URL; a SQLite file by default)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from central_server import counters, db, installations, logs, master, migrate, reports
from central_server import period as period_mod
from central_server.cli_parts import command_group, open_engine
from central_server.config import Settings
from kesco_protocol.money import format_inr


def _money(paise: int) -> str:
    return format_inr(paise)


EX_CONFIG = 78  # sysexits.h: configuration error; the systemd unit does not restart on it


def _serve_settings(args: argparse.Namespace) -> Settings:
    settings = Settings(database_url=args.database_url) if args.database_url else Settings()
    changes: dict[str, object] = {}
    for flag, name in (("limit_concurrency", "limit_concurrency"), ("timeout_keep_alive", "timeout_keep_alive_s"),
                       ("max_header_bytes", "max_header_bytes"), ("header_timeout", "header_timeout_s"),
                       ("body_timeout", "body_idle_timeout_s"), ("max_records_body", "max_records_body")):
        if getattr(args, flag) is not None:
            changes[name] = getattr(args, flag)
    if args.trusted_proxy:
        changes["trusted_proxies"] = tuple(args.trusted_proxy)
    if args.cookie_secure is not None:
        changes["cookie_secure"] = {"auto": None, "on": True, "off": False}[args.cookie_secure]
    if args.demo:
        changes["demo"] = True
    return settings.with_(**changes)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central_server import credentials, serving

    logs.configure(args.log_level)
    try:
        settings = _serve_settings(args)
    except credentials.SecretError as e:
        print(f"error: {e}", file=sys.stderr)
        return EX_CONFIG
    if not settings.demo:
        check = credentials.check_for_serving(settings.database_url, settings.session_key, settings.gateway_keys)
        if not check.ok:
            print("error: refusing to serve outside demo mode:", file=sys.stderr)
            for problem in check.problems:
                print(f"  - {problem}", file=sys.stderr)
            print("Set the secrets in the environment file or as *_FILE paths (docs/DEPLOY.md), or run "
                  "'central-server serve --demo' for a demonstration.", file=sys.stderr)
            return EX_CONFIG
    migrate.upgrade(db.make_engine(settings))
    options = serving.uvicorn_options(settings)
    if args.workers > 1:
        serving.export_env(settings)
        os.environ.pop("CENTRAL_DATABASE_URL_FILE", None)  # export_env handed the workers the URL itself
        os.environ["CENTRAL_MIGRATE_ON_START"] = "0"
        os.environ["CENTRAL_DEMO"] = "1" if settings.demo else "0"
        _metrics_dir()
        options["http"] = serving.TimedH11Protocol  # importable by the workers; timeout from the env
        serving.run_workers("central_server.app:app_from_env", args.host, args.port, args.workers, factory=True,
                            log_config=None, access_log=False, **options)
    else:
        from central_server.app import create_app

        app = create_app(settings.with_(migrate_on_start=False))
        uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False, **options)
    return 0


def _metrics_dir() -> str:
    """PROMETHEUS_MULTIPROC_DIR for the workers' metric files (systemd's RuntimeDirectory, else a
    fresh temporary one), emptied first: the files of an earlier run would be counted again."""
    import tempfile

    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="kesco-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return str(path)


def cmd_partition(args: argparse.Namespace) -> int:
    from central_server import partitioning

    engine = open_engine(args)
    try:
        with db.write_tx(engine) as conn:
            rep = partitioning.partition_receipts(conn, months_ahead=args.months_ahead)
    except partitioning.PartitionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if rep.converted:
        print(f"receipts partitioned by month: {rep.rows} receipts kept; partitions {', '.join(rep.partitions)}")
    else:
        print("receipts are partitioned already; " + (f"added {', '.join(rep.partitions)}" if rep.partitions
                                                       else "the coming months exist"))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from central_server import ops_state

    engine = open_engine(args)
    if args.action == "record":
        try:
            at = datetime.now(UTC) if args.at == "now" else datetime.fromisoformat(args.at)
            with db.write_tx(engine) as conn:
                ops_state.record_backup(conn, at, args.note)
        except ValueError as e:
            print(f"error: --at {args.at!r}: {e}", file=sys.stderr)
            return 1
        print(f"backup of {at.isoformat()} recorded: {args.note}")
        return 0
    with db.read_tx(engine) as conn:
        last = ops_state.last_backup(conn)
    print("no backup recorded" if last is None else f"last backup {last['taken_at']}: {last['note']}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    print(f"database at revision {migrate.current_revision(open_engine(args))}")
    return 0


def cmd_counters(args: argparse.Namespace) -> int:
    engine = open_engine(args)
    if args.action == "add":
        with db.write_tx(engine) as conn:
            code = counters.add(conn, args.code, args.name or args.code)
        print(f"counter {args.code} added. One-time enrollment code (valid 7 days, shown only now):")
        print(code)
    elif args.action == "reissue":
        with db.write_tx(engine) as conn:
            code = counters.reissue(conn, args.code)
        print(f"counter {args.code}: old token revoked. New one-time enrollment code:")
        print(code)
    elif args.action == "revoke":
        with db.write_tx(engine) as conn:
            counters.revoke(conn, args.code)
        # a running server believes a token it checked for token_cache_s (central_server/token_cache.py)
        print(f"counter {args.code} revoked: its token stops working within "
              f"{Settings().token_cache_s:g} s.")
    elif args.action == "held":
        with db.read_tx(engine) as conn:
            rows = installations.held(conn, args.code)
        if not rows:
            print(f"counter {args.code}: nothing held from another installation.")
        for r in rows:
            print(f"counter {args.code}, installation {r['installation_id']}: {r['records']} records held, "
                  f"{r['receipts']} receipts, {_money(r['total_paise'])}, {r['released']} released")
    elif args.action == "resolve-clone":
        with db.write_tx(engine) as conn:
            rep = installations.resolve(conn, args.code, args.installation, decided_by=args.by)
        print(f"counter {args.code}, installation {args.installation}: {rep.posted} receipts posted, "
              f"{_money(rep.posted_paise)}" + "".join(f"; {n} {what}" for what, n in sorted(rep.kept.items())))
        print("the other PC stays refused: register it under a new counter code and enrol it there.")
    else:
        with db.read_tx(engine) as conn:
            rows = counters.list_all(conn)
        print(f"{'code':<8} {'name':<24} {'state':<9} {'high-water':>10} {'receipts':>9} {'total':>18}")
        for r in rows:
            state = "revoked" if r["revoked"] else "enrolled" if r["enrolled"] else "pending"
            print(f"{r['code']:<8} {r['name'][:24]:<24} {state:<9} {r['high_water_seq']:>10} "
                  f"{r['receipts']:>9} {_money(r['total_paise']):>18}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    try:  # the demo generator is scaffolding, not the server: a production install may lack it
        from kesco_demo.consumers import generate_consumers
    except ImportError:
        print("error: demo-data needs the kesco_demo package (a developer install: pip install -e .)",
              file=sys.stderr)
        return 1

    with db.write_tx(open_engine(args)) as conn:
        from sqlalchemy import func, select

        from central_server.models import consumers

        existing = conn.execute(select(func.count()).select_from(consumers)).scalar_one()
        if existing and not args.replace:
            print(f"error: {existing} consumers are loaded already; use --replace to start over", file=sys.stderr)
            return 1
        n = master.load_consumers(conn, generate_consumers(args.consumers, seed=args.seed), replace=args.replace)
    print(f"loaded {n} demo consumers")
    return 0


def cmd_period(args: argparse.Namespace) -> int:
    with db.write_tx(open_engine(args)) as conn:
        if args.action == "close":
            per = period_mod.close(conn, legacy=args.legacy, label=args.label, retry_after_s=args.retry_after,
                                   start_date=args.first_day)
        elif args.action == "open":
            per = period_mod.open_(conn, end_date=args.last_day)
        else:
            per = period_mod.current(conn)
    if per.closing:
        what = ("sync refused with 503 (legacy mode), counters retry after "
                f"{per.retry_after_s} s" if per.mode == "legacy"
                else "collection goes on")
        what += "; receipts whose value date is in the closed period are marked collected during closing"
        print(f"period {per.label or ''} closing since {per.changed_at}: {what}".replace("  ", " "))
    else:
        print(f"period open since {per.changed_at}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from central_server.importer import import_file
    from kesco_protocol.errors import KeyedError

    try:
        rep = import_file(open_engine(args), args.file)
    except KeyedError as e:  # the seal does not verify, or not an export file
        print(f"error: import {args.file}: {e}", file=sys.stderr)
        return 1
    print(f"counter {rep.counter_code}, exported {rep.created_at}: {rep.records} records: "
          + ", ".join(f"{k} {v}" for k, v in sorted(rep.statuses.items())))
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.date).isoformat()
    except ValueError:
        print(f"error: {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 1
    with db.read_tx(open_engine(args)) as conn:
        rows = reports.reconcile(conn, day)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"Collection on {day} (gross includes cancelled and parked receipts; net = gross - voids - dishonoured)")
    print(f"{'counter':<8} {'receipts':>8} {'gross':>18} {'voids':>5} {'voided':>14} {'net':>18} "
          f"{'variance':>12} {'parked':>6} {'alarms':>6} {'closing':>7}  day close")
    for r in [*rows, {**reports.totals(rows), "counter_code": "all", "day_close": None}]:
        dc = r["day_close"]
        close = "" if r["counter_code"] == "all" else "not received" if dc is None else (
            f"{dc['count']} / {_money(dc['total_paise'])} " + ("matches" if dc["matches"] else "DIFFERS"))
        print(f"{r['counter_code']:<8} {r['receipts']:>8} {_money(r['total_paise']):>18} {r['voids']:>5} "
              f"{_money(r['void_paise']):>14} {_money(r['net_paise']):>18} {_money(r['variance_paise']):>12} "
              f"{r['parked'] + r['parked_records']:>6} {r['alarms']:>6} {r['closing_receipts']:>7}  {close}")
    return 0


def cmd_hq_users(args: argparse.Namespace) -> int:
    from central_server.hq import auth as hq_auth

    engine = open_engine(args)
    if args.action == "add":
        password = _read_password(args.password_stdin)
        with db.write_tx(engine) as conn:
            hq_auth.add_user(conn, args.name, password)
        print(f"headquarters user {hq_auth.normal_name(args.name)} added; log in at /hq/login")
    elif args.action == "disable":
        with db.write_tx(engine) as conn:
            hq_auth.disable_user(conn, args.name)
        print(f"headquarters user {hq_auth.normal_name(args.name)} disabled and logged out")
    else:
        with db.read_tx(engine) as conn:
            users = hq_auth.list_users(conn)
        if args.json:
            print(json.dumps(users, indent=2))
            return 0
        if not users:
            print("no headquarters users; add one with 'central-server hq-users add NAME'")
        for u in users:
            print(f"{u['name']:<32} {'disabled' if u['disabled'] else 'active':<9} "
                  f"last login {u['last_login'][:19] if u['last_login'] else '-'}")
    return 0


def _read_password(from_stdin: bool) -> str:
    """One line of stdin (scripts), or typed twice at a prompt that does not echo it."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise counters.AdminError("the two passwords differ")
    return first


def cmd_alarms(args: argparse.Namespace) -> int:
    with db.read_tx(open_engine(args)) as conn:
        rows = reports.open_alarms(conn, args.counter) if args.what == "alarms" else reports.parked(conn, args.counter)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not rows:
        print(f"no {'open alarms' if args.what == 'alarms' else 'parked records'}")
    for r in rows:
        if args.what == "alarms":
            print(f"#{r['id']} {r['raised_at'][:19]} {r['counter_code']:<6} {r['kind']:<14} seq {r['seq'] or '-':<8} "
                  f"{r['record_id']}  {r['detail'].get('reason', '')}")
        else:
            print(f"{r['counter_code']:<6} {r['kind']:<10} {r.get('receipt_no') or r.get('target_receipt_id') or '':<28} "
                  f"{_money(r['amount_paise'] or 0):>14}  {r['parked_reason']}")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    text = openapi_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json."""
    from central_server.app import create_app

    app = create_app(Settings(database_url="sqlite://", migrate_on_start=False))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: "
                             "$CENTRAL_DATABASE_URL or ./central-server.sqlite3)")
    p = argparse.ArgumentParser(prog="central-server", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", parents=[common], help="run the HTTP API (migrates first)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--log-level", default="INFO")
    # request limits (docs/DEPLOY.md, "Request limits"); defaults in central_server.config
    s.add_argument("--limit-concurrency", type=int, default=None,
                   help="connections + requests before 503 (default 200)")
    # longer than nginx's upstream keepalive_timeout (60 s): the proxy, not the app, closes an idle
    # connection, so nothing is sent on a connection the app has just closed
    s.add_argument("--timeout-keep-alive", "--keep-alive", dest="timeout_keep_alive", type=int, default=None,
                   help="seconds an idle HTTP connection is kept (default 75)")
    s.add_argument("--max-header-bytes", type=int, default=None, help="request line + headers (default 16384)")
    s.add_argument("--header-timeout", type=float, default=None,
                   help="seconds for a request's line and headers to arrive (default 10)")
    s.add_argument("--body-timeout", type=float, default=None,
                   help="seconds a request body may stall before 408 (default 15)")
    s.add_argument("--max-records-body", type=int, default=None,
                   help="bytes a records request may carry (default 8 MiB)")
    s.add_argument("--trusted-proxy", action="append", default=[],
                   help="address or network of a proxy whose X-Forwarded-For/-Proto is believed (repeatable; "
                        "default none)")
    s.add_argument("--cookie-secure", choices=("auto", "on", "off"), default=None,
                   help="HQ cookies Secure and HSTS: auto = when served over HTTPS (default)")
    s.add_argument("--demo", action="store_true",
                   help="demo mode: serve without configured secrets (also CENTRAL_DEMO=1)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("partition", parents=[common],
                       help="PostgreSQL: partition receipts by month (opt-in, keeps every row); then run monthly")
    s.add_argument("--months-ahead", type=int, default=3, help="partitions made ahead of today (default 3)")
    s.set_defaults(func=cmd_partition)

    bsub = command_group(sub, "backup", "record a database backup the operator took (the HQ board shows it)",
                         cmd_backup)
    b = bsub.add_parser("record", parents=[common], help="run by the backup job after pg_dump succeeded")
    b.add_argument("--at", default="now", help="when the backup was taken, ISO 8601 with offset (default: now)")
    b.add_argument("--note", required=True, help="what and where, e.g. 'pg_dump kesco-2026-12-01.dump'")
    bsub.add_parser("show", parents=[common], help="the last recorded backup")

    s = sub.add_parser("migrate", parents=[common], help="bring the database to the current schema")
    s.set_defaults(func=cmd_migrate)

    csub = command_group(sub, "counters", "register, re-enrol, revoke and list counters", cmd_counters)
    a = csub.add_parser("add", parents=[common], help="register a counter; prints its enrollment code")
    a.add_argument("code")
    a.add_argument("--name", default=None)
    for action, text in (("reissue", "new enrollment code (reinstalled PC); revokes the old token"),
                         ("revoke", "stop the counter's token now")):
        a = csub.add_parser(action, parents=[common], help=text)
        a.add_argument("code")
    csub.add_parser("list", parents=[common], help="all counters")
    a = csub.add_parser("held", parents=[common], help="records a second PC sent with this counter's code, held")
    a.add_argument("code")
    a = csub.add_parser("resolve-clone", parents=[common],
                        help="release what a second PC collected (after a person checked it): post its receipts")
    a.add_argument("code")
    a.add_argument("--installation", required=True, help="the other installation's id (see 'counters held')")
    a.add_argument("--by", required=True, help="who decided (kept with each released record)")

    s = sub.add_parser("demo-data", parents=[common], help="load generated demo consumers")
    s.add_argument("--consumers", type=int, default=530_000)
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--replace", action="store_true", help="delete the consumers loaded before")
    s.set_defaults(func=cmd_demo_data)

    psub = command_group(sub, "period", "month-end closing: close, open, status", cmd_period)
    c = psub.add_parser("close", parents=[common], help="start closing (collection goes on by default)")
    c.add_argument("--legacy", action="store_true", help="refuse sync with 503 + Retry-After, like the old system")
    c.add_argument("--label", default=None, help="the month being closed, e.g. 2026-11")
    c.add_argument("--retry-after", type=int, default=600, help="seconds, for --legacy")
    c.add_argument("--first-day", default=None, metavar="YYYY-MM-DD",
                   help="first value date of the closed period (default today in India)")
    o = psub.add_parser("open", parents=[common], help="end closing")
    o.add_argument("--last-day", default=None, metavar="YYYY-MM-DD",
                   help="last value date of the closed period (default today in India)")
    psub.add_parser("status", parents=[common], help="show the state")

    s = sub.add_parser("import", parents=[common], help="import a counter's sealed export file (counter-app export-pending)")
    s.add_argument("file")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("reconcile", parents=[common], help="per counter for a date: receipts, totals, voids, variance, day close")
    s.add_argument("--date", required=True, help="business date, YYYY-MM-DD")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_reconcile)

    hsub = command_group(sub, "hq-users", "headquarters users of the /hq/ pages: add, list, disable", cmd_hq_users)
    a = hsub.add_parser("add", parents=[common], help="add a user (asks for the password twice)")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    a = hsub.add_parser("disable", parents=[common], help="stop a user logging in; ends their sessions now")
    a.add_argument("name")
    a = hsub.add_parser("list", parents=[common], help="all headquarters users")
    a.add_argument("--json", action="store_true")

    for what, text in (("alarms", "open integrity alarms: conflicts, chain breaks, unreadable records"),
                       ("parked", "receipts, voids and dishonours held in suspense for review")):
        s = sub.add_parser(what, parents=[common], help=text)
        s.add_argument("--counter", default=None)
        s.add_argument("--json", action="store_true")
        s.set_defaults(func=cmd_alarms, what=what)

    from central_server.billing import commands as billing_commands

    billing_commands.register(sub, common)
    from central_server.consumer_side import commands as consumer_commands

    consumer_commands.register(sub, common)

    from central_server.bank import commands as bank_commands

    bank_commands.register(sub, common)

    s = sub.add_parser("openapi", help="print or write the OpenAPI document")
    s.add_argument("--output", default=None)
    s.set_defaults(func=cmd_openapi)
    return p


def main(argv: list[str] | None = None) -> int:
    from central_server.billing.import_run import CommandRefused
    from kesco_protocol.part_payment import PolicyError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PolicyError as e:  # the settings' part-payment policy file (central_server.part_payment)
        print(f"error: {e}", file=sys.stderr)
        return EX_CONFIG
    except CommandRefused as e:  # a file command's mapping or input file, before anything was done
        print(f"error: {e}", file=sys.stderr)
        return 2
    except counters.AdminError as e:  # an operator's command refused (counters, hq-users): nothing changed
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
