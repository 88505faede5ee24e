"""A third party's code (L6313-4) in real Chromium: the synthèse, and nothing else.

Sample 2026-014 lists a CEP operator in ``diffusion`` with ``perimetre: synthese``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sitebuild import TEST_SECRET, build, copy_project, serve

from bilan_gen.loading import load_dossier
from bilan_gen.publishing import Audience, audiences_of

if TYPE_CHECKING:
    from playwright.sync_api import Page

CONTENT = "[data-bilan-content]"
TAB = "[data-bilan-nav] [data-bilan-route]"


@dataclass(frozen=True)
class Served:
    base_url: str
    project_dir: Path
    beneficiary: Audience
    recipient: Audience


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = copy_project(tmp_path_factory.mktemp("recipients"))
    result = build(project)
    assert result.returncode == 0, result.output
    dossier = load_dossier(project / "dossiers" / "2026-014")[0]
    beneficiary, recipient = audiences_of(dossier, bytes.fromhex(TEST_SECRET))
    assert recipient.recipient is not None and recipient.recipient.perimetre == "synthese"
    with serve(result.site_dir) as base_url:
        yield Served(base_url, project, beneficiary, recipient)


def open_with_code(page: Page, served: Served, audience: Audience) -> None:
    page.goto(f"{served.base_url}{audience.access.uri}#code={audience.access.formatted_code}")
    page.locator(CONTENT).get_by_role("heading").first.wait_for()


def phase_sentence(served: Served) -> str:
    """A sentence of the préliminaire phase of 2026-014, to look for in the page."""
    text = (served.project_dir / "dossiers/2026-014/01-preliminaire.md").read_text("utf-8")
    prose = [line for line in text.split("\n") if len(line) > 80 and not line.startswith("|")]
    return prose[0][:60]


def test_a_recipient_code_opens_the_synthese_only(page: Page, served: Served) -> None:
    open_with_code(page, served, served.recipient)
    tabs = [t.strip() for t in page.locator(TAB).all_inner_texts()]
    assert tabs == ["Document de synthèse"]
    assert "Circonstances du bilan" in page.locator(CONTENT).inner_text()
    assert "Élodie" not in page.locator(CONTENT).inner_text()  # no beneficiary home page


def test_a_recipient_cannot_open_a_phase_page(page: Page, served: Served) -> None:
    open_with_code(page, served, served.recipient)
    page.evaluate("location.hash = '#/preliminaire'")
    page.wait_for_timeout(200)
    html = page.content()
    assert phase_sentence(served) not in html
    assert page.locator(CONTENT).get_attribute("data-bilan-page") == "synthese"


def test_the_beneficiary_code_still_opens_everything(page: Page, served: Served) -> None:
    open_with_code(page, served, served.beneficiary)
    tabs = [t.strip() for t in page.locator(TAB).all_inner_texts()]
    assert "Phase préliminaire" in tabs and "Document de synthèse" in tabs
    page.locator(TAB, has_text="Phase préliminaire").click()
    page.wait_for_function(
        "document.querySelector('[data-bilan-content]').dataset.bilanPage === 'preliminaire'"
    )
    assert phase_sentence(served) in page.locator(CONTENT).inner_text()
