"""The library API: plain functions with keyword arguments.

This is the only entry point for the CLI and the Excel add-in. Functions here never print,
never exit and never import click or xlwings; they return results and raise
`malark.core.errors.MalarkError` subclasses for failures that stop a command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from malark.core.contract import Period
from malark.core.errors import InputError, MalarkError, ModelError, OutputError, os_reason
from malark.core.example import example_model
from malark.core.findings import Finding, Severity
from malark.core.model import GoalModel
from malark.xlsx.model_io import read_model, write_model

if TYPE_CHECKING:  # the validation modules are imported where they are used

    from malark.kolada.run import KoladaResult
    from malark.merge.merge import MergeResult
    from malark.validate.submission import FileReport
    from malark.xlsx.workbook import WorkbookData

__all__ = [
    "FileReport",
    "Finding",
    "GoalModel",
    "InputError",
    "KoladaResult",
    "MalarkError",
    "MergeResult",
    "ModelError",
    "OutputError",
    "Period",
    "ProjectPaths",
    "Severity",
    "WorkbookData",
    "annotate",
    "build_addin",
    "copy_template",
    "build_web",
    "generate",
    "init_project",
    "kolada",
    "load_model",
    "merge",
    "report",
    "validate_files",
    "validate_workbook_data",
    "workbook_template",
]

_LAZY_NAMES = {
    "FileReport": "malark.validate.submission",
    "KoladaResult": "malark.kolada.run",
    "MergeResult": "malark.merge.merge",
    "WorkbookData": "malark.xlsx.workbook",
}
"""Public types re-exported from where they live, imported on first use so that
`import malark.api` stays cheap for the ribbon button."""


def __getattr__(name: str):
    if name in _LAZY_NAMES:
        import importlib

        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'malark.api' has no attribute {name!r}")

MODEL_FILENAME = "malmodell.xlsx"
SENT_DIR = "1_utskick"
RETURNED_DIR = "2_inkommet"
CONSOLIDATED_DIR = "3_sammanstallning"


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where a malark year's work lives (made by `init_project`)."""

    root: Path

    @property
    def model(self) -> Path:
        return self.root / MODEL_FILENAME

    @property
    def sent(self) -> Path:
        return self.root / SENT_DIR

    @property
    def returned(self) -> Path:
        return self.root / RETURNED_DIR

    @property
    def consolidated(self) -> Path:
        return self.root / CONSOLIDATED_DIR


def load_model(path: Path | str) -> GoalModel:
    """Read and check the master goal model (raises `ModelError` naming sheet and cell)."""
    return read_model(path)


_README = """\
# Målstyrning {year} – {kommun} kommun

Den här mappen skapades av `malark init`. Så här går året till:

1. **Målmodellen** `{model}` innehåller visionen, KF-målen, vilka nämnder de är
   adresserade till och KF-indikatorerna. Rätta den efter fullmäktiges beslut.
   Prova den med `malark generate {model} -o {sent}/prov --namnd KS` – en trasig modell
   stoppas med ett meddelande som säger vilket blad och vilken cell som ska rättas, och en
   hel modell ger en provarbetsbok i `{sent}/prov/` att titta på (mappen kan tas bort).
2. **Skicka ut**: `malark generate {model} -o {sent}/Plan --period Plan` skapar en
   arbetsbok per nämnd i `{sent}/Plan/`. Mejla dem till nämndernas controllers.
3. **Ta emot**: lägg de returnerade filerna i `{returned}/Plan/` och kontrollera dem med
   `malark validate {returned}/Plan --model {model}`.
4. **Sammanställ**: `malark merge {returned}/Plan --model {model} -o {consolidated}/Plan.xlsx`.
5. **Nästa period**: `malark generate {model} -o {sent}/T1 --period T1 --previous
   {consolidated}/Plan.xlsx` för över mål, id:n och utfall. Sammanställ T1 med
   `malark merge {returned}/T1 --model {model} -o {consolidated}/T1.xlsx --previous
   {consolidated}/Plan.xlsx`, så behåller en nämnd som inte lämnat in sina senast kända rader.
6. **Historik**: `malark kolada {model}` hämtar KF-indikatorernas värden från Kolada till
   bladet Indikatorvärden (skriv nyckeltalets id i kolumnen Kolada-KPI). Historiken visas
   i sammanställningens blad Historik och Trender.

Mappar:
- `{sent}/` – arbetsböcker som skickats ut, en mapp per period
- `{returned}/` – arbetsböcker som nämnderna skickat tillbaka, en mapp per period
- `{consolidated}/` – sammanställningar till KS och KF
"""


