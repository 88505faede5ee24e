"""A beneficiary's observations, end to end: typed in Chromium, imported by the real CLI.

The sample site is built with the fixed test secret and served on 127.0.0.1. The beneficiary
opens their dossier with their code, types observations under the synthèse, seals them,
downloads the file (Playwright's download) and gets a ``mailto:`` link; the consultant runs
``bilan observations`` in a subprocess, as in a terminal. The text lands in ``synthese.md``; a
replay and a tampered copy are refused; the rebuilt site shows the text, print view included.
Every request stays on the site's origin and the CSP reports nothing.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from a11y import axe_violations, format_violations
from sitebuild import TEST_SECRET, accesses, build, copy_project, serve
from test_site import (
    CONTENT,
    LOGOUT,
    PAYLOAD_RE,
    TAB,
    Journal,
    open_tab,
    submit_code,
    watch,
)

from bilan_gen.crypto import decrypt_payload, encrypt_payload
from bilan_gen.loading import load_dossier
from bilan_gen.observations.envelope import BEGIN, END
from bilan_gen.publishing import Access, audiences_of

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

FORM = "[data-bilan-observations]"
TEXT = "[data-bilan-observations-text]"
SUBMIT = "[data-bilan-observations-submit]"
ERROR = "[data-bilan-observations-error]"
RESULT = "[data-bilan-observations-result]"
MAILTO = "[data-bilan-observations-mailto]"
DOWNLOAD = "[data-bilan-observations-download]"
SYNTHESE = "Document de synthèse"
TYPED = (
    "Je suis d'accord avec la synthèse, merci.\n\n"
    "## Ce n'est pas un titre, et <b>pas du HTML</b> : « guillemets » & *étoiles*.\n"
    "Deuxième ligne."
)
SHOWN = [
    "Je suis d'accord avec la synthèse, merci.",
    "## Ce n'est pas un titre, et <b>pas du HTML</b> : « guillemets » & *étoiles*.",
    "Deuxième ligne.",
]


@dataclass(frozen=True)
class Site:
    base_url: str
    site_dir: Path
    project_dir: Path
    accesses: dict[str, Access]

    def url(self, access: Access, with_code: bool = True) -> str:
        fragment = f"#code={access.formatted_code}" if with_code else ""
        return f"{self.base_url}{access.uri}{fragment}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    project_dir = copy_project(tmp_path_factory.mktemp("obs") / "project")
    result = build(project_dir)
    assert result.returncode == 0, result.output
    with serve(result.site_dir) as base_url:
        yield Site(base_url, result.site_dir, project_dir, accesses(project_dir))


def bilan(
    project_dir: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``bilan …`` in a subprocess, in the project, with the site's secret."""
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    env["BILAN_SECRET"] = TEST_SECRET
    return subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", *args],
        cwd=project_dir,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def open_synthese(context: BrowserContext, site: Site, access: Access) -> Page:
    page = context.new_page()
    page.goto(site.url(access))
    page.locator(CONTENT).wait_for(state="visible")
    open_tab(page, SYNTHESE)
    return page


def seal_in_page(page: Page, text: str) -> None:
    page.locator(TEXT).fill(text)
    page.locator(SUBMIT).click()
    page.locator(RESULT).wait_for(state="visible")


def assert_same_origin(journal: Journal, site: Site) -> None:
    assert journal.requests and all(url.startswith(site.base_url) for url in journal.requests)
    assert journal.csp_violations == []
    assert journal.page_errors == []
    assert journal.console_errors == []


