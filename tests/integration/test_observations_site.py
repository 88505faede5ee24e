"""The « Mes observations » form on the built sample site: what the payloads tell it, and the
script that draws it, published under the site's rules (same origin, nothing in clear).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sitebuild import TEST_SECRET, BuildResult, build, tree_digest
from siteread import dossier_page, open_payload, read_site, strip_payloads

from bilan_gen.config import load_options
from bilan_gen.loading import load_dossier
from bilan_gen.observations import Observation, import_observation, provider_key
from bilan_gen.observations.envelope import format_armour, message_json, seal
from bilan_gen.publishing import Access, access_from, audiences_of

SCRIPT = "assets/bilan/bilan-observations.js"
STYLE = "assets/bilan/bilan-observations.css"


def opened(site_dir: Path, access: Access) -> dict[str, Any]:
    return open_payload(dossier_page(site_dir, access).read_text(encoding="utf-8"), access)


@pytest.fixture(scope="module")
def views(sample: BuildResult) -> dict[tuple[str, str], dict[str, Any]]:
    """Every published view, by (dossier id, audience)."""
    secret = bytes.fromhex(TEST_SECRET)
    found = {}
    for folder in sorted((sample.project_dir / "dossiers").iterdir()):
        for audience in audiences_of(load_dossier(folder)[0], secret):
            access = audience.access
            if dossier_page(sample.site_dir, access).exists():
                found[(folder.name, access.audience)] = opened(sample.site_dir, access)
    return found


def test_only_a_beneficiary_with_a_published_synthese_gets_the_form(
    views: dict[tuple[str, str], dict[str, Any]],
) -> None:
    with_form = {key for key, payload in views.items() if "observations" in payload}
    assert with_form == {("2026-014", "beneficiaire"), ("2026-021", "beneficiaire")}
    third_parties = [key for key in views if key[1] != "beneficiaire"]
    assert third_parties, "the samples lost their third party: the test proves nothing"
    assert ("2026-037", "beneficiaire") in views  # in progress: no synthèse, no form


def test_the_form_gets_the_dossier_the_key_and_the_consultants_address(
    views: dict[tuple[str, str], dict[str, Any]],
) -> None:
    key = provider_key(bytes.fromhex(TEST_SECRET)).public_jwk()
    assert views[("2026-014", "beneficiaire")]["observations"] == {
        "v": 1,
        "dossier": "2026-014",
        "cle": key,
        "contact": {
            "email": "helene.castagne@cap-parcours.example",
            "nom": "Hélène Castagné",
        },
    }
    # Thomas Ribeiro has no address of his own in mkdocs.yml: the office's.
    assert views[("2026-021", "beneficiaire")]["observations"]["contact"] == {
        "email": "contact@cap-parcours.example",
        "nom": "Thomas Ribeiro",
    }


def test_every_page_loads_the_script_from_the_site_itself(sample: BuildResult) -> None:
    files = read_site(sample.site_dir)
    assert SCRIPT in files and STYLE in files
    pages = [rel for rel in files if rel.endswith(".html") and not rel.startswith("d/")]
    pages.append(next(rel for rel in files if rel.startswith("d/") and rel != "d/acces.html"))
    for rel in pages:
        text = files[rel].decode("utf-8")
        depth = "/" if rel == "404.html" else "../" * rel.count("/")  # 404: from any depth
        assert f'<script src="{depth}{SCRIPT}"></script>' in text, rel
        assert f'href="{depth}{STYLE}"' in text, rel


def test_nothing_of_the_form_settings_is_in_clear(sample: BuildResult) -> None:
    clear = "".join(
        strip_payloads(raw.decode("utf-8", "replace"))
        for raw in read_site(sample.site_dir).values()
    )
    for needle in ("cap-parcours.example", "helene.castagne", "Hélène Castagné", "Ribeiro"):
        assert needle not in clear
    key = provider_key(bytes.fromhex(TEST_SECRET)).public_jwk()
    assert key["x"] not in clear and key["kid"] not in clear


def test_an_imported_observation_pasted_in_clear_fails_the_build(built_copy: Path) -> None:
    # The observation is dossier content like any other: the leak verifier knows its words.
    secret = bytes.fromhex(TEST_SECRET)
    text = "Je tiens à signaler que mon responsable ignore tout de ce projet de reconversion."
    written = dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC)
    message = message_json(Observation("2026-014", "77" * 16, written, text))
    sealed = seal(provider_key(secret).point, access_from("2026-014", 0, secret).key, message)
    options, _ = load_options(built_copy / "mkdocs.yml")
    folder = built_copy / "dossiers" / "2026-014"
    import_observation(
        folder, format_armour(sealed), options, secret, dt.date(2026, 12, 12), Path("m")
    )
    assert build(built_copy).returncode == 0  # published, encrypted
    before = tree_digest(built_copy / "site")
    with (built_copy / "content" / "index.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{text}\n")
    result = build(built_copy)
    assert result.returncode != 0
    assert "du dossier 2026-014" in result.output and text not in result.output
    assert tree_digest(built_copy / "site") == before
