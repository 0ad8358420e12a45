"""Swedish for click's error messages (a wrong option, a missing argument, a bad value).

click marks its messages for gettext but ships no Swedish catalogue, and gettext would
follow LANG, which on a server is often `C`. `install()` gives click's modules a lookup
in the table below instead, so a controller always reads `Fel: Ogiltigt värde för
'--period': …` whatever the locale. Error messages and the `--help` boilerplate
(`Användning:`, `Flaggor`, `[standard: …]`, path arguments `FIL`/`MAPP`) are translated;
docs/cli.md is generated from `--help` (`make docs`). A message click adds in a later
version and that is not in the table is shown in English, never lost.
"""

from __future__ import annotations

from collections.abc import Callable

import click

__all__ = ["OPTIONS_METAVAR", "SUBCOMMAND_METAVAR", "Choice", "install", "swedish_usage"]

OPTIONS_METAVAR = "[FLAGGOR]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENT]..."

SINGULAR = {
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Missing argument": "Argument saknas:",
    "Missing option": "Flagga saknas:",
    "Missing parameter": "Parameter saknas:",
    "Missing parameter: {param_name}": "Parameter saknas: {param_name}",
    "No such option {name!r}.": "Flaggan {name!r} finns inte.",
    "No such command {name!r}.": "Kommandot {name!r} finns inte.",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Could not open file {filename!r}: {message}": "Kan inte öppna filen {filename!r}: {message}",
    "unknown error": "okänt fel",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt tal.",
    "{value} is not in the range {range}.": "{value} ligger inte inom {range}.",
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil, inte en mapp.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp, inte en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva i.",
    "Missing command.": "Kommando saknas.",
    "Aborted!": "Avbrutet.",
    # --help
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "default: {default}": "standard: {default}",
    "required": "krävs",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
}
"""click's message id → Swedish, with the same `{placeholders}`."""

PLURAL = {
    "{value!r} is not {choice}.": ("{value!r} är inte {choice}.",
                                   "{value!r} är inte ett av {choices}."),
    "Option {name!r} requires an argument.": ("Flaggan {name!r} kräver ett värde.",
                                              "Flaggan {name!r} kräver {nargs} värden."),
    "Got unexpected extra argument ({args})": ("Oväntat extra argument ({args})",
                                               "Oväntade extra argument ({args})"),
    "Did you mean {possibility}?": ("Menade du {possibility}?",
                                    "(Menade du något av: {possibilities}?)"),
}
"""click's singular message id → Swedish (singular, plural)."""


def gettext(message: str) -> str:
    return SINGULAR.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    swedish = PLURAL.get(singular)
    if swedish is None:
        return singular if count == 1 else plural
    return swedish[0] if count == 1 else swedish[1]


class Choice(click.Choice):
    """A choice matched without regard to case (`--period t1`) but shown as written
    (`[Plan|T1|T2|Helår]`, not click's lower-cased `[plan|t1|t2|helår]`)."""

    def _as_written(self, method, *args, **kwargs):
        sensitive = self.case_sensitive
        self.case_sensitive = True
        try:
            return method(*args, **kwargs)
        finally:
            self.case_sensitive = sensitive

    def get_metavar(self, *args, **kwargs):
        return self._as_written(super().get_metavar, *args, **kwargs)

    def get_missing_message(self, *args, **kwargs):
        return self._as_written(super().get_missing_message, *args, **kwargs)

    def get_invalid_choice_message(self, *args, **kwargs):
        return self._as_written(super().get_invalid_choice_message, *args, **kwargs)


def swedish_usage(command: click.Command) -> None:
    """`Användning: malark [FLAGGOR] KOMMANDO [ARGUMENT]...` instead of click's English
    placeholders, for `command` and every command below it."""
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            swedish_usage(sub)


def install() -> None:
    """Point click's message lookups at the Swedish tables. Call before the commands
    are declared: click names a path parameter (`fil`, `mapp`) when it is created."""
    from click import core, decorators, exceptions, formatting, parser, types

    replacements: dict[str, Callable[..., str]] = {"_": gettext, "ngettext": ngettext}
    for module in (core, decorators, exceptions, formatting, parser, types):
        for name, function in replacements.items():
            if hasattr(module, name):
                setattr(module, name, function)
