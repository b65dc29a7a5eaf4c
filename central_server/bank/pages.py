"""Headquarters pages of the way to the bank (login as for every HQ page): the deposits of a day
per counter with the oldest undeposited cash (/hq/deposits), the cheques and DDs by state with a
CSV download (/hq/instruments, /hq/instruments.csv), and the statement lines nobody could match
with the statements imported (/hq/bank/review). Read only: the import is the CLI's."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from central_server import db
from central_server.bank import figures, statement_import
from central_server.bank.tables import INSTRUMENT_STATES
from central_server.hq import auth as hq_auth
from central_server.hq import web as hq_web
from central_server.hq.web import current_user, render

router = APIRouter(prefix="/hq", include_in_schema=False)
User = Annotated[hq_auth.HqUser, Depends(current_user)]


def _day(value: str | None) -> str | None:
    if not value:
        return hq_web.today_ist()
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


@router.get("/deposits")
def deposits_page(request: Request, user: User, day: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    the_day = _day(day)
    if the_day is None:
        return render(request, "message.html", 400, user=user, title="Not a date",
                      message="The day must be a date like 2026-11-27.")
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        rows = figures.deposit_day(conn, the_day)
        slips = figures.slips_of_day(conn, the_day)
        oldest = figures.oldest_undeposited(conn, hq_web.today_ist())
    oldest_day = {o["counter_code"]: o["oldest_day"] for o in oldest}
    totals = {k: sum(r[k] for r in rows) for k in ("collected_paise", "picked_up_paise", "deposited_paise",
                                                    "undeposited_paise")}
    prev = date.fromisoformat(the_day).toordinal()
    return render(request, "bank_deposits.html", user=user, day=the_day, rows=rows, slips=slips, oldest=oldest,
                  oldest_day=oldest_day, totals=totals, prev_day=date.fromordinal(prev - 1).isoformat(),
                  next_day=date.fromordinal(prev + 1).isoformat())


def _state(value: str | None) -> str | None:
    return value if value in INSTRUMENT_STATES else None


@router.get("/instruments")
def instruments_page(request: Request, user: User, state: Annotated[str | None, Query(max_length=12)] = None) -> Response:
    chosen = _state(state)
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        counts = figures.instrument_counts(conn)
        items = figures.instruments_list(conn, chosen)
    return render(request, "bank_instruments.html", user=user, state=chosen, states=INSTRUMENT_STATES, counts=counts,
                  items=items)


@router.get("/instruments.csv")
def instruments_csv(request: Request, user: User, state: Annotated[str | None, Query(max_length=12)] = None) -> Response:
    chosen = _state(state)
    engine = hq_web.engine_of(request)

    def body() -> Iterator[bytes]:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(figures.INSTRUMENT_COLUMNS)
        with db.read_tx(engine, consistent=True) as conn:
            for n, row in enumerate(figures.instruments_rows(conn, chosen), 1):
                w.writerow(["" if v is None else v for v in row])
                if n % 1000 == 0:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
        yield buf.getvalue().encode("utf-8")

    name = f"instruments-{chosen or 'all'}-{hq_web.today_ist()}.csv"
    return hq_web.with_headers(StreamingResponse(body(), media_type="text/csv; charset=utf-8",
                                                 headers={"Content-Disposition": f'attachment; filename="{name}"'}))


@router.get("/bank/review")
def review_page(request: Request, user: User) -> Response:
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        items = figures.review_list(conn)
        imports = statement_import.recent_imports(conn)
    return render(request, "bank_review.html", user=user, items=items, imports=imports)
