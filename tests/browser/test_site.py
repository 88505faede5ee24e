"""The built sample site in real Chromium: access form, dossier pages, privacy.

The site is built once per module with the fixed ``TEST_SECRET`` and served over
http://127.0.0.1 (a secure context, where WebCrypto exists). Every test drives the site as a
beneficiary would: typing a code, following a ``#code=`` link, clicking tabs, logging out.
Accessibility is ``test_accessibility.py`` and ``test_keyboard.py``.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sitebuild import accesses, build, copy_project, serve

from bilan_gen.crypto import decrypt_payload, derive_access_code, format_code
from bilan_gen.publishing import Access

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]

FORM = "[data-bilan-form]"
INPUT = "[data-bilan-form] input"
SUBMIT = "[data-bilan-form] button[type=submit]"
ERROR = "[data-bilan-error]"
CONTENT = "[data-bilan-content]"
TAB = "[data-bilan-nav] [data-bilan-route]"
LOCKED = "[data-bilan-locked]"
UNLOCKED = "[data-bilan-unlocked]"
LOGOUT = "[data-bilan-logout]"
PAYLOAD_RE = re.compile(r'(<script type="application/octet-stream" id="bilan-payload">)([^<]*)(<)')

SYNTHESE = "Document de synthèse"
SYNTHESE_TEXT = "Circonstances du bilan"
FIRST_NAME = "Élodie"
NO_OVERFLOW_JS = "document.documentElement.scrollWidth <= window.innerWidth + 1"
FOREIGN_CODE = format_code(derive_access_code(b"x" * 32, "2026-014", 0))
"""Well-formed, but derived from another site's secret: it opens nothing here."""
STORED_KEYS_JS = "Object.keys(sessionStorage).filter(k => k.startsWith('bilan-gen:'))"


@dataclass(frozen=True)
class Site:
    """The sample site, built and served."""

    base_url: str
    site_dir: Path
    project_dir: Path
    accesses: dict[str, Access]

    def dossier_url(self, dossier_id: str, with_code: bool = False) -> str:
        access = self.accesses[dossier_id]
        fragment = f"#code={access.formatted_code}" if with_code else ""
        return f"{self.base_url}{access.uri}{fragment}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repository's sample site, built once for the module, served on 127.0.0.1."""
    project_dir = copy_project(tmp_path_factory.mktemp("site"))
    result = build(project_dir)
    assert result.returncode == 0, result.output
    with serve(result.site_dir) as base_url:
        yield Site(base_url, result.site_dir, project_dir, accesses(project_dir))


@pytest.fixture(scope="module")
def tampered_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A copy of the site where one base64 character of 2026-014's payload was changed."""
    site_dir = tmp_path_factory.mktemp("tampered") / "site"
    shutil.copytree(site.site_dir, site_dir)
    page_path = site_dir / site.accesses["2026-014"].uri
    html = page_path.read_text("utf-8")
    match = PAYLOAD_RE.search(html)
    assert match, "no payload in the dossier page"
    payload = match.group(2)
    middle = len(payload) // 2
    flipped = "B" if payload[middle] == "A" else "A"  # still valid base64, one bit or more off
    tampered = payload[:middle] + flipped + payload[middle + 1 :]
    base64.b64decode(tampered, validate=True)
    page_path.write_text(html[: match.start(2)] + tampered + html[match.end(2) :], "utf-8")
    with serve(site_dir) as base_url:
        yield Site(base_url, site_dir, site.project_dir, site.accesses)


@dataclass
class Journal:
    """Everything a page asked of the network or complained about."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.bilanReportCsp(e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""


def watch(context: BrowserContext) -> Journal:
    """Records requests, console errors, page errors and CSP violations of ``context``."""
    journal = Journal()
    context.on("request", lambda request: journal.requests.append(request.url))
    context.expose_function("bilanReportCsp", lambda text: journal.csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)

    def on_page(page: Page) -> None:
        page.on(
            "console",
            lambda msg: journal.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda error: journal.page_errors.append(str(error)))

    context.on("page", on_page)
    return journal


def submit_code(page: Page, code: str) -> None:
    """Types ``code`` into the access form and submits it."""
    page.locator(INPUT).fill(code)
    page.locator(SUBMIT).click()


def unlock_from_home(page: Page, site: Site, dossier_id: str) -> None:
    """Opens the home page, types the dossier's code, waits for the dossier."""
    access = site.accesses[dossier_id]
    page.goto(site.base_url)
    submit_code(page, access.formatted_code)
    page.wait_for_url(f"{site.base_url}{access.uri}")
    page.locator(CONTENT).wait_for(state="visible")


