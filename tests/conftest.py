"""Shared fixtures: every test runs git isolated from the user's and the system's configuration;
a headless browser for the report's pages. The helpers (CLI runners, documents, seeds, a real-git
Repo) are in tests/helpers."""
from __future__ import annotations

import os

import pytest

BROWSER, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytest_plugins = ["tests.helpers.example"]  # the example repository's fixtures: example, received, cold


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    """No user or system git config, no GIT_DIR leaking in from a hook running the tests."""
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(autouse=True)
def fresh_trailers():
    """Each test reads its own commit messages: the memo of parse_trailers (shared in a process)
    must not answer for an earlier test, or a fault in the trailer parser goes unseen (mutmut runs
    its faulty versions in processes forked after the whole suite ran)."""
    from pia_changes.classify.trailers import parse_trailers
    parse_trailers.cache_clear()


@pytest.fixture
def browser(tmp_path):
    """Headless Debian chromium through chromedriver (Decisions: Browser tests); .ci/run installs both."""
    from selenium import webdriver  # the test extra has it; only the browser may be missing
    from selenium.webdriver.chrome.service import Service
    missing = [p for p in (BROWSER, DRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.skip(f"no browser for the report test: {', '.join(missing)} missing "
                    "(apt-get install chromium chromium-driver; .ci/run does this as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,900",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
