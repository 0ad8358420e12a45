"""Generated docs are current, and every command is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from malark.cli import cli
from malark.cli.docgen import pages

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(pages()))
def test_generated_page_is_current(name):
    expected = pages()[name]
    actual = (DOCS / name).read_text(encoding="utf-8") if (DOCS / name).exists() else ""
    assert actual == expected, f"docs/{name} är inaktuell: kör `make docs`"


def test_every_command_is_in_the_cli_reference():
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        assert f"## malark {name}" in reference


def test_readme_quick_start_is_two_commands():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Snabbstart", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_docs_links_resolve():
    for page in [DOCS.parent / "README.md", *DOCS.glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for target in _links(text):
            assert (page.parent / target).exists(), f"{page.name}: trasig länk {target}"


def _links(text: str):
    import re

    for match in re.finditer(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        target = match.group(1)
        if not target.startswith(("http://", "https://", "mailto:")):
            yield target
