"""Shared fixtures: real workbooks, edited the way a user would edit them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from malark import api


@pytest.fixture(scope="session")
def _example_project(tmp_path_factory) -> api.ProjectPaths:
    return api.init_project(tmp_path_factory.mktemp("example"))


@pytest.fixture
def model_path(_example_project, tmp_path) -> Path:
    """A fresh copy of the example goal model for a test to edit."""
    target = tmp_path / "malmodell.xlsx"
    shutil.copy(_example_project.model, target)
    return target


@pytest.fixture(scope="session")
def filled_files(_example_project, tmp_path_factory) -> dict[str, Path]:
    """BUN's Plan and KS's T1 workbook generated from the example model and filled in
    without a single finding (`tests/filled_workbooks.py`); copy before editing."""
    from tests.filled_workbooks import PLAN_BUN, T1_KS
    from tests.helpers import edit

    out = tmp_path_factory.mktemp("filled")
    model = _example_project.model
    plan = api.generate(model, out / "plan", period="Plan", committees=["BUN"])[0]
    t1 = api.generate(model, out / "t1", period="T1", committees=["KS"])[0]
    return {"plan": edit(plan, PLAN_BUN), "t1": edit(t1, T1_KS)}


@pytest.fixture(scope="session")
def filled_data(filled_files):
    """The filled workbooks read once (`WorkbookData`); tests change them with
    `tests.filled_workbooks.edited`, which copies."""
    from malark.xlsx.reader import read_workbook

    return {name: read_workbook(path) for name, path in filled_files.items()}


@pytest.fixture(scope="module")
def plan_set(tmp_path_factory) -> tuple[Path, Path]:
    """The example model and its six Plan workbooks, filled in without errors
    (model path, folder of returned files)."""
    from tests.merge_support import fill_plan_round

    root = tmp_path_factory.mktemp("plan")
    paths = api.init_project(root)
    fill_plan_round(paths.model, root)
    return paths.model, root / "ret"


@pytest.fixture
def inbox(plan_set, tmp_path) -> Path:
    """A fresh copy of `plan_set`'s returned files for a test to change."""
    target = tmp_path / "inkommet"
    shutil.copytree(plan_set[1], target)
    return target


@pytest.fixture(scope="session")
def report_inputs(tmp_path_factory):
    """The example's Plan and T1 consolidated workbooks from a real round trip, T1 with
    mixed outcomes, hostile texts and SN not submitting (`tests/report_support.py`)."""
    from tests.report_support import build_report_inputs

    return build_report_inputs(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def web_build(tmp_path_factory):
    """`malark web build` once per session (the runtime comes from the cache `make test`
    fills: $MALARK_WEB_CACHE or build/web-cache)."""
    from tests.web_support import build_web_once

    return build_web_once(tmp_path_factory.mktemp("web"))
