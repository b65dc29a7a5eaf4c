"""The delivery worker: claims due notifications under a lease (outbox.claim), sends each through
the gateway outside any database transaction, and records the outcome (sent, retry later with
backoff, dead). Started with the server (`start_with_app`, a daemon thread per server process:
the leases keep several processes apart) or alone by `central-server notify run`.

Never twice for one receipt: a notification is claimed by one worker at a time, marked sent in
its own transaction right after the gateway's answer, and every attempt carries the same
idempotency key, so the one case a worker cannot rule out (the gateway received it, the answer
or our mark was lost, a later attempt sends it again) is dropped by the gateway."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from central_server import db
from central_server.consumer_side import gateways, outbox
from central_server.consumer_side.notify_config import NotifyConfig, from_env

log = logging.getLogger("central_server.notify")
IDLE_S = 2.0  # between passes when nothing was due


def gateway_from_settings(cfg: NotifyConfig | None = None) -> gateways.Gateway | None:
    cfg = cfg or from_env()
    return gateways.from_config(cfg) if cfg is not None else None


class Worker:
    def __init__(self, engine: Engine, gateway: gateways.Gateway, *, batch: int = 20,
                 lease_s: float = outbox.LEASE_S) -> None:
        self.engine, self.gateway, self.batch, self.lease_s = engine, gateway, batch, lease_s
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopping = threading.Event()

    def run_once(self) -> int:
        """One pass: claim what is due, deliver it; the number handled."""
        with db.write_tx(self.engine) as conn:
            items = outbox.claim(conn, self.owner, self.batch, lease_s=self.lease_s)
        for item in items:
            if self.stopping.is_set():
                break  # the rest keep their lease until it runs out; the next worker takes them
            self._deliver(item)
        return len(items)

    def _deliver(self, item: dict[str, Any]) -> None:
        got = self.gateway.send(item)
        with db.write_tx(self.engine) as conn:
            if got.kind == "delivered":
                outbox.mark_sent(conn, item["id"], self.owner, got.ref)
                return
            state = outbox.mark_failed(conn, item["id"], self.owner, got.detail, permanent=got.kind == "permanent")
        log.warning("notification not delivered", extra={"item": item["id"], "state": state, "error": got.detail})

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                n = self.run_once()
            except OperationalError as e:  # the database is busy or away: try again shortly
                log.warning("notify worker: database unavailable", extra={"error": str(e.orig)[:200]})
                n = 0
            except Exception:  # noqa: BLE001 - the worker must outlive one bad pass
                log.exception("notify worker: pass failed")
                n = 0
            if n == 0:
                self.stopping.wait(IDLE_S)

    def stop(self) -> None:
        self.stopping.set()


def start_with_app(engine: Engine, cfg: NotifyConfig | None) -> Worker | None:
    """The worker in a daemon thread of the server process, when a gateway is configured."""
    if cfg is None or not cfg.start_worker:
        return None
    worker = Worker(engine, gateways.from_config(cfg))
    threading.Thread(target=worker.run_forever, name="notify-worker", daemon=True).start()
    return worker
