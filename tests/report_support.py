"""Support for the report tests (no tests here): a real round trip of the example (Plan
merged, T1 generated with --previous, filled in by the controllers with mixed outcomes and
hostile texts, SN not submitting, merged) and readers of the report files."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from malark import api
from malark.core.contract import COMMITTEE_INDIKATORER, COMMITTEE_KF_MAL, COMMITTEE_NAMNDMAL
from tests.helpers import edit, edit_text
from tests.merge_support import (
    committee_of,
    fill_plan_round,
    follow_up_changes,
    generated,
    read_tables,
    returned_copies,
)

HOSTILE = {
    "script": "<script>alert('hej')</script> Analys med skript",
    "attribute": '"><img src=x onerror=alert(1)> Bidrag med attribut',
    "template": "{{ 7*7 }} {% if true %}mall{% endif %} Åtgärder med mallsyntax",
    "formula": '=HYPERLINK("http://exempel.invalid","klicka här")',
    "lines": "Första raden\nAndra raden\n\tindragen rad  ",
}
"""Texts controllers typed: each must reach the report exactly, as text."""
MISSING_COMMITTEE = "SN"
OUTCOMES = {"BUN": 70, "KFN": 86, "TN": 91, "MBN": 88, "KS": 92}
"""One outcome per committee for all its indicators: BUN Röd, KFN and MBN Gul, TN and KS Grön."""


@dataclass(frozen=True)
class ReportInputs:
    model: Path
    plan: Path
    t1: Path


def _hostile_changes(path: Path) -> dict[str, str]:
    tables = read_tables(path)
    committee = committee_of(path)
    goals = tables[COMMITTEE_NAMNDMAL.name].rows
    kf = tables[COMMITTEE_KF_MAL.name].rows
    indicators = tables[COMMITTEE_INDIKATORER.name].rows
    spec_g, spec_k, spec_i = COMMITTEE_NAMNDMAL, COMMITTEE_KF_MAL, COMMITTEE_INDIKATORER
    if committee == "BUN":
        return {f"{spec_g.name}!{spec_g.letter('analysis')}{goals[0].number}": HOSTILE["script"],
                f"{spec_i.name}!{spec_i.letter('comment')}{indicators[0].number}": HOSTILE["formula"]}
    if committee == "TN":
        return {f"{spec_k.name}!{spec_k.letter('contribution')}{kf[0].number}": HOSTILE["attribute"]}
    if committee == "KFN":
        return {f"{spec_g.name}!{spec_g.letter('actions')}{goals[0].number}": HOSTILE["template"]}
    if committee == "KS":
        coordinated = next(r for r in kf if r.text("coordinator") == "KS")
        return {f"{spec_k.name}!{spec_k.letter('analysis')}{coordinated.number}": HOSTILE["lines"]}
    return {}


def build_report_inputs(root: Path) -> ReportInputs:
    paths = api.init_project(root)
    model = api.load_model(paths.model)
    fill_plan_round(paths.model, root)
    plan = root / "sammanstallning_Plan.xlsx"
    assert api.merge([root / "ret"], model_path=paths.model, out=plan).output == plan
    files = returned_copies(generated(paths.model, root / "sent_t1", "T1", plan), root / "ret_t1")
    for file in files:
        committee = committee_of(file)
        if committee == MISSING_COMMITTEE:
            file.unlink()
            continue
        outcomes = {r.text("id"): OUTCOMES[committee] for r in read_tables(file)["Indikatorer"].rows}
        edit(file, follow_up_changes(file, model, outcomes))
        edit_text(file, _hostile_changes(file))
    t1 = root / "sammanstallning_T1.xlsx"
    result = api.merge([root / "ret_t1"], model_path=paths.model, out=t1)
    assert result.output == t1, [f.key() for r in result.reports for f in r.findings if f.severity == "error"]
    return ReportInputs(paths.model, plan, t1)


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A consolidated sheet's data rows as {header: value}, read independently of malark."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


@dataclass(frozen=True)
class DocxItem:
    kind: str
    """`p` or `table`."""
    style: str
    text: str
    rows: tuple[tuple[str, ...], ...] = ()


def _text(element) -> str:
    """Text of a paragraph or cell as Word shows it: breaks as newlines, tabs as tabs, the
    cached result of a field (the caption numbers) included."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    parts = []
    for node in element.iter(f"{w}t", f"{w}br", f"{w}tab", f"{w}p"):
        if node.tag == f"{w}t":
            parts.append(node.text or "")
        elif node.tag == f"{w}br":
            parts.append("\n")
        elif node.tag == f"{w}tab":
            parts.append("\t")
        elif parts:
            parts.append("\n")
    return "".join(parts).strip("\n")


def read_docx(path: Path) -> list[DocxItem]:
    """The document body in order, read back with python-docx."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    items = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            items.append(DocxItem("p", paragraph.style.name, _text(child)))
        elif tag == "tbl":
            table = Table(child, document)
            rows = tuple(tuple(_text(cell._tc) for cell in row.cells) for row in table.rows)
            items.append(DocxItem("table", table.style.name if table.style else "", "", rows))
    return items


def tables_by_caption(items: list[DocxItem]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Caption text without `Tabell N. ` → the table's rows."""
    result, caption = {}, None
    for item in items:
        if item.kind == "p" and item.style == "Caption":
            caption = re.sub(r"^Tabell \d+\. ", "", item.text)
        elif item.kind == "table" and caption is not None:
            result[caption] = item.rows
            caption = None
    return result


def copy_of(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, folder / path.name))
