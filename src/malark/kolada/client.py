"""A small client for the Kolada API v3 (https://api.kolada.se/v3, run by RKA).

Only what `malark kolada` needs: KPI titles (`/kpi/{ids}`), municipality titles
(`/municipality/{ids}`) and values (`/data/kpi/{ids}/municipality/{ids}/year/{years}`).
Every response is `{values, count, next_url, previous_url}`; a client follows `next_url`
until it is empty. At most 25 ids go in one path segment, so longer lists are split.
A value row is `{kpi, municipality, period, values: [{gender, count, status, value}]}`;
the total (`gender` `T`) is used. A value may be null (not published, or secret) or
flagged deleted (`isdeleted`).

Manners: at most 5 requests a second, a timeout on every request, and a retry with
growing pauses (or the server's `Retry-After`) on 429 and 5xx and when the network
fails. When Kolada still cannot be reached, `KoladaUnavailable` says so in Swedish.
Anything that is not the documented shape raises `KoladaBadResponse`; nothing half-read
is returned. The base URL can be changed with `MALARK_KOLADA_URL` (a proxy or mirror).

    KoladaError             base (a MalarkError: the CLI shows its message, exit 2)
    ├── KoladaUnavailable   no answer after the retries (network, timeout, 429, 5xx)
    └── KoladaBadResponse   an answer that is not the documented shape, or a 4xx

This client has only been run against a local test server built from the documented
shapes, never against the real service from the environment it was written in.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from malark import __version__
from malark.core.errors import MalarkError

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_BASE_URL",
    "DataPoint",
    "KoladaBadResponse",
    "KoladaClient",
    "KoladaError",
    "KoladaUnavailable",
    "base_url_from_environment",
]

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
ENV_BASE_URL = "MALARK_KOLADA_URL"
MAX_IDS_PER_SEGMENT = 25
PER_PAGE = 5000
MAX_PAGES = 2000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TOTAL = "T"
OFFLINE = "Kolada kunde inte nås – inga värden ändrades"


class KoladaError(MalarkError):
    """A fetch from Kolada failed; nothing was changed."""


class KoladaUnavailable(KoladaError):
    """Kolada did not answer (network, timeout, 429 or 5xx after every retry)."""


class KoladaBadResponse(KoladaError):
    """Kolada answered with something else than the documented shape, or with a 4xx."""


@dataclass(frozen=True, slots=True)
class DataPoint:
    """One value of one KPI for one municipality (or group) and year, gender total."""

    kpi: str
    municipality: str
    year: int
    value: float | None
    deleted: bool = False
    status: str | None = None


def base_url_from_environment() -> str:
    """`MALARK_KOLADA_URL` when set, else Kolada's own address (no trailing slash)."""
    url = (os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise KoladaError(f"{ENV_BASE_URL}={url} är ingen webbadress. Ange den som "
                          "https://… (eller ta bort variabeln för att använda Kolada direkt).")
    return url


def chunks(ids: Sequence[str], size: int = MAX_IDS_PER_SEGMENT) -> list[str]:
    """Comma-joined path segments of at most `size` ids each."""
    return [",".join(ids[i:i + size]) for i in range(0, len(ids), size)]


class KoladaClient:
    """Synchronous, polite, strict. Use as a context manager (closes the connection)."""

    def __init__(self, base_url: str | None = None, *, timeout: float = 20.0, attempts: int = 4,
                 backoff: float = 0.5, max_pause: float = 30.0, min_interval: float = 0.2,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = (base_url or base_url_from_environment()).rstrip("/")
        self.attempts, self.backoff, self.max_pause = max(1, attempts), backoff, max_pause
        self.min_interval = min_interval
        self._sleep, self._clock = sleep, clock
        self._last_request: float | None = None
        self.requests = 0
        self._http = httpx.Client(timeout=timeout, follow_redirects=True,
                                  headers={"User-Agent": f"malark/{__version__}",
                                           "Accept": "application/json"})

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the three questions ------------------------------------------------------
    def kpi_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """KPI id → title, for the ids Kolada knows."""
        return self._titles("kpi", ids)

    def municipality_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Municipality id → title (`0000` is `Riket`), for the ids Kolada knows."""
        return self._titles("municipality", ids)

    def values(self, kpis: Sequence[str], municipalities: Sequence[str],
               years: Sequence[int]) -> list[DataPoint]:
        points: list[DataPoint] = []
        year_texts = [str(y) for y in years]
        for k, m, y in product(chunks(kpis), chunks(municipalities), chunks(year_texts)):
            for row in self._all(f"{self.base_url}/data/kpi/{k}/municipality/{m}/year/{y}"):
                points.extend(_data_points(row))
        return points

    def _titles(self, entity: str, ids: Sequence[str]) -> dict[str, str]:
        titles: dict[str, str] = {}
        for segment in chunks(list(ids)):
            for item in self._all(f"{self.base_url}/{entity}/{segment}"):
                if not (isinstance(item, dict) and isinstance(item.get("id"), str)
                        and isinstance(item.get("title"), str)):
                    raise _bad(f"en post i /{entity} saknar id eller title")
                titles[item["id"]] = item["title"]
        return titles

    # -- paging, throttling, retrying ------------------------------------------------
    def _all(self, url: str) -> Iterator[Any]:
        """Every item of every page, following `next_url`."""
        seen: set[str] = set()
        next_url: str | None = f"{url}?per_page={PER_PAGE}"
        while next_url:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise _bad("sidorna (next_url) tar aldrig slut")
            seen.add(next_url)
            page = self._get(next_url)
            if not isinstance(page, dict) or not isinstance(page.get("values"), list):
                raise _bad("svaret saknar listan values")
            follow = page.get("next_url")
            if follow is not None and not isinstance(follow, str):
                raise _bad("next_url är inte en adress")
            yield from page["values"]
            next_url = self._absolute(next_url, follow) if follow else None

    def _absolute(self, current: str, follow: str) -> str:
        url = urljoin(current, follow)
        if urlsplit(url).scheme not in ("http", "https"):
            raise _bad(f"next_url {follow!r} är ingen webbadress")
        return url

    def _get(self, url: str) -> Any:
        reason = ""
        for attempt in range(self.attempts):
            self._throttle()
            try:
                response = self._http.get(url)
            except httpx.TimeoutException:
                reason, pause = "inget svar inom tidsgränsen", self._pause(attempt, None)
            except httpx.TransportError as error:
                reason, pause = f"nätverksfel: {type(error).__name__}", self._pause(attempt, None)
            else:
                if response.status_code in RETRY_STATUSES:
                    reason = f"HTTP {response.status_code}"
                    pause = self._pause(attempt, response.headers.get("Retry-After"))
                elif response.status_code == 404:
                    return {"values": [], "count": 0}  # an id Kolada does not know
                elif response.status_code >= 400:
                    raise KoladaBadResponse(f"Kolada svarade HTTP {response.status_code} på {url} – "
                                            "inga värden ändrades.")
                else:
                    return _json(response)
            if attempt + 1 < self.attempts:
                self._sleep(pause)
        raise KoladaUnavailable(f"{OFFLINE} ({reason}, {self.attempts} försök mot {self.base_url}). "
                                "Kontrollera internetanslutningen och försök igen senare.")

    def _pause(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            try:
                seconds = float(retry_after)
            except ValueError:
                seconds = math.nan
            if math.isfinite(seconds) and seconds >= 0:
                return min(seconds, self.max_pause)
        return min(self.backoff * 2 ** attempt, self.max_pause)

    def _throttle(self) -> None:
        now = self._clock()
        if self._last_request is not None:
            wait = self._last_request + self.min_interval - now
            if wait > 0:
                self._sleep(wait)
                now += wait
        self._last_request = now
        self.requests += 1


def _bad(what: str) -> KoladaBadResponse:
    return KoladaBadResponse(f"Kolada svarade i ett oväntat format ({what}) – inga värden ändrades.")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        raise _bad("inte JSON") from error


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"värdet {value!r} är inget tal")
    return float(value)


def _year(period: Any) -> int:
    if isinstance(period, int) and not isinstance(period, bool):
        return period
    if isinstance(period, str) and period.isdigit() and len(period) == 4:
        return int(period)
    raise _bad(f"period {period!r} är inget årtal")


def _data_points(row: Any) -> Iterable[DataPoint]:
    if not (isinstance(row, dict) and isinstance(row.get("kpi"), str)
            and isinstance(row.get("municipality"), str) and isinstance(row.get("values"), list)):
        raise _bad("en rad saknar kpi, municipality eller values")
    year = _year(row.get("period"))
    row_deleted = bool(row.get("isdeleted"))
    for entry in row["values"]:
        if not isinstance(entry, dict):
            raise _bad("ett värde är inget objekt")
        if entry.get("gender", TOTAL) != TOTAL:
            continue
        status = entry.get("status")
        yield DataPoint(kpi=row["kpi"], municipality=row["municipality"], year=year,
                        value=_number(entry.get("value")),
                        deleted=row_deleted or bool(entry.get("isdeleted")),
                        status=status if isinstance(status, str) and status else None)
