"""Keeps `malark demo` away from a user's real folder.

The demo replaces earlier demo output in its folder. Run by mistake in a real project
(`malark demo .`) that would delete the goal model and every returned workbook, so the
CLI first checks that the folder is new, empty, or holds nothing but an earlier demo: the
example goal model unchanged and only file names the demo writes.
"""

from __future__ import annotations

from pathlib import Path

from malark import api
from malark.committee_workbook import workbook_filename
from malark.contract import Period
from malark.errors import MalarkError, OutputError
from malark.example import example_model

__all__ = ["check_demo_target"]

_DEMO_PERIODS = (Period.PLAN, Period.T1)
_LOCK_PREFIXES = ("~$", ".~lock.")
"""Lock files Excel and LibreOffice leave while a demo workbook is open."""


def check_demo_target(directory: Path | str) -> None:
    """Raise `OutputError` unless the demo may write to (and replace) `directory`."""
    root = Path(directory)
    if not root.exists():
        return
    if not root.is_dir():
        raise OutputError(f"{root} är en fil, inte en mapp. Ange en ny mapp för demon.")
    if not any(root.iterdir()) or _is_earlier_demo(root):
        return
    raise OutputError(
        f"Mappen {root} finns redan och innehåller annat än en tidigare demo. Demon ersätter "
        "allt i sin mapp, så den körs bara i en ny eller tom mapp (eller en tidigare "
        "demomapp). Ange en ny mapp, till exempel: malark demo malark-demo")


def _is_earlier_demo(root: Path) -> bool:
    try:
        model = api.load_model(root / api.MODEL_FILENAME)
    except MalarkError:
        return False
    if model != example_model(model.budget_year):
        return False
    return _files(root) <= _demo_files(model)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and not p.name.startswith(_LOCK_PREFIXES)}


def _demo_files(model) -> set[str]:
    names = {api.MODEL_FILENAME, "README.md"}
    for period in _DEMO_PERIODS:
        for committee in model.committee_ids:
            name = workbook_filename(model, period, committee)
            names |= {f"{folder}/{period.value}/{name}" for folder in (api.SENT_DIR,
                                                                        api.RETURNED_DIR)}
        names.add(f"{api.CONSOLIDATED_DIR}/sammanstallning_{model.budget_year}_{period.value}.xlsx")
    return names
