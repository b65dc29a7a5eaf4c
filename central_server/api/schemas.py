"""Request and response bodies of the wire protocol (docs/PROTOCOL.md); the OpenAPI spec is
generated from these."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field


class Problem(BaseModel):
    detail: str


class EnrollIn(BaseModel):
    counter_code: str = Field(max_length=16, pattern=r"^[A-Z0-9][A-Z0-9-]{1,15}$")
    enrollment_code: str = Field(max_length=64)
    public_key: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]{43}$",
                                   description="the counter's new Ed25519 public key, raw 32 bytes in "
                                               "base64url (kesco_protocol.signing); rotates the old one")


class EnrollOut(BaseModel):
    counter_code: str
    token: str
    server_time: str


class RecordIn(BaseModel):
    kind: str = Field(max_length=32, description="receipt | void | dishonour | shift_close | day_close | pickup | deposit | reversal")
    record_id: str = Field(max_length=200, description="the record's own UUID, made at the counter")
    payload: Any = Field(description="Receipt.wire() for a receipt, the record's body() otherwise")


class RecordsIn(BaseModel):
    records: list[RecordIn]


class RecordResult(BaseModel):
    record_id: str
    status: Literal["accepted", "duplicate", "conflict", "parked", "invalid"]
    detail: dict[str, Any] | None = None


class PeriodOut(BaseModel):
    state: Literal["open", "closing"]
    mode: Literal["collect", "legacy"]
    label: str | None
    retry_after_s: int
    changed_at: str


class ChainAnchor(BaseModel):
    seq: int
    hash: str


def _not_text(v: Any) -> Any:
    # JSON's integer: 212 or 212.0 (what JSON Schema calls an integer), never "212" or true
    if isinstance(v, (str, bool)):
        raise ValueError("must be a JSON number")
    return v


class AnchorIn(BaseModel):
    """A counter's chain head: its newest receipt's seq and hash (docs/PROTOCOL.md, "Chain anchors")."""

    seq: Annotated[int, BeforeValidator(_not_text)] = Field(ge=1, le=10**15)
    hash: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")


class AnchorOut(BaseModel):
    seq: int
    stored: bool
    matches: bool | None  # None: the server does not hold that receipt yet


class PartPaymentMinimumOut(BaseModel):
    share_bp: int  # basis points of the amount due (1000 = 10 %)
    minimum_paise: int


class PartPaymentPolicyOut(BaseModel):
    """The least part payment by consumer category (kesco_protocol.part_payment)."""

    format: int
    default: PartPaymentMinimumOut
    categories: dict[str, PartPaymentMinimumOut]
    policy_id: str


class CounterStatus(BaseModel):
    counter_code: str
    high_water_seq: int
    max_seq: int
    gaps: list[list[int]]
    receipts: int
    total_paise: int
    chain_ok: bool
    chain_broken_at: int | None
    chain_head_hash: str
    anchors: list[ChainAnchor] = Field(default_factory=list)  # heads from the counter's shift closes
    period: PeriodOut
    server_time: str
    part_payment_policy: PartPaymentPolicyOut | None = None


class RecordsOut(BaseModel):
    results: list[RecordResult]
    status: CounterStatus


class ChangesOut(BaseModel):
    version: int
    after: str | None
    rows: list[list[Any]]
    more: bool
    reset: bool


class DatabaseHealthOut(BaseModel):
    reachable: bool
    writable: bool
    revision: str | None
    head: str | None
    migrations_current: bool
    error: str | None


class HealthOut(BaseModel):
    # degraded: answering, but the database refuses writes or is not at the migration head
    status: Literal["ok", "degraded"]
    period: PeriodOut
    server_time: str
    version: str
    database: DatabaseHealthOut


class ReadyOut(BaseModel):
    ready: bool
    database: DatabaseHealthOut
