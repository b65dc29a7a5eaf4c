"""First-run setup of a counter PC by IT: counter code, server address, enrollment code.

What the setup dialog calls (`counter-app init --counter-code --server --enroll` is the command-line
way). Order matters: the database takes the counter code first (it refuses a different code once
receipts exist), config.toml gets it, then the sync engine exchanges the one-time enrollment code
for a token, which goes to the OS keyring (never to a file). On Windows config.toml is then made
writable by administrators only."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.config import CONFIG_FILENAME, Config, resolve_data_dir
from counter_app.domain.errors import ValidationError
from counter_app.storage.dbfile import DB_FILENAME
from counter_app.sync.address import check_server_url
from kesco_protocol.digits import to_ascii_digits
from kesco_protocol.records import valid_counter_code

log = logging.getLogger(__name__)

# enroll(counter, server_url, enrollment_code, tokens, ca_bundle) -> None; stores the token itself.
Enroll = Callable[[Any, str, str, Any, str], None]


@dataclass(frozen=True)
class SetupResult:
    data_dir: Path
    counter_code: str
    server_url: str
    enrolled: bool
    config_path: Path


def needs_setup(data_dir: str | Path | None = None) -> bool:
    """True until the counter has a code in both config.toml and its database."""
    d = resolve_data_dir(data_dir)
    try:
        cfg = Config.load(d)
    except (OSError, ValueError, ValidationError):  # unreadable, or an address the rule refuses
        return True
    if not cfg.counter_code or not (d / DB_FILENAME).exists():
        return True
    from counter_app.ops.backup import describe

    try:
        return not describe(d / DB_FILENAME).get("counter_code")
    except Exception:
        return False  # a database that cannot be read is the doctor's business, not setup's


def normalise_server_url(url: str) -> str:
    """The one server-address rule (counter_app.sync.address): https, or plain http to this machine."""
    return check_server_url(url)


def apply_setup(data_dir: str | Path | None, counter_code: str, server_url: str, enrollment_code: str, *,
                counter_name: str = "", ca_bundle: str = "", tokens: Any = None,
                enroll: Enroll | None = None) -> SetupResult:
    """Validate everything, then set up. `enrollment_code` may be empty only when `server_url` is
    (an offline counter, enrolled later). `tokens` is the sync engine's token store (the OS keyring
    by default; tests pass an in-memory one)."""
    d = resolve_data_dir(data_dir)
    code = to_ascii_digits(counter_code).strip().upper()
    if not valid_counter_code(code):
        raise ValidationError("counter.bad_code")
    url = normalise_server_url(server_url) if server_url.strip() else ""
    enrollment_code = enrollment_code.strip()
    if url and not enrollment_code:
        raise ValidationError("ops.enrollment_code_required")

    from counter_app.app import open_application

    with open_application(d) as c:
        c.service.initialise(code, counter_name)
        cfg = Config.load(d)
        changed = cfg.counter_code != code or bool(counter_name and cfg.counter_name != counter_name)
        cfg.counter_code = code
        if counter_name:
            cfg.counter_name = counter_name
        if not url and cfg.server_url:
            changed, cfg.server_url = True, ""
        path = d / CONFIG_FILENAME
        if changed or not path.exists():
            _save(cfg, d)
        c.config.counter_code, c.config.counter_name = cfg.counter_code, cfg.counter_name
        if url:
            (enroll or default_enroll)(c, url, enrollment_code, tokens, ca_bundle)
    protect_config(path)
    log.info("set up counter %s (server %s) in %s", code, url or "-", d)
    return SetupResult(d, code, url, bool(url), path)


def _save(cfg: Config, d: Path) -> None:
    try:
        cfg.save(d)
    except PermissionError:
        raise ValidationError("ops.config_admin_only", path=str(d / CONFIG_FILENAME)) from None


def default_enroll(counter: Any, server_url: str, enrollment_code: str, tokens: Any, ca_bundle: str) -> None:
    """The sync engine's enrollment: keyring checked first, POST /enroll, token into the keyring,
    server address into config.toml."""
    from counter_app.sync.setup import enroll

    try:
        enroll(counter, server_url, enrollment_code, tokens=tokens, ca_bundle=ca_bundle or None)
    except PermissionError:
        raise ValidationError("ops.config_admin_only", path=str(counter.data_dir / CONFIG_FILENAME)) from None


def protect_config(path: Path) -> None:
    """config.toml holds the server address and the counter code: clerks may read it, only
    administrators may change it. Config.save replaces the file (atomic rename), which gives it
    the folder's inherited ACL again, so the ACL is set after every save."""
    if sys.platform != "win32":
        try:
            path.chmod(0o644)
        except OSError:
            pass
        return
    # S-1-5-32-544 Administrators, S-1-5-18 SYSTEM, S-1-5-32-545 Users (read only).
    cmd = ["icacls", str(path), "/inheritance:r", "/grant:r", "*S-1-5-32-544:F", "*S-1-5-18:F",
           "*S-1-5-32-545:RX"]
    try:  # pragma: no cover - Windows counters
        subprocess.run(cmd, check=True, capture_output=True, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.CalledProcessError) as e:  # pragma: no cover
        log.warning("could not restrict %s to administrators: %s", path, e)