def test_typed_sealed_downloaded_imported_and_shown(
    browser_context: BrowserContext, site: Site, tmp_path: Path, artifacts_dir: Path
) -> None:
    journal = watch(browser_context)
    page = open_synthese(browser_context, site, site.accesses["2026-014"])
    form = page.locator(FORM)
    assert form.is_visible()
    assert form.locator("h2").inner_text() == "Mes observations"
    page.locator(TEXT).fill(TYPED)
    page.locator(SUBMIT).click()
    page.locator(RESULT).wait_for(state="visible")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Vos observations sont chiffrées"
    page.screenshot(path=artifacts_dir / "observations-chiffrees.png", full_page=True)

    with page.expect_download() as waiting:
        page.locator(DOWNLOAD).click()
    download = waiting.value
    assert re.fullmatch(r"observations-\d{4}-\d{2}-\d{2}\.txt", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    file_text = saved.read_text(encoding="utf-8")
    assert BEGIN in file_text and END in file_text
    assert "Je suis d'accord" not in file_text

    mailto = page.locator(MAILTO)
    assert mailto.get_attribute("data-bilan-observations-mailto") == "complet"
    href = mailto.get_attribute("href") or ""
    assert len(href) <= 2000
    parts = urlsplit(href)
    assert (parts.scheme, unquote(parts.path)) == ("mailto", "helene.castagne@cap-parcours.example")
    query = parse_qs(parts.query)
    assert query["subject"] == ["Mes observations sur mon document de synthèse"]
    body = query["body"][0]
    assert "\r\n" in body and BEGIN in body and "2026-014" not in body
    assert_same_origin(journal, site)

    synthese = site.project_dir / "dossiers" / "2026-014" / "synthese.md"
    before = synthese.read_bytes()
    imported = bilan(site.project_dir, "observations", "2026-014", str(saved))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "observations du bénéficiaire écrites le" in imported.stdout
    after = synthese.read_bytes()
    assert after.startswith(before)
    added = after[len(before) :].decode("utf-8")
    assert "> Je suis d'accord avec la synthèse, merci." in added
    escaped = (
        "\\## Ce n'est pas un titre, et &lt;b>pas du HTML&lt;/b> : « guillemets » & \\*étoiles\\*."
    )
    assert f"> {escaped}" in added
    assert "> Deuxième ligne." in added

    # The e-mail's body is the same message: a replay, refused; so is a tampered copy.
    replay = bilan(site.project_dir, "observations", "2026-014", stdin=body)
    assert replay.returncode == 1
    assert replay.stdout.rstrip().endswith("[observation-deja-importee]")
    lines = file_text.split("\n")
    at = lines.index(BEGIN) + 2
    lines[at] = lines[at][:10] + ("A" if lines[at][10] != "A" else "B") + lines[at][11:]
    tampered = tmp_path / "altere.txt"
    tampered.write_text("\n".join(lines), encoding="utf-8")
    refused = bilan(site.project_dir, "observations", "2026-014", str(tampered))
    assert refused.returncode == 1
    assert refused.stdout.startswith("altere.txt:5: erreur: message altéré") or re.match(
        r"^\S*altere\.txt:5: erreur: message altéré", refused.stdout
    ), refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr + replay.stderr
    assert synthese.read_bytes() == after

    assert bilan(site.project_dir, "check", "dossiers/2026-014").returncode == 0
    rebuilt = build(site.project_dir)
    assert rebuilt.returncode == 0, rebuilt.output
    page.reload()
    page.locator(CONTENT).wait_for(state="visible")
    open_tab(page, SYNTHESE)
    quote = page.locator(f"{CONTENT} blockquote").last
    assert [p.strip() for p in quote.locator("p").all_inner_texts()] == SHOWN
    page.goto(site.url(site.accesses["2026-014"], with_code=False) + "#/impression")
    document = page.locator("[data-bilan-print-document]")
    document.wait_for()
    sections = document.locator(".bilan-print-section h2").all_inner_texts()
    assert sections[-1] == "Observations du bénéficiaire"
    assert SHOWN[1] in document.inner_text()
    assert page.locator(FORM).count() == 0  # not on the print view
    page.emulate_media(media="print")
    page.goto(site.url(site.accesses["2026-014"], with_code=False) + "#/synthese")
    page.locator(FORM).wait_for(state="attached")
    assert page.locator(FORM).is_hidden()  # not printed with the synthèse page either


def test_a_long_text_asks_to_attach_the_file(browser_context: BrowserContext, site: Site) -> None:
    page = open_synthese(browser_context, site, site.accesses["2026-021"])
    seal_in_page(page, "Un long texte. " * 200)
    mailto = page.locator(MAILTO)
    assert mailto.get_attribute("data-bilan-observations-mailto") == "piece-jointe"
    href = mailto.get_attribute("href") or ""
    assert href.startswith("mailto:contact@cap-parcours.example?")
    assert BEGIN not in unquote(href) and len(href) < 2000
    assert "joignez-le au message" in page.locator(RESULT).inner_text()


def test_the_form_keeps_the_draft_across_tabs_and_forgets_it_at_logout(
    browser_context: BrowserContext, site: Site
) -> None:
    page = open_synthese(browser_context, site, site.accesses["2026-014"])
    page.locator(SUBMIT).click()
    error = page.locator(ERROR)
    error.wait_for(state="visible")
    assert error.get_attribute("role") == "alert"
    assert error.inner_text() == "Écrivez vos observations avant de les chiffrer."
    assert page.locator(TEXT).get_attribute("aria-invalid") == "true"

    page.locator(TEXT).fill("Brouillon en cours")
    open_tab(page, "Votre dossier")
    assert page.locator(FORM).count() == 0
    open_tab(page, SYNTHESE)
    assert page.locator(TEXT).input_value() == "Brouillon en cours"

    page.locator(LOGOUT).click()
    assert page.locator(FORM).count() == 0
    submit_code(page, site.accesses["2026-014"].formatted_code)
    page.locator(CONTENT).wait_for(state="visible")
    open_tab(page, SYNTHESE)
    assert page.locator(TEXT).input_value() == ""


def test_a_third_party_sees_no_form(browser_context: BrowserContext, site: Site) -> None:
    dossier = load_dossier(site.project_dir / "dossiers" / "2026-014")[0]
    cep = next(a for a in audiences_of(dossier, bytes.fromhex(TEST_SECRET)) if a.recipient)
    page = browser_context.new_page()
    page.goto(site.url(cep.access))
    page.locator(CONTENT).wait_for(state="visible")
    assert page.locator(TAB).all_inner_texts() == [SYNTHESE]
    assert page.locator(f"{CONTENT}[data-bilan-page=synthese]").count() == 1
    assert page.locator(FORM).count() == 0


def test_without_an_address_the_form_says_to_hand_the_file_over(
    browser_context: BrowserContext, site: Site, tmp_path: Path
) -> None:
    # The same site with 2026-014's payload re-encrypted without a contact: no other build.
    copy = tmp_path / "site"
    shutil.copytree(site.site_dir, copy)
    access = site.accesses["2026-014"]
    path = copy / access.uri
    html = path.read_text(encoding="utf-8")
    match = PAYLOAD_RE.search(html)
    assert match
    payload = json.loads(decrypt_payload(access.key, base64.b64decode(match.group(2))))
    payload["observations"]["contact"] = None
    sealed = base64.b64encode(encrypt_payload(access.key, json.dumps(payload).encode())).decode()
    path.write_text(html[: match.start(2)] + sealed + html[match.end(2) :], encoding="utf-8")
    with serve(copy) as base_url:
        page = browser_context.new_page()
        page.goto(f"{base_url}{access.uri}#code={access.formatted_code}")
        page.locator(CONTENT).wait_for(state="visible")
        open_tab(page, SYNTHESE)
        seal_in_page(page, "Sans adresse.")
        assert page.locator(MAILTO).count() == 0
        assert (
            page.locator("[data-bilan-observations-nocontact]")
            .inner_text()
            .startswith("Aucune adresse e-mail de votre consultant n’est indiquée sur ce site")
        )
        assert page.locator(DOWNLOAD).is_visible()


def test_accessibility_of_the_form_its_error_and_its_result(
    new_context: Callable[..., BrowserContext], site: Site, axe_path: Path
) -> None:
    # axe-core is injected inline, which the site's own CSP forbids: bypass it here only.
    page = open_synthese(new_context(bypass_csp=True), site, site.accesses["2026-014"])
    page.locator(SUBMIT).click()
    page.locator(ERROR).wait_for(state="visible")
    violations = axe_violations(page, axe_path)
    assert violations == [], format_violations(violations)
    seal_in_page(page, "Merci pour cet accompagnement.")
    page.locator(RESULT).locator("summary").click()
    page.hover(SUBMIT)  # a hovered button keeps its contrast
    page.wait_for_function(f"document.querySelector('{SUBMIT}').getAnimations().length === 0")
    violations = axe_violations(page, axe_path)
    assert violations == [], format_violations(violations)


@pytest.fixture
def browser_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(accept_downloads=True)
