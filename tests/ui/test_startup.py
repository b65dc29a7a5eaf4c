"""The window's fast start opens the same counter as open_application, and a damaged store still goes
through open_application's own path (read-only, never written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.commands.gui import DB_FILENAME, BackgroundOpen, quick_check
from counter_app.domain.errors import StorageError
from counter_app.storage import db as db_module
from tests.conftest import make_counter


def test_background_open_gives_the_counter(tmp_path: Path) -> None:
    make_counter(tmp_path / "c", consumers=50).close()
    c = BackgroundOpen(tmp_path / "c").result()
    try:
        assert c.service.counter_code == "K07" and c.service.consumer_count() == 50
        assert c.store.db.damaged is None
        with pytest.raises(StorageError):  # the instance lock is held, as open_application holds it
            BackgroundOpen(tmp_path / "c").result()
    finally:
        c.close()
    assert DB_FILENAME == db_module.DB_FILENAME


def test_a_damaged_store_is_opened_read_only(tmp_path: Path) -> None:
    make_counter(tmp_path / "c", consumers=2000).close()
    db = tmp_path / "c" / DB_FILENAME
    assert quick_check(db) is None  # negative control: the intact file passes
    with open(db, "r+b") as fh:  # scribble over pages in the middle of the file
        fh.seek(db.stat().st_size // 2)
        fh.write(b"\xff" * 8192)
    assert quick_check(db) is not None
    c = BackgroundOpen(tmp_path / "c").result()
    try:
        assert c.store.db.damaged is not None
        with pytest.raises(StorageError):
            with c.store.db.write():
                pass
    finally:
        c.close()
