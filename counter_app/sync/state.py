"""What the sync engine reports to the window, the CLI and the doctor: one immutable snapshot.

The engine calls its listeners with a new `SyncState` (from its background thread) whenever
something a person could see changes. The UI adapts the callback to a Qt signal; nothing here
imports Qt. Times are ISO 8601 strings in the counter's clock (IST), ages in seconds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Link(StrEnum):
    """How the counter stands with the central server right now."""

    UNKNOWN = "unknown"  # not contacted yet since start
    UNCONFIGURED = "unconfigured"  # no server address or no token: run `counter-app init --enroll`
    ONLINE = "online"  # the last call worked
    OFFLINE = "offline"  # refused, DNS, timeout, reset, TLS: the counter keeps collecting
    CLOSING = "closing"  # month-end closing: receipts are queued (legacy) or accepted (collect)
    AUTH_ERROR = "auth_error"  # 401/403: pushing stopped, everything kept; IT must re-enroll
    SERVER_ERROR = "server_error"  # 5xx, or an answer we cannot use: retried with backoff


@dataclass(frozen=True, slots=True)
class SyncError:
    """The last thing that went wrong. `key` is a message key in counter_app.domain.messages
    (English and Hindi); `kind` is one of offline, tls, closing, auth, server, client_bug,
    keyring, not_enrolled; `detail` is for IT (may be English only)."""

    kind: str
    key: str
    detail: str = ""
    at: str = ""
    http_status: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SnapshotProgress:
    """The full consumer download, for a progress bar. `total` comes from the server's header."""

    rows_done: int = 0
    rows_total: int = 0
    bytes_done: int = 0  # compressed bytes received
    eta_s: float | None = None
    running: bool = False
    complete: bool = False  # the cache holds a full snapshot (then only changes are pulled)

    @property
    def fraction(self) -> float:
        if self.complete:
            return 1.0
        return 0.0 if self.rows_total <= 0 else min(1.0, self.rows_done / self.rows_total)


@dataclass(frozen=True, slots=True)
class SyncState:
    """One snapshot of the sync state. Cheap to make and to compare; safe to hand to any thread."""

    link: Link = Link.UNKNOWN
    running: bool = False  # the background thread is alive
    busy: bool = False  # a push or pull is under way now
    pending: int = 0  # records not yet confirmed by the server
    # pending records by kind ({"receipt": 3, "shift_close": 1}): what the status bar can name
    pending_by_kind: dict[str, int] = field(default_factory=dict)
    oldest_pending_at: str | None = None
    oldest_pending_age_s: float | None = None
    conflicts: int = 0  # the server holds another payload for the same receipt: supervisor
    parked: int = 0  # delivered, held in suspense on the server for review
    invalid: int = 0  # refused as unreadable (our bug, or the server's): supervisor
    last_push_ok_at: str | None = None
    last_pull_ok_at: str | None = None
    last_contact_at: str | None = None  # the last call of any kind that the server answered
    last_error: SyncError | None = None
    next_attempt_at: str | None = None  # when the engine will try again after a failure
    server_period_state: str | None = None  # "open" | "closing" (as the server last said)
    server_high_water_seq: int | None = None
    consumers_as_of: str | None = None
    # the ledger's mirror (storage/mirror.py) when it is configured and NOT keeping up: its message
    # key (mirror.missing, mirror.full, ...) and parameters; None when it is fine or not configured
    mirror_key: str | None = None
    mirror_params: dict[str, Any] = field(default_factory=dict)
    snapshot: SnapshotProgress = field(default_factory=SnapshotProgress)

    @property
    def problems(self) -> int:
        """Records a supervisor must look at (conflicts and unreadable ones)."""
        return self.conflicts + self.invalid

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["link"] = self.link.value
        d["problems"] = self.problems
        return d
