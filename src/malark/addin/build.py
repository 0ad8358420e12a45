"""Build `malark.xlam`, the ribbon add-in, from xlwings' ribbon add-in template. No Excel
is needed: an `.xlam` is a zip of XML parts plus a binary VBA project.

What the template gives us (read with olevba, see `macros/`):
- module `RibbonMyAddin` with `Sub RunMain(control As IRibbonControl)`, which derives a
  module name from the add-in's own file name (`malark.xlam` → `malark`) and runs
  `RunPython "import malark;malark.main()"`;
- xlwings' `RunPython` and its configuration lookup. `PROJECT_NAME` is the constant
  `myaddin`, so settings are read from a sheet `myaddin.conf` of the ACTIVE workbook, then
  of the add-in, then a file `myaddin.conf` beside the active workbook, then
  `~/.myaddin/myaddin.conf` (Windows) or `~/myaddin.conf` (macOS). A key present in a sheet
  ends the lookup, even with an empty value.

What the build changes: the ribbon XML (tab `Målark`, button `Validera`) and the type of
its relationship in `_rels/.rels` (paired with the ribbon's namespace, see
`RIBBON_RELATIONSHIPS`), the add-in's config sheet (activated under the name
`myaddin.conf` and filled with safe values, see `CONFIG_ROWS`), the document title.
`xl/vbaProject.bin` is copied byte for byte.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from malark.core.errors import InputError, OutputError, os_reason
from malark.xlsx.atomic import AtomicFile

__all__ = [
    "ADDIN_FILENAME",
    "CONFIG_SHEET",
    "RIBBON_PART",
    "TEMPLATE_NAME",
    "build_addin",
    "config_rows",
    "ribbon_xml",
    "template_path",
]

ADDIN_FILENAME = "malark.xlam"
"""The callback imports the add-in's file name without extension: this must stay `malark`."""
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "myaddin"
"""`Public Const PROJECT_NAME` in the template's VBA (not changeable without Excel)."""
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
TEMPLATE_CONFIG_SHEET = f"_{PROJECT_NAME}.conf"
"""The template ships its config sheet deactivated by a leading underscore."""
RIBBON_PART = "customUI/customUI.xml"
_SHEET_PART = "xl/worksheets/sheet1.xml"
_STRINGS_PART = "xl/sharedStrings.xml"
_WORKBOOK_PART = "xl/workbook.xml"
_CORE_PART = "docProps/core.xml"
_PACKAGE_RELS = "_rels/.rels"
RIBBON_RELATIONSHIPS = {
    "http://schemas.microsoft.com/office/2006/01/customui":
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2009/07/customui":
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
}
"""The relationship type Office requires for each ribbon XML namespace: Office 2007's
markup (2006/01) with the 2006 relationship, Office 2010's (2009/07) with the 2007 one.
xlwings' template pairs the 2007 relationship with 2006/01 markup, which Excel may refuse."""
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")