def tab_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator(TAB).all_inner_texts()]


def open_tab(page: Page, title: str) -> None:
    """Clicks the tab named ``title`` and waits until it is the current one."""
    tab = page.locator(TAB).filter(has_text=title)
    tab.click()
    route = tab.get_attribute("data-bilan-route")
    page.locator(f'{CONTENT}[data-bilan-page="{route}"]').wait_for()


def assert_locked(page: Page) -> None:
    """The form is shown and no dossier content is in the DOM."""
    assert page.locator(LOCKED).is_visible()
    assert page.locator(UNLOCKED).is_hidden()
    assert page.locator(CONTENT).inner_html() == ""
    assert page.locator(TAB).count() == 0


def test_typed_code_opens_the_dossier_and_its_tabs(
    page: Page, site: Site, artifacts_dir: Path
) -> None:
    access = site.accesses["2026-014"]
    page.goto(site.base_url)
    page.locator(FORM).wait_for()
    page.screenshot(path=artifacts_dir / "home.png", full_page=True)

    # Lower case and spaces instead of dashes, as a beneficiary may type it.
    submit_code(page, access.formatted_code.lower().replace("-", " "))

    page.wait_for_url(f"{site.base_url}{access.uri}")
    assert page.locator(CONTENT).is_visible()
    assert f"Bonjour {FIRST_NAME}" in page.locator(CONTENT).inner_text()
    assert SYNTHESE in tab_titles(page)
    page.screenshot(path=artifacts_dir / "dossier-unlocked.png", full_page=True)

    open_tab(page, SYNTHESE)
    assert page.get_by_text(SYNTHESE_TEXT).first.is_visible()
    assert page.locator(f"{TAB}[aria-current=page]").inner_text().strip() == SYNTHESE
    page.screenshot(path=artifacts_dir / "synthese.png", full_page=True)


def test_a_code_of_another_site_is_refused(page: Page, site: Site) -> None:
    page.goto(site.base_url)

    submit_code(page, FOREIGN_CODE)

    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text().startswith("Code incorrect")
    assert page.locator(INPUT).get_attribute("aria-invalid") == "true"
    assert page.url == site.base_url
    assert page.locator(CONTENT).count() == 0
    assert page.evaluate(STORED_KEYS_JS) == []


def test_a_malformed_code_gets_the_format_message(page: Page, site: Site) -> None:
    page.goto(site.base_url)

    submit_code(page, "ABC")

    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text().startswith("Ce code n’a pas le bon format")
    assert page.url == site.base_url


def test_a_tampered_payload_is_refused_and_nothing_is_shown(
    page: Page, tampered_site: Site
) -> None:
    page.goto(tampered_site.dossier_url("2026-014", with_code=True))

    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert "altéré" in error.inner_text()
    assert_locked(page)
    html = page.content()
    assert FIRST_NAME not in html
    assert SYNTHESE_TEXT not in html
    assert page.evaluate(STORED_KEYS_JS) == []


def test_a_code_link_opens_the_dossier_for_this_tab_only(
    new_context: NewContext, site: Site
) -> None:
    page = new_context().new_page()
    page.goto(site.dossier_url("2026-014", with_code=True))
    page.locator(CONTENT).wait_for(state="visible")
    assert FIRST_NAME in page.locator(CONTENT).inner_text()
    assert page.evaluate("location.hash") == ""  # the code left the address bar and history
    assert page.url == site.dossier_url("2026-014")

    page.reload()
    page.locator(CONTENT).wait_for(state="visible")
    assert FIRST_NAME in page.locator(CONTENT).inner_text()

    other_tab = new_context().new_page()
    other_tab.goto(site.dossier_url("2026-014"))
    other_tab.locator(FORM).wait_for()
    assert_locked(other_tab)


def test_a_host_with_pretty_urls_serves_the_dossier_without_html(
    new_context: NewContext, site: Site
) -> None:
    access = site.accesses["2026-014"]
    with serve(site.site_dir, pretty_urls=True) as base_url:
        assert access.uri.endswith(".html")
        page = new_context().new_page()
        page.goto(f"{base_url}{access.uri.removesuffix('.html')}#code={access.formatted_code}")
        page.locator(CONTENT).wait_for(state="visible")
        assert FIRST_NAME in page.locator(CONTENT).inner_text()
        # The theme's own styles load from the same relative addresses as on any host.
        primary = "getComputedStyle(document.body).getPropertyValue('--md-primary-fg-color')"
        assert page.evaluate(primary).strip()

        page.goto(base_url)
        submit_code(page, access.formatted_code)
        page.locator(CONTENT).wait_for(state="visible")
        assert FIRST_NAME in page.locator(CONTENT).inner_text()


