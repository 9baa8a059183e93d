"""The HTML run report and an HTML invoice rendered in a real headless browser (Debian's
chromium driven through chromedriver by selenium): the sections a reader looks for are
visible, the record links point at the target's pages, the pager switches pages.
Under ``CI=true`` a missing browser fails the test; elsewhere it skips."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest
from report_support import REFUSED, invoke

from deskmigrate.core.report_html import render

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
SECTIONS = ["Run", "Records", "Options", "Not kept by the target", "Not selected",
            "Config", "Warnings", "Failed", "Skipped", "Migrated"]


def unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path, monkeypatch) -> Iterator[object]:
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.access(CHROMIUM, os.X_OK) and os.access(driver_path, os.X_OK)):
        unavailable("chromium and chromium-driver are not installed (apt-get install "
                    "chromium chromium-driver; .ci/run does it)")
    try:
        from selenium import webdriver
    except ImportError:
        unavailable("selenium is not installed (pip install -e '.[test]')")
    monkeypatch.setenv("SE_OFFLINE", "true")  # never let selenium fetch a browser
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def visible_headings(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h2") if h.is_displayed()]


def test_report_and_invoice_in_a_browser(failed_demo, browser, tmp_path):
    from selenium.webdriver.common.by import By

    db, run = str(failed_demo.db), str(failed_demo.run_id)
    report_file = tmp_path / "report.html"
    code, _, err = invoke("--db", db, "report", run, "--format", "html", "-o", str(report_file))
    assert code == 0, err
    browser.get(report_file.as_uri())
    assert browser.title.startswith(f"deskmigrate run {run}")
    assert visible_headings(browser) == SECTIONS
    verdict = browser.find_element(By.ID, "verdict")
    assert verdict.is_displayed() and verdict.text.startswith(f"{REFUSED} records failed")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#failed tbody tr")) == REFUSED
    assert browser.find_element(By.CSS_SELECTOR, "#options .none").text == "none"
    lost = browser.find_element(By.ID, "not-kept").text  # freshdesk cannot keep times
    assert "freshdesk sets its own created times on tickets and comments" in lost
    assert browser.find_element(By.CSS_SELECTOR, "#not-selected .none").text == "none"
    target = failed_demo.result["target"]
    assert target == "freshdesk"
    links = browser.find_elements(By.CSS_SELECTOR, "#migrated-ticket a.target")
    assert len(links) == failed_demo.result["records"]["ticket"]["migrated"]
    for link in links:
        assert link.get_attribute("href") == (
            f"http://127.0.0.1:8102/a/tickets/{link.text}")  # the built-in target's URL
    browser.find_element(By.CSS_SELECTOR, "#records a[href='#migrated-ticket']").click()
    assert browser.current_url.endswith("#migrated-ticket")

    code, _, err = invoke("--db", db, "billing", "customer", "set", "--name", "Ada & <Co>",
                          "--email", "ada@example.com", "--country", "FR",
                          "--address", "1 rue de la Paix, Paris")
    assert code == 0, err
    code, out, err = invoke("--db", db, "billing", "invoice", run, "--json")
    assert code == 0, err
    invoice = json.loads(out)
    invoice_file = tmp_path / "invoice.html"
    code, _, err = invoke("--db", db, "billing", "export", invoice["number"], "--format",
                          "html", "-o", str(invoice_file))
    assert code == 0, err
    browser.get(invoice_file.as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Invoice {invoice['number']}"
    lines = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(lines) == len(invoice["lines"]) and all(r.is_displayed() for r in lines)
    total = browser.find_elements(By.CSS_SELECTOR, "tfoot tr")[-1].text
    assert total.endswith(invoice["total"]) and invoice["currency"] in total
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Help-desk migration Zendesk -> Freshdesk" in body
    assert "Bill to\nAda & <Co>" in body  # escaped by the invoice, read back as text


def test_the_pager_shows_one_page_at_a_time(failed_demo, browser, tmp_path):
    from selenium.webdriver.common.by import By

    code, out, err = invoke("--db", str(failed_demo.db), "report", str(failed_demo.run_id),
                            "--format", "json")
    assert code == 0, err
    page_file = tmp_path / "paged.html"
    page_file.write_text(render(json.loads(out), page_size=7), encoding="utf-8")
    browser.get(page_file.as_uri())

    def shown() -> list[str]:
        return [p.get_attribute("id") for p in
                browser.find_elements(By.CSS_SELECTOR, "#migrated-ticket .page")
                if p.is_displayed()]

    assert shown() == ["ticket-page-1"]
    browser.find_element(By.CSS_SELECTOR, "#migrated-ticket nav.pager a[href$='-2']").click()
    assert shown() == ["ticket-page-2"]
