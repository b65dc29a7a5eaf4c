"""The changes feed's page is read as a range of the (version, account_no) index, in order, up to
its limit: no sort of every row changed since the cursor. At the rush every push lengthens the feed
and every counter polls it, so a plan that sorted it all (PostgreSQL: with the JSON of each row,
spilled to disk past work_mem) cost each poll the whole feed. Checked with the database's own
EXPLAIN, on SQLite and on PostgreSQL; the control is the cursor written as an OR, which the check
catches on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, text

from central_server import db, master


def _changed(engine: Engine, accounts: list[str]) -> int:
    """Most consumers changed after the load (as a rush of pushes does); returns the version the
    counters' cursors stand at."""
    with db.read_tx(engine) as conn:
        since = int(conn.execute(text("SELECT MAX(version) FROM consumers")).scalar_one())
    for i in range(0, len(accounts), 50):  # a transaction each, as pushes are: a version each
        with db.write_tx(engine) as conn:
            chunk = accounts[i:i + 50]
            marks = ", ".join(f":a{j}" for j in range(len(chunk)))
            conn.execute(text(f"UPDATE consumers SET version = :v WHERE account_no IN ({marks})"),
                         {"v": db.new_master_version(conn), **{f"a{j}": a for j, a in enumerate(chunk)}})
    with db.write_tx(engine) as conn:
        conn.execute(text("ANALYZE consumers" if not db.is_sqlite(conn) else "ANALYZE"))
    return since


def _plan(engine: Engine, sql: str, params: dict[str, object]) -> str:
    with db.read_tx(engine) as conn:
        if db.is_sqlite(conn):
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql), params).all()
            return "\n".join(str(r[-1]) for r in rows)
        # the test's table is small enough to read whole; the rush's is not: with the scan made
        # costly, the plan shows whether an ordered path through the index exists at all
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql), params))


def _starts_at_the_cursor(pg_plan: str, since: int) -> bool:
    """An ordered scan of the index whose own condition holds the cursor's lower bound: it starts
    there (a bound only in a Filter means every entry before the cursor is read and dropped)."""
    conds = [line for line in pg_plan.splitlines() if "Index Cond" in line]
    return "Index Scan using ix_consumers_version" in pg_plan and any(f"'{since}'" in c for c in conds)


def test_a_feed_page_is_an_ordered_index_range_not_a_sort_of_the_whole_feed(engine: Engine,
                                                                            accounts: list[str]) -> None:
    since = _changed(engine, accounts)
    with db.read_tx(engine) as conn:
        sqlite = db.is_sqlite(conn)
        sqls = {after: master.changes_sql(conn, after=after) for after in (False, True)}
        bound = db.master_version_bound(conn)
        # the page's rows are what the feed promises: in (version, account) order after the cursor
        page = master.changes(conn, since=since, after=None, limit=40)
        assert len(page["rows"]) == 40 and page["more"]
        nxt = master.changes(conn, since=page["version"], after=page["after"], limit=40)
    keys = [(r[-1], r[0]) for r in page["rows"] + nxt["rows"]]
    assert keys == sorted(keys) and len(set(keys)) == 80
    n = max(2, len(accounts) // 20)  # a page is a small part of the feed at the rush (5,001 of ~100,000 rows)
    for after, sql in sqls.items():
        params = {"since": since, "after": accounts[0] if after else None, "bound": bound, "n": n}
        plan = _plan(engine, sql, params)
        if sqlite:
            assert "ix_consumers_version (" in plan and "TEMP B-TREE" not in plan, plan
        else:
            assert _starts_at_the_cursor(plan, since) and "Sort" not in plan, plan
    if not sqlite:  # the control: the cursor as an OR is not a range, and the check sees its sort
        orsql = sqls[True].replace("(version, account_no) > (:since, :after)",
                                   "(version > :since OR (version = :since AND account_no > :after))")
        assert orsql != sqls[True]
        plan = _plan(engine, orsql, {"since": since, "after": accounts[0], "bound": bound, "n": n})
        assert not _starts_at_the_cursor(plan, since), plan
