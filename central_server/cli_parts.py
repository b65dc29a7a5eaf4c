"""The pieces every `central-server` command module builds its parsers from (cli.py and the
bank, billing and consumer-side `commands.py`): the migrated engine of --database-url, a command
whose first word is an action, and the options every file import takes, a list printed a line a row."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from central_server import db, migrate


def open_engine(args: argparse.Namespace) -> Engine:
    """The database of --database-url (or CENTRAL_DATABASE_URL), brought to the current schema."""
    return migrate.migrated_engine(args.database_url)


def command_group(sub: Any, name: str, help: str, func: Any = None, dest: str = "action") -> Any:
    """`central-server NAME ACTION ...`: the sub-parsers of the actions. `func`, when given, runs
    for every action and reads args.<dest>; otherwise each action sets its own."""
    s = sub.add_parser(name, help=help)
    if func is not None:
        s.set_defaults(func=func)
    return s.add_subparsers(dest=dest, required=True)


def import_command(actions: Any, common: argparse.ArgumentParser, help: str, file: str, *, example: str,
                   dry_run: str, by: str, rejects: str) -> argparse.ArgumentParser:
    """`... import FILE`: a file import's parser with its --mapping, --dry-run, --rejects, --by and
    --json (the bank statement, the billing master); the caller adds its own options."""
    a: argparse.ArgumentParser = actions.add_parser("import", parents=[common], help=help)
    a.add_argument(file)
    a.add_argument("--mapping", default=None, help=f"TOML mapping (see docs/examples/{example})")
    a.add_argument("--dry-run", action="store_true", help=dry_run)
    a.add_argument("--rejects", default=None, help=f"rejects file (default {rejects}.rejects.csv)")
    a.add_argument("--by", default=None, help=by)
    a.add_argument("--json", action="store_true")
    return a


def print_rows(args: argparse.Namespace, read: Callable[[Connection], Sequence[Any]],
               line: Callable[[Any], str], empty: str | None = None) -> int:
    """A list command: the rows `read` returns (in one read transaction), a line each, or `empty`
    when there are none."""
    with db.read_tx(open_engine(args)) as conn:
        rows = read(conn)
    if not rows and empty is not None:
        print(empty)
    for r in rows:
        print(line(r))
    return 0
