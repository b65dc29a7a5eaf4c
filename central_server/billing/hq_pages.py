"""Headquarters page of the billing integration (/hq/billing): collected against posted per
counter, the clarification queue with its actions (forms that post back here, with the session's
anti-forgery token), the posting batches and the master loads on record."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from central_server import db
from central_server.billing import board, clarification, master_import
from central_server.hq import auth as hq_auth
from central_server.hq import web as hq_web
from central_server.hq.web import current_user, render

router = APIRouter(prefix="/hq/billing", include_in_schema=False)
log = logging.getLogger("central_server.hq.billing")
User = Annotated[hq_auth.HqUser, Depends(current_user)]


def page(request: Request, user: hq_auth.HqUser, *, error: str | None = None, notice: str | None = None,
         status_code: int = 200) -> Response:
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        figures = board.by_counter(conn)
        items = clarification.queue(conn)
        batches = board.recent_batches(conn)
        loads = master_import.recent_loads(conn, 20)
    return render(request, "billing_board.html", status_code, user=user, figures=figures,
                  totals=board.totals(figures), items=items, batches=batches, loads=loads, error=error,
                  notice=notice, age=board.age_label)


@router.get("")
def billing_page(request: Request, user: User, notice: str | None = None) -> Response:
    return page(request, user, notice={"reposted": "Re-posted: it goes out in the next batch.",
                                       "proposed": "Transfer proposed: a second person must approve it.",
                                       "approved": "Transfer approved: reversed and posted to the right account.",
                                       "cancelled": "Proposal withdrawn."}.get(notice or ""))


@router.get("/receipts")
def receipt_lookup(request: Request, user: User, q: Annotated[str, Query(max_length=64)] = "") -> Response:
    """Where a receipt's money is: collected at the server, and its postings in billing."""
    with db.read_tx(hq_web.engine_of(request), consistent=True) as conn:
        found = board.receipt_states(conn, q)
    return render(request, "billing_receipts.html", user=user, q=q, found=found)


def _act(request: Request, user: hq_auth.HqUser, csrf: str, item_id: int, action: str,
         to_account: str = "") -> Response:
    if not hq_web.same_origin(request) or not hq_web.same(user.csrf, csrf):
        return page(request, user, error="The form had expired or came from another site; nothing was done.",
                    status_code=400)
    try:
        with db.write_tx(hq_web.engine_of(request)) as conn:
            if action == "repost":
                clarification.repost(conn, item_id, user.name)
            elif action == "propose":
                clarification.propose_transfer(conn, item_id, to_account, user.name)
            elif action == "approve":
                clarification.approve_transfer(conn, item_id, user.name)
            else:
                clarification.cancel_proposal(conn, item_id, user.name)
    except clarification.ClarificationError as e:
        return page(request, user, error=str(e), status_code=409)
    log.info("clarification", extra={"user": user.name, "action": action, "item": item_id})
    notice = {"repost": "reposted", "propose": "proposed", "approve": "approved"}.get(action, "cancelled")
    return hq_web.with_headers(RedirectResponse(f"/hq/billing?notice={notice}", status_code=303))


@router.post("/clarifications/{item_id}/repost")
def repost(request: Request, user: User, item_id: int, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    return _act(request, user, csrf, item_id, "repost")


@router.post("/clarifications/{item_id}/transfer")
def propose(request: Request, user: User, item_id: int, csrf: Annotated[str, Form(max_length=100)] = "",
            to_account: Annotated[str, Form(max_length=32)] = "") -> Response:
    return _act(request, user, csrf, item_id, "propose", to_account)


@router.post("/clarifications/{item_id}/approve")
def approve(request: Request, user: User, item_id: int, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    return _act(request, user, csrf, item_id, "approve")


@router.post("/clarifications/{item_id}/cancel")
def cancel(request: Request, user: User, item_id: int, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    return _act(request, user, csrf, item_id, "cancel")
