"""``bilan preview`` in real Chromium: the site's look, the banner, drafts, and the page that
reloads by itself after a save, showing the new text.

The preview server runs in this process on a copy of the sample project, with the look the
CLI adapter finds in ``mkdocs.yml`` (Material's stylesheets, the Markdown extensions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from previewserve import start_preview
from sitebuild import copy_project

from bilan_gen.preview import BANNER, PreviewServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOSSIER = "2026-037"  # fictional sample: preliminary finalised, investigation in draft
BANNER_SEL = "[data-bilan-preview-banner]"
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.bilanReportCsp(e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""


@dataclass
class Preview:
    server: PreviewServer
    folder: Path
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def preview(tmp_path: Path, page: Page) -> Iterator[Preview]:
    project = copy_project(tmp_path / "project")
    server = start_preview(project, DOSSIER)
    state = Preview(server, project / "dossiers" / DOSSIER)
    page.context.on("request", lambda request: state.requests.append(request.url))
    page.context.expose_function("bilanReportCsp", lambda text: state.problems.append(text))
    page.context.add_init_script(CSP_LISTENER)
    page.on("console", lambda m: state.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: state.problems.append(str(error)))
    try:
        yield state
    finally:
        server.stop()


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_page_reloads_by_itself_after_a_save(
    page: Page, preview: Preview, artifacts_dir: Path
) -> None:
    page.goto(preview.server.url + "#/investigation")
    section = page.locator('[data-bilan-page="investigation"]')
    section.wait_for(state="visible")
    assert page.locator(BANNER_SEL).inner_text().startswith(BANNER)
    page.evaluate("window.bilanAvantEnregistrement = true")

    save(
        preview.folder / "02-investigation.md",
        "## Parcours et expériences\n",
        "## Parcours et expériences\n\nPhrase écrite à l'instant dans l'éditeur.\n",
    )

    page.get_by_text("Phrase écrite à l'instant dans l'éditeur.").wait_for(timeout=10_000)
    assert page.evaluate("window.bilanAvantEnregistrement") is None  # a new page: reloaded
    assert section.is_visible()  # still on the same tab
    assert page.locator(BANNER_SEL).is_visible()
    page.screenshot(path=artifacts_dir / "preview-reloaded.png")
    assert preview.problems == []
    assert all(url.startswith(preview.server.url) for url in preview.requests)


def test_look_banner_drafts_and_diagnostics(page: Page, preview: Preview) -> None:
    save(preview.folder / "dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 20\nlieu: Vannes")
    page.goto(preview.server.url)
    banner = page.locator(BANNER_SEL)
    banner.wait_for()
    # Material's stylesheet is applied: its header takes the primary colour.
    header_colour = page.eval_on_selector(".md-header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(64, 81, 181)"  # indigo, #4051b5
    diagnostics = page.locator("[data-bilan-diagnostics]")
    title = diagnostics.locator(".admonition-title").inner_text()
    assert title.startswith("Diagnostics : 0 erreur, ") and "avertissement" in title
    unknown = diagnostics.locator('[data-bilan-diagnostic="champ-inconnu"]')
    assert "champ inconnu « lieu »" in unknown.inner_text()
    draft_tab = page.locator('[data-bilan-route="investigation"]')
    assert draft_tab.inner_text().endswith("brouillon")
    assert page.locator('[data-bilan-page="investigation"]').is_hidden()
    draft_tab.click()
    # The tab changes on the hashchange event, after the click returns.
    page.locator("[data-bilan-draft-notice]").wait_for(state="visible", timeout=5_000)
    # The banner stays in view however far the consultant scrolls.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 1000
    box = banner.bounding_box()
    assert box is not None and box["y"] == 0
    assert preview.problems == []


def test_a_fixed_error_disappears_without_a_reload_by_hand(page: Page, preview: Preview) -> None:
    path = preview.folder / "01-preliminaire.md"
    save(path, "    modalite: presentiel\n", "    modalite: visio\n")
    page.goto(preview.server.url)
    error = page.locator('[data-bilan-diagnostic="valeur-invalide"]')
    error.wait_for()
    save(path, "    modalite: visio\n", "    modalite: presentiel\n")
    error.wait_for(state="detached", timeout=10_000)
    title = page.locator("[data-bilan-diagnostics] .admonition-title").inner_text()
    assert title.startswith(("Diagnostics : aucun problème", "Diagnostics : 0 erreur"))
