"""Migration 0009 makes exactly the consumer side's tables of consumer_side/models.py."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from central_server.consumer_side import models
from central_server.models import metadata

OURS = ("notify_outbox", "field_clients", "field_audit", "disconnection_checks")


def test_migration_0009_matches_the_models(engine: Engine) -> None:
    assert all(t in metadata.tables for t in OURS) and models.notify_outbox is metadata.tables["notify_outbox"]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert [d for d in diff if any(t in repr(d) for t in OURS)] == []
