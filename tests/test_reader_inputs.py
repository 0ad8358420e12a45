"""Files and folders given to validate/merge become the workbook files to read."""

from __future__ import annotations

import pytest

from malark.core.errors import InputError
from malark.xlsx.inputs import expand_inputs


def _touch(folder, *names):
    for name in names:
        (folder / name).write_bytes(b"x")


def test_folder_gives_its_workbooks_sorted_without_lock_files(tmp_path):
    _touch(tmp_path, "b_SN.xlsx", "A_BUN.xlsm", "~$b_SN.xlsx", "._KS.xlsx", "notes.txt", "old.xls",
           "c_KS.XLSX")
    (tmp_path / "undermapp.xlsx").mkdir()
    assert [p.name for p in expand_inputs([tmp_path])] == [
        "A_BUN.xlsm", "b_SN.xlsx", "c_KS.XLSX", "old.xls"]


def test_a_returned_xls_in_a_folder_is_reported_not_missed(tmp_path):
    from malark import api

    _touch(tmp_path, "Sjöberga_2027_T1_SN.xls")
    [report] = api.validate_files([tmp_path])
    assert [f.code for f in report.findings] == ["S001"]


def test_files_are_taken_as_given_in_order_and_once(tmp_path):
    _touch(tmp_path, "b.xlsx", "a.xlsx", "fel.pdf")
    given = [tmp_path / "b.xlsx", str(tmp_path / "fel.pdf"), tmp_path]
    assert [p.name for p in expand_inputs(given)] == ["b.xlsx", "fel.pdf", "a.xlsx"]


def test_empty_folder_gives_nothing(tmp_path):
    assert expand_inputs([tmp_path]) == []


def test_missing_path_is_an_input_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="saknas.xlsx"):
        expand_inputs([tmp_path, tmp_path / "saknas.xlsx"])
