"""Fonts, icons and translations, compiled into the Qt resource module `rc_counter` (see build.py).

rc_counter.py is generated and not committed. ./dev and the package build make it; when a source
checkout lacks it anyway, the first import of this package builds it (rcc comes with PySide6), or
fails with an error that says what to run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_RC_MODULE = Path(__file__).resolve().parent / "rc_counter.py"


class ResourcesMissing(ImportError):
    """The generated resource module is missing and could not be built here."""


def ensure_module() -> None:
    """Build rc_counter.py if a source checkout lacks it. A frozen build carries it compiled, so
    there is nothing to look for on disk."""
    if getattr(sys, "frozen", False) or _RC_MODULE.exists():
        return
    from counter_app.resources import build

    try:
        build.rcc()
    except (OSError, subprocess.CalledProcessError) as e:
        raise ResourcesMissing(
            f"{_RC_MODULE} is missing and could not be built ({e}); run ./dev, or "
            f"python -m counter_app.resources.build --module") from e
    finally:
        # `python -m counter_app.resources.build` runs the module afresh as __main__: leave no
        # half-used copy behind for runpy to warn about
        sys.modules.pop(build.__name__, None)


ensure_module()
