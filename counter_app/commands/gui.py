"""`counter-app gui` (also what `counter-app` with no command runs): the counter window, with the
sync engine running behind it when the counter is enrolled."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the counter window (the default)")
    p.add_argument("--no-sync", action="store_true", help="do not start the sync engine")
    p.set_defaults(func=cmd_gui)


def start_engine(counter: Any, **options: Any) -> Any:
    """The sync engine for an enrolled counter, started; None when not configured or when the
    keyring is unusable (the window then shows the local outbox and says it is not connected)."""
    if not counter.config.server_url:
        return None
    try:
        from counter_app.sync.setup import make_engine

        engine = make_engine(counter, **options)
    except Exception as e:  # noqa: BLE001 - collecting never depends on the network side
        log.warning("sync engine not started: %s", e)
        return None
    engine.start()
    return engine


def cmd_gui(args: argparse.Namespace) -> int:
    from counter_app.config import resolve_data_dir
    from counter_app.ops.setup import needs_setup
    from counter_app.ui.startup import BackgroundOpen

    data_dir = resolve_data_dir(args.data_dir)
    first_run = needs_setup(data_dir)
    opening = None if first_run else BackgroundOpen(data_dir)  # overlaps the store's check with Qt's loading
    from counter_app.ui.app import build_window, create_application, has_display

    if not has_display():
        print("There is no display. Run `counter-app demo` for an offscreen tour with screenshots.",
              file=sys.stderr)
        if opening is not None:
            opening.result().close()
        return 2
    app = create_application()
    if first_run:
        from counter_app.ui.setup_dialog import run_setup_if_needed

        if not run_setup_if_needed(data_dir, lang=args.lang):
            return 1
        opening = BackgroundOpen(data_dir)
    with opening.result() as counter:
        lang = args.lang if args.lang != "en" else (counter.config.language or "en")
        engine = None if args.no_sync else start_engine(counter)
        try:
            window = build_window(counter, lang=lang, engine=engine)
            window.showMaximized()
            return int(app.exec())
        finally:
            if engine is not None:
                engine.stop()
