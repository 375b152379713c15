"""The web app in a real browser: Debian's Chromium driven by Selenium against `guidegen serve`.

Skipped without chromium and chromedriver, failed in CI (.ci/run installs them)."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

import docx
import pytest

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from conftest import need_tool  # noqa: E402
from server_helpers import EDITED_RULE, edited_workbook, running_server  # noqa: E402

WAIT = 60  # seconds: a guard against a hung page, not a speed requirement


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import_dir = tmp_path_factory.mktemp("imported")
    with running_server("--workers", "2", "--import-dir", str(import_dir)) as url:
        yield url, import_dir


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    chromium = need_tool("chromium")
    driver_path = need_tool("chromedriver")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tmp_path_factory.mktemp('profile')}", "--window-size=1280,1000", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def wait(driver, condition):
    return WebDriverWait(driver, WAIT).until(condition)


def downloaded(folder: Path, name: str) -> Path:
    path = folder / name
    WebDriverWait(None, WAIT).until(lambda _: path.exists() and not (folder / (name + ".crdownload")).exists())
    return path


def test_fill_the_form_preview_and_download_a_docx(server, browser) -> None:
    url, _ = server
    browser.get(f"{url}/guide?blueprint=helpdesk&ui=en")
    browser.find_element(By.ID, "software").send_keys("Zendesk")
    browser.find_element(By.ID, "crm").send_keys("Salesforce")
    browser.find_element(By.ID, "client").send_keys("ACME Corp")
    Select(browser.find_element(By.ID, "complexity")).select_by_value("simple")
    browser.find_element(By.ID, "start_date").send_keys("2027-01-04")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=languages]"):
        if box.get_attribute("value") == "en" and not box.is_selected():
            box.click()
    browser.find_element(By.ID, "add_goals").send_keys("Screen pop in under one second")
    browser.find_element(By.ID, "preview-button").click()
    frame = wait(browser, EC.presence_of_element_located((By.ID, "preview")))
    browser.switch_to.frame(frame)
    title = browser.find_element(By.CSS_SELECTOR, "header.cover h1").text
    body = browser.find_element(By.TAG_NAME, "body").text
    browser.switch_to.default_content()
    assert "Zendesk" in title and "ACME Corp" in body and "Screen pop in under one second" in body
    browser.find_element(By.CSS_SELECTOR, "button[data-file='en:docx']").click()
    path = downloaded(browser.downloads, "helpdesk-simple-en.docx")
    document = docx.Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ACME Corp" in text and "Zendesk" in text
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Screen pop in under one second" in cells and "2027-01-04" in cells


def test_a_validation_error_is_shown_beside_its_field(server, browser) -> None:
    url, _ = server
    browser.get(f"{url}/guide?blueprint=erp&ui=en")
    browser.find_element(By.ID, "start_date").send_keys("2027-13-45")
    browser.find_element(By.ID, "preview-button").click()
    error = wait(browser, EC.visibility_of_element_located((By.ID, "error-start_date")))
    assert error.text == "Expected a date as YYYY-MM-DD."
    field = error.find_element(By.XPATH, "./ancestor::div[contains(@class, 'field')][1]")
    assert field.find_element(By.ID, "start_date").get_attribute("value") == "2027-13-45"
    assert not browser.find_elements(By.ID, "preview")


def test_the_ui_speaks_chinese(server, browser) -> None:
    url, _ = server
    browser.get(f"{url}/?ui=zh")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    nav = browser.find_element(By.CSS_SELECTOR, "header.top nav").text
    assert "生成指南" in nav and "审阅导入" in nav and "校验蓝图" in nav
    browser.find_element(By.CSS_SELECTOR, "#type-helpdesk a.button").click()
    wait(browser, EC.presence_of_element_located((By.ID, "guide-form")))
    assert browser.find_element(By.CSS_SELECTOR, "label[for=software]").text == "第三方软件"
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=formats]"):
        if box.is_selected():
            box.click()
    browser.find_element(By.ID, "preview-button").click()
    error = wait(browser, EC.visibility_of_element_located((By.ID, "error-formats")))
    assert error.text == "请至少选择一种格式。"


def test_upload_an_edited_workbook_review_and_apply(server, browser, tmp_path: Path) -> None:
    url, import_dir = server
    request = urllib.request.Request(url + "/api/v1/guides", method="POST", headers={"content-type": "application/json"},
                                     data=b'{"blueprint": "email-marketing", "formats": ["xlsx"]}')
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        workbook = tmp_path / "reviewed.xlsx"
        workbook.write_bytes(edited_workbook(response.read()))
    browser.get(f"{url}/review?ui=zh&blueprint=email-marketing")
    browser.find_element(By.ID, "workbook").send_keys(str(workbook))
    browser.find_element(By.ID, "dry-run").click()
    changes = wait(browser, EC.presence_of_element_located((By.ID, "changes")))
    rows = changes.find_elements(By.CSS_SELECTOR, "tr.change")
    assert len(rows) == 1 and "修改" in rows[0].text
    assert not (import_dir / "email-marketing.yaml").exists()  # a dry run writes nothing
    browser.find_element(By.ID, "apply").click()
    applied = wait(browser, EC.presence_of_element_located((By.ID, "applied")))
    assert "已应用变更" in applied.text and "email-marketing.yaml" in applied.text
    assert EDITED_RULE in (import_dir / "email-marketing.yaml").read_text(encoding="utf-8")
    link = browser.find_element(By.ID, "download-yaml").get_attribute("href")
    with urllib.request.urlopen(link, timeout=WAIT) as response:
        assert EDITED_RULE in response.read().decode("utf-8")


def test_the_validate_page_shows_the_offending_line(server, browser) -> None:
    url, _ = server
    browser.get(f"{url}/validate?ui=en")
    browser.find_element(By.ID, "text").send_keys("id: demo\ntitle: Demo\ndefault_complexity: tiny\n")
    browser.find_element(By.ID, "validate-button").click()
    report = wait(browser, EC.presence_of_element_located((By.ID, "report")))
    assert "The blueprint has errors." in report.text
    sources = [e.text for e in report.find_elements(By.CSS_SELECTOR, "pre.source")]
    assert "3 default_complexity: tiny" in sources

