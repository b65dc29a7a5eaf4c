"""Which OS keyring the counter's server token would go to, and whether it can hold one.

The sync engine owns the token (counter_app/sync/keyring_store.py) and says which backends are
unusable; the fallback below asks the keyring library directly. A 'fail' or 'null' backend (a Linux box without a Secret Service, a
service account on Windows without a credential store) cannot keep a token."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_UNUSABLE = ("keyring.backends.fail", "keyring.backends.null")


def keyring_backend() -> tuple[str, bool]:
    """(backend name, usable)."""
    try:
        from counter_app.sync.keyring_store import KeyringTokenStore, unusable_reason
    except ImportError:
        pass
    else:
        try:
            store = KeyringTokenStore()
        except Exception as e:
            return f"broken ({type(e).__name__}: {e})", False
        return store.backend_name, unusable_reason(store._backend) is None
    try:
        import keyring
    except Exception as e:  # a packaging mistake: keyring missing from the build
        return f"unavailable ({type(e).__name__}: {e})", False
    try:
        kr = keyring.get_keyring()
    except Exception as e:
        return f"broken ({type(e).__name__}: {e})", False
    name = f"{type(kr).__module__}.{type(kr).__name__}"
    backends = getattr(kr, "backends", None)  # a chainer: usable if any link is
    if backends is not None:
        links = [f"{type(b).__module__}.{type(b).__name__}" for b in backends]
        usable = any(not link.startswith(_UNUSABLE) for link in links)
        return f"{name}({', '.join(links)})", usable
    return name, not name.startswith(_UNUSABLE)
