"""A stand-in for the Kolada API v3 on 127.0.0.1, for tests without the internet.

Responses are hand-written in the documented shape (`{values, count, next_url,
previous_url}`, value rows `{kpi, municipality, period, values: [{gender, count, status,
value}]}`). A route is a path with its query (`/v3/kpi/N03102?per_page=5000`) and a list
of replies served in turn (the last one repeats): `(status, body)` or
`(status, body, {"Retry-After": "0"})` or `Delay(seconds, reply)`. Unknown paths get
404. Every request's path is recorded in `requests`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Delay:
    seconds: float
    reply: tuple


def page(values: list[dict[str, Any]], next_url: str | None = None) -> dict[str, Any]:
    return {"values": values, "count": len(values), "next_url": next_url, "previous_url": None}


def data_row(kpi: str, municipality: str, year: int, value: float | None, **extra: Any) -> dict[str, Any]:
    """A value row with the total and, for realism, the two genders (which are ignored)."""
    entries = [{"gender": "T", "count": 1, "status": "" if value is not None else "Missing",
                "value": value, **extra}]
    entries += [{"gender": g, "count": 1, "status": "", "value": None} for g in ("K", "M")]
    return {"kpi": kpi, "municipality": municipality, "period": year, "values": entries}


class FakeKolada:
    def __init__(self) -> None:
        self.routes: dict[str, list[Any]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(self.path)
                replies = server.routes.get(self.path)
                reply: Any = (404, {"error": "not found"})
                if replies:
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if isinstance(reply, Delay):
                    time.sleep(reply.seconds)
                    reply = reply.reply
                status, body, *headers = reply
                payload = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def route(self, path: str, *replies: Any) -> None:
        """`path` relative to /v3, with its query."""
        self.routes[f"/v3{path}"] = list(replies)

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
