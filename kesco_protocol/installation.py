"""The installation identity of a counter PC: which copy of a counter is speaking.

A counter code names a cash desk; an installation is one PC's copy of it. The id is
`<random>.<machine tag>`: 32 hex digits made once at enrolment (kept in the counter's database and,
apart from it, with its token in the token store), then 16 hex digits that bind it to the PC and
data folder it was made on. A copy of the data folder onto another PC (a clone, or a restore onto
a different PC) therefore presents another id, and the server tells it apart from the enrolled
installation at its first request. It travels in the header below on every request."""

from __future__ import annotations

import re

HEADER = "X-Kesco-Installation"
MAX_LENGTH = 49
# the 409 answer's detail starts with this word; the counter tells the refusal by it
MISMATCH = "installation_mismatch"

_ID = re.compile(r"^[0-9a-f]{32}\.[0-9a-f]{16}$")


def valid_installation_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == MAX_LENGTH and _ID.match(value) is not None


def make_id(random_part: str, machine_tag: str) -> str:
    value = f"{random_part}.{machine_tag}"
    if not valid_installation_id(value):
        raise ValueError("an installation id is 32 hex digits, a dot and 16 hex digits")
    return value


def random_part(value: str) -> str:
    return value.split(".", 1)[0]
