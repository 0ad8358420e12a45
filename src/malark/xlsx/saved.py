"""When a workbook file was last saved, from its own content: `docProps/core.xml`'s
`dcterms:modified`, which Excel and LibreOffice set on every save (a file copied, mailed
or downloaded keeps it, unlike the file system's modification time)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import defusedxml.ElementTree as SafeET

__all__ = ["last_saved"]

_CORE = "docProps/core.xml"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
_MAX_CORE_BYTES = 64 * 1024


def last_saved(path: Path | str) -> datetime | None:
    """The time the workbook at `path` was last saved (UTC), or None when the file does not
    say (or cannot be read: this is only ever a hint)."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.NameToInfo.get(_CORE)
            if info is None or info.file_size > _MAX_CORE_BYTES:
                return None
            element = SafeET.fromstring(package.read(info), forbid_dtd=True).find(_MODIFIED)
    except Exception:  # noqa: BLE001 - any unreadable file simply has no known save time
        return None
    if element is None or not element.text:
        return None
    try:
        stamp = datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
