"""Failures that stop a command. Problems in a user's data are findings, not exceptions.

    MalarkError                 base; its message is Swedish and shown to the user as is
    ├── ModelError              the master goal model is broken (names sheet and cell)
    ├── InputError              a command's input cannot be used (file missing, bad option)
    └── OutputError             an output cannot be written (exists, no permission)

The CLI turns every `MalarkError` into exit code 2 with its message; nothing else is
caught there on purpose, so a real bug shows as one.
"""

from __future__ import annotations


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


class InputError(MalarkError):
    """An input file or option cannot be used."""


class OutputError(MalarkError):
    """An output cannot be written."""
