"""From a printed access letter to the open dossier, in real Chromium.

The sample site is built, ``bilan access --lettre 2026-014`` prints its letters (with the
https address a letter requires), each letter's QR code is read back from the rendered page
(``pdftoppm`` + ``zbarimg``), and the decoded link is opened on the site served locally: the
same path and fragment, only the host differs. The beneficiary's letter opens the whole
dossier; the CEP operator's opens the synthèse alone.
"""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from qrread import decode_qr
from sitebuild import TEST_SECRET, build, copy_project, http_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

SITE = "https://bilans.example.org/"
CONTENT = "[data-bilan-content]"
TAB = "[data-bilan-nav] [data-bilan-route]"


@dataclass(frozen=True)
class Printed:
    base_url: str
    links: dict[str, str]
    """The link each letter's QR code holds, by file name."""
    requested: list[str]
    """Every path the server was asked for, as the server saw it."""


def recording_handler(site_dir: Path, requested: list[str]) -> type:
    class Recorder(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def do_GET(self) -> None:  # noqa: N802 - http.server's API
            requested.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Recorder


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    project = copy_project(tmp_path_factory.mktemp("letters") / "project")
    result = build(project)
    assert result.returncode == 0, result.output
    config = project / "mkdocs.yml"
    text = re.sub(r"^site_url: .*$", f"site_url: {SITE}", config.read_text("utf-8"), flags=re.M)
    config.write_text(text, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    letters = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "access", "--lettre", "2026-014"],
        cwd=project,
        env=env | {"BILAN_SECRET": TEST_SECRET},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert letters.returncode == 0, letters.stdout + letters.stderr
    work = tmp_path_factory.mktemp("qr")
    links = {
        path.name: decode_qr(path.read_bytes(), work)
        for path in sorted((project / "impressions").glob("*.pdf"))
    }
    requested: list[str] = []
    with http_server(recording_handler(result.site_dir, requested)) as base_url:
        yield Printed(base_url, links, requested)


def open_link(page: Page, printed: Printed, name: str) -> list[str]:
    link = printed.links[name]
    assert link.startswith(SITE) and "#code=" in link
    page.goto(printed.base_url + link.removeprefix(SITE))
    page.locator(CONTENT).get_by_role("heading").first.wait_for()
    return [tab.strip() for tab in page.locator(TAB).all_inner_texts()]


def test_the_beneficiary_letter_opens_the_dossier(page: Page, printed: Printed) -> None:
    tabs = open_link(page, printed, "2026-014.lettre-beneficiaire.pdf")
    assert "Phase préliminaire" in tabs and "Document de synthèse" in tabs
    assert "Ce dossier reste en ligne jusqu'au" in page.locator(CONTENT).inner_text()


def test_the_third_party_letter_opens_the_synthese_alone(page: Page, printed: Printed) -> None:
    tabs = open_link(page, printed, "2026-014.lettre-tiers-1-operateur_cep.pdf")
    assert tabs == ["Document de synthèse"]


def test_the_code_never_reaches_the_server(page: Page, printed: Printed) -> None:
    link = printed.links["2026-014.lettre-beneficiaire.pdf"]
    path, code = link.removeprefix(SITE).split("#code=")
    printed.requested.clear()
    open_link(page, printed, "2026-014.lettre-beneficiaire.pdf")
    assert f"/{path}" in printed.requested
    assert [p for p in printed.requested if code in p or code.replace("-", "") in p] == []
