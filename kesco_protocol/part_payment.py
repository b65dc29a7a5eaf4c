"""The utility's policy for part payments (docs/PROTOCOL.md, "Part payments"): by consumer
category, the least a consumer may pay of the amount due. Set in the server's configuration,
sent to the counters in the counter status, applied at the counter's collect screen.

The rule, for an amount due D > 0 and a category's share S (basis points) and minimum amount M:

    required = min(D, max(ceil(S x D / 10000), M))

"10% or Rs 250" is read as the larger of the two (the common reading: a share that would be a few
rupees on a small bill is lifted to the minimum amount), and never more than the amount due, so
paying the whole due (or more) is never refused. Nothing is required when nothing is due."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kesco_protocol.consumers import Category

FORMAT = 1
FULL_SHARE_BP = 10_000  # 100 %
# the largest minimum amount a policy may set (Rs 50 lakh, the server's review limit)
MAX_MINIMUM_PAISE = 50_00_000_00


class PolicyError(ValueError):
    """A policy that cannot be used; the message says which entry and why (for the operator)."""


@dataclass(frozen=True, slots=True)
class Minimum:
    """The least part payment for one category: a share of the due and an amount, the larger."""

    share_bp: int
    minimum_paise: int

    def required_paise(self, due_paise: int) -> int:
        if due_paise <= 0:
            return 0
        share = -(-self.share_bp * due_paise // FULL_SHARE_BP)  # ceil: "at least 10 %" holds exactly
        return min(due_paise, max(share, self.minimum_paise))

    def to_wire(self) -> dict[str, int]:
        return {"share_bp": self.share_bp, "minimum_paise": self.minimum_paise}


@dataclass(frozen=True, slots=True)
class Policy:
    default: Minimum
    # category code -> its minimum; categories not listed take the default
    categories: dict[str, Minimum] = field(default_factory=dict)

    def for_category(self, category: str | None) -> Minimum:
        return self.categories.get(category or "", self.default)

    def required_paise(self, category: str | None, due_paise: int) -> int:
        return self.for_category(category).required_paise(due_paise)

    def body(self) -> dict[str, Any]:
        return {"format": FORMAT, "default": self.default.to_wire(),
                "categories": {k: v.to_wire() for k, v in sorted(self.categories.items())}}

    @property
    def policy_id(self) -> str:
        """What identifies this policy's content: the first 16 hex digits of the SHA-256 of its
        canonical body. The counter compares it to know that the policy changed."""
        text = json.dumps(self.body(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_wire(self) -> dict[str, Any]:
        return {**self.body(), "policy_id": self.policy_id}

    @classmethod
    def from_wire(cls, d: object) -> Policy:
        """The policy as the server sends it; PolicyError when it is not one (a counter keeps the
        policy it had)."""
        if not isinstance(d, dict):
            raise PolicyError("the policy is not an object")
        if d.get("format") != FORMAT:
            raise PolicyError(f"unknown policy format {d.get('format')!r}")
        cats = d.get("categories", {})
        if not isinstance(cats, dict):
            raise PolicyError("categories: not an object")
        policy = cls(_minimum("default", d.get("default"), wire=True),
                     {_category(k): _minimum(f"categories.{k}", v, wire=True) for k, v in cats.items()})
        if "policy_id" in d and d["policy_id"] != policy.policy_id:
            raise PolicyError("policy_id does not match the policy's content")
        return policy


# The UP rule as reported in 2024: at least 10 % of the due or Rs 250 for small domestic
# connections, 25 % or Rs 1,000 for others. "Small domestic" is the domestic category: the master
# data has no sanctioned load to tell a small domestic connection from a large one.
UP_DEFAULT = Policy(default=Minimum(2500, 1000_00), categories={Category.DOMESTIC.value: Minimum(1000, 250_00)})

_CONFIG_KEYS = {"share_bp", "share_percent", "minimum_paise"}


def _category(code: object) -> str:
    known = [c.value for c in Category]
    if code not in known:
        raise PolicyError(f"category {code!r}: not a consumer category code (one of {', '.join(known)})")
    return str(code)


def _int(where: str, name: str, v: object, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise PolicyError(f"{where}: {name} must be a whole number, not {v!r}")
    if not 0 <= v <= hi:
        raise PolicyError(f"{where}: {name} must be between 0 and {hi}, not {v}")
    return v


def _minimum(where: str, d: object, *, wire: bool = False) -> Minimum:
    if not isinstance(d, dict):
        raise PolicyError(f"{where}: missing, or not a table with share_bp or share_percent and minimum_paise")
    allowed = {"share_bp", "minimum_paise"} if wire else _CONFIG_KEYS
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise PolicyError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    if ("share_bp" in d) == ("share_percent" in d):
        raise PolicyError(f"{where}: give the share once, as share_bp (basis points) or share_percent")
    if "share_bp" in d:
        share = _int(where, "share_bp", d["share_bp"], FULL_SHARE_BP)
    else:
        share = _int(where, "share_percent", d["share_percent"], 100) * 100
    if "minimum_paise" not in d:
        raise PolicyError(f"{where}: minimum_paise is missing (0 for none)")
    return Minimum(share, _int(where, "minimum_paise", d["minimum_paise"], MAX_MINIMUM_PAISE))


def from_config(d: dict[str, Any]) -> Policy:
    """The policy as the operator writes it (the server's TOML file, docs/DEPLOY.md):

        [default]
        share_percent = 25
        minimum_paise = 100000
        [category.DOM]
        share_bp = 1000
        minimum_paise = 25000
    """
    unknown = sorted(set(d) - {"default", "category"})
    if unknown:
        raise PolicyError(f"unknown entry {unknown[0]!r} (allowed: [default] and [category.CODE])")
    cats = d.get("category", {})
    if not isinstance(cats, dict):
        raise PolicyError("category: not a table of [category.CODE] tables")
    return Policy(_minimum("default", d.get("default")),
                  {_category(k): _minimum(f"category.{k}", v) for k, v in cats.items()})


def share_text(share_bp: int) -> str:
    """1000 -> "10", 1250 -> "12.5" (percent, for people; integers only, no float)."""
    whole, part = divmod(share_bp, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")
