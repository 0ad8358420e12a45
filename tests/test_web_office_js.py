"""The Office add-in's JavaScript: `office-layer.js` is type-checked against Office.js'
type definitions (@types/office-js, tsc --checkJs), and its behaviour is tested by Node
against a mock of the Excel API (office-addin-mock, tests/js/) with the engine's real
output for a workbook with errors. `make test` installs the Node tools (npm ci)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from malark import api
from malark.web import engine
from tests.web_support import ROOT

LAYER = ROOT / "src" / "malark" / "web" / "assets" / "office-layer.js"
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def _node_tools() -> None:
    if shutil.which("node") is None or not TSC.exists():
        pytest.fail("Node och testverktygen saknas: kör make test (npm ci installerar dem).")


def _tsc(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(TSC), "-p", str(config)], capture_output=True, text=True, cwd=ROOT,
                          check=False)


def test_the_office_layer_type_checks_against_office_js():
    _node_tools()
    result = _tsc(ROOT / "tsconfig.json")
    assert result.returncode == 0, result.stdout


def test_the_type_check_fails_for_a_call_office_js_does_not_have(tmp_path):
    _node_tools()
    broken = tmp_path / "office-layer.js"
    broken.write_text(LAYER.read_text(encoding="utf-8").replace(
        "sheet.activate();", "sheet.activate(); sheet.paintItBlue();"), encoding="utf-8")
    config = tmp_path / "tsconfig.json"
    config.write_text(
        (ROOT / "tsconfig.json").read_text(encoding="utf-8")
        .replace('"files": ["src/malark/web/assets/office-layer.js"]', f'"files": ["{broken}"]')
        .replace('"types": ["office-js"]',
                 f'"types": ["office-js"], "typeRoots": ["{ROOT}/node_modules/@types"]'),
        encoding="utf-8")
    result = _tsc(config)
    assert result.returncode != 0 and "paintItBlue" in result.stdout


def test_the_office_layer_against_the_excel_mock(tmp_path, _example_project):
    _node_tools()
    workbook = api.generate(_example_project.model, tmp_path / "ut", committees=["BUN"])[0]
    previous = os.getcwd()
    os.chdir(workbook.parent)
    try:
        fixture = engine.validate_open_workbook(workbook.name)
    finally:
        os.chdir(previous)
    (tmp_path / "pane.json").write_text(fixture, encoding="utf-8")
    result = subprocess.run(["node", "--test", "tests/js/"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "MALARK_PANE_FIXTURE": str(tmp_path / "pane.json")},
                            check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
