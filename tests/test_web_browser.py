"""The page and the task pane in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) on `malark web serve`'s server.

One page session loads Pyodide once and validates nine workbooks (clean, with errors,
hostile: zip bomb, XML bomb, encrypted, macros, not malark, over the size limit);
`window.malarkReport` must equal `malark validate --format json` for the same files, also
with the model and with the network cut. The annotated copy is downloaded. The task pane
runs on a real workbook's bytes with a stand-in for Excel. Both are rendered to PNG
(to `$MALARK_SCREENSHOTS` when set).
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from malark import api
from malark.core.contract import SHEET_RESULTS
from malark.web.serve import make_server
from tests.web_support import ROOT, browser_workbooks, cli_json

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="Chromium eller chromium-driver saknas (make test installerar dem)"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _wait(driver, script: str, expected, seconds: float = 120):
    deadline = time.monotonic() + seconds
    value = None
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value == expected or (callable(expected) and expected(value)):
            return value
        time.sleep(0.2)
    status = driver.execute_script("return (document.getElementById('status-text') || {}).textContent")
    raise AssertionError(f"{script} gave {value!r}, not {expected!r} (status: {status})")


def _screenshot(driver, path: Path) -> Path:
    driver.save_screenshot(str(path))
    if os.environ.get("MALARK_SCREENSHOTS"):
        target = Path(os.environ["MALARK_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
    return path


@pytest.fixture(scope="module")
def served(web_build):
    server = make_server(web_build.directory, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in [*FLAGS, "--window-size=1280,1000",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='malark-chromium-')}"]:
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*appsforoffice.microsoft.com*"]})
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, _example_project, filled_files):
    folder = tmp_path_factory.mktemp("valda")
    blank = api.generate(_example_project.model, tmp_path_factory.mktemp("sn"), committees=["SN"])[0]
    return folder, browser_workbooks(folder, filled_files["plan"], blank)


def test_the_page_gives_the_clis_report_for_every_file(served, driver, workbooks, _example_project,
                                                       tmp_path):
    from selenium.webdriver.common.by import By

    folder, names = workbooks
    driver.get(served + "index.html")
    _wait(driver, "return document.body.dataset.state", "ready")
    driver.find_element(By.ID, "files").send_keys("\n".join(str(folder / n) for n in names))
    _wait(driver, "return window.malarkRuns || 0", 1)
    assert driver.execute_script("return document.body.dataset.state") == "done"
    assert driver.execute_script("return window.malarkReport") == cli_json(folder, names)
    _screenshot(driver, tmp_path / "sidan.png")

    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    driver.execute_script("document.querySelector('details.model').open = true")
    driver.find_element(By.ID, "model").send_keys(str(_example_project.model))
    _wait(driver, "return window.malarkRuns || 0", 2)
    with_model = cli_json(folder, names, "--model", str(_example_project.model))
    assert driver.execute_script("return window.malarkReport") == with_model
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    downloads = tmp_path / "nedladdat"
    downloads.mkdir()
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.find_elements(By.CSS_SELECTOR, "button.download")[1].click()  # BUN med fel.xlsx
    copy = downloads / "BUN med fel_markerad.xlsx"
    deadline = time.monotonic() + 30
    while not copy.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert openpyxl.load_workbook(copy).sheetnames[0] == SHEET_RESULTS


def test_the_task_pane_validates_the_open_workbook(served, driver, workbooks, tmp_path):
    folder, _names = workbooks
    workbook = folder / "BUN med fel.xlsx"
    fake = (ROOT / "tests" / "js" / "browser-office-fake.js").read_text(encoding="utf-8")
    encoded = base64.b64encode(workbook.read_bytes()).decode()
    script = (f"window.__malarkWorkbookBase64 = {encoded!r}; "
              f"window.__malarkWorkbookName = 'C:\\\\Nämnd\\\\{workbook.name}';\n{fake}")
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    try:
        driver.set_window_size(380, 900)
        driver.get(served + "taskpane.html")
        _wait(driver, "return document.body.dataset.state", lambda s: s in ("done", "failed"), 180)
        result = driver.execute_script("return window.malarkPaneResult")
        assert driver.execute_script("return document.body.dataset.state") == "done", \
            driver.execute_script("return document.getElementById('status-text').textContent")
        assert result["report"]["file"] == workbook.name and result["errors"] > 0
        rows = driver.execute_script(
            "const s = window.__malarkFakeExcel.sheets.get('Valideringsresultat');"
            f"return s.getRange('A2:F{len(result['rows']) + 1}').values;")
        assert rows == result["rows"]
        log = driver.execute_script("return window.__malarkFakeExcel.log")
        assert [e[1] for e in log if e[0] == "unprotect"] == [e[1] for e in log if e[0] == "protect"]
        assert driver.find_element("id", "summary").text.startswith(f"{result['errors']} fel")
        _screenshot(driver, tmp_path / "aktivitetsfonstret.png")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                               {"identifier": added["identifier"]})
        driver.set_window_size(1280, 1000)


def test_a_file_that_takes_too_long_is_stopped_and_reported_and_the_page_goes_on(served, driver,
                                                                                 workbooks):
    from selenium.webdriver.common.by import By

    folder, _names = workbooks
    driver.get(served + "index.html?tidsgrans=0.001")  # every file "takes too long"
    _wait(driver, "return document.body.dataset.state", "ready")
    driver.find_element(By.ID, "files").send_keys(str(folder / "BUN_ifylld.xlsx"))
    _wait(driver, "return window.malarkRuns || 0", 1, 180)
    report = driver.execute_script("return window.malarkReport")
    [finding] = report["files"][0]["findings"]
    assert (finding["code"], finding["file"]) == ("S009", "BUN_ifylld.xlsx")
    assert "tog mer än" in finding["message"]  # written by the restarted engine
    assert driver.execute_script("return document.body.dataset.state") == "done"
