"""`counter-app`: the GUI by default; headless subcommands for IT and for scripts.

Each area registers its own subcommands from a module in counter_app/commands/, so the sync,
operations and UI code each own their commands."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from counter_app.domain.errors import CounterError

log = logging.getLogger(__name__)

#: Exit codes: 0 done, 1 the command reported a failure, 2 usage, 3 an unexpected error (a bug or
#: the machine), 130 interrupted. Scripts and the scheduler tell "it said no" from "it broke".
EXIT_UNEXPECTED = 3

COMMAND_MODULES = (
    "counter_app.commands.core",
    "counter_app.commands.demo",
    "counter_app.commands.gui",
    "counter_app.commands.mirror",
    "counter_app.commands.ops",
    "counter_app.commands.sync",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="counter-app", description="KESCO cash counter")
    p.add_argument("--data-dir", help="data directory (default: $COUNTER_APP_DATA_DIR or the machine's)")
    p.add_argument("--lang", choices=("en", "hi"), default=os.environ.get("COUNTER_APP_LANG", "en"),
                   help="language of messages")
    p.add_argument("--smoke-test", action="store_true",
                   help="check this installation (offscreen Qt, temporary database, receipt PDF) and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from counter_app.ops.logs import ensure_std_streams, setup_logging

    ensure_std_streams()  # the windowed build starts with no stdout/stderr at all
    from counter_app.storage.private import private_umask

    private_umask()  # logs, database, backups, exports: readable by this account only
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.smoke_test:
        from counter_app.ops.smoke import main as smoke_test

        return smoke_test()
    log_path = _start_log(args.data_dir, setup_logging)
    if not getattr(args, "func", None):
        # No subcommand: the counter window, once the UI registers "gui".
        if "gui" not in _commands(parser):
            parser.print_help()
            return 2
        args = parser.parse_args([*args_list, "gui"])
    try:
        return int(args.func(args) or 0)
    except CounterError as e:
        print(e.message(args.lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # say what failed, in one line, and where the traceback went
        log.exception("counter-app %s failed", args.command or "gui")
        error = f"{type(e).__name__}: {str(e)[:200]}"
        where = str(log_path) if log_path else "(no log: the data directory does not exist)"
        from counter_app.domain.messages import render

        print(render("cli.unexpected", args.lang, command=args.command or "gui", error=error, log=where),
              file=sys.stderr)
        return EXIT_UNEXPECTED


def _start_log(data_dir: str | None, setup_logging: Any) -> Any:
    """Log to the data directory when it exists (never create one just to log in it); the log
    file's path, or None."""
    from counter_app.config import resolve_data_dir

    try:
        path = resolve_data_dir(data_dir)
    except Exception:
        return None
    if path.is_dir():
        return setup_logging(path)
    return None


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
