"""`counter-app`: the GUI by default; headless subcommands for IT and for scripts.

Each area registers its own subcommands from a module in counter_app/commands/, so the sync,
operations and UI code each own their commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from counter_app.domain.errors import CounterError

COMMAND_MODULES = (
    "counter_app.commands.core",
    "counter_app.commands.demo",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="counter-app", description="KESCO cash counter")
    p.add_argument("--data-dir", help="data directory (default: $COUNTER_APP_DATA_DIR or the machine's)")
    p.add_argument("--lang", choices=("en", "hi"), default=os.environ.get("COUNTER_APP_LANG", "en"),
                   help="language of messages")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
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


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
