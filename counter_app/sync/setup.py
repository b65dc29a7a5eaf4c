"""Wiring the sync for one counter: enrollment (one-time code -> token in the OS keyring, server
address in config.toml) and building the client and the engine from what is configured."""

from __future__ import annotations

from typing import Any

import requests

from counter_app.services.clock import iso
from counter_app.storage.store import set_kv
from counter_app.sync import installation as installation_mod
from counter_app.sync.address import check_server_url
from counter_app.sync.client import ServerClient
from counter_app.sync.engine import SyncEngine
from counter_app.sync.errors import KeyringUnavailable, NotEnrolled
from counter_app.sync.keyring_store import KeyringTokenStore, TokenStore
from counter_app.sync.signing_keys import attach, new_key_text, save_key
from kesco_protocol.signing import Signer, public_text


def default_token_store() -> TokenStore:
    return KeyringTokenStore()


def token_store_for(config: Any) -> TokenStore:
    """The private token file when config.toml says `token_store = "file"` (a Linux counter
    without a Secret Service: counter_app/sync/token_file.py), else the OS keyring."""
    if getattr(config, "token_store", "keyring") == "file":
        from counter_app.sync.token_file import FileTokenStore

        return FileTokenStore(getattr(config, "token_file", "") or None)
    return default_token_store()


def _check_store(tokens: TokenStore) -> None:
    check = getattr(tokens, "check", None)
    if callable(check):
        check()


def enroll(counter: Any, server_url: str, enrollment_code: str, *, tokens: TokenStore | None = None,
           ca_bundle: str | None = None, session: requests.Session | None = None,
           timeouts: tuple[float, float] = (5.0, 30.0), machine: str | None = None) -> str:
    """Exchange the one-time enrollment code for the counter's token and keep it in the keyring;
    remember the server address. The keyring is checked *before* the one-time code is spent.
    Returns the counter code."""
    tokens = tokens or token_store_for(counter.config)
    _check_store(tokens)
    server_url = check_server_url(server_url)  # refuse a bad or clear-text address before anything
    code = counter.service.counter_code
    # a new installation at each enrolment: the server binds this PC (and this data folder) to
    # the counter, and refuses any copy of it that was not enrolled itself
    installation = installation_mod.create(counter, tokens, server_url, machine)
    client = ServerClient(server_url, code, None, ca_bundle=ca_bundle, connect_timeout=timeouts[0],
                          read_timeout=timeouts[1], session=session, installation=installation)
    # a new key pair at every enrolment: the server registers the public half and keeps the old
    # ones valid for what they signed (rotation)
    key_text = new_key_text()
    signer = Signer.from_text(key_text)
    try:
        token = client.enroll(enrollment_code.strip(), public_key=public_text(signer.private))
    finally:
        if session is None:
            client.close()
    tokens.set(server_url, code, token)
    if tokens.get(server_url, code) != token:
        raise KeyringUnavailable(detail="the keyring did not keep the token")
    save_key(tokens, server_url, code, key_text)
    counter.service.signer = signer
    from counter_app.config import Config

    cfg = Config.load(counter.data_dir)  # what is on disk now (init may have just written it)
    cfg.server_url = server_url
    if ca_bundle:
        cfg.ca_bundle = ca_bundle
    cfg.save(counter.data_dir)
    counter.config.server_url, counter.config.ca_bundle = cfg.server_url, cfg.ca_bundle
    with counter.store.db.write() as conn:
        set_kv(conn, "sync_enrolled_at", iso(counter.service.clock()))
        set_kv(conn, "sync_state", None)
    return str(code)


def make_client(counter: Any, *, tokens: TokenStore | None = None, session: requests.Session | None = None,
                timeouts: tuple[float, float] = (5.0, 30.0), machine: str | None = None) -> ServerClient | None:
    """The client for the configured server, or None when the counter has no server address or
    no code yet. The token is read from the keyring on each call (a re-enrollment takes effect
    without a restart)."""
    cfg = counter.config
    code = counter.store.get_meta("counter_code")
    if not cfg.server_url or not code:
        return None
    store = tokens or token_store_for(cfg)
    url = cfg.server_url
    try:
        attach(counter, store)
    except KeyringUnavailable:  # reported by the token read below, on first use
        pass

    def token() -> str | None:
        value = store.get(url, code)
        if not value:
            raise NotEnrolled(detail="no token in the keyring for this counter: run counter-app init --enroll")
        return value

    # `machine` stands for another PC's machine id in tests (two "PCs" in one process)
    installation_mod.ensure(counter, store, url, machine)

    def installation() -> str | None:
        return installation_mod.presented(counter, store, url, machine)

    return ServerClient(url, code, token, ca_bundle=cfg.ca_bundle or None, connect_timeout=timeouts[0],
                        read_timeout=timeouts[1], session=session, installation=installation)


def make_engine(counter: Any, *, tokens: TokenStore | None = None, session: requests.Session | None = None,
                **engine_options: Any) -> SyncEngine:
    """The engine for the counter as configured (the window and `sync --forever` use this)."""
    client = make_client(counter, tokens=tokens, session=session)
    opts: dict[str, Any] = {"poll_s": 2.0,
                            "pull_interval_s": float(getattr(counter.config, "pull_interval_s", 300))}
    opts.update(engine_options)
    return SyncEngine(counter, client, **opts)
