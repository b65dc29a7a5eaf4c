"""Rebuild the window's translations and the Qt resource module, or check they are current.

    python -m counter_app.resources.build           # lupdate -> .ts, lrelease -> .qm, rcc -> rc_counter.py
    python -m counter_app.resources.build --check   # non-zero exit if anything is stale or unfinished
    python -m counter_app.resources.build --module  # only rcc -> rc_counter.py, when missing or stale

rc_counter.py is generated, never committed: ./dev, packaging/build.py and (when it is missing) the
first import of counter_app.resources build it from the committed fonts, icons and translations.

Translators edit counter_hi.ts (with pyside6-linguist or any editor); lupdate keeps their work and
adds new source strings as unfinished, which the --check (and a test) refuses."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
TS = HERE / "translations" / "counter_hi.ts"
QM = HERE / "translations" / "counter_hi.qm"
QRC = HERE / "counter.qrc"
RC_MODULE = HERE / "rc_counter.py"
SOURCE_DIRS = ("ui", "printing")


def tool(name: str) -> str:
    """A PySide6 tool from the same environment as this Python."""
    for candidate in (Path(sys.executable).parent / name, Path(sys.executable).parent / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found (pip install PySide6-Essentials)")
    return found


def sources() -> list[Path]:
    """Every module of the window (the IT setup dialog included) and of printing."""
    return sorted(p for d in SOURCE_DIRS for p in (PACKAGE / d).glob("*.py"))


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def lupdate(ts: Path = TS) -> None:
    _run([tool("pyside6-lupdate"), *map(str, sources()), "-ts", str(ts), "-target-language", "hi_IN",
          "-no-obsolete", "-locations", "none"])


def lrelease(ts: Path = TS, qm: Path = QM) -> None:
    _run([tool("pyside6-lrelease"), "-removeidentical", str(ts), "-qm", str(qm)])


def rcc(qrc: Path = QRC, out: Path = RC_MODULE) -> None:
    # Format version 1 carries no file timestamps, so the module depends only on the files' bytes.
    # Written aside and renamed: two processes building at once never import half a module.
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        _run([tool("pyside6-rcc"), "--format-version", "1", "--no-zstd", str(qrc), "-o", str(partial)])
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def qrc_files(qrc: Path = QRC) -> list[Path]:
    """The files the resource module holds, as the .qrc lists them (relative to the .qrc)."""
    return [qrc.parent / (f.text or "") for f in ET.parse(qrc).getroot().iter("file")]


def module_stale(qrc: Path = QRC, out: Path = RC_MODULE) -> bool:
    """The resource module is missing, or older than the .qrc or one of the files it holds."""
    if not out.exists():
        return True
    built = out.stat().st_mtime
    return any(p.stat().st_mtime > built for p in [qrc, *qrc_files(qrc)])


def build_module_if_stale() -> bool:
    """rcc when the module is missing or stale (no lupdate: that rewrites the translators' .ts).
    Returns whether it was built."""
    if not module_stale():
        return False
    rcc()
    return True


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    unfinished: bool


def read_ts(ts: Path = TS) -> list[Message]:
    out: list[Message] = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name", "")
        for m in ctx.iter("message"):
            tr = m.find("translation")
            text = "" if tr is None else "".join(tr.itertext())
            unfinished = tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not text.strip()
            out.append(Message(name, m.findtext("source", ""), text, unfinished))
    return out


def check() -> list[str]:
    """Problems: unfinished Hindi strings, source strings missing from the .ts, a stale .qm or a
    stale resource module."""
    problems = [f"unfinished Hindi translation: [{m.context}] {m.source!r}" for m in read_ts() if m.unfinished]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        fresh_ts = t / "fresh.ts"
        shutil.copy(TS, fresh_ts)
        lupdate(fresh_ts)
        known = {(m.context, m.source) for m in read_ts()}
        for m in read_ts(fresh_ts):
            if (m.context, m.source) not in known:
                problems.append(f"not in counter_hi.ts (run the build): [{m.context}] {m.source!r}")
        fresh_qm = t / "fresh.qm"
        lrelease(TS, fresh_qm)
        if not QM.exists() or fresh_qm.read_bytes() != QM.read_bytes():
            problems.append("counter_hi.qm is older than counter_hi.ts (run the build)")
        # rcc resolves the .qrc's paths relative to the .qrc, so compile the real one to a temp file.
        fresh_rc = t / "rc.py"
        rcc(QRC, fresh_rc)
        if not RC_MODULE.exists() or _payload(fresh_rc) != _payload(RC_MODULE):
            problems.append("rc_counter.py is older than the files it holds (run the build)")
    return problems


def _payload(path: Path) -> str:
    # The generated header names the rcc version; compare the data only.
    text = path.read_text(encoding="utf-8")
    return text[text.find("qt_resource_data"):]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only check; exit 1 on a problem")
    p.add_argument("--module", action="store_true", help="only build rc_counter.py, if missing or stale")
    args = p.parse_args(argv)
    if args.module:
        if build_module_if_stale():
            print(f"{RC_MODULE.name} built")
        return 0
    if args.check:
        problems = check()
        for line in problems:
            print(line)
        return 1 if problems else 0
    lupdate()
    lrelease()
    rcc()
    unfinished = [m for m in read_ts() if m.unfinished]
    print(f"{TS.name}: {len(read_ts())} strings, {len(unfinished)} unfinished; {QM.name} and {RC_MODULE.name} rebuilt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
