"""A keyring backend in a JSON file named by $KESCO_TEST_KEYRING, for tests that run the real
counter-app in a subprocess (PYTHON_KEYRING_BACKEND=tests.sync.file_keyring.FileKeyring): the
app goes through keyring.get_keyring() as in production, and the OS keyring is never touched.
Test use only: it stores secrets in plain text."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ["KESCO_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        d = self._load()
        d[f"{service}|{username}"] = password
        self.path.write_text(json.dumps(d))

    def delete_password(self, service: str, username: str) -> None:
        d = self._load()
        if d.pop(f"{service}|{username}", None) is None:
            raise PasswordDeleteError("not found")
        self.path.write_text(json.dumps(d))
