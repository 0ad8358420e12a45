"""`malark kolada` against a local stand-in for Kolada API v3 (tests/kolada_server.py):
paging, null and deleted values, unknown KPIs, 429/500 then success, timeouts, an
unreachable service; values a person typed are never overwritten; nothing else in the
model changes; the write is atomic and refused while the model is open."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.core.errors import InputError
from malark.kolada.client import KoladaBadResponse, KoladaClient, KoladaUnavailable
from tests.helpers import edit
from tests.kolada_server import Delay, FakeKolada, data_row, page

YEARS = ",".join(str(y) for y in range(2019, 2027))
DATA = f"/data/kpi/N03102,N15427/municipality/1384,0000/year/{YEARS}"
TITLES = {"N03102": "Årets resultat som andel av skatt & generella statsbidrag, kommun (%)",
          "N15427": "Gymnasieelever med examen inom 4 år, hemkommun, andel (%)"}
TODAY = date(2027, 3, 1)


@pytest.fixture(scope="module")
def server():
    fake = FakeKolada()
    yield fake
    fake.close()


@pytest.fixture
def kolada(server):
    server.reset()
    return server


def client_for(server: FakeKolada, **options):
    settings = {"timeout": 0.3, "backoff": 0.0, "min_interval": 0.0, **options}
    return lambda: KoladaClient(server.base, **settings)


@pytest.fixture
def model(model_path) -> Path:
    """The example model for Kungsbacka's code, with a second Kolada KPI on KF1-I1."""
    return edit(model_path, {"Kommun!B3": "1384", "KF-indikatorer!J2": "N15427"})


def standard_routes(server: FakeKolada, *, titles=TITLES, first=None, second=None) -> None:
    server.route("/kpi/N03102,N15427?per_page=5000",
                 (200, page([{"id": k, "title": t} for k, t in titles.items()])))
    server.route("/municipality/1384,0000?per_page=5000", (200, page([
        {"id": "1384", "title": "Kungsbacka", "type": "K"}, {"id": "0000", "title": "Riket", "type": "L"}])))
    first = first if first is not None else [
        data_row("N03102", "1384", 2019, 2.1), data_row("N03102", "1384", 2020, 5.0),
        data_row("N03102", "1384", 2021, 6.2), data_row("N03102", "1384", 2022, 3.3),
        data_row("N03102", "1384", 2023, None),  # null: not published
        data_row("N03102", "1384", 2024, 0.9),  # the same as the model's own 0.9
        data_row("N03102", "1384", 2025, 1.38),  # the model has 1.4 from the annual report
        *(data_row("N03102", "0000", y, v) for y, v in ((2022, 2.6), (2023, 0.6), (2024, 1.9),
                                                         (2025, 1.3))),
    ]
    second = second if second is not None else [
        data_row("N15427", "1384", 2019, 70.1),
        data_row("N15427", "1384", 2020, 71.0, isdeleted=True),
        data_row("N15427", "1384", 2021, 72.5), data_row("N15427", "0000", 2021, 75.0),
    ]
    second_page = server.url(f"{DATA}?page=2&per_page=5000")
    server.route(f"{DATA}?per_page=5000", (200, page(first, next_url=second_page)))
    server.route(f"{DATA}?page=2&per_page=5000", (200, page(second)))


def kolada_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Indikatorvärden"]
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if r[4] == "Kolada"]


def test_fetch_pages_writes_new_values_and_keeps_what_a_person_typed(kolada, model):
    standard_routes(kolada)
    before = openpyxl.load_workbook(model)["Indikatorvärden"].max_row
    result = api.kolada(model, today=TODAY, client_factory=client_for(kolada))
    assert result.written and result.titles == TITLES
    plan = result.plan
    added = {(r[0], r[1], (r[5] or "").split(" · ")[0]): r[3] for r in kolada_rows(model)}
    assert added == {
        ("KF3-I1", 2019, "N03102 «" + TITLES["N03102"] + "»"): 2.1,
        ("KF3-I1", 2020, "N03102 «" + TITLES["N03102"] + "»"): 5.0,
        ("KF3-I1", 2021, "N03102 «" + TITLES["N03102"] + "»"): 6.2,
        ("KF3-I1", 2022, "N03102 «" + TITLES["N03102"] + "»"): 3.3,
        ("KF3-I1", 2022, "Jämförelse 0000 Riket"): 2.6,
        ("KF3-I1", 2023, "Jämförelse 0000 Riket"): 0.6,
        ("KF1-I1", 2019, "N15427 «" + TITLES["N15427"] + "»"): 70.1,
        ("KF1-I1", 2021, "N15427 «" + TITLES["N15427"] + "»"): 72.5,
        ("KF1-I1", 2021, "Jämförelse 0000 Riket"): 75.0,
    }
    assert plan.added == 9 and plan.updated == plan.removed == 0
    row = next(r for r in kolada_rows(model) if r[0] == "KF3-I1" and r[1] == 2019)
    assert row[2] == "Helår" and row[5].endswith("hämtad 2027-03-01")
    # the person's 1.4 (2025) and the example's Riket 1.2 (2025) stay; Kolada's differ
    assert sorted((d.indicator_id, d.year, d.series, d.model_value, d.kolada_value)
                  for d in plan.differences) == [("KF3-I1", 2025, "Kungsbacka", 1.4, 1.38),
                                                 ("KF3-I1", 2025, "Riket", 1.2, 1.3)]
    assert plan.missing == {"KF3-I1": [2023], "KF1-I1": [2022, 2023]}  # 2026: the model has it
    assert openpyxl.load_workbook(model)["Indikatorvärden"].max_row == before + 9
    history = api.load_model(model).indicator_values
    assert sum(1 for v in history if v.indicator_id == "KF3-I1" and v.year == 2025) == 2
    assert kolada.requests[-1].endswith("page=2&per_page=5000")


