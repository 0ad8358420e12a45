"""Swedish messages when the Python behind the xlwings button is missing or incomplete.

xlwings' VBA (copied byte for byte, see `build.py`) starts the configured interpreter with
`-B -c "import xlwings.utils;…;import malark;malark.main()"` and shows whatever that
process writes to stderr when it exits with an error. Before any of malark's code runs,
a missing Python, xlwings or malark gives English tracebacks or cmd's "Python was not
found". So the add-in's `Interpreter_Win`/`Interpreter_Mac` point to a small launcher
written beside `malark.xlam`: it checks the interpreter, then `import xlwings`, then
`import malark`, says in Swedish what to install when one is missing, and otherwise runs
the interpreter with the arguments xlwings gave (from the interpreter's own folder, as
xlwings itself does).

The Windows launcher is written in cp1252 because the VBA reads the error text with
`Line Input`, which decodes the ANSI code page of a Swedish Windows.
"""

from __future__ import annotations

import stat
from pathlib import Path

__all__ = ["LAUNCHER_MAC", "LAUNCHER_WIN", "launcher_mac", "launcher_win", "with_launcher"]

LAUNCHER_WIN = "malark-knapp.cmd"
LAUNCHER_MAC = "malark-knapp.sh"
_INSTALL = 'pip install "malark[excel]"'


def _messages(python: str) -> dict[str, list[str]]:
    return {
        "python": [
            f"Målark hittar inte Python ({python or 'python'}).",
            "Knappen Validera behöver Python 3.11 eller senare och malark på datorn:",
            "1. Installera Python från python.org (eller be IT om det).",
            f"2. Installera malark: {python or 'python'} -m {_INSTALL}",
            "3. Bygg om tillägget: malark addin build (se docs/tillagg.md).",
            "Utan Python: använd Målark-tillägget för Office eller valideringssidan i webbläsaren.",
        ],
        "xlwings": [
            f"Python finns ({python or 'python'}), men paketet xlwings saknas där.",
            f"Installera det med malark: {python or 'python'} -m {_INSTALL}",
        ],
        "malark": [
            f"Python och xlwings finns ({python or 'python'}), men malark saknas där.",
            f"Installera det: {python or 'python'} -m {_INSTALL}",
        ],
    }


def launcher_win(python: str) -> bytes:
    """The `.cmd` launcher; `python` is the interpreter's full path ('' = `python` in PATH)."""
    messages = _messages(python)
    lines = ["@echo off", "rem Målark: startar Python för knappen Validera (skriven av malark addin build).",
             "setlocal", f'set "MALARK_PYTHON={python or "python"}"']
    if python:
        lines += ['if not exist "%MALARK_PYTHON%" goto no_python',
                  'for %%I in ("%MALARK_PYTHON%") do cd /d "%%~dpI"']
    else:
        lines += ['where python >nul 2>nul || goto no_python']
    lines += ['"%MALARK_PYTHON%" -c "import xlwings" >nul 2>nul || goto no_xlwings',
              '"%MALARK_PYTHON%" -c "import malark" >nul 2>nul || goto no_malark',
              '"%MALARK_PYTHON%" %*', "exit /b %ERRORLEVEL%"]
    for label, text in messages.items():
        lines.append(f":no_{label}")
        lines += [f">&2 echo {line}" for line in text]
        lines.append("exit /b 9")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def launcher_mac(python: str) -> bytes:
    """The shell launcher for macOS (run through xlwings' AppleScript)."""
    messages = _messages(python)
    lines = ["#!/bin/sh", "# Målark: startar Python för knappen Validera (skriven av malark addin build).",
             f"PY={_sh_quote(python or 'python3')}"]

    def fail(label: str) -> str:
        text = "\n".join(messages[label])
        return f"{{ printf '%s\\n' {_sh_quote(text)} >&2; exit 9; }}"

    lines += [f'command -v "$PY" >/dev/null 2>&1 || [ -x "$PY" ] || {fail("python")}',
              f'"$PY" -c "import xlwings" >/dev/null 2>&1 || {fail("xlwings")}',
              f'"$PY" -c "import malark" >/dev/null 2>&1 || {fail("malark")}',
              'cd "$(dirname "$(command -v "$PY" || echo "$PY")")" 2>/dev/null || true',
              'exec "$PY" "$@"']
    return ("\n".join(lines) + "\n").encode("utf-8")


def with_launcher(folder: Path, platform: str, *, interpreter_win: str,
                  interpreter_mac: str) -> tuple[str, str]:
    """The `Interpreter_Win`/`Interpreter_Mac` values for an add-in built into `folder` on
    `platform` (`sys.platform`). Building on Windows or macOS (the documented way: on the
    controller's PC, straight into Excel's add-in folder) writes that platform's launcher
    beside malark.xlam and names it; the other platform's interpreter and a build on
    Linux stay as given, since the launcher's path on the user's machine is not known."""
    if platform.startswith("win"):
        path = folder.resolve() / LAUNCHER_WIN
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(launcher_win(interpreter_win))
        return str(path), interpreter_mac
    if platform == "darwin":
        path = folder.resolve() / LAUNCHER_MAC
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(launcher_mac(interpreter_mac))
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return interpreter_win, str(path)
    return interpreter_win, interpreter_mac
