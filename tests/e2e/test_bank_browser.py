"""The HQ bank pages in a real headless browser (as tests/e2e/test_hq_browser.py): a week of four
counters' deposits and the bank's statement of it, imported; the deposit page marks the oldest
undeposited cash, the instruments page lists a returned multi-account cheque, the review page the
two lines nobody matched. Screenshots for the README (KESCO_SCREENSHOTS_DIR=docs/screenshots)."""

from __future__ import annotations

import pytest

from central_server import db, master, migrate
from central_server.config import Settings
from central_server.hq import auth as hq_auth
from kesco_demo.consumers import generate_consumers
from tests.e2e.test_hq_browser import PASSWORD, SHOTS, _click_to_next_page, _full_page_shot, browser  # noqa: F401
from tests.support.bank_scenario import build_bank_week
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def bank_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    engine = db.make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    rows = list(generate_consumers(300))
    with db.write_tx(engine) as conn:
        master.load_consumers(conn, rows)
        hq_auth.add_user(conn, "accounts1", PASSWORD)
    build_bank_week(engine, [r[0] for r in rows if r[8] == "active"], tmp_path)
    engine.dispose()
    with LiveServer(url) as srv:
        yield srv


def test_bank_pages_in_a_browser(browser, bank_server):  # noqa: F811 - the fixture
    from selenium.webdriver.common.by import By

    srv = bank_server
    browser.get(f"{srv.url}/hq/deposits?day=2026-11-26")
    assert "/hq/login" in browser.current_url
    browser.find_element(By.ID, "name").send_keys("accounts1")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _click_to_next_page(browser, browser.find_element(By.CSS_SELECTOR, "form.login button"))
    assert browser.current_url.endswith("/hq/deposits?day=2026-11-26")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Deposits")
    rows = {r.find_element(By.TAG_NAME, "th").text: r for r in
            browser.find_elements(By.CSS_SELECTOR, "#deposit-day tbody tr")}
    assert set(rows) == {"K01", "K02", "K03", "K04"}
    assert "attention" in rows["K03"].get_attribute("class")  # its oldest undeposited day
    oldest = browser.find_elements(By.CSS_SELECTOR, "#undeposited tbody tr")
    # K04 deposited Rs 1,000 short on the 25th: the oldest cash not in the bank
    assert oldest[0].find_element(By.TAG_NAME, "th").text == "K04" and "oldest" in oldest[0].text
    assert "2026-11-25" in oldest[0].text and "₹1,000.00" in oldest[0].text
    SHOTS.mkdir(parents=True, exist_ok=True)
    _full_page_shot(browser, SHOTS / "hq_deposits.png")

    _click_to_next_page(browser, browser.find_element(By.LINK_TEXT, "Cheques and DDs"))
    returned = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#instruments tbody tr.attention")]
    assert len(returned) == 5 and all("445566" in t for t in returned)
    _full_page_shot(browser, SHOTS / "hq_instruments.png")

    _click_to_next_page(browser, browser.find_element(By.LINK_TEXT, "Bank statement review"))
    items = browser.find_elements(By.CSS_SELECTOR, "#review tbody tr")
    assert len(items) == 2 and "RAMESH TRADERS" in items[0].text + items[1].text
    _full_page_shot(browser, SHOTS / "hq_bank_review.png")
