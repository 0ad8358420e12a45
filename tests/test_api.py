"""Library API behaviour that no single command test covers."""

from __future__ import annotations

import shutil

import openpyxl

from malark import api
from malark.core.contract import SHEET_RESULTS


def test_annotate_keeps_both_copies_when_two_inputs_share_a_file_name(filled_files, tmp_path):
    first, second = tmp_path / "a" / "BUN.xlsx", tmp_path / "b" / "BUN.xlsx"
    for target in (first, second):
        target.parent.mkdir()
        shutil.copy(filled_files["plan"], target)
    reports = api.validate_files([first, second])
    written = api.annotate(reports, tmp_path / "granskat")
    assert len(written) == 2 and len(set(written)) == 2
    for path in written:
        assert openpyxl.load_workbook(path).sheetnames[0] == SHEET_RESULTS


def test_annotate_never_replaces_a_users_workbook(filled_files, tmp_path):
    import pytest

    from malark.core.errors import OutputError

    source = tmp_path / "in" / "BUN.xlsx"
    source.parent.mkdir()
    shutil.copy(filled_files["plan"], source)
    out = tmp_path / "ut"
    out.mkdir()
    users_file = out / "BUN.xlsx"
    shutil.copy(filled_files["t1"], users_file)
    before = users_file.read_bytes()
    reports = api.validate_files([source])
    with pytest.raises(OutputError):
        api.annotate(reports, out)
    assert users_file.read_bytes() == before
    users_file.unlink()
    api.annotate(reports, out)
    api.annotate(reports, out)  # an earlier annotated copy is replaced