def template_path() -> Path:
    """The ribbon add-in template inside the installed xlwings package (not imported)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            "Tillägget byggs från xlwings mall, men xlwings är inte installerat (det ingår "
            "i malarks extra excel, som make demo inte installerar). Kör pip install "
            "\"malark[excel]\" – i en kopia av källkoden .venv/bin/pip install -e \".[excel]\" "
            "eller make addin – och försök igen."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_NAME
    if not path.is_file():
        raise InputError(f"xlwings saknar mallen {TEMPLATE_NAME} ({path}). Installera om xlwings.")
    return path


def ribbon_xml() -> bytes:
    """The ribbon (customUI) XML shipped with malark; `macros/customUI.xml` is a copy."""
    return resources.files("malark.addin").joinpath("customUI.xml").read_bytes()


def config_rows(*, interpreter_win: str = "", interpreter_mac: str = "") -> list[tuple[str, str | bool]]:
    """Rows of the add-in's `myaddin.conf` sheet (key in A, value in B).

    Every key that could change what runs is set here, so a `myaddin.conf` FILE beside the
    user's workbook (or in the home folder) cannot override it. Values are expanded with
    `%VAR%` by the VBA on Windows. A sheet `myaddin.conf` in the user's active workbook
    still wins over all of this; that is the residual risk `docs/tillagg.md` describes.
    """
    return [
        ("Interpreter_Win", interpreter_win),
        ("Interpreter_Mac", interpreter_mac),
        ("Interpreter", "python"),
        ("ADD_WORKBOOK_TO_PYTHONPATH", False),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("Use UDF Server", False),
        ("Show Console", False),
        ("TEMP DIR", "%TEMP%"),
        ("SHOW_ERROR_POPUPS", "True"),
        ("LICENSE_KEY", ""),
        ("ONEDRIVE_CONSUMER_WIN", ""),
        ("ONEDRIVE_COMMERCIAL_WIN", ""),
        ("SHAREPOINT_WIN", ""),
        ("ONEDRIVE_CONSUMER_MAC", ""),
        ("ONEDRIVE_COMMERCIAL_MAC", ""),
        ("SHAREPOINT_MAC", ""),
    ]


def _default_interpreters() -> tuple[str, str]:
    """The Python running the build is the one that has malark installed."""
    if sys.platform.startswith("win"):
        return sys.executable, ""
    if sys.platform == "darwin":
        return "", sys.executable
    return "", ""


def _cell(ref: str, value: str | bool, strings: list[str]) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="1" t="b"><v>{int(value)}</v></c>'
    if value == "":
        return f'<c r="{ref}" s="1"/>'
    strings.append(value)
    return f'<c r="{ref}" s="1" t="s"><v>{len(strings) - 1}</v></c>'


def _config_parts(rows: list[tuple[str, str | bool]]) -> tuple[bytes, bytes]:
    """sheet1.xml and sharedStrings.xml for the config rows (styles as in the template)."""
    strings: list[str] = []
    xml_rows = []
    for number, (key, value) in enumerate(rows, start=1):
        cells = _cell(f"A{number}", key, strings) + _cell(f"B{number}", value, strings)
        xml_rows.append(f'<row r="{number}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheetPr codeName="Sheet2"/><dimension ref="A1:B{len(rows)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultColWidth="8.875" defaultRowHeight="15.75"/>'
        '<cols><col min="1" max="1" width="30" style="1" customWidth="1"/>'
        '<col min="2" max="2" width="60" style="1" customWidth="1"/></cols>'
        f'<sheetData>{"".join(xml_rows)}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '</worksheet>'
    )
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return sheet.encode("utf-8"), shared.encode("utf-8")


def _rename_config_sheet(workbook_xml: bytes) -> bytes:
    old = f'name="{TEMPLATE_CONFIG_SHEET}"'.encode()
    if workbook_xml.count(old) != 1:
        raise InputError(f"xlwings mall {TEMPLATE_NAME} har inte det väntade konfigurationsbladet.")
    return workbook_xml.replace(old, f'name="{CONFIG_SHEET}"'.encode())


def _retitle(core_xml: bytes) -> bytes:
    return core_xml.replace(b"<dc:title />", "<dc:title>Målark</dc:title>".encode())


def _ribbon_relationship(rels_xml: bytes) -> bytes:
    """`_rels/.rels` with the ribbon part related by the type its markup needs."""
    root = ElementTree.fromstring(ribbon_xml())
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    wanted = RIBBON_RELATIONSHIPS.get(namespace)
    if wanted is None:
        raise InputError(f"Menyfliksfilen {RIBBON_PART} har ett okänt namnutrymme ({namespace}).")
    found = 0

    def retype(match: re.Match[bytes]) -> bytes:
        nonlocal found
        tag = match.group(0)
        if re.search(rb'Target="/?' + re.escape(RIBBON_PART.encode()) + b'"', tag):
            found += 1
            return re.sub(rb'Type="[^"]*"', b'Type="' + wanted.encode() + b'"', tag)
        return tag

    result = _RELATIONSHIP.sub(retype, rels_xml)
    if found != 1:
        raise InputError(f"xlwings mall {TEMPLATE_NAME} relaterar inte menyfliksfilen {RIBBON_PART}.")
    return result


def _replacements(interpreter_win: str, interpreter_mac: str) -> dict[str, bytes]:
    sheet, shared = _config_parts(config_rows(interpreter_win=interpreter_win,
                                              interpreter_mac=interpreter_mac))
    return {RIBBON_PART: ribbon_xml(), _SHEET_PART: sheet, _STRINGS_PART: shared}


def _copy_parts(zin: zipfile.ZipFile, zout: zipfile.ZipFile, replacements: dict[str, bytes]) -> None:
    names = zin.namelist()
    missing = [part for part in (RIBBON_PART, _SHEET_PART, _STRINGS_PART, _WORKBOOK_PART)
               if part not in names]
    if missing:
        raise InputError(f"xlwings mall {TEMPLATE_NAME} saknar {', '.join(missing)}.")
    for info in zin.infolist():
        data = replacements.get(info.filename) or zin.read(info.filename)
        if info.filename == _WORKBOOK_PART:
            data = _rename_config_sheet(data)
        elif info.filename == _CORE_PART:
            data = _retitle(data)
        elif info.filename == _PACKAGE_RELS:
            data = _ribbon_relationship(data)
        entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        zout.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)


def build_addin(
    out_dir: Path | str,
    *,
    interpreter_win: str | None = None,
    interpreter_mac: str | None = None,
    template: Path | None = None,
) -> Path:
    """Write `out_dir/malark.xlam` and return its path.

    `interpreter_win`/`interpreter_mac`: the Python that runs the button (full path; `%VAR%`
    allowed on Windows). Default: the Python running this build on its own platform, and
    `python` from PATH on the other. The file is written atomically
    (`malark.xlsx.atomic.AtomicFile`), so a failed build never leaves half an add-in.
    """
    from malark.addin.launcher import with_launcher

    default_win, default_mac = _default_interpreters()
    source = template or template_path()
    target = Path(out_dir) / ADDIN_FILENAME
    replacements = _replacements(*with_launcher(
        target.parent, sys.platform,
        interpreter_win=default_win if interpreter_win is None else interpreter_win,
        interpreter_mac=default_mac if interpreter_mac is None else interpreter_mac))
    try:
        with AtomicFile(target) as output:
            with zipfile.ZipFile(source) as zin, \
                    zipfile.ZipFile(output.handle, "w", zipfile.ZIP_DEFLATED) as zout:
                _copy_parts(zin, zout, replacements)
            output.commit()
    except OSError as error:
        raise OutputError(f"Kunde inte skriva {target}: {os_reason(error)}.") from error
    return target
