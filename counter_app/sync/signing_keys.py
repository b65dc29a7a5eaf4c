"""The counter's Ed25519 signing key (kesco_protocol.signing): made fresh at each enrolment, kept
exactly where the token is kept (the token store: the OS keyring, never a plain file), and loaded
once into the collection service so that signing a receipt never waits for the keyring."""

from __future__ import annotations

from typing import Any

from counter_app.sync.keyring_store import TokenStore
from kesco_protocol.signing import Signer, new_private_key, private_to_text

# the key's entry sits beside the token's: "<code>#ed25519@<server>" under the same service name
_SUFFIX = "#ed25519"


def _entry(counter_code: str) -> str:
    return counter_code + _SUFFIX


def new_key_text() -> str:
    """A fresh private key, as the text the keyring keeps."""
    return private_to_text(new_private_key())


def save_key(tokens: TokenStore, server_url: str, counter_code: str, key_text: str) -> None:
    tokens.set(server_url, _entry(counter_code), key_text)


def load_signer(tokens: TokenStore, server_url: str, counter_code: str) -> Signer | None:
    """The counter's signer, or None when it enrolled before keys existed (or never)."""
    text = tokens.get(server_url, _entry(counter_code))
    return None if not text else Signer.from_text(text)


def attach(counter: Any, tokens: TokenStore) -> None:
    """Give the counter's service its signer from the keyring (a no-op when it has none)."""
    url, code = counter.config.server_url, counter.store.get_meta("counter_code")
    if url and code and getattr(counter.service, "signer", None) is None:
        counter.service.signer = load_signer(tokens, url, code)
