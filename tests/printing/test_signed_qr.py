"""A signed receipt's QR on the 80 mm roll (issue 15): rendered to PDF, rasterised at the thermal
printer's 203 dpi (pdftoppm), read back with zbarimg, and checked by the protocol's verifier
with the counter's public key. The code is the /verify link a phone's camera opens."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from counter_app.app import Application
from counter_app.printing.printers import PdfPrinter, print_receipt
from counter_app.printing.render import ROLL_80MM
from counter_app.services.collection import Payment
from counter_app.ui.i18n import setup_application_fonts
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from kesco_protocol.signing import (
    Signer,
    claim_of,
    new_private_key,
    parse,
    private_to_text,
    public_text,
    verify_signature,
)
from tests.printing.test_receipt_pdf import rp

BASE = "https://kesco-central.example.in"


def scan(pdf: Path, tmp: Path, dpi: int) -> list[str]:
    stem = tmp / f"{pdf.stem}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(stem)], check=True)
    out: list[str] = []
    for png in sorted(tmp.glob(f"{stem.name}*.png")):
        r = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
        out += [line for line in r.stdout.splitlines() if line]
    return out


def test_a_signed_receipt_verifies_from_its_printed_qr_at_203_dpi(
        counter: Application, clerk: Any, shift: Any, qapp: Any, tmp_path: Path) -> None:
    setup_application_fonts(qapp)
    signer = Signer.from_text(private_to_text(new_private_key()))
    counter.service.signer = signer
    r = counter.service.issue_receipt(clerk, Payment(account_no_for_index(3), 1_23_456_78, Mode.CASH))
    out, _ = print_receipt(PdfPrinter(tmp_path / "pdf"), rp(counter, r), ROLL_80MM, BASE)
    [code] = scan(Path(out or ""), tmp_path, 203)
    assert code.startswith(f"{BASE}/verify?r=KR1~")
    claim, sig = parse(code)
    assert claim == claim_of(r, signer.key_id)
    assert verify_signature(public_text(signer.private), claim, sig)
    # negative controls: a changed amount, and another counter's key, do not verify
    forged, _ = parse(code.replace(f"~{r.amount_paise}~", f"~{r.amount_paise + 1}~"))
    assert not verify_signature(public_text(signer.private), forged, sig)
    other = public_text(new_private_key())
    assert not verify_signature(other, claim, sig)
