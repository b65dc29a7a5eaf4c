"""The QR code printed on a receipt. A signed receipt (the counter enrolled with a key) carries the
protocol's compact signed form (kesco_protocol.signing) as a link to the server's public /verify
page, so a phone's camera opens it and anyone can check the paper; an unsigned one carries receipt
id, number, account, amount and chain hash as plain text, as before."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from PySide6.QtGui import QImage

from kesco_protocol.records import Receipt
from kesco_protocol.signing import compact, verify_url

PREFIX = "KESCO-RCPT"
VERSION = "1"


@dataclass(frozen=True, slots=True)
class QrData:
    receipt_id: str
    receipt_no: str
    account_no: str
    amount_paise: int
    hash: str


def qr_payload(r: Receipt, verify_base: str | None = None) -> str:
    """For a signed receipt `<verify_base>/verify?r=KR1~...` (or the compact form alone when no
    server address is known: it can still be pasted into the page). For an unsigned one
    `KESCO-RCPT|1|<receipt_id>|<receipt_no>|<account>|<amount paise>|<chain hash>`: '|' appears
    in none of the fields, and plain text reads on any scanner."""
    if r.signature is not None:
        return verify_url(verify_base, r) if verify_base else compact(r)
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
