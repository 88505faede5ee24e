"""The screenshots of the consultant guide, taken from the real site: they never go stale.

The captures are published with the guide, in clear: they must show no dossier of the site.
So each test builds or serves a demonstration project whose only dossier is the fictional
test dossier ``tests/data/base`` (never part of ``dossiers/``), and writes its capture to
``guide/captures/`` (committed, referenced by the guide) when the pixels changed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from previewserve import start_preview
from sitebuild import REPO, accesses, build, copy_project, serve

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

CAPTURES = REPO / "guide" / "captures"
VIEWPORT = {"width": 1024, "height": 640}
DEMO = "2026-001"
"""The fictional test dossier, the only one a capture may show: not a dossier of the site."""


def demo_project(target: Path) -> Path:
    """The site's sources with the test dossier in place of the site's dossiers."""
    project = copy_project(target)
    shutil.rmtree(project / "dossiers")
    shutil.copytree(REPO / "tests" / "data" / "base" / "dossiers", project / "dossiers")
    return project


def save_capture(page: Page, name: str) -> Path:
    """Screenshot the viewport into ``captures/name``; rewrite the file only if it changed."""
    data = page.screenshot(animations="disabled", caret="hide")
    path = CAPTURES / name
    CAPTURES.mkdir(exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    referenced = "".join(p.read_text(encoding="utf-8") for p in CAPTURES.parent.glob("*.md"))
    assert f"(captures/{name})" in referenced, f"no guide page shows captures/{name}"
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    project = demo_project(tmp_path_factory.mktemp("guide-site"))
    result = build(project)
    assert result.returncode == 0, result.output
    with serve(result.site_dir) as base_url:
        yield base_url, project


@pytest.fixture
def shot(new_context: object) -> Iterator[Page]:
    context: BrowserContext = new_context(viewport=VIEWPORT)  # type: ignore[operator]
    yield context.new_page()


def test_capture_the_home_page_and_its_form(shot: Page, site: tuple[str, Path]) -> None:
    base_url, _ = site
    shot.goto(base_url)
    shot.locator("[data-bilan-form] input").wait_for()
    png = save_capture(shot, "accueil.png")
    assert png.stat().st_size > 1000


def test_capture_an_unlocked_sample_dossier(shot: Page, site: tuple[str, Path]) -> None:
    base_url, project = site
    access = accesses(project)[DEMO]
    shot.goto(base_url)
    shot.locator("[data-bilan-form] input").fill(access.formatted_code)
    shot.locator("[data-bilan-form] button[type=submit]").click()
    shot.wait_for_url(f"{base_url}{access.uri}")
    shot.locator("[data-bilan-nav] [data-bilan-route]").first.wait_for()
    # The typed code must not show: the capture is of the dossier, not of its key.
    assert access.formatted_code not in shot.content()
    save_capture(shot, "dossier.png")


def test_capture_the_preview(shot: Page, tmp_path: Path) -> None:
    project = demo_project(tmp_path / "project")
    folder = project / "dossiers" / DEMO
    investigation = folder / "02-investigation.md"
    investigation.write_text(
        investigation.read_text("utf-8").replace("statut: finalise", "statut: brouillon", 1),
        encoding="utf-8",
    )
    yml = folder / "dossier.yml"
    text = yml.read_text(encoding="utf-8")
    # One warning, to show what diagnostics look like in the preview.
    yml.write_text(re.sub(r"^duree_prevue_h:", "lieu: Rouen\nduree_prevue_h:", text, flags=re.M))
    server = start_preview(project, DEMO)
    try:
        shot.goto(server.url + "#/investigation")
        shot.locator("[data-bilan-draft-notice]").wait_for()
        save_capture(shot, "apercu.png")
    finally:
        server.stop()
