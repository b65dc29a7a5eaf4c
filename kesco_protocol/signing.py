"""Receipts that prove themselves: each counter's Ed25519 key pair, the signature it puts on every
receipt, and the compact, versioned form of that signature that the printed QR code carries.

What is signed is the *claim* text — version, receipt number and id, account, amount, value date,
counter, key id and the receipt's chain hash — joined by "~". The chain hash is SHA-256 over the
receipt's canonical JSON (kesco_protocol.chain), so the signature covers the whole canonical
receipt, yet a phone holding only the QR (and the counter's public key) can check it without the
receipt itself: the QR text *is* the claim plus its signature. Ed25519 signatures are
deterministic, so a re-sent receipt carries the very same signature.

The one module of the protocol that needs a third-party package (`cryptography`): the protocol's
wheel stays dependency-free for what only reads records, and the counter's and the server's
distributions, which sign and verify, name `cryptography` themselves."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kesco_protocol.errors import ValidationError
from kesco_protocol.records import Receipt

VERSION = "KR1"
SEP = "~"
#: the query parameter of the /verify link that holds the compact form
QUERY = "r"
_FIELDS = ("receipt_no", "receipt_id", "account_no", "amount_paise", "value_date", "counter_code", "key_id",
           "hash")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$", re.ASCII)
# base64url as printed: no padding, no "+" or "/" (which the decoder would take too), nothing else
# (which it would drop): one text per receipt, read alike here and by the browser's verifier
_B64U = re.compile(r"^[A-Za-z0-9_-]+$", re.ASCII)


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys ------------------------------------------------------------------------------------

def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_to_text(key: Ed25519PrivateKey) -> str:
    """The 32-byte seed as base64url: what the counter keeps in its keyring (never in a file)."""
    return b64u(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                  serialization.NoEncryption()))


def private_from_text(text: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(unb64u(text))
    except (ValueError, TypeError) as e:
        raise ValidationError("error.invalid", detail=f"not an Ed25519 private key: {e}") from None


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64url: what enrolment registers with the server."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64u(pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_from_text(text: str) -> Ed25519PublicKey:
    try:
        raw = unb64u(text)
        if len(raw) != 32:
            raise ValueError(f"{len(raw)} bytes, not 32")
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as e:
        raise ValidationError("error.invalid", detail=f"not an Ed25519 public key: {e}") from None


def key_id(public: str) -> str:
    """A short name for a public key (16 hex digits of its SHA-256): printed in the QR, so the
    verifier knows which of a counter's keys, old or new, to check with."""
    return hashlib.sha256(unb64u(public)).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Signer:
    """A counter's signing key, loaded once (from the keyring) and kept in memory."""

    private: Ed25519PrivateKey
    key_id: str

    @classmethod
    def from_text(cls, text: str) -> Signer:
        priv = private_from_text(text)
        return cls(priv, key_id(public_text(priv)))

    def sign(self, data: bytes) -> str:
        return b64u(self.private.sign(data))


# --- the claim: what a receipt's signature and QR say ------------------------------------------

@dataclass(frozen=True, slots=True)
class Claim:
    receipt_no: str
    receipt_id: str
    account_no: str
    amount_paise: int
    value_date: str
    counter_code: str
    key_id: str
    hash: str  # the receipt's chain hash, hex

    def signed_text(self) -> str:
        """The exact text the signature is over (the QR's text without its signature)."""
        return SEP.join((VERSION, self.receipt_no, self.receipt_id, self.account_no, str(self.amount_paise),
                         self.value_date, self.counter_code, self.key_id, b64u(bytes.fromhex(self.hash))))


def claim_of(receipt: Receipt, kid: str) -> Claim:
    return Claim(receipt.receipt_no, receipt.receipt_id, receipt.account_no, receipt.amount_paise,
                 receipt.business_date, receipt.counter_code, kid, receipt.hash)


def sign_receipt(signer: Signer, receipt: Receipt) -> str:
    """The signature (base64url) of a sealed receipt (its hash already computed)."""
    return signer.sign(claim_of(receipt, signer.key_id).signed_text().encode("utf-8"))


def verify_signature(public: str, claim: Claim, signature: str) -> bool:
    try:
        public_from_text(public).verify(unb64u(signature), claim.signed_text().encode("utf-8"))
    except (InvalidSignature, ValidationError, ValueError, TypeError):
        return False
    return True


def verify_receipt(public: str, receipt: Receipt) -> bool:
    """A received receipt's own signature, checked against its content (the server's ingest)."""
    if not receipt.signature or not receipt.key_id:
        return False
    try:
        claim = claim_of(receipt, receipt.key_id)
        claim.signed_text()
    except ValueError:
        return False
    return verify_signature(public, claim, receipt.signature)


# --- the compact QR form ---------------------------------------------------------------------

def compact(receipt: Receipt) -> str:
    """The QR's text without the address: the claim and its signature."""
    if not receipt.signature or not receipt.key_id:
        raise ValidationError("error.invalid", detail="the receipt is not signed")
    return claim_of(receipt, receipt.key_id).signed_text() + SEP + receipt.signature


def verify_url(base_url: str, receipt: Receipt) -> str:
    """The link a phone's camera opens: the server's /verify page with the compact form."""
    return f"{base_url.rstrip('/')}/verify?{QUERY}={compact(receipt)}"


def parse(text: str) -> tuple[Claim, str]:
    """The claim and signature in a QR's text: the whole link, its query, or the compact form
    alone (pasted). Raises ValidationError (key verify.unreadable) when it is none of these."""
    s = (text or "").strip()
    if len(s) > 1000:
        raise ValidationError("verify.unreadable", detail="longer than any receipt's code")
    if "://" in s or s.startswith("/verify") or s.startswith("?"):
        values = parse_qs(urlsplit(s).query).get(QUERY)
        s = values[0] if values else ""
    parts = s.split(SEP)
    if len(parts) != len(_FIELDS) + 2 or parts[0] != VERSION:
        raise ValidationError("verify.unreadable", detail="not a KESCO receipt code of a known version")
    fields = parts[1:-1]
    try:
        if not _B64U.match(fields[7]) or not _B64U.match(parts[-1]):
            raise ValueError("hash or signature not in base64url")
        amount = int(fields[3])
        digest = unb64u(fields[7])
        if len(digest) != 32 or not fields[3].isascii() or not fields[3].isdigit():
            raise ValueError("bad hash or amount")
        if len(unb64u(parts[-1])) != 64 or not _KEY_ID.match(fields[6]):
            raise ValueError("bad signature or key id")
    except (ValueError, TypeError) as e:
        raise ValidationError("verify.unreadable", detail=str(e)) from None
    claim = Claim(fields[0], fields[1], fields[2], amount, fields[4], fields[5], fields[6], digest.hex())
    return claim, parts[-1]
