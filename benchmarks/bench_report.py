"""Benchmark (not a test): `malark report` of the 60-committee city's consolidated workbook.

`bench_report(consolidated, root, repeat, run)` times `malark report CONSOLIDATED -o
rapport.docx` and `-o rapport.html` side by side (each in its own process, alternating),
and one `-o rapport.pdf` when LibreOffice is there; it returns the lines `make bench`
prints. The goal: the Word document in under 10 s.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

GOAL_SECONDS = 10.0


def bench_report(consolidated: Path, root: Path, repeat: int, run: Callable) -> list[str]:
    python = sys.executable
    commands = {suffix: [python, "-m", "malark", "report", str(consolidated), "-o",
                         str(root / f"rapport.{suffix}")] for suffix in ("docx", "html")}
    times: dict[str, list] = {name: [] for name in commands}
    for round_number in range(repeat):
        names = list(commands)[round_number % 2:] + list(commands)[:round_number % 2]
        for name in names:
            times[name].append(run(commands[name]))
    lines = []
    for name, runs in times.items():
        median = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        peak = max(r.rss_mb for r in runs)
        size = (root / f"rapport.{name}").stat().st_size / 1024 / 1024
        verdict = ("OK" if median < GOAL_SECONDS else "MISSAT") if name == "docx" else ""
        lines.append(f"report .{name:4} {median:6.2f} s vägg, {cpu:5.2f} s CPU, topp-RSS {peak:4.0f} MB, "
                     f"{size:4.1f} MB  (körningar: {', '.join(f'{r.seconds:.2f}' for r in runs)})"
                     + (f"   mål < {GOAL_SECONDS:.0f} s   {verdict}" if verdict else ""))
    if shutil.which("soffice"):
        pdf = run([python, "-m", "malark", "report", str(consolidated), "-o", str(root / "rapport.pdf")])
        pages = _pages(root / "rapport.pdf")
        lines.append(f"report .pdf  {pdf.seconds:6.2f} s vägg (en körning, LibreOffice ingår){pages}")
    return lines


def _pages(path: Path) -> str:
    if not shutil.which("pdfinfo"):
        return ""
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    return f", {pages} sidor"
