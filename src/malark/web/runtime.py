"""The browser runtime the page and the add-in run on: Pyodide and the wheels of malark's
dependencies, fetched once into a cache with the registries' ordinary clients.

- Pyodide comes from the npm registry (`npm pack pyodide@<version>`); the tarball must
  have the integrity pinned in `lock/pyodide.json`, and each file taken from it the sha256
  pinned there.
- The wheels come from the package index (`pip download --require-hashes` with
  `lock/wheels.txt`): pure wheels plus the `pyemscripten_2026_0_wasm32` builds of
  pydantic-core and python-calamine.

Nothing else is downloaded, and nothing is ever loaded from a CDN at run time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from malark.core.errors import InputError

__all__ = ["Runtime", "cache_root", "ensure_runtime", "pyodide_lock", "wheel_hashes"]

PLATFORM = "pyemscripten_2026_0_wasm32"
PYTHON_VERSION = "3.14"
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Runtime:
    pyodide_version: str
    pyodide_dir: Path
    """Holds exactly the files pinned in `lock/pyodide.json`."""
    wheels: tuple[Path, ...]
    """The dependency wheels (not malark's own)."""


def _lock_text(name: str) -> str:
    return resources.files("malark.web").joinpath("lock", name).read_text(encoding="utf-8")


def pyodide_lock() -> dict:
    """`{"package", "version", "integrity", "files": {name: sha256}}`."""
    return json.loads(_lock_text("pyodide.json"))


def wheel_hashes() -> set[str]:
    """The sha256 of every pinned wheel."""
    return {part.split(":", 1)[1] for line in _lock_text("wheels.txt").splitlines()
            for part in line.split() if part.startswith("--hash=sha256:")}


def cache_root() -> Path:
    """`$MALARK_WEB_CACHE`, else the user's cache folder (`~/.cache/malark/web`)."""
    if os.environ.get("MALARK_WEB_CACHE"):
        return Path(os.environ["MALARK_WEB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform.startswith("win") else None)
    return Path(base or Path.home() / ".cache") / "malark" / "web"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command: list[str], what: str, install_hint: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise InputError(f"{what} kräver {command[0]}, som inte finns på datorn. {install_hint}") from error
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["okänt fel"]
        raise InputError(f"{what} misslyckades: {last[0]}. Kontrollera nätverket och försök igen.")


def _pyodide_complete(folder: Path, files: dict[str, str]) -> bool:
    return all((folder / name).is_file() and _sha256(folder / name) == digest
               for name, digest in files.items())


def _integrity_matches(tarball: Path, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    digest = hashlib.new(algorithm)
    digest.update(tarball.read_bytes())
    return base64.b64encode(digest.digest()).decode() == expected


def _ensure_pyodide(cache: Path) -> tuple[str, Path]:
    lock = pyodide_lock()
    folder = cache / f"pyodide-{lock['version']}"
    if _pyodide_complete(folder, lock["files"]):
        return lock["version"], folder
    npm = shutil.which("npm") or "npm"
    with tempfile.TemporaryDirectory(prefix="malark-pyodide-") as temporary:
        _run([npm, "pack", f"{lock['package']}@{lock['version']}", "--pack-destination", temporary,
              "--silent"], f"Att hämta Pyodide {lock['version']} från npm",
             "Installera Node.js (som har med npm) och försök igen.")
        tarballs = list(Path(temporary).glob("*.tgz"))
        if len(tarballs) != 1 or not _integrity_matches(tarballs[0], lock["integrity"]):
            raise InputError(f"Pyodide-paketet från npm stämmer inte med den låsta kontrollsumman "
                             f"({lock['version']}). Inget har byggts.")
        staging = Path(temporary) / "files"
        staging.mkdir()
        with tarfile.open(tarballs[0]) as archive:
            for name in lock["files"]:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise InputError(f"Pyodide-paketet saknar filen {name}.")
                (staging / name).write_bytes(member.read())
        if not _pyodide_complete(staging, lock["files"]):
            raise InputError("En fil i Pyodide-paketet stämmer inte med den låsta kontrollsumman.")
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, folder)
    return lock["version"], folder


def _ensure_wheels(cache: Path) -> tuple[Path, ...]:
    wanted = wheel_hashes()
    folder = cache / f"wheels-{hashlib.sha256(''.join(sorted(wanted)).encode()).hexdigest()[:12]}"

    def pinned() -> tuple[Path, ...]:
        found = {_sha256(p): p for p in sorted(folder.glob("*.whl"))} if folder.is_dir() else {}
        return tuple(sorted(found[h] for h in wanted if h in found))

    if len(pinned()) == len(wanted):
        return pinned()
    with tempfile.TemporaryDirectory(prefix="malark-wheels-") as temporary:
        requirements = Path(temporary) / "wheels.txt"
        requirements.write_text(_lock_text("wheels.txt"), encoding="utf-8")
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
              "--only-binary=:all:", "--platform", PLATFORM, "--platform", "any",
              "--python-version", PYTHON_VERSION, "--implementation", "cp", "--abi", "cp314",
              "--abi", "none", "-r", str(requirements), "-d", str(folder)],
             "Att hämta hjulen (wheels) från pakethanteraren",
             "Installera pip i den Python som kör malark.")
    if len(pinned()) != len(wanted):
        raise InputError("Alla hjul (wheels) som webbsidan behöver kunde inte hämtas.")
    return pinned()


def ensure_runtime(cache: Path | None = None) -> Runtime:
    """The pinned Pyodide and wheels, from `cache` (default `cache_root()`), fetched first
    when missing. Raises `InputError` (Swedish) when npm or pip is missing or fails."""
    root = cache or cache_root()
    version, pyodide_dir = _ensure_pyodide(root)
    return Runtime(pyodide_version=version, pyodide_dir=pyodide_dir, wheels=_ensure_wheels(root))
