"""Typed errors of the counter core. Each carries a message key and parameters; the UI and CLI
turn them into English or Hindi text through `counter_app.domain.messages`.

The base and the errors the protocol raises (validation, amounts, seals) are the protocol's own
(`kesco_protocol.errors`), so `except CounterError` also catches what the shared code raises."""

from __future__ import annotations

from counter_app.domain import messages as _messages  # noqa: F401  (registers the counter's texts)
from kesco_protocol.errors import AmountError, KeyedError, SealError, ValidationError

__all__ = [
    "AmountError", "AuthError", "CounterError", "IntegrityError", "NotFoundError", "PermissionDenied",
    "SealError", "StateError", "StorageError", "ValidationError",
]

#: Base of every error the core raises on purpose. `key` names a message in messages.py.
CounterError = KeyedError


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
