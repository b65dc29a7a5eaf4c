"""Keeping the counter's data private to the account that runs it (POSIX; on Windows the
installer's ACLs do this, packaging/windows/counter-app.iss and docs/INSTALL.md).

The data folder holds consumers' details, PIN hashes and every receipt: folders 0700, files 0600.
`private_umask()` makes every file the process creates from then on private (SQLite's -wal and
-shm take the database file's mode, the backups, exports, logs and config.toml the umask), and
`tighten()` repairs an installation made before this rule (0755 folders, 0644 files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def posix() -> bool:
    return os.name == "posix"


def private_umask() -> None:
    """Files and folders this process creates are its account's alone (idempotent)."""
    if posix():
        os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if posix():
        os.chmod(path, DIR_MODE)
    return path


def tighten(data_dir: Path) -> list[Path]:
    """Make the data folder, its sub-folders and files private; the paths that were changed. Only
    what this account owns is touched (a root-owned token folder is root's business)."""
    changed: list[Path] = []
    if not posix() or not data_dir.is_dir():
        return changed
    uid = os.getuid()
    for root, dirs, files in os.walk(data_dir):
        for p, want in [(Path(root), DIR_MODE), *[(Path(root) / f, FILE_MODE) for f in files]]:
            try:
                st = p.lstat()
                if stat.S_ISLNK(st.st_mode) or st.st_uid != uid or stat.S_IMODE(st.st_mode) & 0o077 == 0:
                    continue
                os.chmod(p, stat.S_IMODE(st.st_mode) & ~0o077 | (want & 0o700))
                changed.append(p)
            except OSError:
                continue  # a file that went away meanwhile, or one we may not change
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    return changed
