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


class NotFoundError(CounterError, key="error.not_found"):
    """What was asked for does not exist (an account, a receipt, a user)."""


class AuthError(CounterError, key="auth.failed"):
    """Sign-in refused: wrong user name or password, or the user locked out."""


class PermissionDenied(CounterError, key="auth.permission_denied"):
    """The signed-in user may not do this (a supervisor is needed)."""


class StateError(CounterError, key="error.state"):
    """The operation is not allowed in the current state (no open shift, shift closed, ...)."""


class StorageError(CounterError, key="storage.error"):
    """The local database cannot be used (damaged, full, locked, from a newer version)."""


class IntegrityError(CounterError, key="integrity.error"):
    """Stored data fails verification (broken chain, sequence gap)."""
