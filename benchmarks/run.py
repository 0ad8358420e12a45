"""`make bench`: speed and memory figures of malark on a large city (not tests).

Builds a city of 60 committees, each with 28 goals, 112 indicators and 280 activities
(`city.py`), then measures side by side in one run, with alternating repetitions, each
command in its own subprocess (wall time and the child's own peak RSS from `wait4`):

  merge   `malark merge INBOX --model MODEL -o OUT --format json` (validation included)
  pandas  a naive script: `read_excel` of every data sheet + `concat` + `to_excel`
  floor   the I/O floor: python-calamine read of every sheet of every input + xlsxwriter
          (constant_memory) write of all data rows

and prints (a) merge/pandas (target ≤ 0.5), (b) merge/floor (target ≤ 2.0), (c) merge
peak memory (target ≤ 500 MB). Then the validate figure (`malark validate --format json`
of one workbook with 60 goals, 240 indicators and 600 activities vs `openpyxl.load_workbook`
of the same file), the report figure (`bench_report.py`: `malark report` of the merged
city as .docx, .html and once .pdf; goal < 10 s for .docx), the generate figure
(`bench_generate.py`, when present) and the web page's first-load size and times in
headless Chromium (`bench_web.py`), and issue 15's
figures (`bench_hostile.py`): a folder of 1,000 files with duplicates through `merge`, and
`validate --annotate` of 31,000 filled activity rows. Last, what the `Kontroll` sheet
costs when LibreOffice recalculates a workbook (`bench_kontroll.py`).

Environment: BENCH_REPEAT (default 5) repetitions per command.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from city import build_city  # noqa: E402

PYTHON = sys.executable
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
DATA_SHEETS = ("KF-mål", "Nämndmål", "Indikatorer", "Aktiviteter")

PANDAS_SCRIPT = """
import sys, glob, pandas as pd
inbox, out = sys.argv[1], sys.argv[2]
sheets = {s: [] for s in sys.argv[3:]}
for path in sorted(glob.glob(inbox + "/*.xlsx")):
    frames = pd.read_excel(path, sheet_name=list(sheets))
    committee = path.rsplit("_", 1)[-1][:-5]
    for name, frame in frames.items():
        frame.insert(0, "Nämnd", committee)
        sheets[name].append(frame)
with pd.ExcelWriter(out) as writer:
    for name, frames in sheets.items():
        pd.concat(frames, ignore_index=True).to_excel(writer, sheet_name=name, index=False)
"""

FLOOR_SCRIPT = """
import sys, glob, xlsxwriter
from python_calamine import CalamineWorkbook
inbox, out = sys.argv[1], sys.argv[2]
rows = {s: [] for s in sys.argv[3:]}
for path in sorted(glob.glob(inbox + "/*.xlsx")):
    workbook = CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        data = workbook.get_sheet_by_name(name).to_python()
        if name in rows:
            rows[name].extend(data[1:])
    workbook.close()
book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                 "strings_to_urls": False, "strings_to_numbers": False})
for name, data in rows.items():
    ws = book.add_worksheet(name)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif value is not None:
                ws.write_datetime(r, c, value)
book.close()
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    """Wall time."""
    cpu: float
    """User + system CPU time of the child and its worker processes."""
    rss_mb: float
    """Peak resident memory of the largest process (the child or one of its workers)."""
    code: int


def run(command: list[str]) -> Run:
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} … failed ({code}):\n{stderr}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def side_by_side(commands: dict[str, list[str]], repeat: int) -> dict[str, list[Run]]:
    """Each command `repeat` times, alternating (the order rotates every round)."""
    results: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for round_number in range(repeat):
        order = names[round_number % len(names):] + names[:round_number % len(names)]
        for name in order:
            results[name].append(run(commands[name]))
    return results


