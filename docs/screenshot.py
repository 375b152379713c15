"""Regenerate docs/web-app.png: the guide form with its preview, in headless Chromium.

    python docs/screenshot.py        (or: make screenshot)

Starts `guidegen serve` on a free loopback port, fills the form as a user would, and saves a
screenshot of the page. Needs chromium and chromedriver (Debian: apt-get install chromium
chromium-driver).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))
from serve_load import start_server  # noqa: E402  (the same loopback server start as the load test)

TARGET = HERE / "web-app.png"


def main() -> int:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        raise SystemExit("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    server, base = start_server(None)
    profile = tempfile.TemporaryDirectory(prefix="guidegen-shot-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 f"--user-data-dir={profile.name}", "--window-size=1280,2300", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.get(f"{base}/guide?blueprint=helpdesk&ui=zh")
        driver.find_element(By.ID, "software").send_keys("Zendesk")
        driver.find_element(By.ID, "crm").send_keys("Salesforce")
        driver.find_element(By.ID, "client").send_keys("ACME 科技")
        driver.find_element(By.ID, "start_date").send_keys("2027-01-04")
        driver.find_element(By.ID, "preview-button").click()
        WebDriverWait(driver, 120).until(EC.presence_of_element_located((By.ID, "preview")))
        driver.save_screenshot(str(TARGET))
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
        profile.cleanup()
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
