"""Generated reference pages: `docs/cli.md` from the commands' `--help`, and
`docs/rules.md` from the rule catalogue. `make docs` runs this; tests fail when a page is
stale, so a command or rule can never go undocumented.

    python -m malark.cli.docgen docs
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["cli_markdown", "pages", "write_pages"]


def _commands(group: click.Group, ctx: click.Context, prefix: str):
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        sub_ctx = click.Context(command, info_name=path, parent=None, terminal_width=100,
                                max_content_width=100)
        yield path, command.get_help(sub_ctx)
        if isinstance(command, click.Group):
            yield from _commands(command, sub_ctx, path)


def cli_markdown() -> str:
    """The CLI reference: every command's `--help`, as Markdown."""
    from malark.cli.commands import cli

    ctx = click.Context(cli, info_name="malark", terminal_width=100, max_content_width=100)
    parts = [
        "# Kommandoreferens",
        "",
        "Genererad från kommandonas `--help` med `make docs`; redigera inte för hand.",
        "",
        "Slutkoder: 0 = inga fel (varningar tillåtna), 1 = minst ett fel i en fil, "
        "2 = kommandot kunde inte köras (felaktiga argument, oläslig målmodell).",
        "",
        "## malark",
        "",
        "```",
        cli.get_help(ctx),
        "```",
    ]
    for path, help_text in _commands(cli, ctx, "malark"):
        parts += ["", f"## {path}", "", "```", help_text, "```"]
    return "\n".join(parts) + "\n"


def pages() -> dict[str, str]:
    """File name → content of every generated page."""
    from malark.core.findings import catalogue_markdown
    from malark.validate.checks import live_builders

    return {"cli.md": cli_markdown(), "rules.md": catalogue_markdown(live_builders())}


def write_pages(docs_dir: Path) -> list[Path]:
    written = []
    for name, content in pages().items():
        target = docs_dir / name
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
