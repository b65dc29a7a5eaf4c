"""The one rule for a central-server address, applied wherever one enters the counter: the CLI's
init/enroll, the setup dialog, config.toml when it is read, and the client constructor.

https to anywhere; plain http only to this machine (the demo and the tests), because the counter's
bearer token travels in every request and an enrolment code in the first one."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from kesco_protocol.errors import ValidationError


def check_server_url(url: str) -> str:
    """The address without surrounding blanks or a trailing slash, or ValidationError
    ("ops.bad_server_url") when it is not http(s), has no host, or is plain http off this machine."""
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unbalanced [ in the host, say
        raise ValidationError("ops.bad_server_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise ValidationError("ops.bad_server_url")
    if scheme == "http" and not is_loopback(host):
        raise ValidationError("ops.bad_server_url")
    return url


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
