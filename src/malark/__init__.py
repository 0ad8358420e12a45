"""malark: målstyrning i Excel för svenska kommuner.

The public library API lives in `malark.api`; the CLI (`malark.cli`) and the Excel
add-in call only that.
"""

__version__ = "0.1.0"
"""The one place the version is set (pyproject reads it from here)."""

__all__ = ["__version__", "main"]


def main() -> None:
    """The Excel ribbon button `Validera` (malark.xlam runs `import malark;malark.main()`).
    Imported lazily: `import malark` loads neither xlwings nor pandas."""
    from malark.addin.button import main as _main

    _main()
