"""What the `Validera` button runs: `malark.main()` → `main()` here.

The ribbon callback of `malark.xlam` runs `import malark;malark.main()` through xlwings'
`RunPython`. `main` takes the workbook the button was pressed in (`xw.Book.caller()`),
reads it (`xlbook.read_book`), runs the CLI's validation engine on it
(`malark.api.validate_workbook_data`), clears the marks of the previous run, marks the
cells of the findings, writes `Valideringsresultat` and shows a short Swedish summary.
Any failure becomes a Swedish message box, never a traceback. Nothing heavy (pandas,
openpyxl) is imported on this path.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from malark.core.errors import MalarkError
from malark.validate.render import workbook_summary as summary

__all__ = ["ButtonResult", "TITLE", "main", "run_button", "summary"]

TITLE = "Målark – Validera"


@dataclass(slots=True)
class ButtonResult:
    message: str
    errors: int = 0
    warnings: int = 0
    marked: int = 0
    unmarked: int = 0
    failed: bool = False


def _validate(book: Any) -> ButtonResult:
    from malark import api
    from malark.addin.marks import apply_marks, clear_marks
    from malark.addin.results import find_results_sheet, read_registry, write_results
    from malark.addin.xlbook import read_book
    from malark.core.contract import SHEET_RESULTS

    results_sheet = find_results_sheet(book.sheets)
    previous = read_registry(results_sheet) if results_sheet is not None else []
    data = read_book(book, skip=frozenset({results_sheet.name if results_sheet else SHEET_RESULTS}))
    report = api.validate_workbook_data(data)
    kept = clear_marks(book.sheets, previous)
    outcome = apply_marks(book.sheets, report.findings)
    write_results(book, results_sheet, report.findings, [*kept, *outcome.marks], datetime.now())
    return ButtonResult(summary(report.errors, report.warnings, outcome.unmarked),
                        errors=report.errors, warnings=report.warnings,
                        marked=len(outcome.marks), unmarked=outcome.unmarked)


def _internal(error: Exception) -> str:
    return (f"Internt fel i Målark ({type(error).__name__}: {error}). Inga värden i arbetsboken "
            "har ändrats. Kontakta den som förvaltar Målark och berätta vad du gjorde.")


def run_button(book: Any) -> ButtonResult:
    """Validate the open workbook `book` (an `xlwings.Book`) and tell the user how it went."""
    app = book.app
    try:
        app.screen_updating = False
        try:
            result = _validate(book)
        finally:
            app.screen_updating = True
    except MalarkError as error:
        result = ButtonResult(str(error), failed=True)
    except Exception as error:  # noqa: BLE001 - the promise: a message, never a traceback
        result = ButtonResult(_internal(error), failed=True)
    failed = result.failed or result.errors > 0
    app.alert(result.message, title=TITLE, mode="critical" if failed else "info")
    return result


def _give_up(message: str) -> None:
    """Last resort when Excel cannot be reached: RunPython shows what Python writes to
    stderr in a message box when the process exits with an error."""
    sys.stderr.write(message + "\n")
    raise SystemExit(1)


def main() -> None:
    """The button: `xw.Book.caller()` is the user's workbook (not the add-in)."""
    try:
        import xlwings as xw

        book = xw.Book.caller()
    except Exception as error:  # noqa: BLE001
        _give_up(f"Målark kan inte nå arbetsboken i Excel ({type(error).__name__}: {error}). "
                 "Kontrollera att xlwings är installerat i den Python som tillägget använder.")
        return
    try:
        run_button(book)
    except Exception as error:  # noqa: BLE001 - even the message box failed
        _give_up(_internal(error))