def test_a_code_link_for_another_dossier_opens_nothing(page: Page, site: Site) -> None:
    other = site.accesses["2026-021"]
    page.goto(f"{site.dossier_url('2026-014')}#code={other.formatted_code}")

    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.inner_text() == "Ce code n’ouvre pas ce dossier."
    assert_locked(page)
    assert page.evaluate("location.hash") == ""
    assert page.evaluate(STORED_KEYS_JS) == []


def test_logout_forgets_the_key(page: Page, site: Site) -> None:
    unlock_from_home(page, site, "2026-021")
    assert page.evaluate(STORED_KEYS_JS) != []

    page.locator(LOGOUT).click()

    assert_locked(page)
    assert page.evaluate(STORED_KEYS_JS) == []
    assert page.evaluate("document.activeElement.id") == "bilan-code"
    page.reload()
    page.locator(FORM).first.wait_for()
    assert_locked(page)


def _distinctive_draft_sentence(site: Site) -> str:
    text = (site.project_dir / "dossiers" / "2026-037" / "02-investigation.md").read_text("utf-8")
    sentence = "Yannick a toujours cherché les maisons où il pouvait apprendre, puis transmettre."
    assert sentence in text, "pick another sentence from the draft"
    return sentence


def test_a_draft_phase_is_never_shown(page: Page, site: Site) -> None:
    sentence = _distinctive_draft_sentence(site)
    unlock_from_home(page, site, "2026-037")

    titles = tab_titles(page)
    assert "Phase préliminaire" in titles
    assert not any("investigation" in title.lower() for title in titles), titles
    for title in titles:
        open_tab(page, title)
        assert sentence not in page.content()

    # The payload itself, not only the DOM, must not hold the draft.
    html = (site.site_dir / site.accesses["2026-037"].uri).read_text("utf-8")
    match = PAYLOAD_RE.search(html)
    assert match
    plain = decrypt_payload(site.accesses["2026-037"].key, base64.b64decode(match.group(2)))
    assert sentence not in plain.decode("utf-8")
    assert sentence not in json.dumps(json.loads(plain), ensure_ascii=False)


def test_phone_layout(new_context: NewContext, site: Site, artifacts_dir: Path) -> None:
    context = new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(site.base_url)
    font_size = page.locator(INPUT).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_size >= 16, "iOS zooms into inputs under 16px"
    assert page.evaluate(NO_OVERFLOW_JS), "the home page scrolls sideways"

    unlock_from_home(page, site, "2026-014")
    assert page.evaluate(NO_OVERFLOW_JS), "the dossier home scrolls sideways"
    open_tab(page, SYNTHESE)
    assert page.evaluate(NO_OVERFLOW_JS), "the synthèse scrolls sideways"
    page.screenshot(path=artifacts_dir / "phone-synthese.png", full_page=True)


def hrefs(page: Page) -> list[str]:
    """Every link target of the page, as the browser resolves it."""
    found: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return found


def test_a_beneficiary_sees_their_pages_and_no_guide(page: Page, site: Site) -> None:
    page.goto(site.base_url)
    nav = page.locator(".md-nav--primary .md-nav__link").all_inner_texts()
    assert [t.strip() for t in nav if t.strip()] == [
        "Accueil",
        "Le bilan de compétences",
        "Confidentialité",
    ]
    seen = hrefs(page)
    for uri in ("bilan/", "confidentialite/"):
        page.goto(site.base_url + uri)
        seen += hrefs(page)
    unlock_from_home(page, site, "2026-014")
    seen += hrefs(page)
    assert [url for url in seen if "guide" in url.lower()] == []
    assert "Guide du consultant" not in page.content()
    until = page.locator("[data-bilan-online-until]").inner_text()
    assert re.fullmatch(
        r"Ce dossier reste en ligne jusqu'au \d{2}/\d{2}/\d{4}\. "
        r"Pensez à l'imprimer ou à en garder une copie\.",
        until,
    ), until


def test_a_whole_visit_stays_on_the_site(new_context: NewContext, site: Site) -> None:
    context = new_context()
    journal = watch(context)
    page = context.new_page()

    unlock_from_home(page, site, "2026-014")
    for title in tab_titles(page):
        open_tab(page, title)
    page.locator(LOGOUT).click()
    page.locator(FORM).first.wait_for()
    page.wait_for_load_state("networkidle")

    assert journal.requests, "nothing recorded"
    foreign = [
        url for url in journal.requests if not url.startswith((site.base_url, "blob:", "data:"))
    ]
    assert foreign == []
    assert journal.page_errors == []
    assert journal.console_errors == []
    assert journal.csp_violations == []