def test_a_second_run_changes_nothing(kolada, model):
    standard_routes(kolada)
    api.kolada(model, today=TODAY, client_factory=client_for(kolada))
    first = model.read_bytes()
    result = api.kolada(model, today=date(2027, 4, 1), client_factory=client_for(kolada))
    assert not result.written and result.plan.added == 0 and result.plan.unchanged == 9
    assert model.read_bytes() == first


def test_kolada_rows_follow_kolada_and_a_title_change_is_warned(kolada, model):
    standard_routes(kolada)
    api.kolada(model, today=TODAY, client_factory=client_for(kolada))
    kolada.reset()
    first = [data_row("N03102", "1384", 2019, None, isdeleted=True), data_row("N03102", "1384", 2022, 3.4)]
    renamed = {**TITLES, "N03102": "Årets resultat, kommun (%)"}
    standard_routes(kolada, titles=renamed, first=first, second=[])
    result = api.kolada(model, today=date(2027, 9, 1), client_factory=client_for(kolada))
    assert (result.plan.updated, result.plan.removed) == (1, 1)
    assert any("bytt titel på N03102" in w for w in result.warnings)
    rows = {(r[0], r[1], r[5].startswith("Jämförelse")): r for r in kolada_rows(model)}
    assert rows[("KF3-I1", 2022, False)][3] == 3.4
    assert rows[("KF3-I1", 2022, False)][5] == "N03102 «Årets resultat, kommun (%)» · hämtad 2027-09-01"
    deleted = rows[("KF3-I1", 2019, False)]
    assert deleted[3] is None and deleted[5].endswith("borttaget ur Kolada")
    assert rows[("KF3-I1", 2020, False)][5] == "N03102 «Årets resultat, kommun (%)» · hämtad 2027-03-01"
    api.load_model(model)  # still a valid model: the emptied row carries its note


