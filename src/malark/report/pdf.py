"""The PDF: the Word document converted by LibreOffice (`soffice --headless`).

LibreOffice runs with a fresh profile of its own in a temporary folder, so it never
collides with a LibreOffice the user has open (which would otherwise take the job and
return nothing) or with another conversion running at the same time. The PDF is tagged
(headings, tables and the figure's description reach screen readers), as Swedish public
bodies' documents must be accessible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from malark.core.errors import OutputError

__all__ = ["SOFFICE_ENV", "docx_to_pdf", "find_soffice"]

SOFFICE_ENV = "MALARK_SOFFICE"
"""An environment variable naming the soffice program, when it is not on PATH."""
CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/local/bin/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
TIMEOUT_SECONDS = 600
_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
MISSING = ("PDF skapas med LibreOffice, som inte hittades på den här datorn. Installera "
           "LibreOffice (https://www.libreoffice.org/download/, på Debian/Ubuntu: sudo apt install "
           "libreoffice-writer) och kör igen, eller ange var programmet soffice finns i "
           f"miljövariabeln {SOFFICE_ENV}. Du kan också skriva rapporten som Word-dokument "
           "(-o rapport.docx) och spara den som PDF från Word.")


def find_soffice() -> str | None:
    named = os.environ.get(SOFFICE_ENV)
    if named:
        return named if Path(named).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((c for c in CANDIDATES if Path(c).is_file()), None)


def docx_to_pdf(docx: bytes, stem: str) -> bytes:
    """The PDF of the Word document `docx`. Raises `OutputError` (Swedish) when LibreOffice
    is missing or fails."""
    soffice = find_soffice()
    if soffice is None:
        raise OutputError(MISSING)
    with tempfile.TemporaryDirectory(prefix="malark-pdf-") as folder:
        work = Path(folder)
        source = work / f"{stem or 'rapport'}.docx"
        source.write_bytes(docx)
        profile = (work / "profil").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", _FILTER, "--outdir", str(work / "ut"), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise OutputError(f"LibreOffice blev inte klar med PDF:en på {TIMEOUT_SECONDS // 60} "
                              "minuter och stoppades. Skriv rapporten som .docx och spara den som "
                              "PDF från Word.") from error
        except OSError as error:
            raise OutputError(f"LibreOffice ({soffice}) kunde inte startas: {error}. {MISSING}") from error
        result = work / "ut" / f"{source.stem}.pdf"
        if not result.is_file():
            said = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip()
            raise OutputError("LibreOffice kunde inte göra en PDF av rapporten"
                              + (f" ({said.splitlines()[-1][:200]})" if said else "")
                              + ". Saknas LibreOffice Writer? På Debian/Ubuntu: sudo apt install "
                              "libreoffice-writer. Du kan också skriva rapporten som .docx och spara "
                              "den som PDF från Word.")
        return result.read_bytes()
