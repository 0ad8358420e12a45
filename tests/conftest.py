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
