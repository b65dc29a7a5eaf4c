"""The fonts we bundle (Noto Sans and Noto Sans Devanagari, OFL), registered with Qt from the
compiled resource so Hindi and ₹ render on a counter PC that has no Devanagari font."""

from __future__ import annotations

import threading

from PySide6.QtGui import QFont, QFontDatabase

LATIN = "Noto Sans"
DEVANAGARI = "Noto Sans Devanagari"
FAMILIES = [LATIN, DEVANAGARI]
FONT_FILES = (
    ":/kesco/fonts/NotoSans-Regular.ttf",
    ":/kesco/fonts/NotoSans-Bold.ttf",
    ":/kesco/fonts/NotoSansDevanagari-Regular.ttf",
    ":/kesco/fonts/NotoSansDevanagari-Bold.ttf",
)

_lock = threading.Lock()
_loaded: list[str] | None = None


def load_fonts() -> list[str]:
    """Register the bundled fonts once (needs a QGuiApplication); returns the families loaded."""
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        import counter_app.resources.rc_counter  # noqa: F401  (registers :/kesco/...)

        families: list[str] = []
        for path in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(path)
            if font_id < 0:
                raise RuntimeError(f"bundled font {path} could not be loaded")
            families += QFontDatabase.applicationFontFamilies(font_id)
        _loaded = sorted(set(families))
        return _loaded


def app_font(point_size: float) -> QFont:
    """Latin text in Noto Sans, Devanagari (and ₹) falling back to Noto Sans Devanagari."""
    load_fonts()
    f = QFont()
    f.setFamilies(FAMILIES)
    f.setPointSizeF(point_size)
    return f
