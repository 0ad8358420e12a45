"""Benchmarks (not tests) for issue 15's figures, printed by `make bench`:

- a folder of 1,000 returned files, most of them duplicates (60 committees, every file
  copied until there are 1,000): `malark merge FOLDER --skip-invalid --format json`, wall
  time, CPU, the peak memory of the largest process and the size of the JSON report;
- `validate --annotate` of a committee workbook with 31,000 filled activity rows and a
  finding or more on most of them: wall time, peak memory and the number of findings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from city import build_city

PYTHON = sys.executable
FILES = 1_000
ACTIVITY_ROWS = 31_000


def _measure(command: list[str]) -> tuple[float, float, float, int, bytes]:
    """(wall s, CPU s, peak RSS MB of the largest process, exit code, stdout)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = child.stdout.read() if child.stdout else b""
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    return (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status), stdout)


def bench_thousand_files(root: Path) -> str:
    model, files = build_city(root / "tusen", goals=10, indicators=40, activities=100)
    inbox = files[0].parent
    for number in range(FILES - len(files)):
        source = files[number % len(files)]
        shutil.copy(source, inbox / f"kopia_{number:04d}_{source.name}")
    seconds, cpu, rss, code, stdout = _measure(
        [PYTHON, "-m", "malark", "merge", str(inbox), "--model", str(model), "-o",
         str(root / "tusen.xlsx"), "--skip-invalid", "--format", "json"])
    document = json.loads(stdout)
    duplicates = sum(1 for f in document["files"] for x in f["findings"] if x["code"] == "S011")
    return (f"{FILES} filer ({len(files)} nämnder, {FILES - len(files)} dubbletter): "
            f"{seconds:.1f} s vägg, {cpu:.1f} s CPU, topp-RSS {rss:.0f} MB (största processen), "
            f"JSON {len(stdout) / 1024 / 1024:.1f} MB, {duplicates} S011, slutkod {code}")


def _activity_workbook(path: Path) -> Path:
    from malark.core.contract import Period
    from malark.core.example import example_model
    from malark.generate.committee_workbook import PreparedRows, build_committee_workbook

    workbook = build_committee_workbook(example_model(), "BUN", Period.T1,
                                        prepared=PreparedRows(activities=ACTIVITY_ROWS))
    sheet = workbook["Aktiviteter"]
    for row in range(2, ACTIVITY_ROWS + 2):  # no Id (K005), no Ansvarig (M003), a late
        sheet.cell(row, 2).value = "KF1"     # Slutdatum (D008), every third status wrong (D004)
        sheet.cell(row, 3).value = f"Aktivitet {row}"
        sheet.cell(row, 5).value = datetime(2027, 1, 1)
        sheet.cell(row, 6).value = datetime(2027, 2, 1)
        sheet.cell(row, 7).value = "Pågår" if row % 3 else "Okänd"
    workbook.save(path)
    return path


def bench_annotate(root: Path) -> str:
    folder = root / "annotate"
    folder.mkdir()
    source = _activity_workbook(folder / "Sjöberga_2027_T1_BUN.xlsx")
    seconds, cpu, rss, code, stdout = _measure(
        [PYTHON, "-m", "malark", "validate", str(source), "--annotate", str(folder / "markerat"),
         "--format", "json"])
    findings = sum(len(f["findings"]) for f in json.loads(stdout)["files"])
    return (f"{ACTIVITY_ROWS} ifyllda aktivitetsrader, {findings} fynd: {seconds:.1f} s vägg, "
            f"{cpu:.1f} s CPU, topp-RSS {rss:.0f} MB, slutkod {code}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="malark-bench-") as tmp:
        print(bench_thousand_files(Path(tmp)))
        print(bench_annotate(Path(tmp)))