def init_project(directory: Path | str, *, budget_year: int = 2027, force: bool = False) -> ProjectPaths:
    """Create the example goal model, the year's folders and a Swedish README in `directory`.

    Refuses to overwrite an existing goal model unless `force`, so a real model is never
    replaced by the example by accident.
    """
    paths = ProjectPaths(Path(directory))
    if paths.model.exists() and not force:
        raise OutputError(
            f"{paths.model} finns redan. Välj en annan mapp eller använd --force för att "
            "skriva över den med exemplet."
        )
    for folder in (paths.root, paths.sent, paths.returned, paths.consolidated):
        folder.mkdir(parents=True, exist_ok=True)
    model = example_model(budget_year)
    write_model(model, paths.model)
    readme = _README.format(
        year=model.budget_year, kommun=model.municipality, model=MODEL_FILENAME,
        sent=SENT_DIR, returned=RETURNED_DIR, consolidated=CONSOLIDATED_DIR,
    )
    (paths.root / "README.md").write_text(readme, encoding="utf-8")
    return paths


def generate(
    model_path: Path | str,
    out_dir: Path | str,
    *,
    period: str = "Plan",
    previous: Path | str | None = None,
    committees: Sequence[str] | None = None,
    force: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
    warn: Callable[[str], None] | None = None,
    template: Path | str | None = None,
) -> list[Path]:
    """Write one committee workbook per committee to `out_dir` (SPEC 3) and return the paths.

    `previous` is a consolidated workbook of an earlier period (of this budget year, or
    the year before for a Plan) whose goals, indicators, activities and outcomes are
    carried over. Nothing is written when any target file exists, unless `force` (a
    returned file must never be overwritten by accident). `progress(done, total, path)` is
    called as soon as each file is written; `warn(message)` for each committee whose rows
    come from an earlier period than `previous`'s own, or that has none because it was
    missing there (Swedish messages). `template` is a workbook template folder (SPEC 3c);
    without it the model's `Mall` setting, else the standard template (`workbook_template`).
    """
    from malark.generate.committee_workbook import (
        build_committee_workbook,
        workbook_filenames,
        write_committee_workbook,
    )
    from malark.generate.previous import read_previous

    the_period = _period(period) or Period.PLAN
    model = read_model(model_path)
    chosen_template = workbook_template(model_path, model, template)
    by_upper = {c.upper(): c for c in model.committee_ids}
    asked = [part.strip() for c in committees or () for part in c.split(",") if part.strip()]
    chosen = list(dict.fromkeys(by_upper.get(c.upper(), c) for c in asked)) or list(model.committee_ids)
    unknown = [c for c in chosen if c not in model.committee_ids]
    if unknown:
        raise InputError(f"Nämnden {', '.join(unknown)} finns inte i målmodellen. Nämnderna är: "
                         f"{', '.join(model.committee_ids)}.")
    out = Path(out_dir)
    targets = {c: out / name for c, name in workbook_filenames(model, the_period, chosen).items()}
    existing = [p for p in targets.values() if p.exists()]
    if existing and not force:
        raise OutputError("Filerna finns redan och skrivs inte över: "
                          + ", ".join(str(p) for p in existing)
                          + ". Välj en annan mapp eller använd --force.")
    earlier = read_previous(previous, model, the_period) if previous is not None else None
    written: list[Path] = []
    for committee_id, path in targets.items():
        carried = earlier.carried_for(model, committee_id) if earlier else None
        notice = earlier.warning_for(committee_id, carried) if earlier and carried else None
        if notice and warn is not None:
            warn(notice)
        workbook = build_committee_workbook(model, committee_id, the_period, carried=carried,
                                            template=chosen_template)
        try:
            write_committee_workbook(workbook, path)
        except OSError as error:
            raise OutputError(f"{path} kan inte skrivas: {os_reason(error)}.") from error
        written.append(path)
        if progress is not None:
            progress(len(written), len(targets), path)
    return written


