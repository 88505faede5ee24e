"""What the encrypted payloads hold, opened with each dossier's key.

Finalised documents (with their sections and annexes) are in; drafts and ``notes/`` are not;
links between documents of a dossier became in-page routes (``#/route``).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sitebuild import BuildResult, accesses, all_slugs, build, copy_project
from siteread import (
    dossier_page,
    dossier_slugs,
    open_payload,
    prose_lines,
    public_sources,
    read_site,
    strip_payloads,
    visible_text,
)

from bilan_gen.publishing import Access

NOTE = (
    "Note privée de la consultante : elle envisage de démissionner avant Noël "
    "sans en parler à son responsable hiérarchique direct."
)
LINKS = (
    "\nVoir aussi [le document de synthèse](synthese.md) "
    "et [le format retenu](01-preliminaire.md#format-retenu).\n"
)


def opened(site_dir: Path, access: Access) -> dict[str, Any]:
    return open_payload(dossier_page(site_dir, access).read_text(encoding="utf-8"), access)


def pages_of(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {page["route"]: page for page in payload["pages"]}


@pytest.fixture(scope="module")
def payloads(sample: BuildResult, sample_accesses: dict[str, Access]) -> dict[str, Any]:
    return {did: opened(sample.site_dir, a) for did, a in sample_accesses.items()}


def test_every_audience_has_one_page_and_it_opens(
    sample: BuildResult, payloads: dict[str, Any]
) -> None:
    assert dossier_slugs(sample.site_dir) == all_slugs(sample.project_dir)
    for payload in payloads.values():
        assert payload["v"] == 1
        assert pages_of(payload)["accueil"]["html"]


def test_synthese_is_published_with_its_sections(
    sample: BuildResult, payloads: dict[str, Any]
) -> None:
    routes = pages_of(payloads["2026-014"])
    assert list(routes) == ["accueil", "preliminaire", "investigation", "conclusions", "synthese"]
    source = (sample.project_dir / "dossiers" / "2026-014" / "synthese.md").read_text("utf-8")
    sections = re.findall(r"^## (.+)$", source, re.M)
    assert len(sections) >= 7
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", routes["synthese"]["html"], re.S)
    shown = [visible_text(h).replace("¶", "").strip() for h in headings]
    assert shown == sections
    assert routes["synthese"]["titre"] == "Document de synthèse"


def test_draft_document_is_not_published(sample: BuildResult, payloads: dict[str, Any]) -> None:
    assert "investigation" not in pages_of(payloads["2026-037"])
    folder = sample.project_dir / "dossiers" / "2026-037"
    published = (folder / "01-preliminaire.md").read_text(encoding="utf-8")
    draft = [
        line
        for line in prose_lines(folder / "02-investigation.md", public_sources(sample.project_dir))
        if line not in published
    ]
    assert len(draft) > 10
    text = json.dumps(payloads["2026-037"], ensure_ascii=False)
    shown = "\n".join(visible_text(p["html"]) for p in payloads["2026-037"]["pages"])
    assert [line for line in draft if line in text or line in shown] == []


def test_annex_travels_inside_the_payload(sample: BuildResult, payloads: dict[str, Any]) -> None:
    annex = sample.project_dir / "dossiers" / "2026-014" / "annexes" / "profil-interets.png"
    entry = payloads["2026-014"]["annexes"]["annexes/profil-interets.png"]
    assert entry["type"] == "image/png"
    assert base64.b64decode(entry["b64"]) == annex.read_bytes()
    assert (
        'src="annexes/profil-interets.png"'
        in pages_of(payloads["2026-014"])["investigation"]["html"]
    )
    assert payloads["2026-021"]["annexes"] == {}


class Variant:
    """The sample with a private note and links between documents, built once."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result
        self.accesses = accesses(result.project_dir)


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Variant:
    project = copy_project(tmp_path_factory.mktemp("variant") / "project")
    folder = project / "dossiers" / "2026-014"
    (folder / "notes").mkdir()
    (folder / "notes" / "secret.md").write_text(f"# Notes\n\n{NOTE}\n", encoding="utf-8")
    with (folder / "03-conclusions.md").open("a", encoding="utf-8") as conclusions:
        conclusions.write(LINKS)
    result = build(project)
    assert result.returncode == 0, result.output
    return Variant(result)


def test_notes_are_nowhere_in_the_site(variant: Variant) -> None:
    for rel, raw in read_site(variant.result.site_dir).items():
        text = strip_payloads(raw.decode("utf-8", "replace"))
        assert NOTE not in text and NOTE not in visible_text(text), rel
        assert "démissionner avant Noël" not in text, rel


def test_notes_are_in_no_payload(variant: Variant) -> None:
    for did, access in variant.accesses.items():
        payload = opened(variant.result.site_dir, access)
        text = json.dumps(payload, ensure_ascii=False)
        assert "démissionner avant Noël" not in text, did
        assert all(not name.startswith("notes/") for name in payload["annexes"]), did
        assert "démissionner" not in visible_text(" ".join(p["html"] for p in payload["pages"]))


def test_links_between_documents_become_routes(variant: Variant) -> None:
    payload = opened(variant.result.site_dir, variant.accesses["2026-014"])
    html = pages_of(payload)["conclusions"]["html"]
    assert '<a href="#/synthese">le document de synthèse</a>' in html
    assert '<a href="#/preliminaire">le format retenu</a>' in html
    assert ".md" not in " ".join(re.findall(r'href="([^"]*)"', html))
