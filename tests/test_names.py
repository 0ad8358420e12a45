"""Everything `generate` writes is visible, portable (Windows-safe) and found again by
`validate` and `merge`, whatever the kommun is called."""

from __future__ import annotations

import re

import pytest

from malark import api
from malark.core.contract import Period
from malark.core.example import example_model
from malark.generate.committee_workbook import workbook_filename, workbook_filenames
from malark.xlsx.inputs import expand_inputs
from malark.xlsx.model_io import write_model

WINDOWS_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)\s*",
                              re.IGNORECASE)
HOSTILE_NAMES = [".Dold kommun", "~$Stad", "CON", "aux.x", "Com1", "Stad. ", "Malmö\u202egnal",
                 "Noll\u200bbredd", "Tab\tOch\nRad", "Å" * 300, "...", "Lång " * 80]


def assert_portable(name: str) -> None:
    stem = name[: -len(".xlsx")]
    assert name.endswith(".xlsx") and not name.startswith((".", "~$", " "))
    assert not re.search(r'[<>:"/\\|?*\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]', name)
    assert not stem.endswith((".", " "))
    assert not WINDOWS_RESERVED.fullmatch(stem.split(".", 1)[0])
    assert len(name.encode("utf-16-le")) // 2 <= 200 and len(name.encode()) <= 255


@pytest.mark.parametrize("kommun", HOSTILE_NAMES)
def test_every_name_is_visible_and_portable(kommun):
    model = example_model().model_copy(update={"municipality": kommun})
    for committee in model.committee_ids:
        assert_portable(workbook_filename(model, Period.T1, committee))


def test_names_differ_where_the_file_system_would_mix_them_up():
    names = workbook_filenames(example_model(), Period.PLAN, ["A/B", "A:B", "bun", "BUN"])
    assert len({n.casefold() for n in names.values()}) == 4
    for name in names.values():
        assert_portable(name)


@pytest.mark.parametrize("kommun", [".Dold kommun", "~$Stad", "aux.x", "Tab\tOch\nRad"])
def test_what_generate_writes_validate_and_merge_find_again(kommun, tmp_path):
    model = example_model().model_copy(update={"municipality": kommun})
    model_path = write_model(model, tmp_path / "malmodell.xlsx")
    written = api.generate(model_path, tmp_path / "ut", committees=["BUN", "SN"])
    assert sorted(expand_inputs([tmp_path / "ut"])) == sorted(written)
    reports = api.validate_files([tmp_path / "ut"], model_path=model_path)
    assert len(reports) == 2 and all(r.submission is not None for r in reports)
    assert not [f for r in reports for f in r.findings if f.code in ("S001", "S002", "S004")]
