"""The one digit normaliser. A clerk on a Hindi keyboard types Devanagari digits (१२३), an IME can
give fullwidth ones (１２３), a scanner only ASCII; on the wire and in storage an identifier or an
amount is ASCII digits only. Python's `\\d` and `str.isdigit()` accept every script's digits, so
no identifier check may use them."""

from __future__ import annotations

import re
import unicodedata

# Only decimal digits (Unicode category Nd) are mapped; superscripts and other "numeric" characters
# that str.isdigit() also accepts are left alone, so a check that follows refuses them.
_ASCII = re.compile(r"[0-9]+", re.ASCII)


def to_ascii_digits(text: str) -> str:
    """Every decimal digit of any script (Devanagari, fullwidth, Arabic-Indic, Bengali, ...) as its
    ASCII digit; everything else unchanged."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if not ch.isascii() and unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(ch)
    return "".join(out)


def is_ascii_digits(text: str, length: int | None = None) -> bool:
    """True when text is ASCII 0-9 only (and of the given length): the check for wire identifiers."""
    if not _ASCII.fullmatch(text):
        return False
    return length is None or len(text) == length
