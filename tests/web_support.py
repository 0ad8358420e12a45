"""Shared by the web tests: one build of the page, the workbooks the browser validates,
and the CLI's JSON for the same files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from malark.cli import cli
from malark.web.build import WebBuild, build_web

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://intranat.sjoberga.se/malark/"


def web_cache() -> Path:
    return Path(os.environ.get("MALARK_WEB_CACHE") or ROOT / "build" / "web-cache")


def build_web_once(out: Path) -> WebBuild:
    return build_web(out, base_url=BASE_URL, cache=web_cache())


def cli_json(folder: Path, names: list[str], *extra: str) -> dict:
    """`malark validate NAMES... --format json` run in `folder`, as a user would."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["validate", *names, "--format", "json", *extra])
    finally:
        os.chdir(previous)
    assert result.exit_code in (0, 1, 2), result.output
    return json.loads(result.stdout)


def copy_as(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(source, folder / name))


def browser_workbooks(folder: Path, filled_plan: Path, blank_sn: Path) -> list[str]:
    """The files the browser test picks, written into `folder`; their names in order.
    A clean workbook, one with errors, one with a typed-as-text number, hostile ones (zip
    bomb, XML bomb, encrypted, macros), one that is not malark's and one over the size limit."""
    from tests import hostile
    from tests.helpers import edit

    folder.mkdir(parents=True, exist_ok=True)
    copy_as(filled_plan, folder, "BUN_ifylld.xlsx")
    edit(filled_plan, {"Nämndmål!H2": "Lila", "Aktiviteter!E2": "31 februari"},
         out=folder / "BUN med fel.xlsx")
    copy_as(blank_sn, folder, "SN_tom.xlsx")
    hostile.zip_bomb(folder / "zipbomb.xlsx")
    hostile.xml_bomb_sheet(folder / "xmlbomb.xlsx")
    hostile.encrypted_ooxml(folder / "lösenord.xlsx")
    hostile.with_macros(folder / "makron.xlsm")
    hostile.small_workbook(folder / "inte_malark.xlsx")
    with (folder / "för_stor.xlsx").open("wb") as handle:  # sparse: no disk used
        handle.write(b"PK\x03\x04")
        handle.truncate(51 * 1024 * 1024)
    return ["BUN_ifylld.xlsx", "BUN med fel.xlsx", "SN_tom.xlsx", "zipbomb.xlsx", "xmlbomb.xlsx",
            "lösenord.xlsx", "makron.xlsm", "inte_malark.xlsx", "för_stor.xlsx"]
