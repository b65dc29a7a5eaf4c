"""Regenerate the /verify screenshots in docs/screenshots/ (genuine, cancelled, forged, and the
offline answer; English and Hindi) from a real run: a central server on loopback, an enrolled
counter that signs, synced receipts, one cancelled, one code with its amount changed; then the
server stopped, and the page answering from its service worker; Debian's chromium, headless.

    .venv/bin/python scripts/screenshots_verify.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a browser or driver
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = ap.parse_args()
    from datetime import UTC, datetime
    from urllib.parse import urlencode

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from counter_app.services.collection import Session
    from kesco_protocol.signing import compact
    from tests.conftest import SUPERVISOR
    from tests.sync.harness import LiveEnv

    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        env = LiveEnv(Path(tmp), f"sqlite:///{Path(tmp) / 'central.sqlite3'}").start(consumers=300)
        try:
            k = env.counter("K07")
            paid, cancelled = k.issue(2)
            k.engine.drain()
            k.service.void_receipt(Session("clerk1", "Test Clerk", "clerk"), cancelled.receipt_id,
                                   "wrong account typed", SUPERVISOR[0], SUPERVISOR[1])
            k.engine.drain()
            # the test counters' clock stands on 28 Nov 2026 (tests/sync/harness): their key is made to
            # have been enrolled on that day, as a counter's whose clock is right would be, so that the
            # offline check (the key in use on the receipt's date) sees what a real counter's shows
            from sqlalchemy import update

            from central_server import db as sdb
            from central_server.models import counter_keys

            with sdb.write_tx(env.server_engine) as conn:
                conn.execute(update(counter_keys).where(counter_keys.c.counter_code == "K07")
                             .values(valid_from=datetime(2026, 11, 27, 18, 30, tzinfo=UTC)))
            code = compact(paid)
            forged = code.replace(f"~{paid.amount_paise}~", f"~{paid.amount_paise * 10}~")
            options = Options()
            options.binary_location = "/usr/bin/chromium"
            for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=900,900", "--hide-scrollbars", f"--user-data-dir={Path(tmp) / 'profile'}"):
                options.add_argument(flag)
            driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
            assert env.server is not None
            try:
                for name, text in (("genuine", code), ("cancelled", compact(cancelled)), ("forged", forged)):
                    for lang in ("en", "hi"):
                        driver.get(f"{env.server.url}/verify?{urlencode({'r': text, 'lang': lang})}")
                        path = out / f"30-verify-{name}-{lang}.png"
                        driver.save_screenshot(str(path))
                        print(path)
                # the offline answer: the page opened once (its service worker keeps it), the server gone
                driver.get(f"{env.server.url}/verify?lang=en")
                driver.execute_async_script("""
                    const done = arguments[arguments.length - 1];
                    navigator.serviceWorker.ready.then(() => {
                        const wait = () => navigator.serviceWorker.controller ? done() : setTimeout(wait, 50);
                        wait();
                    });""")
                env.server.stop()
                for lang in ("en", "hi"):
                    driver.get(f"{env.server.url}/verify?{urlencode({'r': code, 'lang': lang})}")
                    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "offline-verdict"))
                    path = out / f"30-verify-offline-{lang}.png"
                    driver.save_screenshot(str(path))
                    print(path)
            finally:
                driver.quit()
        finally:
            env.stop()


if __name__ == "__main__":
    main()
