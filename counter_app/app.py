"""Composition root: data directory -> config -> store -> services. The GUI and the CLI both start
here, so they always see the same counter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from counter_app.config import Config, resolve_data_dir
from counter_app.services.clock import Clock, system_clock
from counter_app.services.collection import CollectionService
from counter_app.storage.mirror import Mirror, MirrorStatus
from counter_app.storage.store import Store, open_store


@dataclass
class Application:
    data_dir: Path
    config: Config
    store: Store
    service: CollectionService
    mirror: Mirror | None = None  # the ledger's second copy, when config.mirror_dir is set

    def mirror_status(self) -> MirrorStatus:
        return MirrorStatus(False) if self.mirror is None else self.mirror.status()

    def close(self) -> None:
        if self.mirror is not None:  # first: its background copy reads the ledger
            self.mirror.close()
        self.store.close()

    def __enter__(self) -> Application:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_application(data_dir: str | Path | None = None, *, lock: bool = True, clock: Clock = system_clock,
                 check: bool = True, mirror: bool = True) -> Application:
    """check=False skips the start-up integrity check, for a caller that has just run it;
    mirror=False leaves the ledger's mirror alone (a recovery that reads it)."""
    path = resolve_data_dir(data_dir)
    config = Config.load(path)
    store = open_store(path, lock=lock, check=check)
    app = Application(path, config, store, CollectionService(store, config, clock))
    if config.mirror_dir and lock and mirror:  # only the process that holds the data directory writes its mirror
        from counter_app.storage import mirror as mirror_mod

        app.mirror = mirror_mod.attach(store.db, Path(config.mirror_dir))
    return app
