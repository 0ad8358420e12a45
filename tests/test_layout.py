"""The package layout shows the flow and each layer imports only downward.

    cli → demo, addin (the button) → api → merge, report, kolada → generate, web → validate → xlsx → core

`generate` sits above `validate` because a generated workbook carries the rules' live
formulas (the `Kontroll` sheet) declared beside the Python checks. `malark.addin.build`
writes malark.xlam the way `generate` writes workbooks, so it sits on generate's level (the
API calls it); the rest of `malark.addin` is the button, above the API. `malark.web` builds
the browser page and Office add-in the same way and holds the engine Pyodide runs, which
uses only validate and below, so it sits on generate's level too.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import malark
from malark import api

PACKAGE = Path(malark.__file__).parent
RANK = {"core": 0, "xlsx": 1, "validate": 2, "generate": 3, "web": 3, "merge": 4, "report": 4,
        "kolada": 4, "api": 5, "demo": 6, "addin": 6, "cli": 7, "__main__": 8, "__init__": 8}
SPECIAL = {"malark.addin.build": ("addin.build", 3), "malark.addin.launcher": ("addin.build", 3)}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> tuple[str, int]:
    if module in SPECIAL:
        return SPECIAL[module]
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__", RANK["__init__"]
    return parts[1], RANK[parts[1]]


def _imports(path: Path) -> set[str]:
    """Every malark module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("malark."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("malark"):
            if node.module == "malark":
                found.update(f"malark.{a.name}" for a in node.names if a.name != "__version__")
            else:
                found.add(node.module)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_its_own_package_or_lower_layers(path):
    module = _module_name(path)
    package, rank = _layer(module)
    for target in _imports(path):
        if target == "malark.api" and package in {"cli", "demo", "addin"}:
            continue
        target_package, target_rank = _layer(target)
        assert target_package == package or target_rank < rank, (
            f"{module} ({package}) imports {target} ({target_package}), which is not below it")


def test_the_top_level_holds_only_the_api_and_the_entry_points():
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "api.py"]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == ["addin", "cli", "core", "demo", "generate", "kolada", "merge", "report", "validate",
                       "web", "xlsx"]


def test_no_module_is_missing_from_the_layer_map():
    for path in MODULES:
        _layer(_module_name(path))  # KeyError for a package the map does not know


@pytest.mark.parametrize("name", api.__all__)
def test_every_public_name_is_importable_from_the_api(name):
    assert getattr(api, name) is not None
    exec(f"from malark.api import {name}", {})


def test_public_types_are_the_ones_the_engine_uses():
    assert api.FileReport is importlib.import_module("malark.validate.submission").FileReport
    assert api.WorkbookData is importlib.import_module("malark.xlsx.workbook").WorkbookData
    assert issubclass(api.ModelError, api.MalarkError)
    with pytest.raises(AttributeError):
        api.NoSuchThing  # noqa: B018
