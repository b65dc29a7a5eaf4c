"""The shared contract on its own (kesco_protocol): the scrypt format that counter PINs and HQ
passwords share, the export seal, and the record states both sides spell the same way."""

from __future__ import annotations

import base64
import hashlib

import pytest

from kesco_protocol.errors import SealError
from kesco_protocol.export import read_export, write_sealed
from kesco_protocol.passwords import scrypt_hash, scrypt_verify
from kesco_protocol.records import RecordState
from kesco_protocol.signing import Signer, new_private_key, private_to_text, public_text


def _old_format(secret: str, salt: bytes, n: int, r: int, p: int) -> str:
    # what the counter (p=1) and the server (p=5) each wrote before the one helper
    dk = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(dk).decode()}"


@pytest.mark.parametrize("p", [1, 5])
def test_hashes_stored_before_the_one_helper_still_verify(p):
    stored = _old_format("4321", b"s" * 16, 2**14, 8, p)
    assert scrypt_verify("4321", stored)
    assert not scrypt_verify("4322", stored)  # negative control


def test_the_parameters_travel_with_the_hash():
    stored = scrypt_hash("pin", n=2**10, r=8, p=1)
    assert stored.startswith("scrypt$1024$8$1$") and scrypt_verify("pin", stored)
    assert not scrypt_verify("pin", "bcrypt$1$2$3$4$5") and not scrypt_verify("pin", "garbage")


def test_a_sealed_export_reads_back_and_a_changed_byte_is_refused(tmp_path):
    key = Signer.from_text(private_to_text(new_private_key()))
    keys = {key.key_id: public_text(key.private)}
    records = [{"kind": "receipt", "record_id": "r1", "payload": {"amount_paise": 12345, "seq": 1}}]
    path = tmp_path / "K07.kesco"
    written = write_sealed(path, key, "K07", "2026-12-01T10:00:00+05:30", records)
    back = read_export(path, lambda code: keys if code == "K07" else None)
    assert back == written and back.receipts == 1 and back.receipts_total_paise == 12345
    data = path.read_bytes()
    path.write_bytes(data.replace(b"12345", b"12346"))
    with pytest.raises(SealError) as e:
        read_export(path, lambda code: keys)
    assert "seal does not match" in e.value.message("en")


def test_record_states_are_the_wire_words():
    assert [s.value for s in RecordState] == ["pending", "synced", "accepted", "duplicate", "conflict",
                                             "parked", "invalid"]
