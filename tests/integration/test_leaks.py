"""An independent leak scan of the built sample site (bilan_gen.verify is not used).

Every file under ``site/`` (``.gz`` decompressed), payload content removed, is searched for
each dossier's identity values, id and prose, raw and in every escaped form that a template,
a JSON file or a URL would produce.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
from sitebuild import BuildResult, all_slugs
from siteread import (
    BASE64,
    TITLE,
    dossier_needles,
    dossier_slugs,
    find_needles,
    identities,
    payloads,
    read_site,
    strip_payloads,
)

from bilan_gen.build.shell import asset_bytes
from bilan_gen.publishing import Access

_URL_ATTR = re.compile(r"""\b(?:href|src|srcset|action|content)\s*=\s*["']([^"']*)["']""", re.I)
_LOC = re.compile(r"<loc>(.*?)</loc>")


@pytest.fixture(scope="module")
def site_text(sample: BuildResult) -> dict[str, str]:
    """Every site file as text, payload content removed."""
    files = read_site(sample.site_dir)
    return {rel: strip_payloads(raw.decode("utf-8", "replace")) for rel, raw in files.items()}


def test_the_needles_are_many(sample: BuildResult) -> None:
    # Guards the scan itself: prose extraction must find text in every dossier.
    needles = dossier_needles(sample.project_dir)
    assert sum(n.dossier_id == "2026-014" for n in needles) > 50
    assert {n.dossier_id for n in needles} == set(identities(sample.project_dir))


def test_no_dossier_content_in_any_site_file(
    sample: BuildResult, site_text: dict[str, str]
) -> None:
    needles = dossier_needles(sample.project_dir)
    leaks = [
        f"{rel}: {needle.what} du dossier {needle.dossier_id}"
        for rel, text in site_text.items()
        for needle in find_needles(text, needles)
    ]
    assert leaks == []


def test_payload_elements_hold_base64_only(sample: BuildResult) -> None:
    for rel, raw in read_site(sample.site_dir).items():
        for content in payloads(raw.decode("utf-8", "replace")):
            assert BASE64.fullmatch(content), rel


def test_search_index_has_no_dossier_page(sample: BuildResult) -> None:
    index = json.loads((sample.site_dir / "search" / "search_index.json").read_text("utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert locations, "empty search index: the test would prove nothing"
    assert [loc for loc in locations if loc.startswith("d/")] == []


def test_sitemaps_list_no_dossier_page(
    sample: BuildResult, site_text: dict[str, str], sample_accesses: dict[str, Access]
) -> None:
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        locs = _LOC.findall(site_text[name])
        assert locs, name
        assert [loc for loc in locs if re.search(r"/d/(?!acces\.html)", loc)] == [], name
        for slug in all_slugs(sample.project_dir):
            assert slug not in site_text[name], name


def test_no_file_name_or_url_names_a_dossier(
    sample: BuildResult, site_text: dict[str, str]
) -> None:
    forms = {f: did for did, i in identities(sample.project_dir).items() for f in i.url_forms()}
    urls = [(rel, rel) for rel in site_text]
    urls += [(rel, url) for rel, text in site_text.items() for url in _URL_ATTR.findall(text)]
    urls += [(rel, url) for rel, text in site_text.items() for url in _LOC.findall(text)]
    found = [
        f"{rel}: {url!r} ({did})"
        for rel, url in urls
        for form, did in forms.items()
        if form in unquote(url).lower()
    ]
    assert found == []


def test_annex_bytes_are_in_no_site_file(sample: BuildResult) -> None:
    annexes = sorted((sample.project_dir / "dossiers" / "2026-014" / "annexes").glob("*.png"))
    assert annexes
    files = read_site(sample.site_dir)
    for annex in annexes:
        data = annex.read_bytes()
        encoded = base64.b64encode(data[:48]).decode("ascii").encode("ascii")
        for rel, raw in files.items():
            assert data not in raw, f"{rel}: {annex.name}"
            outside = strip_payloads(raw.decode("utf-8", "replace")).encode("utf-8")
            assert encoded not in outside, f"{rel}: {annex.name} en base64"


def test_the_copy_script_is_published_as_shipped(sample: BuildResult) -> None:
    # « Télécharger mon dossier » builds the copy in the browser from the decrypted payload:
    # the build publishes the script as the package ships it, never a copy made in advance.
    published = sample.site_dir / "assets" / "bilan" / "bilan-copy.js"
    assert published.read_bytes() == asset_bytes("bilan-copy.js")
    assert not list(sample.site_dir.rglob("dossier-bilan-*"))


def test_dossier_pages_hold_no_html_comment(sample: BuildResult, site_text: dict[str, str]) -> None:
    pages = [rel for rel in site_text if rel.startswith("d/") and rel.endswith(".html")]
    assert len(pages) == len(all_slugs(sample.project_dir)) + 1
    assert [rel for rel in pages if "<!--" in site_text[rel]] == []


def _dossier_pages(site_dir: Path) -> dict[str, str]:
    return {
        slug: (site_dir / "d" / f"{slug}.html").read_text(encoding="utf-8")
        for slug in sorted(dossier_slugs(site_dir))
    }


def test_dossier_page_titles_are_identical_and_generic(sample: BuildResult) -> None:
    shell_title = TITLE.findall((sample.site_dir / "d" / "acces.html").read_text())
    titles = {slug: TITLE.findall(page) for slug, page in _dossier_pages(sample.site_dir).items()}
    assert len(titles) == len(all_slugs(sample.project_dir))
    assert all(found == shell_title for found in titles.values()), titles
    (title,) = shell_title
    assert "Dossier protégé" in title
    for ident in identities(sample.project_dir).values():
        for value in (ident.dossier_id, ident.prenom, ident.nom, ident.email):
            assert value.lower() not in title.lower()


def test_dossier_pages_are_identical_without_payload(sample: BuildResult) -> None:
    shell = (sample.site_dir / "d" / "acces.html").read_text(encoding="utf-8")
    stripped = {strip_payloads(page) for page in _dossier_pages(sample.site_dir).values()}
    assert stripped == {strip_payloads(shell)}


@pytest.mark.parametrize("escape", ["html", "json", "json_ascii"])
def test_the_scan_finds_rendered_prose(sample: BuildResult, escape: str) -> None:
    # Guards the scan itself: a synthèse rendered to HTML (then escaped the way a search
    # index or a template would) must show nearly all of its prose needles.
    source = sample.project_dir / "dossiers" / "2026-014" / "synthese.md"
    rel = source.relative_to(sample.project_dir).as_posix()
    body = source.read_text(encoding="utf-8").split("---", 2)[2]
    rendered = markdown.markdown(body, extensions=["tables"])
    text = {
        "html": rendered,
        "json": json.dumps(rendered, ensure_ascii=False),
        "json_ascii": json.dumps(rendered),
    }[escape]
    own = [n for n in dossier_needles(sample.project_dir) if n.what.endswith(rel)]
    found = list(find_needles(text, own))
    assert len(own) > 20
    assert len(found) >= 0.9 * len(own), sorted({n.value for n in own} - {n.value for n in found})
