"""`make bench`, the web part: the size of what the validator page loads the first time
(raw and gzip-compressed, target < 15 MB compressed) and, when Debian's chromium and
chromium-driver are installed, how long headless Chromium takes to start the engine
(Pyodide and the wheels) and to validate one large committee workbook in the page.

Run alone: `python benchmarks/bench_web.py` (after `make web`).
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_COMPRESSED_MB = 15.0


def first_load_bytes(folder: Path) -> tuple[int, int]:
    """(raw, gzip -9) bytes of every file the page fetches before it can validate."""
    files = [folder / "index.html", *(p for p in (folder / "app").rglob("*") if p.is_file()
                                      and p.name not in ("taskpane.js", "commands.js", "office-layer.js")),
             *(folder / "pyodide").iterdir(), *(folder / "wheels").iterdir()]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    return raw, packed


def browser_times(folder: Path, workbook: Path) -> tuple[float, float] | None:
    """(seconds until the engine is ready, seconds to validate `workbook`) in headless
    Chromium, or None without chromium/chromedriver."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from malark.web.serve import make_server

    server = make_server(folder, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='malark-bench-chromium-')}"):
        options.add_argument(flag)
    options.binary_location = chromium
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        start = time.perf_counter()
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        while driver.execute_script("return document.body.dataset.state") == "starting":
            time.sleep(0.05)
        ready = time.perf_counter() - start
        start = time.perf_counter()
        driver.find_element(By.ID, "files").send_keys(str(workbook))
        while not driver.execute_script("return window.malarkRuns || 0"):
            time.sleep(0.05)
        return ready, time.perf_counter() - start
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()


def bench_web(root: Path, workbook: Path | None = None) -> None:
    from malark.web.build import build_web

    built = build_web(root / "web", cache=ROOT / "build" / "web-cache")
    raw, packed = first_load_bytes(built.directory)
    verdict = "nått" if packed / 1e6 < TARGET_COMPRESSED_MB else "EJ nått"
    print(f"\nWebbsidan: första laddningen {raw / 1e6:.1f} MB okomprimerat, {packed / 1e6:.1f} MB "
          f"gzip (mål < {TARGET_COMPRESSED_MB:.0f} MB komprimerat: {verdict})")
    if workbook is None:
        sys.path.insert(0, str(HERE))
        from city import build_city

        _model, files = build_city(root / "web-one", committees=1, goals=60, indicators=240,
                                   activities=600)
        workbook = files[0]
    times = browser_times(built.directory, workbook)
    if times is None:
        print("  Chromium saknas: tiderna i webbläsaren mäts inte (make test installerar den).")
        return
    print(f"  headless Chromium: motorn klar efter {times[0]:.1f} s, en arbetsbok med 60 mål, "
          f"240 indikatorer och 600 aktiviteter kontrollerad på {times[1]:.2f} s")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="malark-bench-web-") as tmp:
        bench_web(Path(tmp))