def load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration):
        ram = "? RAM"
    return (f"{os.cpu_count()} CPU ({cpu}), {ram}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def verdict(value: float, target: float) -> str:
    return "OK" if value <= target else "MISSAT"


def bench_merge(root: Path) -> None:
    start = time.perf_counter()
    model, files = build_city(root / "city")
    inbox = files[0].parent
    print(f"Stor stad byggd på {time.perf_counter() - start:.1f} s: {len(files)} nämnder × "
          "28 mål, 112 indikatorer, 280 aktiviteter (xlsxwriter direkt i nämndlayouten).")
    check = run([PYTHON, "-m", "malark", "validate", str(files[0]), "--model", str(model)])
    print(f"  kontroll: en nämndfil validerar med slutkod {check.code} (0 = inga fel)")
    commands = {
        "merge": [PYTHON, "-m", "malark", "merge", str(inbox), "--model", str(model), "-o",
                  str(root / "merge.xlsx"), "--format", "json", "--force"],
        "pandas": [PYTHON, "-c", PANDAS_SCRIPT, str(inbox), str(root / "pandas.xlsx"), *DATA_SHEETS],
        "floor": [PYTHON, "-c", FLOOR_SCRIPT, str(inbox), str(root / "floor.xlsx"), *DATA_SHEETS],
    }
    print(f"  belastning före (loadavg 1/5/15 min): {load()}")
    results = side_by_side(commands, REPEAT)
    median = {n: statistics.median(r.seconds for r in runs) for n, runs in results.items()}
    cpu = {n: statistics.median(r.cpu for r in runs) for n, runs in results.items()}
    peak = {n: max(r.rss_mb for r in runs) for n, runs in results.items()}
    print(f"\nMedian av {REPEAT} omgångar (växelvis), varje kommando i egen process:")
    for name in commands:
        times = ", ".join(f"{r.seconds:.2f}" for r in results[name])
        print(f"  {name:7} {median[name]:6.2f} s vägg, {cpu[name]:6.2f} s CPU  (körningar: {times})  "
              f"topp-RSS {peak[name]:4.0f} MB")
    a = median["merge"] / median["pandas"]
    b = median["merge"] / median["floor"]
    print(f"\n(a) merge / naiv pandas   = {a:.2f}   mål ≤ 0,5   {verdict(a, 0.5)}"
          f"   (CPU-tid: {cpu['merge'] / cpu['pandas']:.2f})")
    print(f"(b) merge / I/O-golv      = {b:.2f}   mål ≤ 2,0   {verdict(b, 2.0)}"
          f"   (CPU-tid: {cpu['merge'] / cpu['floor']:.2f})")
    print(f"(c) merge topp-minne      = {peak['merge']:.0f} MB   mål ≤ 500 MB   "
          f"{verdict(peak['merge'], 500)}")
    print(f"  belastning efter: {load()}")


def bench_validate(root: Path) -> None:
    model, files = build_city(root / "one", committees=1, goals=60, indicators=240, activities=600)
    file = str(files[0])
    commands = {
        "validate": [PYTHON, "-m", "malark", "validate", file, "--model", str(model), "--format", "json"],
        "openpyxl": [PYTHON, "-c", "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])", file],
    }
    results = side_by_side(commands, REPEAT)
    median = {n: statistics.median(r.seconds for r in runs) for n, runs in results.items()}
    print(f"\nValidate (60 mål, 240 indikatorer, 600 aktiviteter): malark validate "
          f"{median['validate']:.2f} s, openpyxl.load_workbook {median['openpyxl']:.2f} s, "
          f"kvot {median['validate'] / median['openpyxl']:.2f}")


def bench_generate_figure(root: Path) -> None:
    try:
        from bench_generate import bench_generate
    except ImportError as error:
        print(f"\nGenerate: benchmarks/bench_generate.py saknas ({error}).")
        return
    print("\nGenerate:")
    result = bench_generate(root / "generate")
    if result is not None:
        print(f"  {result}")


def bench_report_figure(root: Path) -> None:
    """`malark report` of the consolidated workbook `bench_merge` wrote."""
    from bench_report import bench_report

    consolidated = root / "merge.xlsx"
    print(f"\nReport (60 nämnder, från {consolidated.name}), median av {REPEAT} omgångar:")
    for line in bench_report(consolidated, root, REPEAT, run):
        print(f"  {line}")


def bench_web_figure(root: Path) -> None:
    from bench_web import bench_web

    bench_web(root)


def bench_hostile_figures(root: Path) -> None:
    from bench_hostile import bench_annotate, bench_thousand_files

    print(f"\nTusen filer med dubbletter (merge --skip-invalid), belastning {load()}:")
    print(f"  {bench_thousand_files(root)}")
    print(f"Markerad kopia (validate --annotate), belastning {load()}:")
    print(f"  {bench_annotate(root)}")


def bench_kontroll_figure(root: Path) -> None:
    from bench_kontroll import bench_kontroll

    print("\nKontroll:")
    print(f"  {bench_kontroll(root / 'kontroll')}")


def main() -> None:
    print(f"Maskin: {machine()}")
    with tempfile.TemporaryDirectory(prefix="malark-bench-") as tmp:
        root = Path(tmp)
        bench_merge(root)
        bench_report_figure(root)
        bench_validate(root)
        bench_generate_figure(root)
        bench_web_figure(root)
        bench_hostile_figures(root)
        bench_kontroll_figure(root)


if __name__ == "__main__":
    main()
