"""Every file from outside (master, bank statement, billing acks, disconnection list) is refused
by its size before a byte of it is read, with the same words: the size and the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from central_server.bank import statement
from central_server.billing import acks
from central_server.billing.master_file import Limits, Structural, file_digest
from central_server.consumer_side.disconnections import ListFormat, ListRefused, read_list


def _file(tmp_path: Path, size: int) -> Path:
    p = tmp_path / "in.csv"
    p.write_bytes(b"x" * size)
    return p


def test_a_master_above_the_limit_is_refused_and_one_at_it_is_read(tmp_path: Path) -> None:
    with pytest.raises(Structural, match="the file is 11 bytes, above the limit of 10"):
        file_digest(_file(tmp_path, 11), Limits(max_bytes=10))
    assert file_digest(_file(tmp_path, 10), Limits(max_bytes=10))[1] == 10  # the negative control


def test_a_statement_above_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statement, "MAX_BYTES", 10)
    got = statement.read_statement(_file(tmp_path, 11), statement.StatementMapping())
    assert [p.reason for p in got.problems] == ["the file is 11 bytes, above the limit of 10"]
    got = statement.read_statement(_file(tmp_path, 10), statement.StatementMapping())
    assert "above the limit" not in " ".join(p.reason for p in got.problems)


def test_an_ack_file_above_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acks, "MAX_ACK_BYTES", 10)
    with pytest.raises(acks.AckError, match="the file is 11 bytes, above the limit of 10"):
        acks.read_ack_file(_file(tmp_path, 11))


def test_a_disconnection_list_above_the_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListRefused, match="the list is 11 bytes, above the limit of 10"):
        next(read_list(_file(tmp_path, 11), ListFormat.from_mapping_file(None), Limits(max_bytes=10)))
