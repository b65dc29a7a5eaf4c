"""token_cache.Coalesced: lookups that wait together are answered by one query, each with its own
answer; a failed query fails only the lookups that waited for it, and the next one is tried
afresh; a lookup whose request went away does not stop the others."""

from __future__ import annotations

import asyncio
import threading
import time

from central_server.token_cache import Coalesced


class Store:
    """A lookup of our own table, slow enough that the callers overlap; can be made to fail."""

    def __init__(self) -> None:
        self.rows = {f"t{i}": f"C{i}" for i in range(50)}
        self.asked: list[list[str]] = []
        self.fail_next = False
        self.lock = threading.Lock()

    def fetch(self, keys: list[str]) -> dict[str, str]:
        with self.lock:
            self.asked.append(list(keys))
            fail, self.fail_next = self.fail_next, False
        time.sleep(0.05)
        if fail:
            raise OSError("the database went away")
        return {k: self.rows[k] for k in keys if k in self.rows}


def test_waiting_lookups_share_a_query_and_each_gets_its_own_answer() -> None:
    store = Store()
    lookup = Coalesced(store.fetch, max_keys=20)

    async def main() -> list[str | None]:
        keys = [f"t{i}" for i in range(45)] + ["t3", "unknown"]
        return await asyncio.gather(*(lookup.get(k) for k in keys))

    got = asyncio.run(main())
    assert got == [f"C{i}" for i in range(45)] + ["C3", None]
    # 46 different keys, in queries of 20 at most
    assert [len(a) for a in store.asked] == [20, 20, 6]
    assert sorted(k for a in store.asked for k in a) == sorted({f"t{i}" for i in range(45)} | {"unknown"})


def test_a_failed_query_fails_its_lookups_only_and_the_next_is_tried_afresh() -> None:
    store = Store()
    lookup = Coalesced(store.fetch)

    async def main() -> tuple[list[object], str | None]:
        store.fail_next = True
        tasks = [asyncio.create_task(lookup.get("t0"))]
        await asyncio.sleep(0.01)  # the first query is under way; these wait for the next
        tasks += [asyncio.create_task(lookup.get(f"t{i}")) for i in range(1, 5)]
        first = await asyncio.gather(*tasks, return_exceptions=True)
        return first, await lookup.get("t7")

    first, after = asyncio.run(main())
    # the first query (t0) failed; the four that waited for the second got their answers
    assert [len(a) for a in store.asked] == [1, 4, 1]
    assert isinstance(first[0], OSError)
    assert first[1:] == ["C1", "C2", "C3", "C4"]
    assert after == "C7"


def test_a_lookup_that_went_away_leaves_the_others_answered() -> None:
    store = Store()
    lookup = Coalesced(store.fetch)

    async def main() -> list[object]:
        tasks = [asyncio.create_task(lookup.get(f"t{i}")) for i in range(6)]
        await asyncio.sleep(0.01)
        tasks[2].cancel()  # the client disconnected while its token was being looked up
        return await asyncio.gather(*tasks, return_exceptions=True)

    got = asyncio.run(main())
    assert isinstance(got[2], asyncio.CancelledError)
    assert [g for i, g in enumerate(got) if i != 2] == ["C0", "C1", "C3", "C4", "C5"]


def test_it_answers_in_a_new_event_loop_after_the_old_one_closed() -> None:
    """The app outlives a test client's event loop: the next loop's lookups are answered too."""
    store = Store()
    lookup = Coalesced(store.fetch)
    assert asyncio.run(lookup.get("t1")) == "C1"
    assert asyncio.run(lookup.get("t2")) == "C2"


def test_negative_control_lookups_that_do_not_overlap_are_a_query_each() -> None:
    """The counts above can fail: lookups one after the other are not merged."""
    store = Store()
    lookup = Coalesced(store.fetch)

    async def main() -> None:
        for i in range(3):
            await lookup.get(f"t{i}")

    asyncio.run(main())
    assert store.asked == [["t0"], ["t1"], ["t2"]]