def _snapshot(path: Path, skip: str = "Indikatorvärden") -> dict:
    workbook = openpyxl.load_workbook(path)
    sheets = {}
    for ws in workbook.worksheets:
        cells = {c.coordinate: (c.value, c.number_format, c.comment.text if c.comment else None,
                                *(repr(s) for s in (c.font, c.fill, c.border, c.alignment, c.protection)))
                 for row in ws.iter_rows() for c in row}
        if ws.title == skip:
            cells = {k: v for k, v in cells.items() if int(k.lstrip("ABCDEFGHIJ")) <= 30}
        sheets[ws.title] = (
            ws.sheet_state, ws.freeze_panes, cells,
            sorted((str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation),
            sorted(str(r.sqref) for r in ws.conditional_formatting),
            {k: d.width for k, d in ws.column_dimensions.items()},
            sorted(str(m) for m in ws.merged_cells.ranges), ws.protection.sheet,
        )
    return {"order": workbook.sheetnames, "names": sorted(workbook.defined_names), "sheets": sheets}


def test_nothing_else_in_the_model_changes(kolada, model):
    workbook = openpyxl.load_workbook(model)  # what a central office might have done by hand
    workbook["Kommun"]["A1"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFEE00")
    workbook["Nämnder"]["B3"].comment = openpyxl.comments.Comment("Byter namn 2028", "Anna")
    validation = openpyxl.worksheet.datavalidation.DataValidation(type="whole", operator="between",
                                                                  formula1="2000", formula2="2100")
    validation.add("E2:E50")
    workbook["KF-mål"].add_data_validation(validation)
    workbook.defined_names["Budgetar"] = openpyxl.workbook.defined_name.DefinedName(
        "Budgetar", attr_text="Kommun!$B$4")
    workbook.save(model)
    before = _snapshot(model)
    standard_routes(kolada)
    assert api.kolada(model, today=TODAY, client_factory=client_for(kolada)).written
    assert _snapshot(model) == before


@pytest.mark.parametrize("lock", ["~$malmodell.xlsx", "~$lmodell.xlsx", ".~lock.malmodell.xlsx#"])
def test_refused_while_the_model_is_open(kolada, model, lock):
    (model.parent / lock).write_text("owner")
    before = model.read_bytes()
    with pytest.raises(InputError, match="öppen i Excel"):
        api.kolada(model, client_factory=client_for(kolada))
    assert model.read_bytes() == before and kolada.requests == []


def test_a_model_with_formulas_is_not_rewritten(kolada, model):
    edit(model, {"Nämnder!D2": '=LOWER("Anna.Lindqvist@sjoberga.se")'})
    with pytest.raises(InputError, match="formler \\(Nämnder!D2\\)"):
        api.kolada(model, client_factory=client_for(kolada))
    assert kolada.requests == []


def test_429_and_500_are_retried(kolada, model):
    standard_routes(kolada)
    kpi = "/v3/kpi/N03102,N15427?per_page=5000"
    kolada.routes[kpi] = [(429, {"error": "slow down"}, {"Retry-After": "0"}), *kolada.routes[kpi]]
    data = f"/v3{DATA}?per_page=5000"
    kolada.routes[data] = [(500, b"oops"), (503, b"busy"), *kolada.routes[data]]
    result = api.kolada(model, today=TODAY, client_factory=client_for(kolada))
    assert result.written and result.plan.added == 9
    assert kolada.requests.count(kpi) == 2 and kolada.requests.count(data) == 3


def test_a_timeout_is_retried(kolada, model):
    standard_routes(kolada)
    data = f"/v3{DATA}?per_page=5000"
    kolada.routes[data] = [Delay(1.0, kolada.routes[data][0]), *kolada.routes[data]]
    result = api.kolada(model, today=TODAY, client_factory=client_for(kolada, timeout=0.2))
    assert result.plan.added == 9 and kolada.requests.count(data) == 2


@pytest.mark.parametrize("failure", ["unreachable", "timeouts", "always 503"])
def test_offline_changes_nothing_and_says_so_in_swedish(kolada, model, failure):
    standard_routes(kolada)
    factory = client_for(kolada, attempts=2, timeout=0.2)
    if failure == "unreachable":
        factory = lambda: KoladaClient("http://127.0.0.1:9/v3", attempts=2, backoff=0, min_interval=0)  # noqa: E731
    elif failure == "timeouts":
        kolada.routes[f"/v3{DATA}?per_page=5000"] = [Delay(0.6, (200, page([])))]
    else:
        kolada.routes[f"/v3{DATA}?per_page=5000"] = [(503, b"")]
    before = model.read_bytes()
    with pytest.raises(KoladaUnavailable, match="Kolada kunde inte nås – inga värden ändrades"):
        api.kolada(model, client_factory=factory)
    assert model.read_bytes() == before


@pytest.mark.parametrize("body", [
    {"values": "nope"},
    page([{"kpi": "N03102", "municipality": "1384", "period": "tjugo", "values": []}]),
    page([data_row("N03102", "1384", 2020, "5,0")]),
    b"<html>proxy login</html>",
])
def test_an_answer_of_another_shape_changes_nothing(kolada, model, body):
    standard_routes(kolada)
    kolada.route(f"{DATA}?per_page=5000", (200, body))
    before = model.read_bytes()
    with pytest.raises(KoladaBadResponse, match="oväntat format"):
        api.kolada(model, client_factory=client_for(kolada))
    assert model.read_bytes() == before


def test_unknown_kpi_unknown_comparison_and_a_bad_id_are_warned(kolada, model):
    edit(model, {"KF-indikatorer!J2": "N99999", "KF-indikatorer!J5": "Årets resultat"})
    kolada.route("/kpi/N03102,N99999?per_page=5000",
                 (200, page([{"id": "N03102", "title": TITLES["N03102"]}])))
    kolada.route("/municipality/1384,0000,0999?per_page=5000",
                 (200, page([{"id": "1384", "title": "Kungsbacka"}, {"id": "0000", "title": "Riket"}])))
    kolada.route("/data/kpi/N03102/municipality/1384,0000/year/2024,2025?per_page=5000",
                 (200, page([data_row("N03102", "1384", 2024, 0.9)])))
    result = api.kolada(model, years="2024-2025", compare=["0000,0999"],
                        client_factory=client_for(kolada))
    warnings = "\n".join(result.warnings)
    assert "KF1-I1: Kolada känner inte till nyckeltalet N99999" in warnings
    assert "KF4-I1: Kolada-KPI \"Årets resultat\" har inte formen" in warnings
    assert "Jämförelse-id 0999 finns inte i Kolada" in warnings
    assert not result.written


def test_at_most_25_ids_per_path_segment_and_at_most_5_requests_a_second(kolada):
    ticks: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        ticks.append(seconds)
        now[0] += seconds

    ids = [f"N{n:05d}" for n in range(30)]
    with KoladaClient(kolada.base, sleep=sleep, clock=lambda: now[0]) as client:
        assert client.kpi_titles(ids) == {}
        client.kpi_titles(ids[:1])
    segments = [r.split("/kpi/")[1].split("?")[0].split(",") for r in kolada.requests]
    assert [len(s) for s in segments] == [25, 5, 1]
    assert sum(ticks) == pytest.approx(0.4)  # three requests, 0.2 s apart


def test_the_base_url_comes_from_the_environment(kolada, model, monkeypatch):
    standard_routes(kolada)
    monkeypatch.setenv("MALARK_KOLADA_URL", kolada.base + "/")
    result = CliRunner().invoke(cli, ["kolada", str(model), "--jamfor", "0000"])
    assert result.exit_code == 0, result.output
    assert "Nya värden: 9" in result.output and "Källa: Kolada" in result.output
    assert "Indikatorvärden!D" in result.output  # the difference names the cell
    monkeypatch.setenv("MALARK_KOLADA_URL", "ftp://mirror")
    result = CliRunner().invoke(cli, ["kolada", str(model)])
    assert result.exit_code == 2 and "MALARK_KOLADA_URL" in result.output


def test_cli_offline_and_bad_options(kolada, model, tmp_path):
    result = CliRunner().invoke(cli, ["kolada", str(model), "--offline"])
    assert result.exit_code == 0 and "KF3-I1  N03102  Riket (0000): år 2024–2026" in result.output
    assert kolada.requests == []
    for args in (["--years", "2026-2019"], ["--years", "sen"], ["--jamfor", "riket"]):
        result = CliRunner().invoke(cli, ["kolada", str(model), *args])
        assert result.exit_code == 2 and "Traceback" not in result.output
    shutil.copy(model, tmp_path / "kopia.xlsx")
    (tmp_path / "~$kopia.xlsx").write_text("x")
    result = CliRunner().invoke(cli, ["kolada", str(tmp_path / "kopia.xlsx")])
    assert result.exit_code == 2 and "är öppen i Excel" in result.output


def test_a_model_without_the_sheet_gets_it_and_no_comparison_is_asked(kolada, tmp_path):
    from malark.core.example import example_model
    from malark.xlsx.model_io import write_model

    model = example_model().model_copy(update={"indicator_values": (), "municipality_code": "1384"})
    path = write_model(model, tmp_path / "utan.xlsx")
    assert "Indikatorvärden" not in openpyxl.load_workbook(path).sheetnames
    kolada.route("/kpi/N03102?per_page=5000", (200, page([{"id": "N03102", "title": TITLES["N03102"]}])))
    kolada.route("/municipality/1384?per_page=5000", (200, page([{"id": "1384", "title": "Kungsbacka"}])))
    kolada.route("/data/kpi/N03102/municipality/1384/year/2025,2026?per_page=5000",
                 (200, page([data_row("N03102", "1384", 2025, 1.38), data_row("N03102", "0000", 2025, 1.3)])))
    result = api.kolada(path, years="2025-2026", compare=[""], today=TODAY, client_factory=client_for(kolada))
    assert result.written and result.series[1:] == []
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[-1] == "Indikatorvärden"
    rows = list(workbook["Indikatorvärden"].iter_rows(values_only=True))
    assert rows == [("Indikator", "År", "Period", "Värde", "Källa", "Kommentar"),
                    ("KF3-I1", 2025, "Helår", 1.38, "Kolada",
                     f"N03102 «{TITLES['N03102']}» · hämtad 2027-03-01")]


def test_a_year_and_value_typed_as_text_still_count_as_the_persons(kolada, model):
    edit(model, {"Indikatorvärden!B14": "2025", "Indikatorvärden!D14": "1,4"})  # KF3-I1 2025
    standard_routes(kolada)
    result = api.kolada(model, today=TODAY, client_factory=client_for(kolada))
    assert ("KF3-I1", 2025, "D14") in {(d.indicator_id, d.year, d.cell) for d in result.plan.differences}
    assert not any(r[0] == "KF3-I1" and r[1] == 2025 for r in kolada_rows(model))
