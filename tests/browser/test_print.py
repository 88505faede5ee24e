"""The synthèse's print view in real Chromium: « Imprimer », then print-to-PDF read back.

The sample site is built once for the module and served on 127.0.0.1. A beneficiary types
the code of 2026-014, opens the synthèse, clicks « Imprimer »: the print view opens (from
the encrypted payload, like every page) and the browser prints. Chromium's own
print-to-PDF of that view must be the clean A4 document, without any of the site around it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from sitebuild import accesses, build, copy_project, serve

from bilan_gen.config import DEFAULT_SECTIONS
from bilan_gen.model import Phase
from bilan_gen.publishing import Access

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

CONTENT = "[data-bilan-content]"
PRINT = "[data-bilan-print]"
PRINT_VIEW = f'{CONTENT}[data-bilan-page="impression"]'
TITLE = "Document de synthèse — Bilan de compétences"
NOTICE = "Il ne peut être communiqué à un tiers qu’avec son accord"
SECTIONS = [spec.title for spec in DEFAULT_SECTIONS[Phase.SYNTHESE]]
SITE_CHROME = (
    "Se déconnecter",
    "Votre dossier",
    "Phase préliminaire",
    "Phase de conclusions",
    "Bilans de compétences",  # the site's name, in Material's header
    "Rechercher",
    "Imprimer",
    "Retour à la synthèse",
    "Télécharger mon dossier",
)
PRINT_EVENTS_JS = """
window.bilanPrints = 0;
window.addEventListener('beforeprint', () => { window.bilanPrints += 1; });
"""


@dataclass(frozen=True)
class Site:
    base_url: str
    accesses: dict[str, Access]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    project_dir = copy_project(tmp_path_factory.mktemp("print-site"))
    result = build(project_dir)
    assert result.returncode == 0, result.output
    with serve(result.site_dir) as base_url:
        yield Site(base_url, accesses(project_dir))


def unlock(page: Page, site: Site, dossier_id: str) -> None:
    """Types the dossier's code in the home page's form and waits for the dossier."""
    access = site.accesses[dossier_id]
    page.goto(site.base_url)
    page.locator("[data-bilan-form] input").fill(access.formatted_code)
    page.locator("[data-bilan-form] button[type=submit]").click()
    page.wait_for_url(f"{site.base_url}{access.uri}")
    page.locator(CONTENT).wait_for(state="visible")


def open_synthese(page: Page) -> None:
    page.locator('[data-bilan-nav] [data-bilan-route="synthese"]').click()
    page.locator(f'{CONTENT}[data-bilan-page="synthese"]').wait_for()


def flat(text: str) -> str:
    """One line of text; ligatures (Chromium writes « ﬁ » as one character) spelt out."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def test_imprimer_opens_the_print_view_and_prints_a_clean_a4_document(
    page: Page, site: Site, artifacts_dir: Path
) -> None:
    page.add_init_script(PRINT_EVENTS_JS)
    unlock(page, site, "2026-014")
    open_synthese(page)

    page.locator(PRINT).click()

    page.locator(PRINT_VIEW).wait_for()
    assert page.url.endswith("#/impression")
    assert page.evaluate("window.bilanPrints") == 1  # window.print() was called
    assert page.locator("[data-bilan-print-document]").is_visible()
    page.screenshot(path=artifacts_dir / "print-view.png", full_page=True)

    pdf = page.pdf(format="A4")
    (artifacts_dir / "print-view.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    texts = [flat(p.extract_text()) for p in reader.pages]
    text = " ".join(texts)
    assert 2 <= len(texts) <= 6
    for p in reader.pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    assert "Organisme Cap Parcours Conseil" in texts[0] and TITLE in texts[0]
    blocks = ["Organisme Cap Parcours Conseil", TITLE, NOTICE, *SECTIONS]
    at = [text.find(s) for s in [*blocks, "Suivi et remise du document"]]
    assert -1 not in at and at == sorted(at), at
    assert text.count("Date et signature") == 2
    assert [chrome for chrome in SITE_CHROME if chrome in text] == []
    for number, page_text in enumerate(texts, start=1):
        assert f"page {number} / {len(texts)}" in page_text


def test_the_print_view_shows_nothing_of_the_site_in_print_media(
    page: Page, site: Site, artifacts_dir: Path
) -> None:
    unlock(page, site, "2026-014")
    open_synthese(page)
    page.locator(PRINT).click()
    page.locator(PRINT_VIEW).wait_for()

    page.emulate_media(media="print")

    for selector in (
        ".md-header",
        ".md-footer",
        ".md-sidebar",
        ".bilan-bar",
        ".bilan-print-actions",
        "[data-bilan-copy]",
    ):
        for element in page.locator(selector).all():
            assert element.is_hidden(), selector
    assert page.locator("[data-bilan-print-document]").is_visible()
    page.screenshot(path=artifacts_dir / "print-view-print-media.png", full_page=True)

    page.emulate_media(media="screen")
    page.get_by_text("Retour à la synthèse").click()
    page.locator(f'{CONTENT}[data-bilan-page="synthese"]').wait_for()


def test_no_print_view_before_the_synthese_is_finalised(page: Page, site: Site) -> None:
    unlock(page, site, "2026-037")
    assert page.locator(PRINT).count() == 0

    page.evaluate("location.hash = '#/impression'")

    page.locator(f'{CONTENT}[data-bilan-page="accueil"]').wait_for()
    assert page.locator("[data-bilan-print-document]").count() == 0


def test_the_print_view_is_accessible(
    new_context: Callable[..., BrowserContext], site: Site, axe_path: Path
) -> None:
    page = new_context(bypass_csp=True).new_page()  # the site's CSP forbids injecting axe
    unlock(page, site, "2026-014")
    page.evaluate("location.hash = '#/impression'")
    page.locator(PRINT_VIEW).wait_for()

    page.add_script_tag(path=axe_path)
    violations = page.evaluate("async () => (await axe.run(document)).violations")

    assert [(v["id"], v["impact"]) for v in violations] == []
