"""Where the server's part-payment policy comes from: the TOML file named by
CENTRAL_PART_PAYMENT_POLICY_FILE (docs/DEPLOY.md), or the UP rule built into the protocol when
none is named. Read once when the settings are made, so a bad file stops the server at start."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from kesco_protocol.part_payment import UP_DEFAULT, Policy, PolicyError, from_config

ENV = "CENTRAL_PART_PAYMENT_POLICY_FILE"


def load_file(path: str | Path) -> Policy:
    """The policy in a TOML file; PolicyError naming the file and the entry that is wrong."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise PolicyError(f"part-payment policy {path}: cannot be read ({e.strerror or e})") from None
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"part-payment policy {path}: not TOML ({e})") from None
    try:
        return from_config(data)
    except PolicyError as e:
        raise PolicyError(f"part-payment policy {path}: {e}") from None


def from_env() -> Policy:
    path = os.environ.get(ENV, "").strip()
    return load_file(path) if path else UP_DEFAULT
