"""The one error family of both sides: an error carries a message key and parameters, never a
sentence, so the counter shows it in English or Hindi and the server logs it in English.

The protocol holds the texts of the keys it raises itself (`kesco_protocol.messages`); the counter
adds its own table with `add_messages`, so every keyed error renders from one lookup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kesco_protocol.messages import MESSAGES as _PROTOCOL_MESSAGES

# key -> (English, Hindi). The protocol's own keys first; a side that raises more keys adds them.
_TABLE: dict[str, tuple[str, str]] = dict(_PROTOCOL_MESSAGES)


def add_messages(table: Mapping[str, tuple[str, str]]) -> None:
    """Make more keys renderable (the counter's core messages)."""
    _TABLE.update(table)


def render(key: str, lang: str = "en", **params: Any) -> str:
    """The text for `key` in `lang` ("en" or "hi"), params filled in; unknown keys fall back."""
    en, hi = _TABLE.get(key, _TABLE["error.unknown"])
    text = hi if lang == "hi" else en
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


class KeyedError(Exception):
    """Base of every error raised on purpose. `key` names a message; `params` fill it in."""

    key: str = "error.unknown"

    def __init_subclass__(cls, key: str | None = None, **kwargs: Any) -> None:
        # `class NotFound(KeyedError, key="error.not_found")`: the key is part of the declaration
        super().__init_subclass__(**kwargs)
        if key is not None:
            cls.key = key

    def __init__(self, key: str | None = None, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params: dict[str, Any] = params
        super().__init__(self.key, params)

    def message(self, lang: str = "en") -> str:
        return render(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class ValidationError(KeyedError, key="error.invalid"):
    """Input from a clerk, a file or the network that we refuse. Nothing was stored."""


class AmountError(ValidationError, key="amount.invalid"):
    """An amount typed or received that we refuse (empty, not a number, out of range)."""


class SealError(ValidationError, key="sync.seal_invalid"):
    """An export file whose seal does not verify, or that is not an export file at all."""

    kind = "seal"  # what the counter's sync status reports, like its other sync failures
