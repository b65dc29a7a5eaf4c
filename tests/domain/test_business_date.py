"""The one reading of a business date that the cash, close and report services share."""

from __future__ import annotations

import pytest

from counter_app.domain.closes import business_date
from counter_app.domain.errors import ValidationError


def test_an_iso_date_is_read_with_devanagari_digits_and_spaces_around_it() -> None:
    assert business_date("2026-11-29") == "2026-11-29"
    assert business_date(" २०२६-११-२९ ") == "2026-11-29"


@pytest.mark.parametrize("text", ["29-11-2026", "2026-02-30", "", None])
def test_anything_else_is_refused_with_the_bad_date_message(text: object) -> None:
    with pytest.raises(ValidationError) as e:
        business_date(text)  # type: ignore[arg-type]
    assert e.value.key == "close.bad_date"
