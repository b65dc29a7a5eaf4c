"""Bring a database to the current schema with Alembic (run by `central-server migrate` and at
serve start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrated_engine(database_url: str | None = None) -> Engine:
    """The engine every CLI command works on: the URL given (--database-url), else the configured
    one, upgraded to the head revision first."""
    from central_server import db
    from central_server.config import Settings

    settings = Settings(database_url=database_url) if database_url else Settings()
    engine = db.make_engine(settings)
    upgrade(engine)
    return engine
