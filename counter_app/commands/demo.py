"""`counter-app demo` (the README's `./dev demo`): the reference central server with demo data on
loopback in the background, a demo counter enrolled with it (clerk1/1111, super1/9999), and the
counter window. Without a display it runs offscreen, walks through every screen in English and
Hindi, saves a screenshot of each to a folder it names, and exits.

`counter-app demo --headless`: a scripted counter day with no window and no server."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from counter_app.app import open_application
from counter_app.config import Config
from counter_app.domain.receipt import Instrument
from counter_app.domain.words import amount_in_words_en, amount_in_words_hi
from counter_app.services.collection import Payment
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode

EXAMPLE_MAPPING = Path(__file__).resolve().parents[2] / "docs" / "examples" / "billing-mapping.toml"
COUNTER_CODE = "K01"
COUNTER_NAME = "Kidwai Nagar (demo)"
USERS = (("clerk1", "Ramesh Kumar", "clerk", "1111"), ("super1", "Sunita Verma", "supervisor", "9999"))


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="run the demo: central server + enrolled counter + window "
                                    "(offscreen screenshots when there is no display)")
    p.add_argument("--headless", action="store_true", help="no window and no server: scripted receipts and a summary")
    p.add_argument("--consumers", type=int, default=20_000)
    p.add_argument("--no-server", action="store_true", help="the window only, with locally generated demo data")
    p.add_argument("--screenshots", default=None, help="where the offscreen tour saves its screenshots")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.headless:
        return run_headless_demo(args.data_dir, args.consumers)
    return run_window_demo(args)


# ------------------------------------------------------------------------------ the central server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DemoServer:
    """The reference central server in a child process, its data in the demo folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url_db = f"sqlite:///{root / 'central-server.sqlite3'}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.log = root / "central-server.log"

    def _cli(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "central_server", *argv], capture_output=True, text=True,
                              timeout=600)

    def prepare(self, consumers: int, code: str, name: str) -> str:
        """Demo consumers (once) and a one-time enrollment code for the counter."""
        # the consumers come in the way a utility's do: its billing system's export, read through
        # the importer with the example mapping (a second run finds the same file: nothing changes)
        export = self.root / f"billing-export-{consumers}.csv"
        if not export.exists():
            r = subprocess.run([sys.executable, "-m", "kesco_demo.billing_export", str(export), "--consumers",
                                str(consumers)], capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                raise RuntimeError(f"the demo billing export failed: {r.stderr.strip()[-300:]}")
        r = self._cli("master", "import", str(export), "--mapping", str(EXAMPLE_MAPPING), "--quiet",
                      "--by", "demo", "--database-url", self.url_db)
        if r.returncode != 0:
            raise RuntimeError(f"central-server master import failed: {r.stderr.strip()[-300:]}")
        r = self._cli("counters", "add", code, "--name", name, "--database-url", self.url_db)
        if r.returncode != 0:  # added on an earlier run: a new code (the old token is revoked)
            r = self._cli("counters", "reissue", code, "--database-url", self.url_db)
        if r.returncode != 0:
            raise RuntimeError(f"central-server counters failed: {r.stderr.strip()[-300:]}")
        return r.stdout.strip().splitlines()[-1].strip()

    def start(self, timeout_s: float = 60.0) -> str:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = open(self.log, "ab")  # noqa: SIM115 - the child writes it for its whole life
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "central_server", "serve", "--database-url", self.url_db, "--port", str(port),
             "--demo"],
            stdout=log, stderr=subprocess.STDOUT)
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the central server stopped at start; see {self.log}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return self.url
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the central server did not answer within {timeout_s:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


# ------------------------------------------------------------------------------ the counter


def prepare_counter(counter_dir: Path) -> None:
    with open_application(counter_dir) as c:
        if not c.store.get_meta("counter_code"):
            c.service.initialise(COUNTER_CODE, COUNTER_NAME)
        existing = {u[0] for u in c.service.list_users()}
        for username, name, role, pin in USERS:
            if username not in existing:
                c.service.add_user(username, name, role, pin, actor="demo")
    cfg = Config.load(counter_dir)
    cfg.counter_code, cfg.counter_name = COUNTER_CODE, COUNTER_NAME
    cfg.printer = cfg.printer or "pdf:printed"  # no printer needed: receipts become PDF files
    cfg.save(counter_dir)


def run_window_demo(args: argparse.Namespace) -> int:
    from counter_app.ui.app import build_window, create_application, has_display
    from kesco_demo.load import load_demo_consumers

    root = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="kesco-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    counter_dir = root / "counter"
    print(f"Demo folder: {root}")
    prepare_counter(counter_dir)
    server = None if args.no_server else DemoServer(root)
    enrollment = ""
    if server is not None:
        try:
            print(f"Starting the central server with {args.consumers:,} demo consumers...")
            enrollment = server.prepare(args.consumers, COUNTER_CODE, COUNTER_NAME)
            print(f"Central server at {server.start()} (log: {server.log})")
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            print(f"The central server could not start ({e}); the counter works offline.", file=sys.stderr)
            server.stop()
            server = None
    app = create_application()
    engine = None
    try:
        with open_application(counter_dir) as counter:
            if server is not None:
                engine = enrol_and_start(counter, server.url, enrollment)
            if engine is None and counter.service.consumer_count() == 0:
                load_demo_consumers(counter.store, args.consumers)
            window = build_window(counter, engine=engine)
            print("Log in as clerk1 / PIN 1111 (supervisor: super1 / PIN 9999).")
            if has_display():
                window.showMaximized()
                _quit_on_signals(app)
                return int(app.exec())
            return _offscreen_tour(window, counter, engine, args, root)
    finally:
        if engine is not None:
            engine.stop()
        if server is not None:
            server.stop()


def _quit_on_signals(app: Any) -> None:
    """Ctrl+C or a kill ends the demo cleanly (the server child stops too): Qt's loop gives Python a
    moment every 200 ms to run its signal handlers."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(200)


def enrol_and_start(counter: Any, url: str, enrollment: str) -> Any:
    """Enrol with an in-memory token store (the demo's token dies with the demo, and a machine
    without a keyring can still run it), then start the engine: it downloads the consumers."""
    from counter_app.sync.keyring_store import MemoryTokenStore
    from counter_app.sync.setup import enroll, make_engine

    tokens = MemoryTokenStore()
    try:
        enroll(counter, url, enrollment, tokens=tokens)
        engine = make_engine(counter, tokens=tokens)
    except Exception as e:  # noqa: BLE001 - the demo carries on offline
        print(f"Enrollment failed ({e}); the counter works offline.", file=sys.stderr)
        return None
    engine.start()
    return engine


def _offscreen_tour(window: Any, counter: Any, engine: Any, args: argparse.Namespace, root: Path) -> int:
    try:
        from kesco_demo.tour import Tour, settle, wait_until
    except ImportError:  # the installed counter carries no scripted tours (packaging/counter-app.spec)
        print("The scripted tour of the screens comes with the source checkout only (./dev demo). "
              "On an installed counter run `counter-app demo --headless`, or open the window on a display.",
              file=sys.stderr)
        return 2

    out = Path(args.screenshots) if args.screenshots else root / "screenshots"
    if engine is not None:
        print("Downloading the consumer data from the central server...")
        wait_until(lambda: engine.state().snapshot.complete, timeout_s=300)
    tour = Tour(window, out)
    for lang in ("en", "hi"):
        tour.run(lang, first_index=0 if lang == "en" else 10)
    if engine is not None:
        engine.sync_now()
        wait_until(lambda: engine.state().pending == 0, timeout_s=60)
        settle(600)
        tour.shot("12-synced")
    window.close()
    print(f"No display: ran offscreen. {len(tour.saved)} screenshots in {out}")
    printed = counter.data_dir / "printed"
    if printed.exists():
        print(f"Receipts (PDF) in {printed}")
    return 0


# ------------------------------------------------------------------------------ headless


def run_headless_demo(data_dir: str | None, consumers: int) -> int:
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers

    root = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="kesco-demo-"))
    with open_application(root) as c:
        svc = c.service
        if not c.store.get_meta("counter_code"):
            svc.initialise(COUNTER_CODE, COUNTER_NAME)
        existing = {u[0] for u in svc.list_users()}
        for username, name, role, pin in USERS:
            if username not in existing:
                svc.add_user(username, name, role, pin)
        t = time.perf_counter()
        n = load_demo_consumers(c.store, consumers)
        print(f"Demo data: {n:,} consumers in {time.perf_counter() - t:.1f} s -> {root}")
        clerk = svc.login("clerk1", "1111")
        if svc.current_shift(clerk) is None:
            svc.open_shift(clerk, 2000_00)
        today = svc.clock().date()
        def due(i: int, otherwise: int) -> int:
            # the whole due: a smaller amount may be below the least part payment (refused without
            # a supervisor)
            return svc.lookup(account_no_for_index(i)).amount_due_paise or otherwise

        payments = [
            Payment(account_no_for_index(0), due(0, 500_00), Mode.CASH, tendered_paise=None),
            Payment(account_no_for_index(1), due(1, 1234_50), Mode.CHEQUE,
                    Instrument(number="123456", date=(today - timedelta(days=3)).isoformat(),
                               bank="State Bank of India", ifsc="SBIN0001234")),
            Payment(account_no_for_index(2), due(2, 750_00), Mode.UPI, Instrument(reference="UPI4231987654")),
        ]
        issued = [svc.issue_receipt(clerk, p) for p in payments]
        for r in issued:
            print(f"  {r.receipt_no}  {r.account_no}  {format_inr(r.amount_paise):>14}  {r.mode:6}  {r.consumer_name}")
        r = issued[0]
        print(f"  in words: {amount_in_words_en(r.amount_paise)}")
        print(f"            {amount_in_words_hi(r.amount_paise)}")
        v = svc.void_receipt(clerk, issued[2].receipt_no, "Wrong account keyed", "super1", "9999")
        print(f"  voided {v.receipt_no} (approved by {v.approved_by})")
        report = svc.verify()
        print(f"Verify: {'OK' if report['ok'] else 'FAILED'}; {report['receipts']} receipts, "
              f"{report['chain_checked']} chain links checked")
        for p in report["problems"]:
            print("  PROBLEM:", p)
        return 0 if report["ok"] else 1
