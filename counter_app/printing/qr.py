"""The QR code printed on a receipt: receipt id, number, account, amount and chain hash, so anyone
with a phone (or headquarters' scanner) can check a paper receipt against the server's records."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from PySide6.QtGui import QImage

from kesco_protocol.records import Receipt

PREFIX = "KESCO-RCPT"
VERSION = "1"


@dataclass(frozen=True, slots=True)
class QrData:
    receipt_id: str
    receipt_no: str
    account_no: str
    amount_paise: int
    hash: str


def qr_payload(r: Receipt) -> str:
    """`KESCO-RCPT|1|<receipt_id>|<receipt_no>|<account>|<amount paise>|<chain hash>`: '|' appears
    in none of the fields, and plain text reads on any scanner."""
    return "|".join((PREFIX, VERSION, r.receipt_id, r.receipt_no, r.account_no, str(r.amount_paise), r.hash))


def parse_qr_payload(text: str) -> QrData:
    parts = text.strip().split("|")
    if len(parts) != 7 or parts[0] != PREFIX or parts[1] != VERSION:
        raise ValueError(f"not a receipt QR code: {text[:40]!r}")
    return QrData(parts[2], parts[3], parts[4], int(parts[5]), parts[6])


def qr_image(payload: str, *, scale: int = 8) -> QImage:
    """The code as a black-and-white image, `scale` pixels a module: large enough that a printer
    driver's resampling keeps every module sharp."""
    code = segno.make(payload, error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=4)
    img = QImage()
    if not img.loadFromData(buf.getvalue(), "PNG"):
        raise RuntimeError("the QR code image could not be made")
    return img
