"""`malark addin build`: the built malark.xlam is a valid add-in package, its ribbon names
only callbacks that exist in its VBA, the callback runs `import malark;malark.main()`,
its configuration sheet is active and closes the lookups a file could hijack, and
`macros/` holds exactly what the add-in contains."""

from __future__ import annotations

import importlib
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from malark import api
from malark.addin import build
from malark.cli import cli
from malark.core.errors import InputError, OutputError

MACROS = Path(__file__).resolve().parent.parent / "macros"
CUSTOMUI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
CALLBACK_ATTRIBUTES = re.compile(r"^(on[A-Z]\w*|get[A-Z]\w*|loadImage)$")


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return api.build_addin(tmp_path_factory.mktemp("addin"), interpreter_win="", interpreter_mac="")


@pytest.fixture(scope="module")
def vba(xlam) -> dict[str, str]:
    """Module name → VBA source, read from the built add-in with oletools."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlam))
    try:
        return {Path(name).stem: code.replace("\r\n", "\n")
                for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _procedure(code: str, name: str) -> str:
    match = re.search(rf"^(?:Public |Private )?(Sub|Function) {name}\b.*?^End \1", code, re.M | re.S)
    assert match, f"{name} saknas i VBA"
    return match.group(0)


def _conf_rows(xlam: Path) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(xlam))
    rows = workbook.get_sheet_by_name(build.CONFIG_SHEET).to_python()
    return {str(key).upper(): value for key, value in rows}


def test_package_is_a_valid_addin(xlam):
    assert xlam.name == "malark.xlam"
    with zipfile.ZipFile(xlam) as package, zipfile.ZipFile(build.template_path()) as template:
        assert package.testzip() is None
        assert sorted(package.namelist()) == sorted(template.namelist())
        assert package.read("xl/vbaProject.bin") == template.read("xl/vbaProject.bin")
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        overrides = {e.get("PartName"): e.get("ContentType") for e in types}
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert "/xl/vbaProject.bin" in overrides
        rels = package.read("_rels/.rels").decode()
        assert f'Target="{build.RIBBON_PART}"' in rels
        assert "ui/extensibility" in rels


def test_ribbon_is_malark_tab_with_large_validera_button(xlam):
    with zipfile.ZipFile(xlam) as package:
        ribbon = ElementTree.fromstring(package.read(build.RIBBON_PART))
    tabs = list(ribbon.iter(f"{CUSTOMUI_NS}tab"))
    assert [t.get("label") for t in tabs] == ["Målark"]
    buttons = list(ribbon.iter(f"{CUSTOMUI_NS}button"))
    assert [(b.get("label"), b.get("size")) for b in buttons] == [("Validera", "large")]
    assert buttons[0].get("imageMso") and buttons[0].get("screentip") and buttons[0].get("supertip")


def test_ribbon_names_only_callbacks_that_exist_in_the_vba(xlam, vba):
    with zipfile.ZipFile(xlam) as package:
        ribbon = ElementTree.fromstring(package.read(build.RIBBON_PART))
    callbacks = {value for element in ribbon.iter() for key, value in element.attrib.items()
                 if CALLBACK_ATTRIBUTES.match(key)}
    assert callbacks == {"RibbonMyAddin.RunMain"}
    for callback in callbacks:
        module, procedure = callback.split(".")
        assert re.search(rf"^Sub {procedure}\(control As IRibbonControl\)", vba[module], re.M)


def test_callback_imports_the_addin_file_name_and_calls_main(vba):
    run_main = _procedure(vba["RibbonMyAddin"], "RunMain")
    derive = 'mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))'
    assert derive in run_main
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in run_main
    module = build.ADDIN_FILENAME.rsplit(".", 1)[0]
    assert module == "malark"
    assert callable(importlib.import_module(module).main)
    assert "Function RunPython(PythonCommand As String)" in vba["xlwings"]


def test_config_sheet_is_active_and_covers_every_key_runpython_reads(xlam, vba):
    code = vba["xlwings"]
    project = re.search(r'Public Const PROJECT_NAME As String = "(\w+)"', code).group(1)
    assert f"{project}.conf" == build.CONFIG_SHEET
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in code
    conf = _conf_rows(xlam)
    read = set()
    for procedure in ("RunPython", "ExecuteWindows", "ExecuteMac", "ShowError"):
        read |= set(re.findall(r'GetConfig\("([A-Z_ ]+)"', _procedure(code, procedure)))
    assert read - set(conf) == set()
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert conf["PYTHONPATH"] == conf["CONDA PATH"] == conf["CONDA ENV"] == conf["LICENSE_KEY"] == ""
    assert conf["INTERPRETER"] == "python"


def test_interpreters_are_written_to_the_config_sheet(tmp_path):
    path = build.build_addin(tmp_path, interpreter_win=r"%LOCALAPPDATA%\malark\python.exe",
                             interpreter_mac="/Users/x/malark/bin/python")
    conf = _conf_rows(path)
    assert conf["INTERPRETER_WIN"] == r"%LOCALAPPDATA%\malark\python.exe"
    assert conf["INTERPRETER_MAC"] == "/Users/x/malark/bin/python"


def test_default_interpreter_is_the_building_python_on_its_platform(monkeypatch):
    monkeypatch.setattr(build.sys, "platform", "win32")
    monkeypatch.setattr(build.sys, "executable", r"C:\Py\python.exe")
    assert build._default_interpreters() == (r"C:\Py\python.exe", "")
    monkeypatch.setattr(build.sys, "platform", "darwin")
    assert build._default_interpreters() == ("", r"C:\Py\python.exe")


def test_build_is_reproducible(tmp_path, xlam):
    again = build.build_addin(tmp_path, interpreter_win="", interpreter_mac="")
    assert again.read_bytes() == xlam.read_bytes()


def test_cli_builds_the_addin(tmp_path):
    result = CliRunner().invoke(cli, ["addin", "build", "-o", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ut" / "malark.xlam").is_file()


def test_unwritable_output_is_a_clean_error(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        build.build_addin(blocker)
    result = CliRunner().invoke(cli, ["addin", "build", "-o", str(blocker)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_missing_xlwings_is_a_clean_error(monkeypatch):
    monkeypatch.setattr(build.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(InputError, match="malark\\[excel\\]"):
        build.template_path()


def test_macros_folder_holds_what_the_addin_contains(vba):
    assert (MACROS / "customUI.xml").read_bytes() == build.ribbon_xml()
    for module in ("RibbonMyAddin", "xlwings"):
        text = (MACROS / f"{module}.bas").read_text(encoding="utf-8")
        assert text.rstrip("\n") == vba[module].rstrip("\n")
    assert (MACROS / "README.md").is_file()


def test_nothing_runs_when_the_addin_opens(vba):
    auto = re.compile(r"^\s*(?:Private |Public )?Sub (Workbook_\w+|Auto_\w+|Workbook_Open)\b", re.M | re.I)
    assert {module: auto.findall(code) for module, code in vba.items() if auto.search(code)} == {}
