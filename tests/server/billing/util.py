"""Helpers of the billing-integration tests: a database fingerprint, example files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, select

from central_server import db
from central_server.billing.mapping import Mapping, load_mapping
from central_server.models import metadata

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE_MAPPING = ROOT / "docs" / "examples" / "billing-mapping.toml"
# the record of load attempts is the one table a refused load writes to (who tried what, when)
AUDIT_TABLES = {"billing_loads"}


def mapping() -> Mapping:
    return load_mapping(EXAMPLE_MAPPING)


def fingerprint(engine: Engine, skip: set[str] = AUDIT_TABLES) -> str:
    """SHA-256 over every row of every table (sorted), except the audit of load attempts."""
    h = hashlib.sha256()
    with db.read_tx(engine) as conn:
        for name, table in sorted(metadata.tables.items()):
            if name in skip:
                continue
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            h.update(name.encode())
            for r in rows:
                h.update(r.encode())
    return h.hexdigest()
