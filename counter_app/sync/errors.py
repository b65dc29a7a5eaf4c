"""Why a call to the central server failed, told apart so the engine reacts right to each:
offline (wait and retry), closing (retry after the server's Retry-After), auth (stop, alert, keep
everything), server error (back off), our own bug (isolate the record, never block the queue)."""

from __future__ import annotations

from typing import Any

from counter_app.domain.errors import CounterError


class SyncFailure(CounterError):
    """Base of every sync failure. `kind` is what SyncError.kind reports to the UI."""

    key = "sync.failed"
    kind = "server"

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        # `class Offline(SyncFailure, key="sync.offline", kind="offline")`; a subclass without a
        # kind keeps its parent's (BatchTooLarge is a ClientBug)
        super().__init_subclass__(**kwargs)
        if kind is not None:
            cls.kind = kind

    def __init__(self, key: str | None = None, *, detail: str = "", http_status: int | None = None,
                 retry_after: float | None = None, **params: Any) -> None:
        super().__init__(key, detail=detail, **params)
        self.detail = detail
        self.http_status = http_status
        self.retry_after = retry_after


class Offline(SyncFailure, key="sync.offline", kind="offline"):
    """No answer: refused, DNS, timeout, reset, or a cut-off answer. The server may or may not
    have committed what we sent; re-sending is always safe."""


class TlsFailure(Offline, key="sync.tls", kind="tls"):
    """The server's certificate did not verify: never ignored, the counter stays offline."""


class Closing(SyncFailure, key="sync.closing", kind="closing"):
    """503 during month-end closing (legacy mode): keep everything, retry after Retry-After."""


class AuthFailure(SyncFailure, key="sync.auth", kind="auth"):
    """401/403: the token is unknown, revoked or another counter's. Pushing stops until IT
    re-enrolls the counter; nothing is dropped."""


class WrongInstallation(AuthFailure, key="sync.wrong_installation", kind="installation"):
    """409 installation_mismatch: the server knows another PC as this counter (this one is a copy,
    or was restored onto a different PC). Sending stops; everything is kept; IT re-enrols."""


class ServerFailure(SyncFailure, key="sync.server_error", kind="server"):
    """5xx (other than closing), 429, or a 200 whose body we cannot read."""


class Busy(ServerFailure, key="sync.busy", kind="busy"):
    """503 busy from the records endpoint's admission gate: nothing is wrong, the server is
    storing other counters' pushes. Keep everything and come back after Retry-After; not an
    error for the clerk (the engine stays online). `appointment`: the server said the time to
    the millisecond (kesco_protocol/busy.py), so the counter keeps it without jitter."""

    def __init__(self, key: str | None = None, *, appointment: bool = False, **kwargs: Any) -> None:
        super().__init__(key, **kwargs)
        self.appointment = appointment


class ClientBug(SyncFailure, key="sync.client_bug", kind="client_bug"):
    """Another 4xx: the server could not take what we sent. A bug on one side or the other."""


class BatchTooLarge(ClientBug, key="sync.batch_too_large"):
    """413: send fewer records a request."""


class NotEnrolled(SyncFailure, key="sync.not_enrolled", kind="not_enrolled"):
    """No server address or no token for this counter."""


class KeyringUnavailable(SyncFailure, key="sync.keyring_unavailable", kind="keyring"):
    """The operating system offers no usable keyring to keep the counter's token in."""


class EnrollRefused(SyncFailure, key="sync.enroll_refused", kind="auth"):
    """The server refused the enrollment code (unknown counter, wrong, used or expired code)."""
