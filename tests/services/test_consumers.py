"""Lookup by account, meter or mobile; prefix search by name or address."""

from __future__ import annotations

from kesco_demo.consumers import account_no_for_index


def test_lookup_by_account_scanned_typed_or_devanagari(counter):
    acc = account_no_for_index(42)
    assert counter.service.lookup(acc).consumer.account_no == acc
    assert counter.service.lookup(f" {acc[:5]}-{acc[5:]} ").consumer.account_no == acc
    deva = acc.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    assert counter.service.lookup(deva).consumer.account_no == acc


def test_lookup_by_meter_and_mobile(counter):
    c = counter.service.lookup(account_no_for_index(10)).consumer
    assert counter.service.lookup(c.meter_no).consumer.account_no == c.account_no
    # a mobile shared by two connections is not an exact hit; a unique one is
    for i in range(10, 60):
        c = counter.service.lookup(account_no_for_index(i)).consumer
        if c.mobile and len(counter.service.search(c.mobile)) == 1:
            assert counter.service.lookup(c.mobile).consumer.account_no == c.account_no
            break
    else:
        raise AssertionError("no consumer with a unique mobile in the sample")


def test_search_by_name_prefix_and_address(counter):
    c = counter.service.lookup(account_no_for_index(3)).consumer
    first, last = c.name.split()[0], c.name.split()[-1]
    hits = counter.service.search(f"{first[:3]} {last[:4]}")
    assert c.account_no in [h.account_no for h in hits]
    assert all(first[:3].lower() in h.name.lower() or first[:3].lower() in h.address.lower()
               or first[:3].lower() in h.relation_name.lower() for h in hits)
    assert counter.service.search(c.locality)[:1]
    assert len(counter.service.search("a")) == 0  # one letter is too little to search
    assert counter.service.search('"); DROP TABLE consumers; --') == []


def test_paid_today_warning(counter, clerk, shift):
    from counter_app.services.collection import Payment

    acc = account_no_for_index(11)
    assert "consumer.warn_paid_today" not in counter.service.lookup(acc).warnings
    counter.service.issue_receipt(clerk, Payment(acc, 100_00))
    view = counter.service.lookup(acc)
    assert view.paid_today_paise == 100_00
    assert "consumer.warn_paid_today" in view.warnings


def test_initials_are_ignored_and_name_matches_come_first(counter):
    c = counter.service.lookup(account_no_for_index(8)).consumer
    surname = c.name.split()[-1]
    hits = counter.service.search(f"A. K. {surname}")
    assert hits and all(surname.lower() in (h.name + " " + h.relation_name + " " + h.address).lower() for h in hits)
    name_hits = [surname.lower() in h.name.lower() for h in hits]
    assert name_hits == sorted(name_hits, reverse=True)  # every name match before any other match
    assert counter.service.search("M/s") == []


def test_lookups_by_meter_and_mobile_read_an_index_not_the_whole_table(counter):
    """5.3 lakh rows: a lookup that scans them costs the clerk a second. Every statement a meter,
    mobile or last-digits lookup runs is planned through an index (a file without the index on the
    whole mobile number, as the cache makes it now, included)."""
    from counter_app.storage import consumers as consumers_repo

    c = next(x for x in (counter.service.lookup(account_no_for_index(i)).consumer for i in range(10, 60))
             if x.mobile and x.meter_no)
    seen: list[str] = []
    with counter.store.cache.read() as conn:
        raw = conn.connection.driver_connection
        raw.set_trace_callback(seen.append)
        try:
            assert any(x.account_no == c.account_no for x in consumers_repo.by_meter_or_mobile(conn, c.mobile))
            assert any(x.account_no == c.account_no for x in consumers_repo.by_meter_or_mobile(conn, c.meter_no))
            assert any(x.account_no == c.account_no for x in consumers_repo.by_mobile_end(conn, c.mobile[-6:]))
        finally:
            raw.set_trace_callback(None)
        names = {r[0] for r in raw.execute("SELECT name FROM main.sqlite_master WHERE type = 'index'")}
        assert "ix_consumers_mobile" not in names  # the cache no longer builds it
        selects = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "consumers" in s]
        assert len(selects) == 3
        for sql in selects:
            plan = " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN consumers" not in plan, (sql, plan)
