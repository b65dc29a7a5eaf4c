"""Typed errors of the counter core. Each carries a message key and parameters; the UI and CLI
turn them into English or Hindi text through `counter_app.domain.messages`."""

from __future__ import annotations

from typing import Any


class CounterError(Exception):
    """Base of every error the core raises on purpose. `key` names a message in messages.py."""

    key: str = "error.unknown"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params: dict[str, Any] = params
        super().__init__(self.key, params)

    def message(self, lang: str = "en") -> str:
        from counter_app.domain.messages import render

        return render(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class ValidationError(CounterError):
    """Input from a clerk, a file or the network that we refuse. Nothing was stored."""

    key = "error.invalid"


class AmountError(ValidationError):
    key = "amount.invalid"


class NotFoundError(CounterError):
    key = "error.not_found"


class AuthError(CounterError):
    key = "auth.failed"


class PermissionDenied(CounterError):
    key = "auth.permission_denied"


class StateError(CounterError):
    """The operation is not allowed in the current state (no open shift, shift closed, ...)."""

    key = "error.state"


class StorageError(CounterError):
    """The local database cannot be used (damaged, full, locked, from a newer version)."""

    key = "storage.error"


class IntegrityError(CounterError):
    """Stored data fails verification (broken chain, sequence gap)."""

    key = "integrity.error"
