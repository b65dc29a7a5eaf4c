"""Printing from a worker renders on the GUI thread (counter_app/printing/gui_thread.py): a render
on the worker deadlocked against the GUI thread's own text layout (found as a hung CI run)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtGui import QPdfWriter, QTextDocument

from counter_app.printing.printers import PrintError, write_document_pdf
from counter_app.printing.render import ROLL_80MM, build_document
from counter_app.ui.tasks import TaskRunner

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "support" / "print_deadlock_probe.py"


def _recording_build(threads: list[str], fail: bool = False) -> Any:
    def build(writer: QPdfWriter) -> QTextDocument:
        threads.append(threading.current_thread().name)
        if fail:
            raise PrintError("print.failed", detail="driver said no")
        return build_document("<p>रसीद R-1</p>", {}, ROLL_80MM, writer)
    return build


def test_a_worker_prints_through_the_gui_thread(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    runner = TaskRunner(max_threads=2)
    threads: list[str] = []
    got: list[object] = []
    runner.submit(lambda: write_document_pdf(_recording_build(threads), ROLL_80MM, tmp_path / "a.pdf", "a"),
                  got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=20_000)
    assert threads == [threading.main_thread().name]
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_waiting_for_the_workers_runs_their_renders(qapp: Any, tmp_path: Path) -> None:
    """The window's closing waits for its workers with no event loop running: the render a
    worker waits for runs inside that wait, so the wait ends and the PDF is whole."""
    runner = TaskRunner(max_threads=2)
    threads: list[str] = []
    runner.submit(lambda: write_document_pdf(_recording_build(threads), ROLL_80MM, tmp_path / "b.pdf", "b"))
    assert runner.wait_idle(20_000)
    assert threads == [threading.main_thread().name]
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_a_render_that_fails_fails_the_worker_with_its_own_error(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    runner = TaskRunner(max_threads=2)
    errors: list[BaseException] = []
    runner.submit(lambda: write_document_pdf(_recording_build([], fail=True), ROLL_80MM, tmp_path / "c.pdf", "c"),
                  None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert isinstance(errors[0], PrintError) and "driver said no" in errors[0].message("en")
    assert not (tmp_path / "c.pdf").exists()


def _probe(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(PROBE), *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


CONTROLS = 3  # negative-control probes at once: each hangs at a random round, sooner when they compete
STALL_S = 5.0  # no new round for this long: hung (a round takes 20-50 ms)
CONTROL_BOUND_S = 90.0


def test_printing_while_the_window_lays_out_text_does_not_deadlock() -> None:
    """With a Qt message handler in Python (pytest-qt's, here a probe's own), 180 PDFs printed on
    workers while the GUI thread sets Hindi labels. Negative control: the same probe with the
    render left on the worker, as before, hangs: its rounds stop coming. The hang comes at a random
    round (on a fast machine one probe ran 1,890 rounds in 45 s, others hung at rounds 1 and 24),
    so the controls run until one stalls, three at once, within a bound."""
    fixed = _probe()
    controls = [_probe("--render-on-worker", "--rounds", "1000000") for _ in range(CONTROLS)]
    started = time.monotonic()
    last_line = [started] * CONTROLS

    def follow(i: int) -> None:
        out = controls[i].stdout
        assert out is not None
        for _ in out:
            last_line[i] = time.monotonic()

    readers = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(CONTROLS)]
    for r in readers:
        r.start()
    try:
        out, _ = fixed.communicate(timeout=120)
        assert fixed.returncode == 0, out
        assert out.splitlines() == [f"round {n}" for n in range(1, 61)] + ["finished 60"], out[-300:]
        hung = False
        while not hung and time.monotonic() - started < CONTROL_BOUND_S:
            time.sleep(0.5)
            now = time.monotonic()
            # the first line may take a while under load (interpreter and Qt starting): 3 x STALL_S
            hung = any(c.poll() is None and now - last_line[i] > (STALL_S if last_line[i] > started else 3 * STALL_S)
                       for i, c in enumerate(controls))
        assert hung, f"no control probe hung within {CONTROL_BOUND_S:.0f} s: the control did not bite"
    finally:
        for p in (fixed, *controls):
            if p.poll() is None:
                p.kill()
            p.wait()
        for r in readers:  # each control's pipe is read by its own reader only: to its end
            r.join(timeout=10)
        for p in (fixed, *controls):
            if p.stdout is not None:
                p.stdout.close()
