"""Fixtures of the deployment tests: the server's database on SQLite and PostgreSQL, and a
loud skip (a failure under CI=true) when a binary a test needs is missing."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.support import fixtures

pg_server = fixtures.pg_server
database_url = fixtures.database_url


def binary_or_skip(name: str, package: str, *extra_paths: str) -> str:
    """The path of `name`, or a skip naming the Debian package (a failure when CI is set)."""
    found = shutil.which(name) or next((p for p in extra_paths if os.path.exists(p)), None)
    if found is None:
        msg = f"{name} not found: this deployment test is NOT RUN. Install it: apt-get install {package}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return found
