"""The server token in a file, for a Linux counter PC without a Secret Service (a service account,
a kiosk session): chosen explicitly with `token_store = "file"` in config.toml, never as a silent
fallback. docs/INSTALL.md ("A Linux counter PC") says how it is set up.

The file is JSON, mode 0600, in a folder of mode 0700 (by default the service user's own config
folder; IT may give `token_file` in a root-owned 0700 folder with the file owned by the service
user). Like ssh with its keys, the store refuses a file or folder that others may read or write,
rather than use a token that may have leaked."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

from counter_app.sync.errors import KeyringUnavailable

TOKEN_FILENAME = "counter-token.json"


def default_token_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("KESCO Counter", "KESCO")) / TOKEN_FILENAME


def _username(server_url: str, counter_code: str) -> str:
    return f"{counter_code}@{server_url.rstrip('/')}"


class FileTokenStore:
    """TokenStore on a private file (the same three methods as the keyring wrapper)."""

    backend_name = "file"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else default_token_path()
        self._lock = threading.Lock()

    def check(self) -> None:
        """KeyringUnavailable (sync.keyring_unavailable) when the file or its folder is open to
        others, or belongs to another account."""
        if os.name != "posix":
            return  # Windows: the Credential Manager is the store; this one is for Linux
        folder = self.path.parent
        if folder.exists():
            self._refuse_if_open(folder, is_dir=True)
        if self.path.exists():
            self._refuse_if_open(self.path, is_dir=False)

    def _refuse_if_open(self, p: Path, *, is_dir: bool) -> None:
        st = p.stat()
        mode = stat.S_IMODE(st.st_mode)
        if is_dir:
            # a root-owned folder is fine if only root may write to it; ours must be 0700
            if mode & 0o022 or (st.st_uid == os.getuid() and mode & 0o077):
                raise KeyringUnavailable(detail=f"{p} is open to other users (mode {mode:o}; want 700)",
                                         backend=self.backend_name)
        elif st.st_uid != os.getuid() or mode & 0o077:
            raise KeyringUnavailable(detail=f"{p} must be owned by this account with mode 600 (it is {mode:o})",
                                     backend=self.backend_name)

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise KeyringUnavailable(detail=f"{self.path}: {type(e).__name__}: {e}"[:300],
                                     backend=self.backend_name) from e
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save(self, data: dict[str, str]) -> None:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        # created 0600 whatever the umask: the token must never exist readable by others
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, self.path)

    def get(self, server_url: str, counter_code: str) -> str | None:
        with self._lock:
            self.check()
            return self._load().get(_username(server_url, counter_code))

    def set(self, server_url: str, counter_code: str, token: str) -> None:
        with self._lock:
            self.check()
            data = self._load()
            data[_username(server_url, counter_code)] = token
            try:
                self._save(data)
            except OSError as e:
                raise KeyringUnavailable(detail=f"{self.path}: {e}"[:300], backend=self.backend_name) from e
            self.check()

    def delete(self, server_url: str, counter_code: str) -> None:
        with self._lock:
            self.check()
            data = self._load()
            if data.pop(_username(server_url, counter_code), None) is not None:
                self._save(data)
