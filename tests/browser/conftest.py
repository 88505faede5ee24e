"""Shared fixtures of the browser suite: real headless Chromium driven by Playwright.

Chromium is Debian's (``/usr/bin/chromium``): ``playwright install`` downloads a browser
and must never run here. Without Chromium or Playwright the suite is skipped on a
developer's machine, but fails in CI (``CI`` set and not empty), where skipping would hide
that nothing was tested.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # window.print() returns at once instead of holding a print preview that blocks page.pdf().
    "--disable-print-preview",
]
ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "artifacts"
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(reason: str) -> NoReturn:
    """Skips the test locally; fails it in CI, where a skipped browser suite hides a gap."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    executable = _chromium_path()
    if executable is None:
        _unavailable("chromium not found (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context (no cookies, storage or cache shared between tests)."""
    context = _new_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Opens fresh contexts (a new tab session each) with Playwright's options; closes them."""
    contexts: list[BrowserContext] = []

    def factory(**options: Any) -> BrowserContext:
        contexts.append(_new_context(browser, **options))
        return contexts[-1]

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core's ``axe.min.js``, installed by ``npm install`` at the repository root."""
    if not AXE_PATH.is_file():
        _unavailable(f"axe-core not found at {AXE_PATH} (run npm install)")
    return AXE_PATH


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``tests/artifacts/``: screenshots, PDFs and traces worth a look (git-ignored)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR
