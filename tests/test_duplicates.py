"""S011 in `validate` too: two files of one committee and period, and which is newest."""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import datetime

from malark import api
from malark.validate.duplicates import MAX_LISTED, duplicate_findings
from malark.validate.submission import FileReport
from tests.helpers import edit


def _saved_at(path, stamp: str) -> None:
    """Set the workbook's own `dcterms:modified` (what Excel writes on every save)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>" + stamp.encode() + rb"\g<2>", parts["docProps/core.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _s011(reports) -> dict[str, str]:
    return {r.file.rsplit("/", 1)[-1]: f.message for r in reports for f in r.findings
            if f.code == "S011"}


def test_validate_names_the_file_saved_last(filled_files, tmp_path):
    first = shutil.copy(filled_files["plan"], tmp_path / "BUN_forsta.xlsx")
    second = edit(filled_files["plan"], {"Nämndmål!E2": "Rektor"}, out=tmp_path / "BUN_andra.xlsx")
    _saved_at(first, "2027-03-02T09:00:00Z")
    _saved_at(second, "2027-03-05T16:30:00Z")
    reports = api.validate_files([tmp_path])
    assert all(("S011", None, None) in {f.key() for f in r.findings} for r in reports)
    messages = _s011(reports)
    assert "Nyast är" in messages["BUN_forsta.xlsx"] and "BUN_andra.xlsx" in messages["BUN_forsta.xlsx"]
    assert "senast sparad 2027-03-05 16:30 UTC" in messages["BUN_forsta.xlsx"]
    assert "Den här filen är den nyaste" in messages["BUN_andra.xlsx"]


def test_a_workbook_generated_later_is_newer_whatever_was_saved(filled_files, tmp_path):
    old = shutil.copy(filled_files["plan"], tmp_path / "gammal.xlsx")
    resent = edit(filled_files["plan"], {"_malark!B8": "2027-02-01T08:00:00+00:00"},
                  out=tmp_path / "ny.xlsx")
    _saved_at(old, "2027-03-09T09:00:00Z")
    _saved_at(resent, "2027-03-01T09:00:00Z")
    messages = _s011(api.validate_files([old, resent]))
    assert "Nyast är" in messages["gammal.xlsx"] and "skapad av ekonomikontoret 2027-02-01" in \
        messages["gammal.xlsx"]


def test_copies_with_the_same_content_are_called_copies(filled_files, tmp_path):
    copies = [shutil.copy(filled_files["plan"], tmp_path / f"kopia{i}.xlsx") for i in range(2)]
    messages = _s011(api.validate_files(copies))
    assert all("samma innehåll" in m for m in messages.values()) and len(messages) == 2


def test_the_same_committee_in_another_period_is_no_duplicate(filled_files, _example_project, tmp_path):
    [t1] = api.generate(_example_project.model, tmp_path / "t1", period="T1", committees=["BUN"])
    reports = api.validate_files([filled_files["plan"], t1])
    assert not _s011(reports)


def test_five_thousand_copies_give_short_messages(filled_data):
    from malark.validate.validation import validate_workbook_data

    report = validate_workbook_data(filled_data["plan"])
    reports = [FileReport(file=f"/inkommet/kopia_{n:04d}.xlsx", findings=[],
                          submission=report.submission) for n in range(5000)]
    started = datetime.now()
    found = duplicate_findings(reports)
    assert (datetime.now() - started).total_seconds() < 10
    assert len(found) == 5000
    longest = max(len(f.message) for _, f in found)
    assert longest < 500
    assert "och 4996 till" in found[0][1].message
    assert found[0][1].message.count(".xlsx") == MAX_LISTED  # the copies have the same sha256


def test_files_of_two_committees_are_no_duplicates(filled_data):
    from malark.validate.validation import validate_workbook_data

    plan = validate_workbook_data(filled_data["plan"])
    t1 = validate_workbook_data(filled_data["t1"])
    other = replace(copy.copy(t1), file="ks.xlsx")
    assert duplicate_findings([plan, other]) == []
