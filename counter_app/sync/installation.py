"""This PC's installation identity (kesco_protocol.installation): made at enrolment, kept in the
ledger (kv `installation_id`) and, apart from the database file, in the token store next to the
token, and bound to the PC by a machine tag (of the operating system's machine id). What the counter presents on every
request is rebuilt from the token store's part and the tag of the PC it runs on, so that

- a copy of the data folder onto another PC (a clone, a restore onto a different PC) presents
  another id (a restore onto the same PC, in any folder, is the same installation): the server refuses it as a second PC, and this PC is told to re-enrol;
- a database restored without the token store's part presents none, and differs from its ledger.

No Qt, no SQL of its own beyond kv."""

from __future__ import annotations

import hashlib
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

from counter_app.storage.store import get_kv, set_kv
from counter_app.sync.keyring_store import TokenStore
from kesco_protocol.installation import make_id, random_part

KV_KEY = "installation_id"


# the token store's second entry for the counter, beside its token (any TokenStore keeps it); not
# per server address: the installation is the PC's, whichever address (or proxy) it reaches
_PLACE = "installation"


def _entry(counter_code: str) -> str:
    return f"{counter_code}#installation"


def machine_id() -> str:
    """The operating system's id of this PC (changes with a new Windows install or sysprep; a copy
    of the data folder does not carry it), or the host name where none is readable."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import winreg

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography") as k:
                return str(winreg.QueryValueEx(k, "MachineGuid")[0])
        except OSError:
            pass
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            value = Path(path).read_text().strip()
        except OSError:
            continue
        if value:
            return value
    return socket.gethostname()


def machine_tag(machine: str | None = None) -> str:
    """16 hex digits of this PC (`machine` stands for another PC's id in tests)."""
    return hashlib.sha256((machine or machine_id()).encode()).hexdigest()[:16]


def recorded(counter: Any) -> str | None:
    """The installation id the ledger was enrolled with."""
    with counter.store.db.read() as conn:
        return get_kv(conn, KV_KEY)


def create(counter: Any, tokens: TokenStore, server_url: str, machine: str | None = None) -> str:
    """A new installation (at enrolment): its random part in the token store, the whole id in the
    ledger. Returns the id to present."""
    code = counter.service.counter_code
    part = secrets.token_hex(16)
    tokens.set(_PLACE, _entry(code), part)
    value = make_id(part, machine_tag(machine))
    with counter.store.db.write() as conn:
        set_kv(conn, KV_KEY, value)
    return value


def copy_secret(src: TokenStore, dst: TokenStore, counter_code: str) -> None:
    """Carry this PC's installation part from one token store to another (moving the counter's
    secrets to another store on the same PC; the token is copied by the caller)."""
    part = src.get(_PLACE, _entry(counter_code))
    if part:
        dst.set(_PLACE, _entry(counter_code), part)


def presented(counter: Any, tokens: TokenStore, server_url: str, machine: str | None = None) -> str | None:
    """The id this PC presents: the token store's part on this PC's tag (None: no part stored)."""
    part = tokens.get(_PLACE, _entry(counter.service.counter_code))
    if not part:
        return None
    try:
        return make_id(part, machine_tag(machine))
    except ValueError:
        return None


def ensure(counter: Any, tokens: TokenStore, server_url: str, machine: str | None = None) -> str | None:
    """For a counter enrolled before installations existed (a token, no id anywhere): make one now,
    which the server binds at its first request. Anything else is left as it is."""
    if recorded(counter) is None and tokens.get(server_url, counter.service.counter_code) \
            and tokens.get(_PLACE, _entry(counter.service.counter_code)) is None:
        return create(counter, tokens, server_url, machine)
    return presented(counter, tokens, server_url, machine)


def mismatch(counter: Any, tokens: TokenStore, server_url: str, machine: str | None = None) -> str | None:
    """Why this PC is not the installation its ledger was enrolled as, or None when it is:
    `other_pc` (copied to another PC), `no_secret` (the token store lacks its part), or
    `other_secret` (the token store belongs to another enrolment)."""
    want = recorded(counter)
    if want is None:
        return None
    part = tokens.get(_PLACE, _entry(counter.service.counter_code))
    if not part:
        return "no_secret"
    if part != random_part(want):
        return "other_secret"
    if want != presented(counter, tokens, server_url, machine):
        return "other_pc"
    return None
