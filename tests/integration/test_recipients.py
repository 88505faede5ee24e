"""Third parties' views (L6313-4) and retention (R6313-7) in real builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sitebuild import TEST_SECRET, build
from siteread import dossier_page, dossier_slugs, open_payload

from bilan_gen.loading import load_dossier
from bilan_gen.publishing import Audience, audiences_of

SECRET = bytes.fromhex(TEST_SECRET)


def audiences(project: Path, dossier_id: str) -> list[Audience]:
    return audiences_of(load_dossier(project / "dossiers" / dossier_id)[0], SECRET)


def test_the_recipient_payload_holds_the_synthese_alone(built_copy: Path) -> None:
    beneficiary, recipient = audiences(built_copy, "2026-014")
    full = open_payload(
        dossier_page(built_copy / "site", beneficiary.access).read_text(), beneficiary.access
    )
    shared = open_payload(
        dossier_page(built_copy / "site", recipient.access).read_text(), recipient.access
    )
    assert [p["route"] for p in shared["pages"]] == ["synthese"]
    assert "impression" in shared
    synthese = next(p for p in full["pages"] if p["route"] == "synthese")
    assert shared["pages"][0]["html"] == synthese["html"]
    assert "Élodie" not in json.dumps(shared, ensure_ascii=False).split('"impression"')[0]
    assert recipient.access.slug != beneficiary.access.slug


def _edit(project: Path, dossier_id: str, old: str, new: str) -> None:
    path = project / "dossiers" / dossier_id / "dossier.yml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_bumping_a_recipient_rotation_revokes_its_code_only(built_copy: Path) -> None:
    beneficiary, old = audiences(built_copy, "2026-014")
    _edit(
        built_copy,
        "2026-014",
        "    perimetre: synthese\n",
        "    perimetre: synthese\n    rotation: 1\n",
    )
    result = build(built_copy)
    assert result.returncode == 0, result.output
    _, new = audiences(built_copy, "2026-014")
    slugs = dossier_slugs(result.site_dir)
    assert old.access.slug not in slugs and new.access.slug in slugs
    assert beneficiary.access.slug in slugs


def test_removing_a_recipient_revokes_its_code(built_copy: Path) -> None:
    _, recipient = audiences(built_copy, "2026-014")
    path = built_copy / "dossiers" / "2026-014" / "dossier.yml"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("diffusion:")], "utf-8")
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert recipient.access.slug not in dossier_slugs(result.site_dir)
    assert len(audiences(built_copy, "2026-014")) == 1


def test_a_dossier_past_its_grace_period_is_no_longer_published(built_copy: Path) -> None:
    (access,) = [a.access for a in audiences(built_copy, "2026-021")]
    assert dossier_page(built_copy / "site", access).is_file()
    # It ended on 2026-10-20: without a reason to keep anything, R6313-7 says destroy once the
    # 30-day grace period is over; the build drops it with a warning.
    path = built_copy / "dossiers" / "2026-021" / "dossier.yml"
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^conservation:\n(  .*\n)+", "", text, flags=re.M), "utf-8")
    assert "conservation" not in path.read_text("utf-8")
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert "[dossier-a-detruire]" in result.output
    assert "bilan purge 2026-021" in result.output
    assert not dossier_page(built_copy / "site", access).exists()
    assert build(built_copy, "--strict").returncode != 0  # a warning fails --strict
