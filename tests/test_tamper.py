"""Tamper evidence covers the identity: a workbook relabelled in `_malark` (nämnd, kommun,
kommunkod, period, budgetår, model_fingerprint) is S007 at that cell, without `--model`;
workbooks written before the seal existed are still accepted."""

from __future__ import annotations

import hashlib
import json

import pytest

from malark import api
from malark.core.contract import SHEET_META
from malark.core.example import example_model
from malark.xlsx.meta import SEALED_FIELDS, meta_from_rows, meta_rows
from tests.filled_workbooks import check_keys, edited
from tests.helpers import edit


def _row(data, field_name: str) -> int:
    return next(i for i, r in enumerate(data.rows[SHEET_META], 1) if r and r[0] == field_name)


def _address(data, field_name: str) -> str:
    return f"{SHEET_META}!B{_row(data, field_name)}"


def _meta_keys(keys):
    return {k for k in keys if k[1] == SHEET_META}


NEW_VALUES = {"nämnd": "KS", "kommun": "Annanstad", "kommunkod": "0662", "period": "T1",
              "budgetår": 2028.0, "model_fingerprint": "0" * 64, "gul_grans": 0.9,
              "mall_fingerprint": "1" * 64, "ljusregel": "trend", "bedömning_grön": "Blå",
              "bedömning_gul": "Lila", "bedömning_röd": "Svart", "bedömning_ej_bedömd": "Vit"}


def test_every_sealed_field_has_a_new_value_here():
    assert set(NEW_VALUES) == set(SEALED_FIELDS)


@pytest.mark.parametrize("field_name", SEALED_FIELDS)
def test_s007_a_relabelled_workbook_without_the_model(filled_data, field_name):
    data = filled_data["plan"]
    address = _address(data, field_name)
    keys = check_keys(edited(data, {address: NEW_VALUES[field_name]}))
    assert ("S007", SHEET_META, address.split("!")[1]) in keys


def test_s007_passes_on_an_untouched_workbook(filled_data):
    assert not _meta_keys(check_keys(filled_data["plan"]))
    assert not _meta_keys(check_keys(filled_data["t1"]))


def test_s007_names_the_value_it_was_sealed_with(filled_data):
    data = edited(filled_data["plan"], {_address(filled_data["plan"], "nämnd"): "SN"})
    found = [f for f in api.validate_workbook_data(data).findings if f.code == "S007"
             and f.sheet == SHEET_META]
    assert len(found) == 1 and '"BUN"' in found[0].message and '"SN"' in found[0].message


def test_with_the_model_one_edit_gives_one_finding(filled_data):
    model = example_model()
    data = filled_data["plan"]
    keys = check_keys(edited(data, {_address(data, "kommun"): "Annanstad"}), model=model)
    assert _meta_keys(keys) == {("S004", SHEET_META, _address(data, "kommun").split("!")[1])}


def _rewrite_snapshot(data, change):
    """`data` with its snapshot JSON changed by `change(dict)`; the hash recomputed unless
    `change` returns False."""
    rows = data.rows[SHEET_META]
    chunks = [r for r in rows[1:] if r and isinstance(r[0], str) and r[0].startswith("snapshot_")
              and r[0][9:].isdigit()]
    snapshot = json.loads("".join(r[1] for r in chunks))
    recompute = change(snapshot) is not False
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    changes = {f"{SHEET_META}!B{rows.index(chunks[0]) + 1}": text}
    changes.update({f"{SHEET_META}!B{rows.index(r) + 1}": "" for r in chunks[1:]})
    if recompute:
        changes[_address(data, "snapshot_sha256")] = hashlib.sha256(text.encode()).hexdigest()
    return edited(data, changes)


def _unsealed(data):
    return _rewrite_snapshot(data, lambda snapshot: snapshot.pop("sealed"))


def test_a_workbook_from_before_the_seal_still_passes(filled_data):
    old = _unsealed(filled_data["plan"])
    assert meta_from_rows(old.rows[SHEET_META]).snapshot.sealed is None
    assert not _meta_keys(check_keys(old))
    assert api.validate_workbook_data(old).ok


def test_a_workbook_from_before_the_seal_relabelled_to_a_committee_it_does_not_fit(filled_data):
    old = _unsealed(filled_data["plan"])
    keys = check_keys(edited(old, {_address(old, "nämnd"): "SN"}))  # KF2 is not addressed to SN
    assert ("S007", SHEET_META, _address(old, "nämnd").split("!")[1]) in keys


def test_removing_the_seal_without_the_hash_is_s002(filled_data):
    data = _rewrite_snapshot(filled_data["plan"], lambda s: (s.pop("sealed"), False)[1])
    assert ("S002", SHEET_META, _address(data, "snapshot_sha256").split("!")[1]) in check_keys(data)


def test_changing_the_period_of_a_real_file_is_caught_without_model(filled_files, tmp_path):
    """Issue 11 point 5: unhide `_malark`, change `period`, save: caught on its own."""
    data = api.validate_files([filled_files["plan"]])[0]
    row = next(i for i, r in enumerate(data.submission.data.rows[SHEET_META], 1) if r[0] == "period")
    path = edit(filled_files["plan"], {f"{SHEET_META}!B{row}": "T2"}, out=tmp_path / "period.xlsx")
    report = api.validate_files([path])[0]
    assert ("S007", SHEET_META, f"B{row}") in [f.key() for f in report.findings]
    assert not report.ok


def test_snapshot_chunks_fit_excel_cells_in_utf16_units():
    model = example_model()
    goals = tuple(g.model_copy(update={"text": "🌍 Hållbar kommun " * 3000}) for g in model.kf_goals)
    model = model.model_copy(update={"kf_goals": goals})
    from datetime import datetime

    from malark.core.contract import FORMAT_VERSION, Period
    from malark.core.text import utf16_length
    from malark.xlsx.meta import WorkbookMeta, snapshot_for

    snapshot = snapshot_for(model, None)
    meta = WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period=Period.T1, nämnd=None, generated_at=datetime(2027, 1, 1),
        model_fingerprint=model.fingerprint(), malark_version="0", gul_grans=0.5,
        snapshot=snapshot, snapshot_sha256=snapshot.sha256(), kind="consolidated")
    rows = meta_rows(meta)
    chunks = [v for k, v in rows if k.startswith("snapshot_") and k[9:].isdigit()]
    assert len(chunks) > 3
    assert all(utf16_length(c) <= 32_000 for c in chunks)
    read = meta_from_rows([["Fält", "Värde"], *[[k, v] for k, v in rows]])
    assert read.snapshot_intact and read.snapshot.kf_goals[0].text.startswith("🌍")
