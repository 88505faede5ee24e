"""The published site shows beneficiaries only their pages; the guide is a site of its own.

The sample site is built for real (``sample``), then read as a beneficiary would: every HTML
page (each dossier's decrypted payload included), the search index and the sitemap. None
may hold a link to the consultant guide or any of its text. The guide itself builds with
``mkdocs build --strict -f guide.yml``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from sitebuild import REPO, BuildResult, copy_project
from siteread import dossier_page, open_payload, visible_text

from bilan_gen.publishing import Access

GUIDE_DIR = REPO / "guide"
GUIDE_NAME = "Guide du consultant"
BENEFICIARY_PAGES = {"index.html", "bilan/index.html", "confidentialite/index.html"}
"""The site's own pages: welcome and code form, what a bilan is, confidentiality."""


class Links(HTMLParser):
    """Every ``href`` and ``src`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "src") and v]


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def guide_phrases() -> list[str]:
    """Text only the guide has: its name, its page titles and headings (not the site's)."""
    site_text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "content").glob("*.md"))
    found = {GUIDE_NAME}
    for page in GUIDE_DIR.glob("*.md"):
        for heading in re.findall(r"^#{1,3} (.+)$", page.read_text(encoding="utf-8"), re.M):
            if len(heading) >= 12 and heading not in site_text:
                found.add(heading)
    return sorted(found)


def test_guide_phrases_are_many() -> None:
    # The crawl below is only as strong as this list: every guide page gives some.
    assert len(guide_phrases()) > 30


def html_pages(site_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(site_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site_dir.rglob("*.html"))
    }


def assert_no_guide(where: str, html: str, phrases: list[str]) -> None:
    bad_links = [link for link in links_of(html) if "guide" in link.lower()]
    assert bad_links == [], f"{where} links to the guide"
    text = visible_text(html)
    assert [p for p in phrases if p in text] == [], f"{where} shows guide text"


def test_the_site_holds_only_the_beneficiaries_pages(sample: BuildResult) -> None:
    site = sample.site_dir
    pages = set(html_pages(site))
    own = {p for p in pages if not p.startswith("d/")}
    assert own == BENEFICIARY_PAGES | {"404.html"}
    assert not [p for p in site.rglob("*") if "guide" in p.relative_to(site).as_posix()]


def test_no_page_a_beneficiary_reaches_links_to_the_guide(
    sample: BuildResult, sample_accesses: dict[str, Access]
) -> None:
    phrases = guide_phrases()
    pages = html_pages(sample.site_dir)
    for uri, html in pages.items():
        assert_no_guide(uri, html, phrases)
    for dossier_id, access in sample_accesses.items():
        page = dossier_page(sample.site_dir, access).read_text(encoding="utf-8")
        payload = open_payload(page, access)
        assert payload["pages"], dossier_id
        for shown in payload["pages"]:
            # Dossier text may use the guide's words (« Document de synthèse »): links only.
            assert_no_guide(f"{dossier_id}#/{shown['route']}", shown["html"], [GUIDE_NAME])


def test_the_search_index_knows_only_the_beneficiaries_pages(sample: BuildResult) -> None:
    index = json.loads((sample.site_dir / "search" / "search_index.json").read_text("utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert pages == {"", "bilan/", "confidentialite/"}
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    assert [p for p in guide_phrases() if p in text] == []
    sitemap = (sample.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "guide" not in sitemap and "bilan/" in sitemap


def test_the_guide_builds_strict_on_its_own(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "guide.yml"]
    result = subprocess.run(
        command,
        cwd=project,
        env=env | {"NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site-guide"
    for page in GUIDE_DIR.glob("*.md"):
        uri = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        assert (site / uri).is_file(), uri
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    assert "Guide du consultant" in {doc["title"] for doc in index["docs"]}
    for capture in (GUIDE_DIR / "captures").glob("*.png"):
        assert (site / "captures" / capture.name).read_bytes() == capture.read_bytes()
    # No dossier plugin ran: no dossier page, no secret, and the beneficiaries' site untouched.
    assert not (site / "d").exists() and not (project / ".bilan").exists()
    assert not (project / "site").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert [link for link in links_of(home) if link.startswith(("http:", "https:", "//"))] == []
