"""`malark web serve`: the built folder on http://127.0.0.1 for trying the page locally.

Binds the loopback address only, so nobody else on the network reaches it. Serves the
right types for `.wasm` and `.mjs` (browsers refuse them otherwise) and a Content
Security Policy that allows nothing from another origin: the page's promise that
nothing is uploaded and nothing is fetched from elsewhere is enforced by the browser.
"""

from __future__ import annotations

import errno
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from malark.core.errors import InputError, os_reason

__all__ = ["CONTENT_SECURITY_POLICY", "HOST", "make_server"]

HOST = "127.0.0.1"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
"""For the page. The task pane needs Microsoft's office.js (it is not served with this)."""


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".whl": "application/zip", ".json": "application/json",
                      ".xml": "application/xml"}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if not self.path.split("?", 1)[0].endswith(("taskpane.html", "commands.html")):
            self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        """Quiet: the command says where it serves; requests are not news."""


def make_server(directory: Path | str, port: int = 8000) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1:`port` (0 = any free port); call
    `serve_forever()` on it. Raises `InputError` when the folder is not a built one or the
    port is taken."""
    folder = Path(directory)
    if not (folder / "index.html").is_file() or not (folder / "app" / "bundle.json").is_file():
        raise InputError(f"{folder} är ingen mapp som malark web build har skrivit (index.html "
                         "eller app/bundle.json saknas). Kör först: malark web build -o "
                         f"{folder}")
    handler = functools.partial(_Handler, directory=str(folder))
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        reason = ("ett annat program använder den redan" if error.errno == errno.EADDRINUSE
                  else os_reason(error))
        raise InputError(f"Porten {port} på {HOST} går inte att använda ({reason}). "
                         "Välj en annan med --port.") from error
