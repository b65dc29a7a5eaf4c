"""The cash in a drawer and the limits on it, and the denomination map of the pickup and deposit
records. Pure Python; money in paise.

Cash in drawer = opening float + cash receipts (with their round-off) - cancelled cash receipts -
pickups. Past the soft limit the counter asks for a pickup; past the hard limit (off unless
configured) it takes no more cash until one is made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from counter_app.domain.closes import DEFAULT_DENOMINATIONS


@dataclass(frozen=True, slots=True)
class DrawerCash:
    opening_float_paise: int
    cash_in_paise: int  # what the shift's cash receipts took in, round-off included
    cancelled_paise: int  # the part of it handed back by cancellations
    picked_up_paise: int
    soft_limit_paise: int = 0  # 0: no limit
    hard_limit_paise: int = 0  # 0: off

    @property
    def in_drawer_paise(self) -> int:
        return self.opening_float_paise + self.cash_in_paise - self.cancelled_paise - self.picked_up_paise

    @property
    def over_soft(self) -> bool:
        return bool(self.soft_limit_paise) and self.in_drawer_paise > self.soft_limit_paise

    @property
    def over_hard(self) -> bool:
        return bool(self.hard_limit_paise) and self.in_drawer_paise > self.hard_limit_paise


def wire_denominations(counts: Mapping[str, int],
                       denominations: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS) -> dict[str, int]:
    """The record's map, a note's or coin's value in rupees as text -> pieces (docs/PROTOCOL.md):
    the counter's "N20" and "C20" (counted apart, from different trays) are both "20" there. Counts
    must have been checked (closes.counted_total) first."""
    values = dict(denominations)
    out: dict[str, int] = {}
    for key, n in counts.items():
        if n:
            rupees = str(values[key] // 100)
            out[rupees] = out.get(rupees, 0) + int(n)
    return out


def wire_total_paise(denominations: Mapping[str, int]) -> int:
    """The record's rule: sum of value x pieces, x 100."""
    return sum(int(k) * int(n) for k, n in denominations.items()) * 100
