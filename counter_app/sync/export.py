"""Sealed export of unsynced records, for outages of days: the records go to the central office on
a USB stick, `central-server import FILE` checks the seal and ingests them under the same
exactly-once rules, and the counter later learns from the server's status that they arrived.

The file format and its seal are the protocol's (kesco_protocol.export); this module gathers the
counter's pending records for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.services.clock import iso
from counter_app.storage import outbox
from counter_app.sync.errors import NotEnrolled
from kesco_protocol.export import ExportFile, write_sealed


def write_export(counter: Any, path: str | Path, token: str | None = None) -> ExportFile:
    """Write every pending record of the counter to `path`, signed with the counter's key; atomic
    (temp file, fsync, rename). Nothing in the store changes: the records stay pending until the
    server says so. (`token` is no longer part of the seal: the server holds its hash.)"""
    signer = counter.service.signer
    if signer is None:
        raise NotEnrolled(detail="the export is signed with the counter's key, made at enrolment: "
                                 "enrol the counter again to get one")
    with counter.store.db.read() as conn:
        rows = outbox.all_pending(conn)
    return write_sealed(path, signer, counter.service.counter_code, iso(counter.service.clock()),
                        [r.wire() for r in rows])
