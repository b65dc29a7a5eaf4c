"""db.pg_array_literal: the text form of an array that member_of and the ingest's insert send
instead of a list for psycopg to dump element by element. On a real PostgreSQL, every value comes
back as itself: quotes, backslashes, braces, commas, spaces, the word NULL, empty text, other
scripts, real NULLs, big and negative numbers, booleans. A type it does not write (a date, a
float, a bool among numbers) is left to psycopg. The negative control, a literal without quoting,
is misread by the same checks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import BigInteger, Boolean, Date, Float, String, Text, select

from central_server import db, migrate
from central_server.config import Settings
from central_server.db import pg_array_literal
from central_server.models import consumers
from kesco_demo.consumers import generate_consumers

pytestmark = pytest.mark.postgres

HOSTILE_TEXT = ["plain", "", " ", "  lead and trail  ", "NULL", "null", '"', '""', "\\", "\\\\", '\\"', "a,b", "{", "}",
                "{a,b}", "'single'", "tab\there", "new\nline", "नाम राम", "🙂", "a\\b\"c,d{e}f", "x" * 300, None]
NUMBERS = [0, 1, -1, 2**62, -(2**62), None, 7]
BOOLS = [True, False, None, True]


@pytest.fixture()
def dsn(pg_server: Any) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.create_database(name)
    yield pg_server.dsn(name)
    pg_server.drop_database(name)


def naive(values: list[Any], sqltype: Any) -> str:
    """What the literal would be without quoting or NULLs: the negative control."""
    return "{" + ",".join(str(v) for v in values) + "}"


@pytest.mark.parametrize("make", [pg_array_literal, naive], ids=["literal", "negative-control"])
def test_every_value_comes_back_as_itself(dsn: str, make: Any) -> None:
    with psycopg.connect(dsn) as conn:
        for values, sqltype, pg_type in ((HOSTILE_TEXT, Text(), "text[]"), (HOSTILE_TEXT[:-3], String(400), "varchar(400)[]"),
                                         (NUMBERS, BigInteger(), "bigint[]"), (BOOLS, Boolean(), "boolean[]")):
            literal = make(values, sqltype)
            try:
                back = conn.execute(f"SELECT %s::{pg_type}", (literal,)).fetchone()[0]  # noqa: S608 - fixed types
            except psycopg.Error:
                conn.rollback()
                back = None
            if make is naive:
                if pg_type == "text[]":  # quoting matters for text: the control must be misread
                    assert back != values
                continue
            assert back == values, pg_type


def test_what_it_does_not_write_is_left_to_psycopg() -> None:
    assert pg_array_literal([date(2026, 12, 1)], Date()) is None
    assert pg_array_literal([1.5], Float()) is None
    assert pg_array_literal([1, True], BigInteger()) is None  # a bool is not a number here
    assert pg_array_literal([1, "2"], Text()) is None
    assert pg_array_literal([1, 0], Boolean()) is None


def test_member_of_finds_hostile_keys_and_only_them(pg_server: Any) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    eng = db.make_engine(Settings(database_url=pg_server.create_database(name)))
    try:
        migrate.upgrade(eng)
        from central_server import master

        rows = list(generate_consumers(20))
        with db.write_tx(eng) as conn:
            master.load_consumers(conn, rows)
            conn.execute(consumers.update().where(consumers.c.account_no == rows[3][0])
                         .values(account_no='9"9\\9,{}'))
        with db.read_tx(eng) as conn:
            every = [r[0] for r in conn.execute(select(consumers.c.account_no))]
            wanted = ['9"9\\9,{}', every[0], "NULL", "", "no such"]
            found = {r[0] for r in conn.execute(select(consumers.c.account_no)
                                                .where(db.member_of(consumers.c.account_no, wanted, conn)))}
        assert found == {'9"9\\9,{}', every[0]}
    finally:
        eng.dispose()
        pg_server.drop_database(name)
