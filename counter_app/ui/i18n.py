"""Language at the counter: Qt translators for the window's own strings (English in the source,
Hindi from counter_hi.qm), the core's message keys rendered in the same language, and the bundled
fonts so Hindi never shows as boxes. Switchable at login and at run time."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QGuiApplication

from counter_app.domain.errors import CounterError
from counter_app.domain.messages import render
from counter_app.printing.fonts import app_font, load_fonts
from kesco_protocol.vocabulary import Term

LANGUAGES = ("en", "hi")
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी"}
QM_PATH = ":/kesco/translations/counter_hi.qm"
BASE_POINT_SIZE = 13.0  # 12 pt is the floor for anything a clerk reads; most text is a bit larger


class Language:
    """The one place that knows the current language. Installs and removes the Hindi translator;
    Qt then sends every widget a LanguageChange event, and each re-sets its texts."""

    def __init__(self, lang: str = "en") -> None:
        self._translator: QTranslator | None = None
        self.code = "en"
        self.set(lang)

    def set(self, lang: str) -> None:
        lang = lang if lang in LANGUAGES else "en"
        app = QCoreApplication.instance()
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        if lang == "hi":
            import counter_app.resources.rc_counter  # noqa: F401  (registers :/kesco/...)

            t = QTranslator(app)
            if not t.load(QM_PATH):
                raise RuntimeError(f"the Hindi translation {QM_PATH} could not be loaded")
            QCoreApplication.installTranslator(t)
            self._translator = t
        self.code = lang
        QLocale.setDefault(QLocale(QLocale.Language.Hindi if lang == "hi" else QLocale.Language.English,
                                   QLocale.Country.India))

    def message(self, err: CounterError | str, **params: object) -> str:
        """A core error (or a message key) in the current language."""
        if isinstance(err, CounterError):
            return err.message(self.code)
        return render(err, self.code, **params)


def say(term: Term, *, short: bool = False) -> str:
    """A vocabulary word (mode, category, state) in the window's current language: the language
    Language.set made Qt's default locale, so a widget needs no reference to the Language."""
    lang = "hi" if QLocale().language() == QLocale.Language.Hindi else "en"
    return term.text(lang, short=short)


def setup_application_fonts(app: QGuiApplication, point_size: float = BASE_POINT_SIZE) -> list[str]:
    """Register the bundled fonts and make them the application's font."""
    families = load_fonts()
    app.setFont(app_font(point_size))
    return families
