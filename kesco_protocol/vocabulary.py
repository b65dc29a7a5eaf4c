"""The display words of the protocol's values, in English and Hindi: payment modes, consumer
categories and receipt states. One table for the counter's screens, its paper (receipts, reports)
and the server's HQ pages, so "DD" is never "Demand draft" on one and "D.D." on another.

Keyed by the values the protocol stores (the `mode` and `category` fields, the record states);
a value this table does not know is shown as it is, never dropped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """A word in both languages; `short_*` where a narrow column needs fewer letters."""

    en: str
    hi: str
    short_en: str = ""
    short_hi: str = ""

    def text(self, lang: str = "en", *, short: bool = False) -> str:
        if short:
            return (self.short_hi or self.hi) if lang == "hi" else (self.short_en or self.en)
        return self.hi if lang == "hi" else self.en

    def both(self, *, short: bool = False) -> tuple[str, str]:
        """(English, Hindi), as bilingual paper prints them."""
        return self.text("en", short=short), self.text("hi", short=short)


# Payment modes, by the Mode values of the receipt record.
MODES: dict[str, Term] = {
    "cash": Term("Cash", "नकद"),
    "cheque": Term("Cheque", "चेक"),
    "dd": Term("Demand draft", "डिमांड ड्राफ्ट", "DD", "डीडी"),
    "upi": Term("UPI", "यूपीआई"),
    "card": Term("Card", "कार्ड"),
}

# Consumer categories, by the consumer master's category code.
CATEGORIES: dict[str, Term] = {
    "DOM": Term("Domestic", "घरेलू"),
    "COM": Term("Commercial", "वाणिज्यिक"),
    "PUB": Term("Public institution", "सार्वजनिक संस्था"),
    "SMI": Term("Small/medium industry", "लघु/मध्यम उद्योग"),
}
# A receipt for an account the counter's copy of the consumer data did not have.
UNKNOWN_CATEGORY = Term("Not in the consumer data", "उपभोक्ता डेटा में नहीं")

# States of a receipt as the clerk sees them.
RECEIPT_STATES: dict[str, Term] = {
    "cancelled": Term("CANCELLED", "रद्द"),
    "dishonoured": Term("DISHONOURED", "अनादरित"),
    # issue 16: a supervisor's reversal after the receipt's day or shift; a cheque or DD not yet
    # cleared by the bank (what the receipt paper says too)
    "reversed": Term("REVERSED", "प्रत्यावर्तित"),
    "unrealised": Term("Subject to realisation", "वसूली के अधीन"),
}


def mode(value: str) -> Term:
    return MODES.get(value) or Term(value, value)


def category(code: str) -> Term:
    return CATEGORIES.get(code) or Term(code, code)


def receipt_state(value: str) -> Term:
    return RECEIPT_STATES.get(value) or Term(value, value)
