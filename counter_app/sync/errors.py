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

    def __init__(self, key: str | None = None, *, detail: str = "", http_status: int | None = None,
                 retry_after: float | None = None, **params: Any) -> None:
        super().__init__(key, detail=detail, **params)
        self.detail = detail
        self.http_status = http_status
        self.retry_after = retry_after


class Offline(SyncFailure):
    """No answer: refused, DNS, timeout, reset, or a cut-off answer. The server may or may not
    have committed what we sent; re-sending is always safe."""

    key = "sync.offline"
    kind = "offline"


class TlsFailure(Offline):
    """The server's certificate did not verify: never ignored, the counter stays offline."""

    key = "sync.tls"
    kind = "tls"


class Closing(SyncFailure):
    """503 during month-end closing (legacy mode): keep everything, retry after Retry-After."""

    key = "sync.closing"
    kind = "closing"


class AuthFailure(SyncFailure):
    """401/403: the token is unknown, revoked or another counter's. Pushing stops until IT
    re-enrolls the counter; nothing is dropped."""

    key = "sync.auth"
    kind = "auth"


class WrongInstallation(AuthFailure):
    """409 installation_mismatch: the server knows another PC as this counter (this one is a copy,
    or was restored onto a different PC). Sending stops; everything is kept; IT re-enrols."""

    key = "sync.wrong_installation"
    kind = "installation"


class ServerFailure(SyncFailure):
    """5xx (other than closing), 429, or a 200 whose body we cannot read."""

    key = "sync.server_error"
    kind = "server"


class ClientBug(SyncFailure):
    """Another 4xx: the server could not take what we sent. A bug on one side or the other."""

    key = "sync.client_bug"
    kind = "client_bug"


class BatchTooLarge(ClientBug):
    """413: send fewer records a request."""

    key = "sync.batch_too_large"


class NotEnrolled(SyncFailure):
    """No server address or no token for this counter."""

    key = "sync.not_enrolled"
    kind = "not_enrolled"


class KeyringUnavailable(SyncFailure):
    """The operating system offers no usable keyring to keep the counter's token in."""

    key = "sync.keyring_unavailable"
    kind = "keyring"


class EnrollRefused(SyncFailure):
    """The server refused the enrollment code (unknown counter, wrong, used or expired code)."""

    key = "sync.enroll_refused"
    kind = "auth"

