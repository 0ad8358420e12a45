"""The `_malark` metadata rows round-trip, and tampering with the snapshot shows."""

from __future__ import annotations

from datetime import datetime

import pytest

from malark.core.contract import FORMAT_VERSION, Period
from malark.core.example import example_model
from malark.xlsx.meta import (
    MetaError,
    WorkbookMeta,
    gul_grans_row,
    meta_from_rows,
    meta_rows,
    sealed,
    snapshot_for,
)


def _meta(committee="BUN"):
    model = example_model()
    snapshot = snapshot_for(model, committee)
    return WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period=Period.T1, nämnd=committee,
        generated_at=datetime(2027, 4, 1, 8, 0), model_fingerprint=model.fingerprint(),
        malark_version="0.1.0", gul_grans=0.5, snapshot=snapshot, snapshot_sha256=snapshot.sha256(),
    )


def _as_sheet(rows):
    return [["Fält", "Värde"], *[[k, v] for k, v in rows]]


def test_rows_round_trip():
    meta = _meta()
    read = meta_from_rows(_as_sheet(meta_rows(meta)))
    assert read == sealed(meta) and read.snapshot_intact
    assert read.snapshot.sealed == {"nämnd": "BUN", "kommun": meta.kommun,
                                    "kommunkod": meta.kommunkod, "period": "T1",
                                    "budgetår": str(meta.budgetår),
                                    "model_fingerprint": meta.model_fingerprint,
                                    "gul_grans": str(meta.gul_grans), "mall_fingerprint": "",
                                    "ljusregel": "andel_av_vagen", "bedömning_grön": "Grön",
                                    "bedömning_gul": "Gul", "bedömning_röd": "Röd",
                                    "bedömning_ej_bedömd": "Ej bedömd"}


def test_snapshot_holds_only_addressed_goals_and_coordinated_indicators():
    snapshot = snapshot_for(example_model(), "MBN")
    assert [g.id for g in snapshot.kf_goals] == ["KF1", "KF2", "KF3", "KF5", "KF6"]
    assert [i.id for i in snapshot.kf_indicators] == ["KF6-I1"]


def test_edited_snapshot_is_detected():
    rows = _as_sheet(meta_rows(_meta()))
    for row in rows:
        if row[0] == "snapshot_1":
            row[1] = row[1].replace("trygga", "glada")
    assert not meta_from_rows(rows).snapshot_intact


def test_gul_grans_row_points_at_the_value():
    rows = meta_rows(_meta())
    assert rows[gul_grans_row(rows) - 2] == ("gul_grans", 0.5)


def test_missing_fields_raise():
    with pytest.raises(MetaError):
        meta_from_rows([["Fält", "Värde"], ["kommun", "X"]])
