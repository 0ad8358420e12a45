"""Benchmark (not a test): what the `Kontroll` sheet costs when a workbook is recalculated.

One committee workbook of the large city (`city.py`: 28 goals, 112 indicators, 280
activities, filled in for T1), written by `malark generate` (openpyxl, no cached values,
so LibreOffice computes every formula when it opens the file), and the same workbook
with `Kontroll` and its conditional formats taken out. LibreOffice headless opens,
recalculates and saves copies of each in one process per batch; the cost of one workbook
is the batch time of 6 copies minus that of 1 (LibreOffice's start-up), divided by 5, in
CPU time of the LibreOffice processes (steady on a busy machine) and in wall time.
Batches alternate between the two, three rounds; the medians are compared (target:
with Kontroll ≤ 2 × without).

`bench_kontroll(tmp_dir)` returns the figures; `make bench` prints them.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import time
import uuid
from pathlib import Path

from openpyxl.formatting.formatting import ConditionalFormattingList

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    KONTROLL_ERRORS_NAME,
    KONTROLL_WARNINGS_NAME,
    SHEET_KONTROLL,
    Period,
)
from malark.generate.committee_workbook import (
    PreparedRows,
    build_committee_workbook,
    write_committee_workbook,
)
from malark.generate.previous import Carried
from malark.xlsx.sheet_layout import keep_layout, load_for_edit

COPIES, ROUNDS = 6, 5
_MODEL_SET = ("outcome", "comment")


def city_workbook(folder: Path) -> Path:
    """The first committee of the city, filled in for T1, as `malark generate` writes it."""
    from city import city_model, committee_rows

    model = city_model(committees=1)
    committee = model.committee_ids[0]
    rows = committee_rows(model, committee, 28, 4, 10)
    model_ids = {i.id for i in model.kf_indicators}
    carried = Carried(goals=rows[COMMITTEE_NAMNDMAL.name],
                      indicators=[r for r in rows[COMMITTEE_INDIKATORER.name] if r["id"] not in model_ids],
                      activities=rows[COMMITTEE_AKTIVITETER.name])
    workbook = build_committee_workbook(model, committee, Period.T1, carried=carried,
                                        prepared=PreparedRows())
    _fill_kf(workbook, rows, model_ids)
    return write_committee_workbook(workbook, folder / "stad.xlsx")


def _fill_kf(workbook, rows: dict[str, list[dict]], model_ids: set[str]) -> None:
    """What the committee types on the rows the model pre-filled: KF goals' assessments and
    contributions, the model indicators' outcomes."""
    for spec, wanted in ((COMMITTEE_KF_MAL, ("assessment", "analysis", "contribution")),
                         (COMMITTEE_INDIKATORER, _MODEL_SET)):
        ws = workbook[spec.name]
        by_id = {r["id"]: r for r in rows[spec.name]}
        for number in range(2, ws.max_row + 1):
            values = by_id.get(ws.cell(number, 1).value)
            if values is None or (spec is COMMITTEE_INDIKATORER and values["id"] not in model_ids):
                continue
            for field in wanted:
                if values.get(field) is not None:
                    ws[f"{spec.letter(field)}{number}"] = values[field]


def without_kontroll(path: Path, out: Path) -> Path:
    """The same workbook without `Kontroll`, its conditional formats and defined names
    (everything else, the formula print areas included, as it was)."""
    workbook = load_for_edit(path)
    del workbook[SHEET_KONTROLL]
    for name in (KONTROLL_ERRORS_NAME, KONTROLL_WARNINGS_NAME):
        del workbook.defined_names[name]
    for ws in workbook.worksheets:
        kept = ConditionalFormattingList()
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if not (rule.formula and f"{SHEET_KONTROLL}!" in rule.formula[0]):
                    kept.add(str(cf.sqref), rule)
        ws.conditional_formatting = kept
    keep_layout(workbook)
    workbook.save(out)
    return out


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _batch(path: Path, copies: int, folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one LibreOffice process that opens, recalculates and saves
    `copies` copies of `path`."""
    batch = folder / uuid.uuid4().hex
    batch.mkdir()
    files = [shutil.copy(path, batch / f"{i}_{path.name}") for i in range(copies)]
    profile = (folder / "lo_profile").as_uri()
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(batch / "out"), *map(str, files)],
                   check=True, capture_output=True, timeout=600)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    shutil.rmtree(batch)
    return seconds, cpu


def per_workbook(path: Path, folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds LibreOffice spends on one more copy of `path` in a batch."""
    many, one = _batch(path, COPIES, folder), _batch(path, 1, folder)
    return ((many[0] - one[0]) / (COPIES - 1), (many[1] - one[1]) / (COPIES - 1))


def bench_kontroll(root: Path) -> str | None:
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) saknas: omräkningen mäts inte."
    root.mkdir(parents=True, exist_ok=True)
    with_sheet = city_workbook(root)
    without = without_kontroll(with_sheet, root / "utan.xlsx")
    _batch(with_sheet, 1, root)  # the first start of a fresh profile is slower
    runs: dict[str, list[tuple[float, float]]] = {"med": [], "utan": []}
    for round_number in range(ROUNDS):
        order = [("med", with_sheet), ("utan", without)]
        for name, path in order if round_number % 2 == 0 else reversed(order):
            runs[name].append(per_workbook(path, root))
    wall = {n: statistics.median(r[0] for r in v) for n, v in runs.items()}
    cpu = {n: statistics.median(r[1] for r in v) for n, v in runs.items()}
    size = with_sheet.stat().st_size / 1024, without.stat().st_size / 1024
    return (f"Omräkning i LibreOffice av en storstadsarbetsbok (28 mål, 112 indikatorer, 280 "
            f"aktiviteter), per arbetsbok: CPU med Kontroll {cpu['med']:.2f} s, utan "
            f"{cpu['utan']:.2f} s, kvot {cpu['med'] / cpu['utan']:.2f} (mål ≤ 2,0); väggtid "
            f"{wall['med']:.2f} s mot {wall['utan']:.2f} s, kvot {wall['med'] / wall['utan']:.2f}; "
            f"filstorlek {size[0]:.0f} kB mot {size[1]:.0f} kB")


if __name__ == "__main__":  # pragma: no cover
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    with tempfile.TemporaryDirectory(prefix="malark-kontroll-") as tmp:
        print(bench_kontroll(Path(tmp)))
