"""`malark report` as a user runs it: the command, bad input (exit 2, Swedish message naming
the file), --previous refused by name, replacing files, --template, and the PDF."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.shared import Pt

from malark.cli import cli
from malark.report import pdf
from malark.report.report import written_by_malark
from tests.report_support import read_docx


def _run(*args: str):
    return CliRunner().invoke(cli, ["report", *map(str, args)])


def _with_meta(source, out, **fields):
    workbook = openpyxl.load_workbook(source)
    for row in workbook["_malark"].iter_rows():
        if row[0].value in fields:
            row[1].value = fields[row[0].value]
    workbook.save(out)
    return out


def test_the_command_writes_the_report_and_names_it(report_inputs, tmp_path):
    result = _run(report_inputs.t1, "-o", tmp_path / "rapport.html")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Rapporten skriven: {tmp_path / 'rapport.html'}"


@pytest.mark.parametrize("what", ["model", "committee", "garbage", "missing"])
def test_a_file_that_is_not_a_consolidated_workbook_exits_2(report_inputs, tmp_path, what):
    committee = next((report_inputs.t1.parent / "ret_t1").glob("*_BUN.xlsx"))
    garbage = tmp_path / "trasig.xlsx"
    garbage.write_bytes(b"inte en arbetsbok")
    source = {"model": report_inputs.model, "committee": committee, "garbage": garbage,
              "missing": tmp_path / "saknas.xlsx"}[what]
    result = _run(source, "-o", tmp_path / "r.docx")
    assert result.exit_code == 2
    assert result.output.startswith("Fel: ") and source.name in result.output
    assert "Traceback" not in result.output and not (tmp_path / "r.docx").exists()


def test_previous_of_another_municipality_or_a_later_period_is_refused_by_name(report_inputs, tmp_path):
    other = _with_meta(report_inputs.plan, tmp_path / "annan.xlsx", kommun="Annanstad")
    later = _with_meta(report_inputs.t1, tmp_path / "senare.xlsx", period="T2")
    for earlier, said in ((other, "gäller Annanstad"), (later, "gäller T2 2027")):
        result = _run(report_inputs.t1, "-o", tmp_path / "r.docx", "--previous", earlier)
        assert result.exit_code == 2 and earlier.name in result.output and said in result.output
    assert not (tmp_path / "r.docx").exists()


def test_a_document_malark_did_not_write_is_never_replaced_without_force(report_inputs, tmp_path):
    mine = tmp_path / "Årsredovisning.docx"
    document = docx.Document()
    document.add_paragraph("Kommunens egen text")
    document.save(mine)
    before = mine.read_bytes()
    result = _run(report_inputs.t1, "-o", mine)
    assert result.exit_code == 2 and "--force" in result.output and mine.read_bytes() == before
    assert _run(report_inputs.t1, "-o", mine, "--force").exit_code == 0
    assert _run(report_inputs.t1, "-o", mine).exit_code == 0  # malark's own report: replaced


def test_a_report_someone_has_edited_and_saved_is_kept(report_inputs, tmp_path):
    out = tmp_path / "rapport.docx"
    assert _run(report_inputs.t1, "-o", out).exit_code == 0
    document = docx.Document(str(out))
    document.add_paragraph("Ekonomichefens tillägg")
    document.core_properties.last_modified_by = "Anna Lindqvist"
    document.save(out)
    result = _run(report_inputs.t1, "-o", out)
    assert result.exit_code == 2 and "finns redan" in result.output


def _template(path, *, dotx=False):
    document = docx.Document()
    document.styles["Heading 1"].font.size = Pt(26)
    document.sections[0].header.paragraphs[0].text = "Sjöberga kommun – Årsredovisning 2027"
    document.sections[0].footer.paragraphs[0].text = "Sidfot från mallen"
    document.add_paragraph("Text i mallen som inte hör till rapporten")
    styles = document.styles.element
    styles.remove(document.styles["Caption"].element)  # a template that never used Caption
    document.save(path)
    if dotx:
        with zipfile.ZipFile(path) as source:
            parts = {i.filename: source.read(i) for i in source.infolist()}
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"document.main+xml", b"template.main+xml")
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
    return path


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_template_gives_its_styles_header_and_footer(report_inputs, tmp_path, suffix):
    template = _template(tmp_path / f"mall{suffix}", dotx=suffix == ".dotx")
    out = tmp_path / "rapport.docx"
    result = _run(report_inputs.t1, "-o", out, "--template", template)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert document.styles["Heading 1"].font.size == Pt(26)
    assert document.sections[-1].header.paragraphs[0].text == "Sjöberga kommun – Årsredovisning 2027"
    assert document.sections[-1].footer.paragraphs[0].text == "Sidfot från mallen"
    items = read_docx(out)
    assert not any("Text i mallen" in i.text for i in items)
    assert any(i.style == "Caption" for i in items)


def test_template_saved_with_another_prefix_for_words_namespace(report_inputs, tmp_path):
    template = _template(tmp_path / "mall.docx")
    with zipfile.ZipFile(template) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    body = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = body.replace("xmlns:w=", "xmlns:ord=").replace("<w:", "<ord:") \
        .replace("</w:", "</ord:").replace(" w:", " ord:").encode("utf-8")
    with zipfile.ZipFile(template, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    out = tmp_path / "rapport.docx"
    assert _run(report_inputs.t1, "-o", out, "--template", template).exit_code == 0
    items = read_docx(out)
    assert items[0].text == "Måluppföljning Sjöberga 2027 – T1" and len(items) > 100
    assert docx.Document(str(out)).sections[-1].header.paragraphs[0].text.startswith("Sjöberga kommun")


def test_template_that_is_not_a_word_document_and_template_for_html_are_refused(report_inputs, tmp_path):
    result = _run(report_inputs.t1, "-o", tmp_path / "r.docx", "--template", report_inputs.model)
    assert result.exit_code == 2 and "inget Word-dokument" in result.output
    result = _run(report_inputs.t1, "-o", tmp_path / "r.html", "--template", report_inputs.model)
    assert result.exit_code == 2 and ".html" in result.output


def test_pdf_without_libreoffice_names_what_to_install(report_inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "tom"))
    monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
    monkeypatch.setattr(pdf, "CANDIDATES", ())
    result = _run(report_inputs.t1, "-o", tmp_path / "r.pdf")
    assert result.exit_code == 2
    assert "LibreOffice" in result.output and "libreoffice-writer" in result.output
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
def test_pdf_through_libreoffice(report_inputs, tmp_path):
    out = tmp_path / "rapport.pdf"
    result = _run(report_inputs.t1, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "Måluppföljning Sjöberga 2027 – T1" in text and "God ekonomisk hushållning" in text
    assert written_by_malark(out)  # so the next run replaces it without --force


def test_a_consolidation_written_before_rader_fran_existed_still_works(report_inputs, tmp_path):
    """An earlier malark's consolidation has no `Rader från` in Inlämningar (nor `Trend`,
    `Från period`): the report and `generate --previous` read it all the same."""
    workbook = openpyxl.load_workbook(report_inputs.t1)
    submissions = workbook["Inlämningar"]
    headers = [c.value for c in submissions[1]]
    submissions.delete_cols(headers.index("Rader från") + 1)
    old = tmp_path / "aldre.xlsx"
    workbook.save(old)
    result = _run(old, "-o", tmp_path / "rapport.docx")
    assert result.exit_code == 0, result.output
