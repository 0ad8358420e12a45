"""Excel accepts everything malark writes: Microsoft's Open XML SDK validator (Microsoft 365
rules) and a checker of Excel's documented limits (`tools/ooxml`, installed by `make test`)
run once, in one process, over one file of every kind malark writes, and find nothing.

`WRITTEN` is the one list of those kinds: to check a new kind of output (the report .docx,
the web add-in's files, ...), add one line naming a function that writes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from malark import api
from malark.generate.style import ERROR_LIMIT, PROMPT_LIMIT, TITLE_LIMIT

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT / "tools" / "ooxml" / "validate_xlsx.sh"
OOXML_HOME = Path(os.environ.get("OOXML_HOME") or Path(os.environ.get("XDG_CACHE_HOME")
                                                       or Path.home() / ".cache") / "ooxml-validator")
HOSTILE_BUT_VALID = {
    # text Excel holds at its limit (UTF-16 units: an emoji is two), text that looks like a
    # formula, control characters, rich markup
    "Nämndmål!I2": "🌍" * 16_383,
    "Aktiviteter!H2": '=HYPERLINK("http://example.invalid","Klicka här")',
    "Aktiviteter!H3": "[/bold] rad ett\nrad två\ttab",
}


class Outputs:
    """Builds each kind of file once, in `folder`."""

    def __init__(self, folder: Path, project: api.ProjectPaths, filled: dict[str, Path],
                 plan_set: tuple[Path, Path]) -> None:
        self.folder, self.project, self.filled, self.plan_set = folder, project, filled, plan_set

    def model(self) -> Path:
        return self.project.model

    def generated(self) -> Path:
        return api.generate(self.project.model, self.folder / "generated", period="T1",
                            committees=["KS"])[0]

    def filled_plan(self) -> Path:
        return self.filled["plan"]

    def filled_hostile(self) -> Path:
        from tests.helpers import edit

        return edit(self.filled["plan"], HOSTILE_BUT_VALID, out=self.folder / "hostile_BUN.xlsx")

    def annotated(self) -> Path:
        source = self.filled_hostile()
        changed = self.folder / "annotate_in" / source.name
        changed.parent.mkdir()
        from tests.helpers import edit

        edit(source, {"Nämndmål!E2": None, "Aktiviteter!G3": "Kanske", "Aktiviteter!K2": "bredvid"},
             out=changed)
        reports = api.validate_files([changed])
        assert reports[0].findings
        return api.annotate(reports, self.folder / "annotated")[0]

    def consolidated(self) -> Path:
        model, returned = self.plan_set
        inbox = self.folder / "inbox"
        shutil.copytree(returned, inbox)
        for path in inbox.glob("*_BUN.xlsx"):
            path.unlink()
        shutil.copy(self.filled_hostile(), inbox / "Sjöberga_2027_Plan_BUN.xlsx")
        result = api.merge([inbox], model_path=model, out=self.folder / "samman.xlsx")
        assert result.output is not None and result.errors == 0, result.to_dict()
        return result.output

    def addin(self) -> Path:
        return api.build_addin(self.folder / "addin")

    def templated(self) -> Path:
        """A workbook of a municipality's template: other words, colours, font and a logo
        (an image part the standard workbook does not have)."""
        from tests.template_support import vansbro_vargarda

        folder = vansbro_vargarda(self.folder / "mall")
        return api.generate(self.project.model, self.folder / "templated", period="T1",
                            committees=["KS"], template=folder)[0]

    def report(self) -> Path:
        return api.report(self.consolidated_once(), self.folder / "rapport.docx")

    def consolidated_once(self) -> Path:
        done = self.folder / "samman.xlsx"
        return done if done.exists() else self.consolidated()


WRITTEN: dict[str, Callable[[Outputs], Path]] = {
    "goal model (malark init)": Outputs.model,
    "committee workbook (generate)": Outputs.generated,
    "filled committee workbook": Outputs.filled_plan,
    "filled workbook with odd but valid text": Outputs.filled_hostile,
    "annotated copy (validate --annotate)": Outputs.annotated,
    "consolidated workbook (merge)": Outputs.consolidated,
    "malark.xlam (addin build)": Outputs.addin,
    "workbook of a municipality's template, with a logo (generate --mall)": Outputs.templated,
    "the council report (report -o .docx)": Outputs.report,
}


def _installed() -> bool:
    return (OOXML_HOME / "venv" / "bin" / "python").is_file() and \
        (OOXML_HOME / "sdk.runtimeconfig.json").is_file()


@pytest.fixture(scope="module")
def written(tmp_path_factory, _example_project, filled_files, plan_set) -> dict[str, Path]:
    outputs = Outputs(tmp_path_factory.mktemp("written"), _example_project, filled_files, plan_set)
    return {kind: build(outputs) for kind, build in WRITTEN.items()}


@pytest.mark.skipif(not _installed(), reason="OOXML-validatorn är inte installerad (make ooxml-validator)")
def test_the_validator_finds_nothing_in_anything_malark_writes(written):
    files = [str(path) for path in written.values()]
    run = subprocess.run(["bash", str(VALIDATOR), *files], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "OOXML_HOME": str(OOXML_HOME)})
    problems = [line for line in run.stdout.splitlines() if "\t" in line]
    assert run.stdout.strip().endswith(f"{len(files)} files, 0 problems"), "\n".join(problems)
    assert run.returncode == 0


def test_data_validation_texts_fit_excels_limits_and_whole_words(written):
    workbook = openpyxl.load_workbook(written["committee workbook (generate)"])
    seen = 0
    for sheet in workbook.worksheets:
        for dv in sheet.data_validations.dataValidation:
            seen += 1
            for text, limit in ((dv.promptTitle, TITLE_LIMIT), (dv.errorTitle, TITLE_LIMIT),
                                (dv.prompt, PROMPT_LIMIT), (dv.error, ERROR_LIMIT)):
                if text:
                    assert len(text.encode("utf-16-le")) // 2 <= limit, text
            assert not (dv.errorTitle or "").endswith("utfa"), dv.errorTitle
    assert seen > 10
