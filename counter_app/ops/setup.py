"""First-run setup of a counter PC by IT: counter code, server address, enrollment code.

The one function both the setup dialog and `counter-app setup` call. Order matters: the database
takes the counter code first (it refuses a different code once receipts exist), then the one-time
enrollment code is exchanged for a token, which goes to the OS keyring (never to a file), and only
then is config.toml written. On Windows config.toml is then made writable by administrators only."""

from __future__ import annotations

import ipaddress
import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from counter_app.config import CONFIG_FILENAME, Config, resolve_data_dir
from counter_app.domain.errors import CounterError, ValidationError
from counter_app.domain.receipt import valid_counter_code
from counter_app.storage.db import DB_FILENAME

log = logging.getLogger(__name__)

# enroll(server_url, counter_code, enrollment_code, config) -> None; stores the token itself.
Enroll = Callable[[str, str, str, Config], None]


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
    except (OSError, ValueError):
        return True
    if not cfg.counter_code or not (d / DB_FILENAME).exists():
        return True
    from counter_app.ops.backup import describe

    try:
        return not describe(d / DB_FILENAME).get("counter_code")
    except Exception:
        return False  # a database that cannot be read is the doctor's business, not setup's


def normalise_server_url(url: str) -> str:
    """https://host[:port][/path] without a trailing slash; plain http only to this machine (the
    demo and the tests), because the token travels in every request."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("ops.bad_server_url")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValidationError("ops.bad_server_url")
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def apply_setup(data_dir: str | Path | None, counter_code: str, server_url: str, enrollment_code: str, *,
                counter_name: str = "", enroll: Enroll | None = None) -> SetupResult:
    """Validate everything, then set up. `enrollment_code` may be empty only when `server_url` is
    (an offline counter enrolled later)."""
    d = resolve_data_dir(data_dir)
    code = counter_code.strip().upper()
    if not valid_counter_code(code):
        raise ValidationError("counter.bad_code")
    url = normalise_server_url(server_url) if server_url.strip() else ""
    enrollment_code = enrollment_code.strip()
    if url and not enrollment_code:
        raise ValidationError("ops.enrollment_code_required")
    cfg = Config.load(d)

    from counter_app.app import open_counter

    with open_counter(d) as c:
        c.service.initialise(code, counter_name)
    cfg.counter_code = code
    if counter_name:
        cfg.counter_name = counter_name
    cfg.server_url = url
    enrolled = False
    if url:
        (enroll or default_enroll)(url, code, enrollment_code, cfg)
        enrolled = True
    path = cfg.save(d)
    protect_config(path)
    log.info("set up counter %s (server %s, enrolled %s) in %s", code, url or "-", enrolled, d)
    return SetupResult(d, code, url, enrolled, path)


def default_enroll(server_url: str, counter_code: str, enrollment_code: str, config: Config) -> None:
    """The sync engine's enrollment: POST /enroll, token into the OS keyring."""
    try:
        from counter_app.sync import enrollment
    except ImportError:
        raise CounterError("ops.enroll_unavailable") from None
    try:
        enrollment.enroll(server_url, counter_code, enrollment_code, config=config)
    except CounterError:
        raise
    except Exception as e:
        raise CounterError("ops.enroll_failed", detail=f"{type(e).__name__}: {e}"[:300]) from e


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


def config_path(data_dir: str | Path | None = None) -> Path:
    return resolve_data_dir(data_dir) / CONFIG_FILENAME
