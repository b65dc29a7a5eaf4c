"""The demo's consumers come through the importer from a generated file in the utility's shape
(not from the generator directly); a second run of the demo changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from central_server import db
from central_server.config import Settings
from central_server.models import billing_loads, consumers
from counter_app.commands.demo import DemoServer


def test_demo_loads_its_consumers_through_the_importer(tmp_path: Path) -> None:
    server = DemoServer(tmp_path)
    assert server.prepare(300, "K01", "Demo")  # an enrollment code
    server.prepare(300, "K01", "Demo")  # again: the same export, a duplicate load
    engine = db.make_engine(Settings(database_url=server.url_db))
    with db.read_tx(engine) as conn:
        n = conn.execute(select(func.count()).select_from(consumers)).scalar_one()
        loads = conn.execute(select(billing_loads.c.outcome, billing_loads.c.loaded_by)
                             .order_by(billing_loads.c.id)).all()
    engine.dispose()
    assert n == 300
    assert [tuple(x) for x in loads] == [("applied", "demo"), ("duplicate", "demo")]
    assert (tmp_path / "billing-export-300.csv").read_bytes().startswith(b"\xef\xbb\xbfACCT_NO;")
