"""One producer thread a few items ahead of its consumer: the database makes the next rows while
this thread compresses, sends or writes the last ones. SQLite's steps, zlib and socket I/O release
the GIL, so on two cores the two threads overlap instead of taking turns. Used by the master
snapshot (master.py) and the disconnection check (consumer_side/disconnections.py)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def prefetched(items: Iterator[T], depth: int = 8, name: str = "prefetch") -> Iterator[T]:
    """`items`, produced on a daemon thread `depth` items ahead. The producer's error is raised
    here; stopping early (close or an error downstream) stops the producer and closes `items` on
    its thread, so a cursor is never used from two threads at once."""
    q: queue.Queue[Any] = queue.Queue(depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, which raises it
            q.put(e)
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        q.put(done)

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            got = q.get()
            if got is done:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                pass
