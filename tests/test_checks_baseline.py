"""The filled workbooks the rule tests start from have no findings at all, and every check
declares codes that exist and emits only those."""

from __future__ import annotations

import pytest

from malark.validate.validation import validate_workbook_data


@pytest.mark.parametrize("name", ["plan", "t1"])
def test_filled_workbook_has_no_findings(filled_data, model_path, name):
    from malark import api

    model = api.load_model(model_path)
    for with_model in (None, model):
        report = validate_workbook_data(filled_data[name], model=with_model)
        assert [f.key() for f in report.findings] == []
