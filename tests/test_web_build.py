"""`malark web build` and `malark web serve`: the folder, the manifest, the pinned runtime,
malark's own wheel, and the local server."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import urllib.request
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner

import malark
from malark.cli import cli
from malark.core.errors import InputError
from malark.web.build import ADDIN_ID, ICONS, PAGES, manifest_xml, normalise_base_url
from malark.web.runtime import pyodide_lock, wheel_hashes
from malark.web.serve import CONTENT_SECURITY_POLICY, make_server
from tests.web_support import BASE_URL

NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
XSI_TYPE = f"{{{NS['xsi']}}}type"
OFFICE_APP_ORDER = ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description",
                    "IconUrl", "HighResolutionIconUrl", "SupportUrl", "Hosts", "Requirements",
                    "DefaultSettings", "Permissions", "VersionOverrides"]
"""The order OfficeApp's children must have: OfficeApp's xs:sequence in Microsoft's
OfficeAppManifestV1_1.xsd, then TaskPaneApp's extension of it (the elements used here).
The XSD files themselves are in no package registry the tests can reach; these orders
and those below were read from them (TaskPaneAppVersionOverridesV1_0.xsd for the
VersionOverrides part)."""
CHILD_ORDER = {
    "DesktopFormFactor": ["GetStarted", "FunctionFile", "ExtensionPoint"],
    "CustomTab": ["Group", "Label"],
    "Group": ["Label", "Icon", "Control"],
    "Control": ["Label", "Supertip", "Icon", "Action"],
    "Supertip": ["Title", "Description"],
    "Action": ["TaskpaneId", "SourceLocation"],
    "GetStarted": ["Title", "Description", "LearnMoreUrl"],
    "Resources": ["Images", "Urls", "ShortStrings", "LongStrings"],
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_folder_holds_the_pages_the_runtime_and_the_wheels(web_build):
    root = web_build.directory
    for name in (*PAGES, "manifest.xml", "app/bundle.json", *(f"app/icons/{i}" for i in ICONS)):
        assert (root / name).is_file(), name
    lock = pyodide_lock()
    assert {p.name: _sha256(p) for p in (root / "pyodide").iterdir()} == lock["files"]
    wheels = sorted((root / "wheels").glob("*.whl"))
    own = root / "wheels" / f"malark-{malark.__version__}-py3-none-any.whl"
    assert {_sha256(p) for p in wheels if p != own} == wheel_hashes()
    bundle = json.loads((root / "app" / "bundle.json").read_text())
    assert bundle["wheels"] == [p.name for p in wheels] and bundle["pyodide_version"] == lock["version"]
    assert any("pyemscripten_2026_0_wasm32" in p.name for p in wheels)


def test_malarks_own_wheel_has_the_engine_and_nothing_for_the_build(web_build):
    own = web_build.directory / "wheels" / f"malark-{malark.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(own) as wheel:
        names = wheel.namelist()
        record = wheel.read(f"malark-{malark.__version__}.dist-info/RECORD").decode()
    assert "malark/web/engine.py" in names and "malark/validate/validation.py" in names
    assert not [n for n in names if "/assets/" in n or "/lock/" in n or "__pycache__" in n]
    assert all(n in record for n in names)


def test_nothing_is_loaded_from_another_origin_except_office_js(web_build):
    root = web_build.directory
    external = re.compile(r"(?:src|href)=\"(https?:)?//|(?:fetch|import)\s*\(?\s*[\"']https?://")
    for path in [*(root / p for p in PAGES), *(root / "app").glob("*.*js")]:
        text = path.read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([^/\"']+)", text))
        if path.name in ("taskpane.html", "commands.html"):
            assert hosts == {"appsforoffice.microsoft.com"}, path.name
        else:
            assert not external.search(text), path.name
    assert "connect-src 'self'" in (root / "index.html").read_text(encoding="utf-8")


def _manifest(base_url: str = BASE_URL):
    return SafeET.fromstring(manifest_xml(normalise_base_url(base_url)))


def test_the_manifest_has_the_tab_malark_and_the_button_validera():
    root = _manifest()
    strings = {s.get("id"): s.get("DefaultValue") for s in root.iterfind(".//bt:String", NS)}
    tab = root.find(".//ov:CustomTab", NS)
    button = tab.find(".//ov:Control", NS)
    assert strings[tab.find("ov:Label", NS).get("resid")] == "Målark"
    assert strings[button.find("ov:Label", NS).get("resid")] == "Validera"
    action = button.find("ov:Action", NS)
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    urls = {u.get("id"): u.get("DefaultValue") for u in root.iterfind(".//bt:Url", NS)}
    assert urls[action.find("ov:SourceLocation", NS).get("resid")] == BASE_URL + "taskpane.html"
    assert root.findtext("o:Id", namespaces=NS) == ADDIN_ID
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", root.findtext("o:Version", namespaces=NS))


def test_the_manifest_keeps_the_schemas_order_lengths_and_references():
    root = _manifest()
    assert root.get(XSI_TYPE) == "TaskPaneApp"
    children = [el.tag.split("}")[1] for el in root]
    assert children == OFFICE_APP_ORDER
    overrides = root.find("ov:VersionOverrides", NS)
    assert overrides.get(XSI_TYPE) == "VersionOverridesV1_0"
    assert [el.tag.split("}")[1] for el in overrides] == ["Hosts", "Resources"]
    for parent in overrides.iter():
        name = parent.tag.split("}")[1]
        if name in CHILD_ORDER:
            assert [el.tag.split("}")[1] for el in parent] == CHILD_ORDER[name], name
    sizes = [[i.get("size") for i in icon] for icon in overrides.iterfind(".//ov:Icon", NS)]
    assert sizes == [["16", "32", "80"]] * 2
    defined = {el.get("id") for el in overrides.find("ov:Resources", NS).iter() if el.get("id")}
    used = {el.get("resid") for el in overrides.iter() if el.get("resid")}
    assert used == defined and all(len(i) <= 32 for i in defined)
    for kind, limit in (("ShortStrings", 125), ("LongStrings", 250), ("Urls", 2048)):
        for el in overrides.find(f".//bt:{kind}", NS):
            assert len(el.get("DefaultValue")) <= limit
    every_url = [el.get("DefaultValue") for el in root.iter() if "Url" in el.tag or el.tag.endswith("Image")
                 or el.tag.endswith("SourceLocation")] + [el.get("DefaultValue") for el in
                                                         root.iterfind(".//bt:Url", NS)]
    assert all(u.startswith(BASE_URL) for u in every_url if u)


@pytest.mark.parametrize(("given", "expected"), [
    ("https://intranat.kommun.se/malark", "https://intranat.kommun.se/malark/"),
    (None, "https://localhost:3000/"),
])
def test_base_url_is_https_and_ends_with_a_slash(given, expected):
    assert normalise_base_url(given) == expected


@pytest.mark.parametrize("bad", ["http://intranat.kommun.se/", "intranat/malark", "https://x/?a=1"])
def test_a_base_url_office_cannot_load_is_refused_in_swedish(bad):
    with pytest.raises(InputError, match="https-adress"):
        normalise_base_url(bad)


def test_the_cli_refuses_a_plain_http_base_url(tmp_path):
    result = CliRunner().invoke(cli, ["web", "build", "-o", str(tmp_path), "--base-url", "http://x/"])
    assert result.exit_code == 2 and "https-adress" in result.stderr


def test_serve_refuses_a_folder_that_was_not_built(tmp_path):
    result = CliRunner().invoke(cli, ["web", "serve", str(tmp_path)])
    assert result.exit_code == 2 and "malark web build" in result.stderr


def test_serve_binds_loopback_and_sends_wasm_with_its_type_and_the_policy(web_build):
    server = make_server(web_build.directory, 0)
    host, port = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://{host}:{port}/pyodide/pyodide.asm.wasm") as response:
            assert response.headers["Content-Type"] == "application/wasm"
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        with urllib.request.urlopen(f"http://{host}:{port}/app/worker.mjs") as response:
            assert response.headers["Content-Type"].startswith("text/javascript")
    finally:
        server.shutdown()
        server.server_close()


def test_the_cli_builds_the_folder_and_says_where_it_points(tmp_path, monkeypatch):
    from tests.web_support import web_cache

    monkeypatch.setenv("MALARK_WEB_CACHE", str(web_cache()))
    result = CliRunner().invoke(cli, ["web", "build", "-o", str(tmp_path / "ut"),
                                      "--base-url", "https://intranat.kommun.se/malark"])
    assert result.exit_code == 0, result.output
    assert "https://intranat.kommun.se/malark/" in result.stdout
    assert (tmp_path / "ut" / "index.html").is_file()
    manifest = (tmp_path / "ut" / "manifest.xml").read_bytes()
    assert b"https://intranat.kommun.se/malark/taskpane.html" in manifest


def test_serve_says_in_swedish_when_the_port_is_taken(web_build):
    first = make_server(web_build.directory, 0)
    try:
        with pytest.raises(InputError, match="ett annat program använder den redan"):
            make_server(web_build.directory, first.server_address[1])
    finally:
        first.server_close()