def merge(
    inputs: Sequence[Path | str],
    *,
    model_path: Path | str,
    out: Path | str,
    period: str | None = None,
    skip_invalid: bool = False,
    progress: Callable[..., None] | None = None,
    previous: Path | str | None = None,
    force: bool = False,
    template: Path | str | None = None,
):
    """Validate the returned workbooks in `inputs` (files and folders) and write the
    consolidated workbook `out` (SPEC 6); returns a `malark.merge.merge.MergeResult`.

    Nothing is written when any input has an error, unless `skip_invalid` (the invalid
    inputs are then listed as not merged). `period` (Plan/T1/T2/Helår) is checked against
    every input; without it all inputs must be of the same period. The output is written
    atomically and is never counted as an input; an existing `out` is replaced only with
    `force`, and only when it is an earlier consolidation. `previous` is the consolidation
    of the period before: a committee without a merged file keeps its rows from it
    (marked with the period they come from), so the next `generate --previous` loses
    nothing. The consolidation uses the words of `template` (or the model's `Mall`, see
    `workbook_template`); each file's lights follow the rule it was made with.
    """
    from malark.merge.merge import merge_files
    from malark.xlsx.inputs import expand_inputs

    the_period = _period(period)
    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"Utfilen {target} ska sluta på .xlsx.")
    model = read_model(model_path)
    chosen_template = workbook_template(model_path, model, template)
    never_inputs = {target.resolve(), Path(model_path).resolve()}
    if previous is not None:
        never_inputs.add(Path(previous).resolve())
    paths = [p for p in expand_inputs(inputs) if p.resolve() not in never_inputs]
    if not paths:
        raise InputError("Det finns inga arbetsböcker (.xlsx/.xlsm) att sammanställa i "
                         + ", ".join(str(i) for i in inputs) + ".")
    return merge_files(paths, model=model, out=target, period=the_period,
                       skip_invalid=skip_invalid, progress=progress,
                       previous=Path(previous) if previous is not None else None, force=force,
                       template=chosen_template)


def workbook_template(model_path: Path | str, model: GoalModel, folder: Path | str | None = None):
    """The workbook template to use (SPEC 3c): `folder` when given, else the model's `Mall`
    setting (a folder relative to the model's folder), else the standard template. Raises
    `TemplateError` (naming file and key) for a broken one."""
    from malark.core.template import load_template, standard_template

    if folder is not None:
        return load_template(folder)
    if model.settings.template:
        return load_template(Path(model_path).resolve().parent / model.settings.template)
    return standard_template()


def copy_template(target: Path | str) -> Path:
    """Copy the standard workbook template to `target` (a new or empty folder) for a
    municipality to edit (`malark mall kopiera`); returns the folder."""
    from malark.core.template import copy_standard

    return copy_standard(target)


def report(
    consolidated: Path | str,
    out: Path | str,
    *,
    template: Path | str | None = None,
    previous: Sequence[Path | str] = (),
    history=None,
    force: bool = False,
) -> Path:
    """Write the goal follow-up chapter for KS and KF (SPEC 8) from the consolidated
    workbook `consolidated` to `out` (.docx, .pdf or .html) and return its path.

    `template`: the municipality's Word document (.docx/.dotx) whose styles, header and
    footer the .docx and .pdf use. `previous`: earlier consolidated workbooks of the same
    municipality, for earlier outcomes and the trend. `history`: more earlier values,
    `{indicator id: [(year, period, value, source), …]}` (source `"Kolada"` is marked
    `Källa: Kolada`). An existing `out` that malark did not write is replaced only with
    `force`. See `malark.report.report`.
    """
    from malark.report.report import write_report

    return write_report(consolidated, out, template=template, previous=previous, history=history,
                        force=force)


def validate_workbook_data(data: WorkbookData, *, model: GoalModel | None = None,
                           period: str | None = None) -> FileReport:
    """Validate one workbook already read into `WorkbookData` (the ribbon button reads it
    through xlwings) and return its `FileReport`. See `malark.validate.validation`."""
    from malark.validate.validation import validate_workbook_data as validate

    return validate(data, model=model, period=_period(period))


def validate_files(inputs: Sequence[Path | str], *, model_path: Path | str | None = None,
                   period: str | None = None,
                   progress: Callable[[int, int, Path], None] | None = None) -> list[FileReport]:
    """Validate the workbooks in `inputs` (files and/or folders) and return one
    `FileReport` per file. With `model_path` the master goal model is checked too (a broken
    model raises `ModelError`); `period` must then match each workbook's period (S004).
    `progress(done, total, path)` is called after each file."""
    from malark.validate.validation import validate_files as validate
    from malark.xlsx.inputs import expand_inputs

    files = expand_inputs(inputs)
    if not files:
        raise InputError("Inga arbetsböcker (.xlsx eller .xlsm) hittades i "
                         + ", ".join(str(p) for p in inputs) + ".")
    the_period = _period(period)
    model = read_model(model_path) if model_path is not None else None
    return validate(files, model=model, period=the_period, progress=progress)


