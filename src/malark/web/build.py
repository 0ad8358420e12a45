"""`malark web build`: one static folder that is both the validator page and the Office
add-in (SPEC 7b).

    DIR/index.html        the validator page (drop or pick workbooks, findings, copies)
    DIR/taskpane.html     the add-in's task pane (button Validera on the tab Målark)
    DIR/commands.html     the add-in's function file (the manifest requires one)
    DIR/manifest.xml      the add-in-only XML manifest, its URLs under --base-url
    DIR/app/              scripts, styles, icons and bundle.json (what the engine loads)
    DIR/pyodide/          the pinned Pyodide runtime (from npm)
    DIR/wheels/           malark's own wheel and its dependencies' (from the package index)

Everything the page needs is in DIR; only the task pane loads Microsoft's office.js.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import malark
from malark.core.errors import InputError, OutputError, os_reason
from malark.web.runtime import Runtime, ensure_runtime
from malark.web.selfwheel import write_malark_wheel
from malark.xlsx.safety import DEFAULT_LIMITS

__all__ = ["ADDIN_ID", "DEFAULT_BASE_URL", "WebBuild", "build_web", "manifest_xml", "normalise_base_url"]

ADDIN_ID = "609e9e5a-01b4-448f-8718-c1a19435247c"
"""The add-in's fixed id: a rebuilt add-in replaces the deployed one instead of adding a second."""
DEFAULT_BASE_URL = "https://localhost:3000/"
"""Where Office's own tools serve an add-in on a developer's machine (sideloading)."""
PAGES = ("index.html", "taskpane.html", "commands.html")
APP_FILES = ("app.js", "taskpane.js", "commands.js", "office-layer.js", "engine-client.js",
             "worker.mjs", "style.css")
ICONS = ("icon-16.png", "icon-32.png", "icon-64.png", "icon-80.png")


@dataclass(frozen=True, slots=True)
class WebBuild:
    directory: Path
    base_url: str
    files: tuple[Path, ...]

    @property
    def total_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def normalise_base_url(base_url: str | None) -> str:
    """The HTTPS address IT hosts DIR at, ending in `/` (Office loads add-ins over HTTPS only)."""
    url = (base_url or DEFAULT_BASE_URL).strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise InputError(f"--base-url måste vara en https-adress till mappen, till exempel "
                         f"https://intranat.kommun.se/malark/ (fick \"{url}\"). Office laddar "
                         "bara tillägg över https.")
    return url if url.endswith("/") else url + "/"


def _asset(name: str) -> bytes:
    return resources.files("malark.web").joinpath("assets", name).read_bytes()


def manifest_xml(base_url: str) -> bytes:
    """The add-in manifest with its URLs under `base_url` (already normalised)."""
    version = ".".join((malark.__version__.split(".") + ["0"] * 4)[:4])
    template = _asset("manifest.xml").decode("utf-8")
    return template.format(base_url=escape(base_url, {'"': "&quot;"}), addin_id=ADDIN_ID,
                           version=version).encode("utf-8")


def _bundle(runtime: Runtime, wheels: list[str]) -> dict:
    limits = DEFAULT_LIMITS
    return {"malark_version": malark.__version__, "pyodide_version": runtime.pyodide_version,
            "wheels": wheels, "max_file_bytes": limits.max_file_bytes}


def _copy(source: Path, target: Path, written: list[Path]) -> None:
    shutil.copyfile(source, target)
    written.append(target)


def _write(target: Path, data: bytes, written: list[Path]) -> None:
    target.write_bytes(data)
    written.append(target)


def build_web(out_dir: Path | str, *, base_url: str | None = None, cache: Path | None = None,
              progress: Callable[[str], None] | None = None) -> WebBuild:
    """Write the folder (see the module docstring) and return what was written.

    The runtime is fetched into `cache` the first time (`malark.web.runtime`). Files of an
    earlier build in `out_dir` are replaced; `pyodide/` and `wheels/` are emptied first so
    an old wheel never lingers. Raises `InputError`/`OutputError` in Swedish."""
    url = normalise_base_url(base_url)
    say = progress or (lambda _message: None)
    say("Hämtar Pyodide och hjulen (första gången laddas de ned, sedan från cachen) ...")
    runtime = ensure_runtime(cache)
    target = Path(out_dir)
    written: list[Path] = []
    try:
        for folder in ("pyodide", "wheels"):
            shutil.rmtree(target / folder, ignore_errors=True)
        for folder in ("app/icons", "pyodide", "wheels"):
            (target / folder).mkdir(parents=True, exist_ok=True)
        say("Skriver sidan och tillägget ...")
        for name in runtime.pyodide_dir.iterdir():
            _copy(name, target / "pyodide" / name.name, written)
        for wheel in runtime.wheels:
            _copy(wheel, target / "wheels" / wheel.name, written)
        written.append(write_malark_wheel(target / "wheels"))
        wheels = sorted(p.name for p in (target / "wheels").glob("*.whl"))
        for name in PAGES:
            _write(target / name, _asset(name), written)
        for name in APP_FILES:
            _write(target / "app" / name, _asset(name), written)
        for name in ICONS:
            _write(target / "app" / "icons" / name, _asset(f"icons/{name}"), written)
        bundle = json.dumps(_bundle(runtime, wheels), indent=2).encode()
        _write(target / "app" / "bundle.json", bundle, written)
        _write(target / "manifest.xml", manifest_xml(url), written)
    except OSError as error:
        raise OutputError(f"Kunde inte skriva {target}: {os_reason(error)}.") from error
    return WebBuild(directory=target, base_url=url, files=tuple(written))
