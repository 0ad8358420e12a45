"""`malark report -o X.html`: one self-contained page, every committee text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from malark import api
from tests.report_support import HOSTILE


class _Page(HTMLParser):
    """Tags with their attributes, the text of the page and of each heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


@pytest.fixture(scope="module")
def page(report_inputs, tmp_path_factory):
    out = api.report(report_inputs.t1, tmp_path_factory.mktemp("html") / "rapport.html")
    raw = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(raw)
    return raw, parsed


def test_hostile_texts_arrive_as_text_and_nothing_runs(page):
    raw, parsed = page
    text = "".join(parsed.text)
    for hostile in HOSTILE.values():  # `{{ 7*7 }} {% if … %}` too: shown, never evaluated
        assert hostile in text, hostile
    assert "<script" not in raw.lower()
    assert not [t for t, attrs in parsed.tags if t == "script" or any(a.startswith("on") for a in attrs)]
    assert [t for t, _ in parsed.tags].count("img") == 1  # only the chart, not the committee's <img>


def test_the_page_is_self_contained_and_forbids_scripts(page):
    raw, parsed = page
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("data:", "#")), (tag, name, value)
    policy = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in policy and "script" not in policy
    assert "@page { size: A4;" in raw


def test_the_page_has_the_chapters_headings(page, report_inputs):
    _raw, parsed = page
    model = api.load_model(report_inputs.model)
    assert parsed.headings[0] == ("h1", "Måluppföljning Sjöberga 2027 – T1")
    sections = [text for tag, text in parsed.headings if tag == "h2"]
    assert sections == ["Sammanfattning", *(f"{g.id} {g.text}" for g in model.kf_goals),
                        "God ekonomisk hushållning", "Avvikelser"]
    text = "".join(parsed.text)
    assert "Av 6 KF-mål bedöms 6 delvis uppfyllda." in text
    assert "Har inte lämnat in: SN Socialnämnden." in text
