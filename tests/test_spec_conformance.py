"""SPEC conformance: the external contract of `/work/shared/SPEC.md`, pinned with the
SPEC's own literal strings (never the contract module's constants), so that a change in
`contract.py` that breaks users' macros fails here."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.cli import commands as cli_module
from malark.core.lights import indicator_light
from tests.helpers import edit
from tests.merge_support import fill_plan_round

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# SPEC 1: commands, options, arguments, python -m, exit codes, progress
# ---------------------------------------------------------------------------
# command → (arguments as (name, nargs, required), option flags it must accept)
SPEC_COMMANDS = {
    "init": ([("directory", 1, False)], set()),
    "demo": ([("directory", 1, False)], set()),
    "generate": ([("model", 1, True)], {"-o", "--period", "--previous", "--namnd", "--mall"}),
    "validate": ([("inputs", -1, True)], {"--model", "--period", "--format", "--annotate"}),
    "merge": ([("inputs", -1, True)], {"--model", "-o", "--period", "--skip-invalid", "--format"}),
    "kolada": ([("model", 1, True)], {"--years", "--jamfor", "--offline"}),
    "rules": ([], set()),
    "report": ([("consolidated", 1, True)], {"-o", "--template", "--previous"}),
}


def _params(command):
    arguments = [(p.name, p.nargs, p.required) for p in command.params
                 if p.param_type_name == "argument"]
    flags = {flag for p in command.params if p.param_type_name == "option" for flag in p.opts}
    return arguments, flags


@pytest.mark.parametrize("name", sorted(SPEC_COMMANDS))
def test_command_arguments_and_options_are_spec_1(name):
    arguments, flags = _params(cli.commands[name])
    spec_arguments, spec_flags = SPEC_COMMANDS[name]
    assert arguments == spec_arguments
    assert spec_flags <= flags


def test_command_set_and_addin_build():
    assert set(cli.commands) == {*SPEC_COMMANDS, "addin", "web", "mall"}
    build = cli.commands["addin"].commands["build"]
    arguments, flags = _params(build)
    assert arguments == [] and "-o" in flags
    options = {p.name: p for p in build.params}
    assert options["out_dir"].default == "."


def test_mall_kopiera_takes_a_folder():
    group = cli.commands["mall"].commands
    assert set(group) == {"kopiera"}
    arguments, _flags = _params(group["kopiera"])
    assert [a[0] for a in arguments] == ["directory"]


def test_web_build_and_serve_take_spec_7bs_options():
    web = cli.commands["web"].commands
    assert set(web) == {"build", "serve"}
    arguments, flags = _params(web["build"])
    assert arguments == [] and {"-o", "--base-url"} <= set(flags)
    arguments, flags = _params(web["serve"])
    assert [a[0] for a in arguments] == ["directory"] and "--port" in flags


@pytest.mark.parametrize(("command", "option", "choices"), [
    ("generate", "period", ["Plan", "T1", "T2", "Helår"]),
    ("validate", "period", ["Plan", "T1", "T2", "Helår"]),
    ("merge", "period", ["Plan", "T1", "T2", "Helår"]),
    ("validate", "output_format", ["text", "json"]),
    ("merge", "output_format", ["text", "json"]),
])
def test_choices_are_spec_1(command, option, choices):
    param = next(p for p in cli.commands[command].params if p.name == option)
    assert list(param.type.choices) == choices


def test_namnd_is_repeatable_and_model_and_output_are_required():
    params = {p.name: p for p in cli.commands["generate"].params}
    assert params["committees"].multiple
    assert params["out_dir"].required
    merge = {p.name: p for p in cli.commands["merge"].params}
    assert merge["model_path"].required and merge["out"].required and merge["skip_invalid"].is_flag


def test_console_script_and_python_dash_m():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["malark"] == "malark.cli:main"
    run = subprocess.run([sys.executable, "-m", "malark", "--help"], capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    for name in ("init", "demo", "generate", "validate", "merge", "addin", "rules"):
        assert re.search(rf"^\s+{name}\b", run.stdout, re.MULTILINE), name


@pytest.mark.parametrize("args", [
    ["validate", "x.xlsx", "--format", "xml"],
    ["validate", "x.xlsx", "--period", "T3"],
    ["validate"],
    ["generate", "malmodell.xlsx"],
    ["generate", "malmodell.xlsx", "-o", "ut", "--period", "Q1"],
    ["merge", "in", "-o", "s.xlsx"],
    ["merge", "in", "--model", "m.xlsx"],
    ["addin", "build", "--nej"],
    ["okänt-kommando"],
])
def test_bad_arguments_exit_2(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, args).exit_code == 2


def test_unreadable_model_exit_2(filled_files, tmp_path):
    broken = tmp_path / "modell.xlsx"
    broken.write_bytes(b"inte en arbetsbok")
    runner = CliRunner()
    for args in (["generate", broken, "-o", tmp_path / "ut"],
                 ["validate", filled_files["plan"], "--model", broken],
                 ["merge", filled_files["plan"], "--model", broken, "-o", tmp_path / "s.xlsx"]):
        result = runner.invoke(cli, [str(a) for a in args])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_exit_0_with_warnings_only(filled_files, tmp_path):
    plan = edit(filled_files["plan"], {"Nämndmål!E2": None}, out=tmp_path / "bun.xlsx")  # M003
    result = CliRunner().invoke(cli, ["validate", str(plan), "--format", "json"])
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert {f["severity"] for f in findings} == {"warning"}
    assert result.exit_code == 0


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_bar_only_on_a_terminal_and_for_many_files(monkeypatch, tmp_path):
    paths = [tmp_path / f"{i}.xlsx" for i in range(cli_module.PROGRESS_MIN_FILES)]
    quiet = _Terminal()
    quiet.isatty = lambda: False
    monkeypatch.setattr(sys, "stderr", quiet)
    with cli_module._ProgressBar() as bar:
        for done, path in enumerate(paths, 1):
            bar(done, len(paths), path)
    assert quiet.text == ""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli_module._ProgressBar() as bar:
        assert bar._bar is None
        for done, path in enumerate(paths, 1):
            bar(done, len(paths), path)
        assert bar._bar is not None and bar._bar.tasks[0].completed == len(paths)


def test_validate_json_of_many_files_is_one_document_and_nothing_else(filled_files, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(cli_module.PROGRESS_MIN_FILES + 1):
        shutil.copy(filled_files["plan"], folder / f"bun{i}.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1  # copies of one committee's file: S011 on each
    files = json.loads(result.stdout)["files"]
    assert len(files) == cli_module.PROGRESS_MIN_FILES + 1
    assert all(f["findings"][0]["code"] == "S011" for f in files)
    assert result.stderr == ""


# ---------------------------------------------------------------------------
# SPEC 2: the master goal model
# ---------------------------------------------------------------------------
SPEC_MODEL = {
    "Kommun": ["Fält", "Värde"],
    "Nämnder": ["Id", "Namn", "Kontaktperson", "E-post"],
    "KF-mål": ["Id", "Perspektiv", "Målformulering", "Startår", "Slutår", "Samordnande nämnd",
               "Adresserad till"],
    "KF-indikatorer": ["Id", "Mål", "Indikator", "Enhet", "Riktning", "Utgångsvärde",
                       "Utgångsår", "Målvärde", "Målår", "Kolada-KPI"],
    "Inställningar": ["Fält", "Värde"],
    "Indikatorvärden": ["Indikator", "År", "Period", "Värde", "Källa", "Kommentar"],  # optional (SPEC 9)
}


def test_model_sheets_headers_and_fields_are_spec_2(model_path):
    workbook = openpyxl.load_workbook(model_path)
    assert workbook.sheetnames == list(SPEC_MODEL)
    for sheet, headers in SPEC_MODEL.items():
        assert [c.value for c in workbook[sheet][1]] == headers, sheet
    fields = [r[0] for r in workbook["Kommun"].iter_rows(min_row=2, values_only=True)]
    assert fields[:5] == ["Kommun", "Kommunkod", "Budgetår", "Vision", "Sista inlämningsdag"]
    settings = {r[0]: r[1] for r in workbook["Inställningar"].iter_rows(min_row=2, values_only=True)}
    assert settings["Gul-gräns"] == 0.5


def test_addressed_to_alla_or_comma_separated_ids(model_path):
    edit(model_path, {"KF-mål!G2": "Alla", "KF-mål!F3": "KS", "KF-mål!G3": "BUN, KS"})
    model = api.load_model(model_path)
    first, second = model.kf_goals[0], model.kf_goals[1]
    assert first.addressed == model.committee_ids
    assert set(second.addressed) == {"BUN", "KS"}


# ---------------------------------------------------------------------------
# SPEC 3: the committee workbook
# ---------------------------------------------------------------------------
SPEC_META_FIELDS = ["format_version", "kommun", "kommunkod", "budgetår", "period", "nämnd",
                    "generated_at", "model_fingerprint", "malark_version"]


def test_committee_sheet_order_and_very_hidden_metadata(filled_files):
    workbook = openpyxl.load_workbook(filled_files["t1"])
    assert workbook.sheetnames == ["Instruktioner", "Kontroll", "KF-mål", "Nämndmål",
                                   "Indikatorer", "Aktiviteter", "_malark"]
    meta = workbook["_malark"]
    assert meta.sheet_state == "veryHidden"
    assert [c.value for c in meta[1]][:2] == ["Fält", "Värde"]
    fields = [r[0] for r in meta.iter_rows(min_row=2, values_only=True)]
    assert fields[:len(SPEC_META_FIELDS)] == SPEC_META_FIELDS
    values = dict(meta.iter_rows(min_row=2, max_col=2, values_only=True))
    assert (values["period"], values["nämnd"]) == ("T1", "KS")


def test_ids_follow_spec_3(filled_files):
    workbook = openpyxl.load_workbook(filled_files["t1"], read_only=True)
    ids = {name: [r[0] for r in workbook[name].iter_rows(min_row=2, values_only=True) if r[0]]
           for name in ("KF-mål", "Nämndmål", "Indikatorer", "Aktiviteter")}
    workbook.close()
    assert ids["KF-mål"] and all(re.fullmatch(r"KF\d+", i) for i in ids["KF-mål"])
    assert all(re.fullmatch(r"KS-\d+", i) for i in ids["Nämndmål"])
    goal = r"(KF\d+|KS-\d+)"
    assert ids["Indikatorer"] and all(re.fullmatch(rf"{goal}-I\d+", i) for i in ids["Indikatorer"])
    assert all(re.fullmatch(rf"{goal}-A\d+", i) for i in ids["Aktiviteter"])


def test_file_name_is_kommun_year_period_committee(_example_project, tmp_path):
    model = api.load_model(_example_project.model)
    paths = api.generate(_example_project.model, tmp_path, period="Helår", committees=["SN"])
    assert [p.name for p in paths] == [f"{model.municipality}_{model.budget_year}_Helår_SN.xlsx"]


# ---------------------------------------------------------------------------
# SPEC 4: findings and the JSON report
# ---------------------------------------------------------------------------
def test_json_findings_keys_types_and_counts(filled_files, tmp_path):
    t1 = edit(filled_files["t1"], {"Nämndmål!H2": "Röd"}, out=tmp_path / "ks.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(t1), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document) == ["malark_version", "files"]
    assert isinstance(document["malark_version"], str) and document["malark_version"]
    (entry,) = document["files"]
    assert (entry["namnd"], entry["period"], entry["file"]) == ("KS", "T1", str(t1))
    findings = entry["findings"]
    assert entry["errors"] == sum(f["severity"] == "error" for f in findings) >= 1
    assert entry["warnings"] == sum(f["severity"] == "warning" for f in findings)
    for finding in findings:
        assert list(finding) == ["code", "severity", "file", "sheet", "cell", "ref", "message"]
        assert finding["severity"] in {"error", "warning", "info"}
        assert finding["cell"] is None or re.fullmatch(r"[A-Z]+[0-9]+", finding["cell"])
        assert finding["message"]
    d007 = next(f for f in findings if f["code"] == "D007")
    assert (d007["sheet"], d007["cell"], d007["ref"]) == ("Nämndmål", "J2", "KS-1")


# ---------------------------------------------------------------------------
# SPEC 5: the traffic light, stated case by case from the SPEC's text
# ---------------------------------------------------------------------------
HIGHER, LOWER = "Högre är bättre", "Lägre är bättre"


@pytest.mark.parametrize(("direction", "b", "t", "u", "threshold", "light"), [
    (HIGHER, 60, 70, None, 0.5, None),   # no Utfall → Ej bedömd
    (HIGHER, 60, 70, 70, 0.5, 3),        # u ≥ t → Grön
    (HIGHER, 60, 70, 90, 0.5, 3),
    (HIGHER, 60, 70, 65, 0.5, 2),        # (65−60)/(70−60) = 0.5 ≥ Gul-gräns → Gul
    (HIGHER, 60, 70, 64, 0.5, 1),        # 0.4 → Röd
    (HIGHER, 60, 70, 65, 0.6, 1),        # the Gul-gräns is a setting
    (HIGHER, 60, 70, 66, 0.6, 2),
    (HIGHER, 70, 70, 69, 0.5, 1),        # t = b: no ratio → Röd
    (HIGHER, None, 80, 72, 0.5, 2),      # no b: u ≥ t − 0.1·|t| → Gul
    (HIGHER, None, 80, 71, 0.5, 1),
    (HIGHER, None, -10, -11, 0.5, 2),    # |t| for a negative target
    (HIGHER, None, -10, -12, 0.5, 1),
    (LOWER, 8, 6, 6, 0.5, 3),            # lower is better: negate all three
    (LOWER, 8, 6, 5, 0.5, 3),
    (LOWER, 8, 6, 7, 0.5, 2),
    (LOWER, 8, 6, 7.5, 0.5, 1),
    (LOWER, None, 50, 55, 0.5, 2),
    (LOWER, None, 50, 56, 0.5, 1),
    (LOWER, 6, 6, 6.5, 0.5, 1),
])
def test_light_rule_is_spec_5(direction, b, t, u, threshold, light):
    assert indicator_light(b, t, u, direction, threshold) == light


# ---------------------------------------------------------------------------
# SPEC 6: the consolidated workbook
# ---------------------------------------------------------------------------
SPEC_CONSOLIDATED = ["Översikt", "KF-mål", "Nämndmål", "Indikatorer", "Aktiviteter",
                     "Avvikelser", "Historik", "Trender", "Inlämningar", "Valideringsfynd", "_malark"]
SPEC_SECTION_3 = {
    "KF-mål": ["Id", "Perspektiv", "Målformulering", "Samordnande nämnd", "Bedömning", "Analys",
               "Åtgärder", "Bidrag"],
    "Nämndmål": ["Id", "KF-mål", "Perspektiv", "Målformulering", "Ansvarig", "Startår", "Slutår",
                 "Bedömning", "Analys", "Åtgärder"],
    "Indikatorer": ["Id", "Mål", "Indikator", "Enhet", "Riktning", "Utgångsvärde", "Utgångsår",
                    "Målvärde", "Målår", "Föregående utfall", "Utfall", "Trafikljus", "Kommentar",
                    "Kolada-KPI"],
    "Aktiviteter": ["Id", "Mål", "Aktivitet", "Ansvarig", "Startdatum", "Slutdatum", "Status",
                    "Kommentar"],
}


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """Five of the six example committees returned for Plan; SN's file has an error (a
    nämndmål on a KF goal that does not exist) and MBN sent nothing."""
    root = tmp_path_factory.mktemp("spec_merge")
    paths = api.init_project(root)
    fill_plan_round(paths.model, root)
    inbox = root / "ret"
    next(inbox.glob("*_MBN.xlsx")).unlink()
    edit(next(inbox.glob("*_SN.xlsx")), {"Nämndmål!B2": "KF99"})
    out = root / "samman.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(inbox), "--model", str(paths.model), "-o",
                                      str(out), "--skip-invalid", "--format", "json"])
    return {"result": result, "out": out, "inbox": inbox, "model": paths.model}


def test_merge_json_adds_output_merged_missing(merged):
    result = merged["result"]
    assert result.exit_code == 1  # SN has an error: merged anyway, but the run has errors
    assert result.stderr == ""  # five files, not a terminal: no progress bar
    document = json.loads(result.stdout)
    assert {"malark_version", "files", "output", "merged", "missing"} <= set(document)
    assert document["output"] == str(merged["out"])
    assert document["merged"] == ["KS", "BUN", "KFN", "TN"]
    assert document["missing"] == ["MBN"]
    assert sorted(f["namnd"] for f in document["files"]) == ["BUN", "KFN", "KS", "SN", "TN"]


def test_consolidated_sheets_prefix_and_statuses(merged):
    workbook = openpyxl.load_workbook(merged["out"])
    assert workbook.sheetnames == SPEC_CONSOLIDATED
    assert workbook["_malark"].sheet_state == "veryHidden"
    for sheet, headers in SPEC_SECTION_3.items():
        assert [c.value for c in workbook[sheet][1]][:len(headers) + 1] == ["Nämnd", *headers]
    rows = list(workbook["Inlämningar"].iter_rows(values_only=True))
    status = rows[0].index("Status")
    committee = next(i for i, h in enumerate(rows[0]) if h in ("Nämnd", "Id"))
    statuses = {r[committee]: r[status] for r in rows[1:]}
    assert statuses == {"KS": "Inläst", "BUN": "Inläst", "SN": "Ej inläst", "KFN": "Inläst",
                        "TN": "Inläst", "MBN": "Saknas"}
    sha = next(i for i, h in enumerate(rows[0]) if "sha256" in str(h).lower())
    file = next(i for i, h in enumerate(rows[0]) if h == "Fil")
    for row in rows[1:]:
        if row[status] != "Saknas":
            digest = hashlib.sha256(Path(row[file]).read_bytes()).hexdigest()
            assert row[sha] == digest, row


def test_merge_with_an_error_writes_nothing_and_exits_1(merged, tmp_path):
    out = tmp_path / "samman.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(merged["inbox"]), "--model",
                                      str(merged["model"]), "-o", str(out), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["output"] is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def follow_up(tmp_path_factory):
    """A T1 consolidation of the example: every committee returned, outcomes varied so
    that the lights are Grön, Gul and Röd, coordinated KF goals assessed Gul."""
    from tests.merge_support import follow_up_changes, returned_copies

    root = tmp_path_factory.mktemp("spec_t1")
    paths = api.init_project(root)
    model = api.load_model(paths.model)
    files = returned_copies(api.generate(paths.model, root / "sent", period="T1"), root / "ret")
    for file in files:
        edit(file, follow_up_changes(file, model, {"KF1-I1": 70, "KF5-I2": 7.0}))
    result = api.merge([root / "ret"], model_path=paths.model, out=root / "t1.xlsx")
    assert result.errors == 0
    return openpyxl.load_workbook(root / "t1.xlsx"), model, root


def test_consolidated_lights_are_numeric_codes_of_the_spec_5_rule(follow_up):
    workbook, model, _ = follow_up
    rows = list(workbook["Indikatorer"].iter_rows())
    header = [c.value for c in rows[0]]
    column = {name: header.index(name) for name in
              ("Riktning", "Utgångsvärde", "Målvärde", "Utfall", "Trafikljus")}
    seen = set()
    for row in rows[1:]:
        light = row[column["Trafikljus"]]
        assert light.data_type == "n" and isinstance(light.value, int)
        expected = indicator_light(row[column["Utgångsvärde"]].value, row[column["Målvärde"]].value,
                                   row[column["Utfall"]].value, row[column["Riktning"]].value,
                                   model.settings.yellow_threshold)
        assert light.value == expected
        seen.add(light.value)
    assert seen == {1, 2, 3}
    rules = [rule for cf in workbook["Indikatorer"].conditional_formatting for rule in cf.rules]
    # 3TrafficLights1 is OOXML's default icon set, so a writer may leave the name out
    assert any(r.type == "iconSet" and r.iconSet.iconSet in (None, "3TrafficLights1")
               for r in rules)


def test_deviations_list_every_red_and_yellow_assessment(follow_up):
    workbook, _, _ = follow_up
    assessed = set()
    for sheet in ("KF-mål", "Nämndmål"):
        rows = list(workbook[sheet].iter_rows(values_only=True))
        at = rows[0].index("Bedömning")
        assessed |= {(r[0], r[1]) for r in rows[1:] if r[at] in ("Röd", "Gul")}
    rows = list(workbook["Avvikelser"].iter_rows(values_only=True))
    listed = {(r[0], r[rows[0].index("Id")]) for r in rows[1:] if r[0]}
    assert assessed and listed == assessed
    assert {"Analys", "Åtgärder"} <= set(rows[0])


def test_results_sheet_name_of_annotate_and_the_button(filled_files, tmp_path):
    from malark.core.contract import SHEET_RESULTS

    assert SHEET_RESULTS == "Valideringsresultat"  # the add-in's sheet (SPEC 7)
    t1 = edit(filled_files["t1"], {"Nämndmål!H2": "Röd"}, out=tmp_path / "ks.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(t1), "--annotate", str(tmp_path / "ut")])
    assert result.exit_code == 1
    copy = openpyxl.load_workbook(tmp_path / "ut" / "ks.xlsx")
    assert copy.sheetnames[0] == "Valideringsresultat"


def test_addin_sources_and_install_docs_exist():
    assert (ROOT / "macros" / "customUI.xml").is_file()
    assert list((ROOT / "macros").glob("*.bas"))
    ribbon = (ROOT / "macros" / "customUI.xml").read_text(encoding="utf-8")
    assert 'label="Målark"' in ribbon and 'label="Validera"' in ribbon
    guide = (ROOT / "docs" / "tillagg.md").read_text(encoding="utf-8")
    assert "Windows" in guide and "macOS" in guide


def test_d005_to_d007_only_in_follow_up_periods(filled_data):
    from tests.filled_workbooks import check_keys, edited

    red_without_words = {"Nämndmål!H2": "Röd", "Nämndmål!I2": None, "Nämndmål!J2": None,
                         "Indikatorer!K2": None}
    plan = check_keys(edited(filled_data["plan"], red_without_words))
    t1 = check_keys(edited(filled_data["t1"], red_without_words))
    assert not {k for k in plan if k[0] in ("D005", "D006", "D007")}
    assert {("D005", "Indikatorer", "K2"), ("D006", "Nämndmål", "I2"),
            ("D007", "Nämndmål", "J2")} <= set(t1)


def test_smart_rules_only_in_plan(filled_data):
    from tests.filled_workbooks import check_keys, edited

    vague = {"Nämndmål!D2": "Verka för att utveckla verksamheten.", "Nämndmål!E2": None}
    plan = check_keys(edited(filled_data["plan"], vague))
    t1 = check_keys(edited(filled_data["t1"], vague))
    assert {("M001", "Nämndmål", "D2"), ("M003", "Nämndmål", "E2")} <= set(plan)
    assert not {k for k in t1 if k[0].startswith("M")}


def test_s004_other_budget_year_than_the_model(filled_files, model_path):
    workbook = openpyxl.load_workbook(model_path, read_only=True)
    row = next(i for i, r in enumerate(workbook["Kommun"].iter_rows(values_only=True), 1)
               if r[0] == "Budgetår")
    year = next(r[1] for r in workbook["Kommun"].iter_rows(values_only=True) if r[0] == "Budgetår")
    workbook.close()
    edit(model_path, {f"Kommun!B{row}": year + 1})
    result = CliRunner().invoke(cli, ["validate", str(filled_files["plan"]), "--model",
                                      str(model_path), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert any(f["code"] == "S004" and f["sheet"] == "_malark" for f in findings)


def test_submitted_text_is_never_a_formula_in_any_sheet(follow_up, tmp_path):
    from tests.test_consolidated import edit_text

    inbox = tmp_path / "in"
    shutil.copytree(follow_up[2] / "ret", inbox)
    ks, bun = next(inbox.glob("*_KS.xlsx")), next(inbox.glob("*_BUN.xlsx"))
    texts = {"KF-mål!F2": '=HYPERLINK("http://x","klicka")',  # KS's analysis of KF1 (Gul)
             "KF-mål!H2": "+1+2", "Indikatorer!M2": "@SUM(1)"}
    edit_text(ks, texts)
    edit_text(bun, {"Indikatorer!E2": "=2+2"})  # D004: not a Riktning; BUN is not merged
    bad_name = inbox / ("=1+1_" + bun.name)
    bun.rename(bad_name)
    out = tmp_path / "t1.xlsx"
    result = api.merge([inbox], model_path=follow_up[2] / "malmodell.xlsx", out=out,
                       skip_invalid=True)
    assert result.output == out and "BUN" not in result.merged
    workbook = openpyxl.load_workbook(out)
    cells = [c for ws in workbook for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    strings = {c.value for c in cells if c.data_type == "s"}
    assert set(texts.values()) <= strings
    assert str(bad_name) in strings
    deviations = [r for r in workbook["Avvikelser"].iter_rows(values_only=True) if r[0] == "KS"]
    assert any(texts["KF-mål!F2"] in r for r in deviations)


def test_gul_grans_defaults_to_one_half_and_is_read_from_the_model(model_path):
    workbook = openpyxl.load_workbook(model_path, read_only=True)
    row = next(i for i, r in enumerate(workbook["Inställningar"].iter_rows(values_only=True), 1)
               if r[0] == "Gul-gräns")
    workbook.close()
    edit(model_path, {f"Inställningar!B{row}": "0,7"})
    assert api.load_model(model_path).settings.yellow_threshold == 0.7
    edit(model_path, {f"Inställningar!B{row}": None})
    assert api.load_model(model_path).settings.yellow_threshold == 0.5


@pytest.mark.parametrize(("changes", "key"), [
    ({"Nämndmål!A2": "Mål ett"}, ("K006", "Nämndmål", "A2")),
    ({"Nämndmål!A2": "KS-1"}, ("K006", "Nämndmål", "A2")),        # another committee's prefix
    ({"Indikatorer!A2": "BUN-1-X"}, ("K006", "Indikatorer", "A2")),
    ({"Aktiviteter!A2": "KF1-I9"}, ("K006", "Aktiviteter", "A2")),  # an indicator id
])
def test_k006_ids_typed_against_the_spec_3_pattern(filled_data, changes, key):
    from tests.filled_workbooks import check_keys, edited

    assert key in check_keys(edited(filled_data["plan"], changes))


def test_k006_passes_on_spec_ids_and_model_indicators(filled_data):
    from tests.filled_workbooks import check_keys, edited

    fine = {"Nämndmål!A2": "BUN-17", "Indikatorer!A2": "BUN-17-I3", "Indikatorer!B2": "BUN-17",
            "Aktiviteter!A2": "BUN-17-A12", "Aktiviteter!B2": "BUN-17"}
    assert not {k for k in check_keys(edited(filled_data["plan"], fine))
                if k[0] == "K006"}
    assert not {k for k in check_keys(filled_data["t1"]) if k[0] == "K006"}


def test_a_workbook_marked_by_validera_can_be_submitted(filled_files, _example_project, tmp_path):
    """SPEC 7's button writes `Valideringsresultat`, fills and notes into the controller's
    own workbook, which is then sent in: validate and merge must take it as it is."""
    from malark.core.findings import Finding, Severity
    from malark.validate.annotate import annotate_workbook

    source = shutil.copy(filled_files["t1"], tmp_path / "ks.xlsx")
    marks = [Finding(code="D001", severity=Severity.ERROR, file=str(source), sheet="Indikatorer",
                     cell="K2", ref="KF1-I1", message="Utfall ska vara ett tal.")]
    marked = annotate_workbook(Path(source), marks, tmp_path / "markerad")
    assert "Valideringsresultat" in openpyxl.load_workbook(marked, read_only=True).sheetnames
    [report] = api.validate_files([marked], model_path=_example_project.model)
    assert [f.key() for f in report.findings] == []
    result = api.merge([marked], model_path=_example_project.model, out=tmp_path / "s.xlsx")
    assert result.merged == ["KS"] and result.errors == 0


def test_every_finding_is_in_valideringsfynd(merged):
    document = json.loads(merged["result"].stdout)
    expected = sorted((f["code"], f["sheet"], f["cell"]) for entry in document["files"]
                      for f in entry["findings"])
    rows = list(openpyxl.load_workbook(merged["out"])["Valideringsfynd"].iter_rows(values_only=True))
    at = [rows[0].index(h) for h in ("Kod", "Blad", "Cell")]
    assert expected and sorted(tuple(r[i] for i in at) for r in rows[1:]) == expected


def test_k006_indicator_id_must_start_with_its_own_goal(filled_data):
    from tests.filled_workbooks import check_keys, edited

    changes = {"Nämndmål!A2": "BUN-17", "Indikatorer!A2": "BUN-3-I1", "Indikatorer!B2": "BUN-17"}
    assert ("K006", "Indikatorer", "A2") in check_keys(edited(filled_data["plan"], changes))


def test_k006_model_kf_indicator_ids_are_reserved(filled_data):
    from malark.core.example import example_model
    from tests.filled_workbooks import check_keys, edited

    # BUN does not coordinate KF1, so KF1-I1 is not in its workbook: typing it collides
    changes = {"Indikatorer!A2": "KF1-I1", "Indikatorer!B2": "KF1"}
    keys = check_keys(edited(filled_data["plan"], changes), model=example_model())
    assert ("K006", "Indikatorer", "A2") in keys
    changes = {"Indikatorer!A2": "KF1-I7", "Indikatorer!B2": "KF1"}
    assert ("K006", "Indikatorer", "A2") not in check_keys(
        edited(filled_data["plan"], changes), model=example_model())
