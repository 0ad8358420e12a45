"""The launcher beside malark.xlam: Swedish messages naming what to install when the
button's Python, xlwings or malark is missing (the VBA itself stays xlwings' own)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from malark.addin.build import build_addin
from malark.addin.launcher import LAUNCHER_MAC, LAUNCHER_WIN, launcher_mac, launcher_win, with_launcher


def _run_sh(script: bytes, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / LAUNCHER_MAC
    path.write_bytes(script)
    path.chmod(0o755)
    return subprocess.run([str(path), *args], capture_output=True, text=True, check=False)


def _fake_python(tmp_path: Path, *, lacks: str) -> str:
    """An interpreter stand-in whose `import <lacks>` fails."""
    fake = tmp_path / "fakepython"
    fake.write_text(f'#!/bin/sh\n[ "$2" = "import {lacks}" ] && exit 1\nexit 0\n', encoding="utf-8")
    fake.chmod(0o755)
    return str(fake)


def test_the_mac_launcher_names_python_when_it_is_missing(tmp_path):
    result = _run_sh(launcher_mac(str(tmp_path / "finns-inte" / "python")), tmp_path, "-c", "pass")
    assert result.returncode == 9
    assert "Målark hittar inte Python" in result.stderr and "python.org" in result.stderr


@pytest.mark.parametrize(("lacks", "says"), [("xlwings", "paketet xlwings saknas"),
                                             ("malark", "men malark saknas")])
def test_the_mac_launcher_names_the_missing_package(tmp_path, lacks, says):
    python = _fake_python(tmp_path, lacks=lacks)
    result = _run_sh(launcher_mac(python), tmp_path, "-c", "pass")
    assert result.returncode == 9 and says in result.stderr
    assert f'{python} -m pip install "malark[excel]"' in result.stderr


def test_the_mac_launcher_runs_python_with_xlwings_arguments(tmp_path):
    result = _run_sh(launcher_mac(sys.executable), tmp_path, "-B", "-c", "import sys; print(sys.argv[1:])",
                     "--wb=Budget 2027.xlsx", "--from_xl=1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['--wb=Budget 2027.xlsx', '--from_xl=1']"


def test_the_windows_launcher_checks_in_order_and_speaks_swedish_in_the_ansi_code_page():
    script = launcher_win(r"C:\Program Files\malark\python.exe").decode("cp1252")
    lines = script.split("\r\n")
    assert lines[0] == "@echo off"
    checks = [line for line in lines if "goto no_" in line]
    assert [c.rsplit("goto ", 1)[1] for c in checks] == ["no_python", "no_xlwings", "no_malark"]
    assert '"%MALARK_PYTHON%" %*' in lines
    assert ">&2 echo Målark hittar inte Python (C:\\Program Files\\malark\\python.exe)." in lines
    assert all("(" not in line for line in lines if line.startswith(("if ", "where ")))


def test_with_launcher_names_the_launcher_only_for_the_building_platform(tmp_path):
    win, mac = with_launcher(tmp_path, "win32", interpreter_win=r"C:\py\python.exe", interpreter_mac="")
    assert win == str(tmp_path.resolve() / LAUNCHER_WIN) and mac == ""
    win, mac = with_launcher(tmp_path, "darwin", interpreter_win="", interpreter_mac="/usr/bin/python3")
    assert mac == str(tmp_path.resolve() / LAUNCHER_MAC) and win == ""
    assert with_launcher(tmp_path / "linux", "linux", interpreter_win="a", interpreter_mac="b") == ("a", "b")
    assert not (tmp_path / "linux").exists()


def test_an_addin_built_on_macos_runs_the_launcher(tmp_path, monkeypatch):
    pytest.importorskip("xlwings")
    monkeypatch.setattr(sys, "platform", "darwin")
    path = build_addin(tmp_path, interpreter_mac="/opt/malark/bin/python")
    with zipfile.ZipFile(path) as addin:
        strings = addin.read("xl/sharedStrings.xml").decode("utf-8")
    assert str(tmp_path.resolve() / LAUNCHER_MAC) in strings
    assert (tmp_path / LAUNCHER_MAC).read_text(encoding="utf-8").count("/opt/malark/bin/python") >= 1
