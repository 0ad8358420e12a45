"""The VBA in `macros/` parses.

`RibbonMyAddin.bas` (the callback malark relies on) is parsed with the antlr4-vba grammar
after `#If` directives are resolved by vba-precompiler, for Windows 64-bit and for macOS.
`xlwings.bas` (1,200 lines of xlwings' own VBA, copied byte for byte from the template)
takes ~40 s in the pure-Python ANTLR runtime, so by default it gets a structural parse
(balanced Sub/Function/Property/#If blocks); `MALARK_FULL_VBA_PARSE=1` runs the full parse.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

MACROS = Path(__file__).resolve().parent.parent / "macros"
ENVIRONMENTS = {
    "win64": {"WIN16": False, "WIN32": True, "WIN64": True, "MAC": False, "VBA6": False, "VBA7": True},
    "mac": {"WIN16": False, "WIN32": False, "WIN64": False, "MAC": True, "VBA6": False, "VBA7": True},
}


def syntax_errors(path: Path, environment: dict[str, bool]) -> list[str]:
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4_vba.vbaLexer import vbaLexer
    from antlr4_vba.vbaParser import vbaParser
    from vba_precompiler.compiler import Compiler

    class Collect(ErrorListener):
        def __init__(self) -> None:
            self.errors: list[str] = []

        def syntaxError(self, recognizer, symbol, line, column, message, error):  # noqa: N802
            self.errors.append(f"{path.name}:{line}:{column}: {message}")

    code = Compiler(environment).compile(str(path))
    errors = Collect()
    lexer = vbaLexer(InputStream(code))
    parser = vbaParser(CommonTokenStream(lexer))
    for recognizer in (lexer, parser):
        recognizer.removeErrorListeners()
        recognizer.addErrorListener(errors)
    parser.startRule()
    return errors.errors


_OPEN = re.compile(r"^\s*(?:(?:Public|Private|Friend)\s+)?(?:Static\s+)?(Sub|Function|Property)\s+\w", re.I)
_CLOSE = re.compile(r"^\s*End\s+(Sub|Function|Property)\b", re.I)


def structural_problems(text: str) -> list[str]:
    """Unbalanced procedure blocks or `#If … #End If` (what breaks a VBA module). Of each
    `#If` only the first branch is read (a procedure header may differ per branch)."""
    problems, open_block, branches = [], None, []
    for number, line in enumerate(text.splitlines(), start=1):
        code = "" if line.lstrip().startswith("'") else line
        if re.match(r"^\s*#If\b", code, re.I):
            branches.append(True)
            continue
        if re.match(r"^\s*#Else(If)?\b", code, re.I):
            if not branches:
                problems.append(f"{number}: #Else utan #If")
            else:
                branches[-1] = False
            continue
        if re.match(r"^\s*#End If\b", code, re.I):
            if not branches:
                problems.append(f"{number}: #End If utan #If")
            else:
                branches.pop()
            continue
        if not all(branches):
            continue
        if (match := _OPEN.match(code)) and not re.search(r"\bDeclare\b", code, re.I):
            if open_block:
                problems.append(f"{number}: {match[1]} inuti {open_block}")
            open_block = match[1].lower()
        elif match := _CLOSE.match(code):
            if open_block != match[1].lower():
                problems.append(f"{number}: End {match[1]} utan början")
            open_block = None
    if open_block or branches:
        problems.append("slutet: block inte avslutat")
    return problems


@pytest.mark.parametrize("platform", sorted(ENVIRONMENTS))
def test_ribbon_callback_module_parses(platform):
    assert syntax_errors(MACROS / "RibbonMyAddin.bas", ENVIRONMENTS[platform]) == []


def test_parser_rejects_broken_vba(tmp_path):
    broken = tmp_path / "Broken.bas"
    broken.write_text('Attribute VB_Name = "Broken"\nSub RunMain(control As IRibbonControl\n'
                      '    RunPython "import malark"\nEnd Sub\n', encoding="utf-8")
    assert syntax_errors(broken, ENVIRONMENTS["win64"])


def test_xlwings_module_is_structurally_sound():
    text = (MACROS / "xlwings.bas").read_text(encoding="utf-8")
    assert structural_problems(text) == []
    assert len(re.findall(r"^(?:Public )?Function RunPython\(", text, re.M)) == 1


def test_structural_check_finds_unbalanced_blocks():
    assert structural_problems("Sub A()\n#If Mac Then\nEnd Sub\n")
    assert structural_problems("Sub A()\nSub B()\nEnd Sub\n")


@pytest.mark.skipif(not os.environ.get("MALARK_FULL_VBA_PARSE"), reason="~40 s; MALARK_FULL_VBA_PARSE=1")
@pytest.mark.parametrize("platform", sorted(ENVIRONMENTS))
def test_xlwings_module_parses_fully(platform):
    assert syntax_errors(MACROS / "xlwings.bas", ENVIRONMENTS[platform]) == []
