"""End of day: the day report on a store of 1,000,000 receipts (2,000 on the day), the Z-report
PDF, and the headquarters page (44 counters, 88,000 receipts on the day, PostgreSQL). Prints one
JSON object. BENCH_EOD_RECEIPTS / BENCH_EOD_DAY_RECEIPTS change the sizes."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import big_counter_dir, emit, median, pct  # noqa: E402

RECEIPTS = int(os.environ.get("BENCH_EOD_RECEIPTS", 1_000_000))
DAY_RECEIPTS = int(os.environ.get("BENCH_EOD_DAY_RECEIPTS", 2000))
DAY = "2026-11-28"


def measure_counter() -> dict[str, float]:
    from counter_app.app import open_application
    from counter_app.services.closes import CloseService

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        d = big_counter_dir(2000, RECEIPTS, workdir=Path(tmp), last_day=DAY, last_day_receipts=DAY_RECEIPTS)
        out["prepare_db_s"] = time.perf_counter() - t
        with open_application(d) as c:
            closing = CloseService(c.service)
            times = []
            for _ in range(15):
                t = time.perf_counter()
                rep = closing.day_report(DAY)
                times.append((time.perf_counter() - t) * 1000)
            assert rep.receipt_count == DAY_RECEIPTS, rep.receipt_count
            out["eod_report_ms"] = median(times)
            out["eod_report_ms_p95"] = pct(times, 95)
            out.update(measure_z_pdf(c, rep, Path(tmp)))
    return out


def measure_z_pdf(c, rep, tmp: Path) -> dict[str, float]:
    from counter_app.printing.reports import render_z_report_pdf

    times = []
    for i in range(7):
        path = tmp / f"z{i}.pdf"
        t = time.perf_counter()
        render_z_report_pdf(rep, c.config, path)
        times.append((time.perf_counter() - t) * 1000)
    return {"z_report_pdf_ms": median(times), "z_report_pages": _pages(tmp / "z0.pdf")}


def _pages(path: Path) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def main() -> None:
    from benchmarks._hq import measure_hq_page

    result = {"receipts": RECEIPTS, "day_receipts": DAY_RECEIPTS}
    result.update(measure_counter())
    result.update(measure_hq_page())
    emit(result)


if __name__ == "__main__":
    main()
