"""Cash rounding: the drawer has notes and coins down to ₹1, so cash is taken to the nearest rupee
(50 paise and above round up) and the difference is recorded on the receipt as its round-off. The
account is always credited the amount itself (docs/PROTOCOL.md, "Cash rounding")."""

from __future__ import annotations

from counter_app.domain.errors import ValidationError

RUPEE = "rupee"
NONE = "none"
RULES = (RUPEE, NONE)


def cash_round_off(amount_paise: int, rule: str = RUPEE) -> int:
    """Paise to add to `amount_paise` for the cash actually handed over: -49 .. +50 under "rupee",
    0 under "none". ₹2,026.40 -> -40 (₹2,026 taken); ₹2,026.50 -> +50 (₹2,027 taken)."""
    if rule == NONE:
        return 0
    if rule != RUPEE:
        raise ValidationError("config.bad_cash_rounding", rule=str(rule)[:20])
    paise = amount_paise % 100
    return 100 - paise if paise >= 50 else -paise


def cash_to_collect(amount_paise: int, rule: str = RUPEE) -> int:
    """What the clerk takes in cash for a receipt of `amount_paise`."""
    return amount_paise + cash_round_off(amount_paise, rule)