def annotate(reports: Sequence[FileReport], out_dir: Path | str) -> list[Path]:
    """Write a marked-up copy of each readable validated workbook to `out_dir` (see
    `malark.validate.annotate`) and return the copies' paths."""
    from collections import Counter

    from malark.validate.annotate import annotate_workbook

    target = Path(out_dir)
    sources = [(r, r.submission.data.path) for r in reports
               if r.submission is not None and r.submission.data.path is not None]
    names = Counter(source.name for _, source in sources)
    folders: list[Path] = []
    for number, (_report, source) in enumerate(sources, start=1):
        folder = target
        if names[source.name] > 1:  # same file name from two folders: keep both copies
            folder = target / f"{number:02d}_{source.parent.name or 'fil'}"
        _refuse_to_replace_a_user_file(folder / source.name)
        folders.append(folder)
    return [annotate_workbook(source, r.findings, folder)
            for (r, source), folder in zip(sources, folders, strict=True)]


def _refuse_to_replace_a_user_file(path: Path) -> None:
    """An existing file may only be replaced by a new annotated copy when it is itself one
    (its first sheet is Valideringsresultat); anything else may be a user's workbook."""
    from malark.core.contract import SHEET_RESULTS
    from malark.xlsx.sheets import read_raw_workbook

    if not path.exists():
        return
    try:
        raw = read_raw_workbook(path)
        earlier_copy = raw.sheet_names[:1] == [SHEET_RESULTS]
        raw.close()
    except Exception:  # unreadable: certainly not a copy malark wrote
        earlier_copy = False
    if not earlier_copy:
        raise OutputError(f"{path} finns redan och är inte en kopia som malark har markerat. "
                          "Välj en tom mapp för --annotate.")


def build_addin(out_dir: Path | str, *, interpreter_win: str | None = None,
                interpreter_mac: str | None = None) -> Path:
    """Write `out_dir/malark.xlam`, the ribbon add-in (tab Målark, button Validera), from
    xlwings' ribbon add-in template and return its path. `interpreter_win`/`interpreter_mac`
    name the Python the button runs (default: this Python on its own platform). See
    `malark.addin.build`."""
    from malark.addin.build import build_addin as build

    return build(out_dir, interpreter_win=interpreter_win, interpreter_mac=interpreter_mac)


def build_web(out_dir: Path | str, *, base_url: str | None = None,
              progress: Callable[[str], None] | None = None):
    """Write the validator page and the Office add-in (SPEC 7b) to `out_dir` and return a
    `malark.web.build.WebBuild`. `base_url` is the https address IT hosts the folder at
    (the manifest's URLs). Pyodide and the wheels are fetched into a cache the first time
    (npm and pip). See `malark.web.build`."""
    from malark.web.build import build_web as build

    return build(out_dir, base_url=base_url, progress=progress)


def kolada(
    model_path: Path | str,
    *,
    years: str | None = None,
    compare: Sequence[str] | None = None,
    offline: bool = False,
    today: date | None = None,
    client_factory: Callable[[], object] | None = None,
) -> KoladaResult:
    """Fetch the values of every KF indicator with a `Kolada-KPI` for the municipality and
    the `compare` ids (default `0000`, the nation) for `years` (`"2019-2026"`; default the
    eight years before the budget year) into the model's `Indikatorvärden` (SPEC 9), and
    return what was done. Values a person typed are never overwritten (differences are
    reported); nothing else in the model changes; the write is atomic. With `offline`
    nothing is fetched or written: the result lists what the model already holds.
    `client_factory` makes the `malark.kolada.client.KoladaClient` (tests point it at a
    local server)."""
    from malark.kolada.client import KoladaClient
    from malark.kolada.run import run_kolada

    return run_kolada(Path(model_path), years=years, comparisons=compare, offline=offline,
                      today=today, client_factory=client_factory or KoladaClient)


def _period(period: str | None) -> Period | None:
    from malark.core.contract import PERIODS

    if period is None:
        return None
    if str(period) not in PERIODS:
        raise InputError(f"Okänd period \"{period}\". Välj en av: {', '.join(PERIODS)}.")
    return Period(period)
