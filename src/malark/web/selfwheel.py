"""malark's own pure wheel for the browser, made from the installed package.

`pip wheel . --no-deps` needs the source tree; an IT department that installed malark from
the package index has none. The wheel is therefore written from the files of the
installed `malark` package itself: every module and data file except the web assets,
the lock files and `__pycache__`. It is deterministic (fixed timestamps, sorted entries),
so the same malark gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import malark

__all__ = ["wheel_name", "write_malark_wheel"]

_SKIPPED_DIRS = {"__pycache__", "assets", "lock"}
_DATE = (2020, 1, 1, 0, 0, 0)


def wheel_name() -> str:
    return f"malark-{malark.__version__}-py3-none-any.whl"


def _package_files(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*") if p.is_file()
                  and not _SKIPPED_DIRS.intersection(p.relative_to(package).parts[:-1])
                  and p.suffix not in {".pyc", ".pyo"})


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_malark_wheel(out_dir: Path) -> Path:
    """Write the wheel into `out_dir` and return its path."""
    package = Path(malark.__file__).parent
    version = malark.__version__
    info = f"malark-{version}.dist-info"
    entries: list[tuple[str, bytes]] = [
        (f"malark/{p.relative_to(package).as_posix()}", p.read_bytes()) for p in _package_files(package)]
    entries += [
        (f"{info}/METADATA", f"Metadata-Version: 2.1\nName: malark\nVersion: {version}\n".encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: malark web build\nRoot-Is-Purelib: true\n"
                          b"Tag: py3-none-any\n"),
    ]
    record = [_record_line(name, data) for name, data in entries] + [f"{info}/RECORD,,"]
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    target = out_dir / wheel_name()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in entries:
            wheel.writestr(zipfile.ZipInfo(name, date_time=_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return target
