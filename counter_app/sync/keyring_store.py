"""Where the counter's server token lives: the operating system's keyring (Windows Credential
Manager, macOS Keychain, Secret Service), behind a three-method wrapper so that tests use an
in-memory store and the app says clearly when the machine offers no usable keyring."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from counter_app.sync.errors import KeyringUnavailable

SERVICE = "KESCO Counter"


def _username(server_url: str, counter_code: str) -> str:
    # one token per (server, counter): a test server and the real one never share an entry
    return f"{counter_code}@{server_url.rstrip('/')}"


class TokenStore(Protocol):
    def get(self, server_url: str, counter_code: str) -> str | None: ...

    def set(self, server_url: str, counter_code: str, token: str) -> None: ...

    def delete(self, server_url: str, counter_code: str) -> None: ...


class MemoryTokenStore:
    """Tokens in a dict: for tests and for the simulation. Never touches the OS."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, server_url: str, counter_code: str) -> str | None:
        with self._lock:
            return self._tokens.get(_username(server_url, counter_code))

    def set(self, server_url: str, counter_code: str, token: str) -> None:
        with self._lock:
            self._tokens[_username(server_url, counter_code)] = token

    def delete(self, server_url: str, counter_code: str) -> None:
        with self._lock:
            self._tokens.pop(_username(server_url, counter_code), None)


def unusable_reason(backend: Any) -> str | None:
    """Why a keyring backend cannot keep a secret, or None if it can. The `fail` backend is what
    keyring picks when nothing better exists (a Linux box with no Secret Service, say); `null`
    silently forgets everything, which for a token is worse."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available on this machine (keyring.backends.fail.Keyring)"
    if isinstance(backend, null.Keyring):
        return "the keyring backend is the null backend, which stores nothing"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "the keyring chain has no backends"
    return None


class KeyringTokenStore:
    """Tokens in the OS keyring through the `keyring` library. `backend` is for tests that want
    a particular backend object; by default keyring's own choice (which honours
    PYTHON_KEYRING_BACKEND) is used."""

    def __init__(self, backend: Any = None) -> None:
        import keyring

        self._backend = backend if backend is not None else keyring.get_keyring()

    @property
    def backend_name(self) -> str:
        b = self._backend
        return f"{type(b).__module__}.{type(b).__qualname__}"

    def check(self) -> None:
        """Raise KeyringUnavailable (message key sync.keyring_unavailable) when unusable."""
        reason = unusable_reason(self._backend)
        if reason is not None:
            raise KeyringUnavailable(detail=reason, backend=self.backend_name)

    def get(self, server_url: str, counter_code: str) -> str | None:
        self.check()
        try:
            value = self._backend.get_password(SERVICE, _username(server_url, counter_code))
        except Exception as e:  # keyring.errors.KeyringError and backend-specific failures
            raise KeyringUnavailable(detail=f"{type(e).__name__}: {e}"[:300], backend=self.backend_name) from e
        return None if value is None else str(value)

    def set(self, server_url: str, counter_code: str, token: str) -> None:
        self.check()
        try:
            self._backend.set_password(SERVICE, _username(server_url, counter_code), token)
        except Exception as e:
            raise KeyringUnavailable(detail=f"{type(e).__name__}: {e}"[:300], backend=self.backend_name) from e

    def delete(self, server_url: str, counter_code: str) -> None:
        self.check()
        try:
            self._backend.delete_password(SERVICE, _username(server_url, counter_code))
        except Exception as e:
            import keyring.errors

            if isinstance(e, keyring.errors.PasswordDeleteError):
                return  # nothing stored: already gone
            raise KeyringUnavailable(detail=f"{type(e).__name__}: {e}"[:300], backend=self.backend_name) from e
