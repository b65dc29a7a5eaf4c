"""One vocabulary (kesco_protocol.vocabulary) for the display words of modes, categories and
receipt states: complete, in both languages, and not spelled again on a screen or on paper."""

from __future__ import annotations

import ast
from pathlib import Path

from kesco_protocol import vocabulary
from kesco_protocol.records import Mode

ROOT = Path(__file__).resolve().parents[2]


def test_every_mode_and_category_has_both_languages() -> None:
    assert set(vocabulary.MODES) == {m.value for m in Mode}
    terms = [*vocabulary.MODES.values(), *vocabulary.CATEGORIES.values(), *vocabulary.RECEIPT_STATES.values(),
             vocabulary.UNKNOWN_CATEGORY]
    assert all(t.en.strip() and t.hi.strip() and t.en != t.hi for t in terms if t.en != "UPI")
    assert vocabulary.mode("dd").both(short=True) == ("DD", "डीडी")
    assert vocabulary.mode("neft").both() == ("neft", "neft")  # an unknown value is shown, not dropped


def test_the_vocabulary_imports_neither_side() -> None:
    tree = ast.parse((ROOT / "kesco_protocol" / "vocabulary.py").read_text(encoding="utf-8"))
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in mods if m and m.startswith(("counter_app", "central_server", "PySide6"))}


def test_screens_and_paper_do_not_spell_the_words_again() -> None:
    words = {w for t in [*vocabulary.MODES.values(), *vocabulary.CATEGORIES.values(), vocabulary.UNKNOWN_CATEGORY]
             for w in (t.en, t.hi, t.short_en, t.short_hi) if w and w != "UPI"}
    # States by their English only: the Hindi "रद्द" is also the ordinary heading "Cancelled".
    words |= {t.en for t in vocabulary.RECEIPT_STATES.values()}
    found = []
    for folder in ("ui", "printing"):
        for path in sorted((ROOT / "counter_app" / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in words:
                    found.append(f"{folder}/{path.name}:{node.lineno} {node.value!r}")
    assert found == []
