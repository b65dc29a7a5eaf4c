"""Where the counter keeps its data and what it is configured with.

Data directory: `--data-dir`, else $COUNTER_APP_DATA_DIR, else the per-machine data directory
(ProgramData on Windows, /var/lib-like site data on Linux via platformdirs). Settings live in
`config.toml` in that directory (read with tomllib, written with tomli-w)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_DATA_DIR = "COUNTER_APP_DATA_DIR"
CONFIG_FILENAME = "config.toml"


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.site_data_dir("KESCO Counter", "KESCO"))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


@dataclass
class Config:
    counter_code: str = ""
    counter_name: str = ""
    server_url: str = ""
    ca_bundle: str = ""  # extra CA certificates for the server's TLS, if the utility runs its own CA
    max_receipt_paise: int = 10_00_000_00  # Rs 10 lakh a receipt, above which nobody pays cash at a counter
    language: str = "en"
    backup_dir: str = ""
    backup_keep: int = 14
    # a second disk or a USB stick: every ledger commit is also journalled there before the
    # receipt prints (counter_app/storage/mirror.py); empty: no mirror
    mirror_dir: str = ""
    pending_amber_minutes: int = 60
    pending_red_minutes: int = 24 * 60
    sync_interval_s: int = 15
    pull_interval_s: int = 300
    variance_approval_paise: int = 100_00  # shift-close variance above Rs 100 needs a supervisor
    utility_name_en: str = "Kanpur Electricity Supply Company Ltd. (KESCO)"
    utility_name_hi: str = "कानपुर इलेक्ट्रिसिटी सप्लाई कंपनी लि. (केस्को)"
    # issuing is refused when the clock is this far off the central server's (0: not checked) or
    # this far behind the last receipt's time (counter_app.services.clock_guard)
    clock_max_skew_minutes: int = 10
    clock_max_backwards_minutes: int = 2
    printer: str = ""  # empty: the system's default printer
    receipt_layout: str = "80mm"  # or "a5"
    cash_rounding: str = "rupee"  # or "none": cash to the nearest rupee, the round-off on the receipt
    recent_payment_hours: int = 72  # a payment on an account paid this recently needs a confirmation
    # an amount more than this many times the amount due AND this much above it needs a confirmation
    far_above_due_factor: int = 10
    far_above_due_margin_paise: int = 5_000_00
    # cash in the drawer above this asks for a supervisor's pickup on the status line (0: never);
    # above the hard limit (0: off) no cash receipt is taken until a pickup (cheques, UPI... still go)
    cash_limit_paise: int = 2_00_000_00  # Rs 2 lakh
    cash_hard_limit_paise: int = 0
    token_store: str = "keyring"  # or "file": a Linux counter without a Secret Service (docs/INSTALL.md)
    token_file: str = ""  # with token_store = "file"; empty: the service user's config folder
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> Config:
        path = data_dir / CONFIG_FILENAME
        if not path.exists():
            return cls()
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
        known = {f.name for f in fields(cls)} - {"extra"}
        cfg = cls(**{k: v for k, v in raw.items() if k in known})
        cfg.extra = {k: v for k, v in raw.items() if k not in known}
        if cfg.server_url:
            from counter_app.sync.address import check_server_url

            # an address edited into the file by hand gets the same rule as one typed at setup
            cfg.server_url = check_server_url(str(cfg.server_url))
        return cfg

    def save(self, data_dir: Path) -> Path:
        import tomli_w

        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / CONFIG_FILENAME
        d = asdict(self)
        extra = d.pop("extra")
        d.update(extra)
        tmp = path.with_suffix(".toml.tmp")
        # 0600 whatever the umask: it names the server and the token's home (counter_app/storage/private.py)
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            tomli_w.dump(d, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path
