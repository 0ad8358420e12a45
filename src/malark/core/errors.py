"""Failures that stop a command. Problems in a user's data are findings, not exceptions.

    MalarkError                 base; its message is Swedish and shown to the user as is
    ├── ModelError              the master goal model is broken (names sheet and cell)
    ├── TemplateError           a workbook template is broken (names file and key)
    ├── InputError              a command's input cannot be used (file missing, bad option)
    └── OutputError             an output cannot be written (exists, no permission)

The CLI turns every `MalarkError` into exit code 2 with its message; nothing else is
caught there on purpose, so a real bug shows as one.
"""

from __future__ import annotations

import errno


class MalarkError(Exception):
    """A failure that stops a command; `str(error)` is the Swedish message for the user."""


class ModelError(MalarkError):
    """The master goal model workbook cannot be used.

    `problems` lists every problem found (each already names sheet and cell), so a user
    fixes them all in one go instead of one per run.
    """

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"Målmodellen {file} kan inte användas:\n{lines}")


class TemplateError(MalarkError):
    """A workbook template (`workbook_templates/…`) cannot be used; `problems` lists every
    problem found, each naming the file and the key or line."""

    def __init__(self, folder: str, problems: list[str]):
        self.folder = folder
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"Mallen {folder} kan inte användas:\n{lines}")


class InputError(MalarkError):
    """An input file or option cannot be used."""


class OutputError(MalarkError):
    """An output cannot be written."""


_OS_REASONS = {
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "behörighet saknas",
    errno.EROFS: "enheten är skrivskyddad",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.ENOTDIR: "en del av sökvägen är en fil, inte en mapp",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.EEXIST: "det finns redan en fil med det namnet där en mapp behövs",
    errno.ENOSPC: "disken är full",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EBUSY: "filen används av ett annat program",
}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Swedish (the system's own text only as a fallback)."""
    return _OS_REASONS.get(error.errno or 0) or error.strerror or str(error)


def os_error_message(error: OSError) -> str:
    """A whole Swedish message for a file operation that failed, naming the path."""
    where = f" {error.filename}" if error.filename else ""
    return (f"Kan inte läsa eller skriva{where}: {os_reason(error)}. Kontrollera sökvägen, att "
            "mappen går att skriva i och att filen inte är öppen i Excel.")
