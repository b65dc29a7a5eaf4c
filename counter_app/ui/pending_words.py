"""One wording for what waits to be sent to the central server, used by the status bar and the
day-close screen alike: "Pending receipts: 3" when only receipts wait, otherwise
"Pending: 3 receipts and 1 shift close" (a shift close is not a receipt, so it is named)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "PendingWords"

# (singular, plural) per outbox kind, in the order a clerk cares about them
_KINDS: dict[str, tuple[object, object]] = {
    "receipt": (QT_TRANSLATE_NOOP("PendingWords", "%1 receipt"), QT_TRANSLATE_NOOP("PendingWords", "%1 receipts")),
    "void": (QT_TRANSLATE_NOOP("PendingWords", "%1 cancellation"),
             QT_TRANSLATE_NOOP("PendingWords", "%1 cancellations")),
    "dishonour": (QT_TRANSLATE_NOOP("PendingWords", "%1 dishonoured cheque"),
                  QT_TRANSLATE_NOOP("PendingWords", "%1 dishonoured cheques")),
    "reversal": (QT_TRANSLATE_NOOP("PendingWords", "%1 reversal"),
                 QT_TRANSLATE_NOOP("PendingWords", "%1 reversals")),
    "shift_close": (QT_TRANSLATE_NOOP("PendingWords", "%1 shift close"),
                    QT_TRANSLATE_NOOP("PendingWords", "%1 shift closes")),
    "day_close": (QT_TRANSLATE_NOOP("PendingWords", "%1 day close"),
                  QT_TRANSLATE_NOOP("PendingWords", "%1 day closes")),
    "pickup": (QT_TRANSLATE_NOOP("PendingWords", "%1 cash pickup"),
               QT_TRANSLATE_NOOP("PendingWords", "%1 cash pickups")),
    "deposit": (QT_TRANSLATE_NOOP("PendingWords", "%1 deposit"),
                QT_TRANSLATE_NOOP("PendingWords", "%1 deposits")),
}
_OTHER = (QT_TRANSLATE_NOOP("PendingWords", "%1 other record"), QT_TRANSLATE_NOOP("PendingWords", "%1 other records"))
NONE = QT_TRANSLATE_NOOP("PendingWords", "Pending receipts: none")
ONLY_RECEIPTS = QT_TRANSLATE_NOOP("PendingWords", "Pending receipts: %1")
MIXED = QT_TRANSLATE_NOOP("PendingWords", "Pending: %1")
AND = QT_TRANSLATE_NOOP("PendingWords", " and ")


def _t(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


def _count(n: int, forms: tuple[object, object]) -> str:
    return _t(forms[0] if n == 1 else forms[1]).replace("%1", str(n))


def kinds_phrase(total: int, by_kind: Mapping[str, int]) -> str:
    """"3 receipts and 1 shift close" (the counts sum to `total`; an unnamed rest is "other")."""
    parts = [_count(by_kind[k], forms) for k, forms in _KINDS.items() if by_kind.get(k)]
    rest = total - sum(by_kind.get(k, 0) for k in _KINDS)
    if rest > 0:
        parts.append(_count(rest, _OTHER))
    if len(parts) <= 1:
        return parts[0] if parts else "0"
    return ", ".join(parts[:-1]) + _t(AND) + parts[-1]


def pending_words(total: int, by_kind: Mapping[str, int]) -> str:
    """What the status bar and the day-close screen say waits to be sent."""
    if total <= 0:
        return _t(NONE)
    known = sum(by_kind.values())
    if not known or set(k for k, n in by_kind.items() if n) == {"receipt"} and known == total:
        return _t(ONLY_RECEIPTS).replace("%1", str(total))
    return _t(MIXED).replace("%1", kinds_phrase(total, by_kind))
