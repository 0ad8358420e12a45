"""Issue 15's hostile classes through the real CLI, in real processes with a memory cap: a
crafted returned workbook or a crafted model never aborts malark, every file gets its own
finding (named by file, sheet and cell), and `merge --skip-invalid` writes the rest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crafted import VARIANTS, build_all, parts_of, strict_open_xml, with_parts

MEMORY_CAP = 4 * 1024**3


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """`malark ARGS` in its own process, its address space capped (Linux)."""
    def cap() -> None:
        if sys.platform.startswith("linux"):
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "malark", *args], capture_output=True,
                          timeout=timeout, preexec_fn=cap if os.name == "posix" else None)


def _document(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr.decode()[-2000:])
    assert b"Traceback" not in run.stderr and b"panicked" not in run.stderr, run.stderr[-2000:]
    return json.loads(run.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def crafted(filled_files, tmp_path_factory) -> dict[str, Path]:
    return build_all(filled_files["plan"], tmp_path_factory.mktemp("crafted"))


def _keys(entry: dict) -> set[tuple]:
    return {(f["code"], f["sheet"], f["cell"]) for f in entry["findings"]}


def test_validate_gives_each_crafted_file_its_finding(crafted):
    run = run_cli("validate", *map(str, crafted.values()), "--format", "json")
    document = _document(run)
    assert run.returncode == 1
    by_file = {Path(entry["file"]).stem: entry for entry in document["files"]}
    for name, (_, expected) in VARIANTS.items():
        assert expected in _keys(by_file[name]), (name, _keys(by_file[name]))
    strict = by_file["strict_open_xml"]["findings"][0]["message"]
    assert "Strikt Open XML" in strict and "Excel-arbetsbok (*.xlsx)" in strict


def test_merge_skip_invalid_writes_the_rest(crafted, plan_set, tmp_path):
    model, returned = plan_set
    inbox = tmp_path / "inkommet"
    shutil.copytree(returned, inbox)
    for path in inbox.glob("*_BUN.xlsx"):
        path.unlink()
    for name in ("far_cell_tab", "far_cell_prefix", "strict_open_xml", "huge_shared_string_count",
                 "nan_in_a_text_column"):
        shutil.copy(crafted[name], inbox / f"{name}.xlsx")
    out = tmp_path / "samman.xlsx"
    run = run_cli("merge", str(inbox), "--model", str(model), "-o", str(out), "--skip-invalid",
                  "--format", "json")
    document = _document(run)
    assert out.is_file() and document["output"]
    assert "BUN" in document["merged"]  # the NaN file is merged, NaN written as text
    not_merged = {Path(f).stem for f in document["not_merged"]}
    assert not_merged == {"far_cell_tab", "far_cell_prefix", "strict_open_xml",
                          "huge_shared_string_count"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inkommet", "samman.xlsx"]


def _crafted_model(model: Path, target: Path, how: str) -> Path:
    if how == "strict":
        return strict_open_xml(model, target)
    parts = parts_of(model)
    sheet = "xl/worksheets/sheet1.xml"
    row = {"tab": '<row r="1048576"><c\tr="XFD1048576"><v>1</v></c></row>',
           "prefix": '<row r="1048576"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml'
                     '/2006/main" r="XFD1048576"><x:v>1</x:v></x:c></row>',
           "lower": '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>'}[how]
    parts[sheet] = parts[sheet].replace(b"</sheetData>", row.encode() + b"</sheetData>", 1)
    return with_parts(parts, target)


@pytest.mark.parametrize("how", ["tab", "prefix", "lower", "strict"])
def test_a_crafted_model_stops_generate_and_validate_with_a_message(_example_project, filled_files,
                                                                    tmp_path, how):
    model = _crafted_model(_example_project.model, tmp_path / "malmodell.xlsx", how)
    generate = run_cli("generate", str(model), "-o", str(tmp_path / "ut"))
    assert generate.returncode == 2
    message = generate.stderr.decode()
    assert message.startswith("Fel:") and "Traceback" not in message and "panicked" not in message
    assert not (tmp_path / "ut").exists() or not list((tmp_path / "ut").iterdir())
    validate = run_cli("validate", str(filled_files["plan"]), "--model", str(model), "--format", "json")
    document = _document(validate)
    assert validate.returncode == 2 and document["error"].startswith("Målmodellen")
