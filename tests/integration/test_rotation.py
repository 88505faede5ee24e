"""Revoking an access code: bumping ``acces.rotation`` moves one dossier, and only that one."""

from __future__ import annotations

from pathlib import Path

from sitebuild import accesses, all_slugs, build
from siteread import bump_rotation, dossier_page, dossier_slugs, open_payload

from bilan_gen.publishing import Access


def test_rotation_moves_only_its_dossier(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    bump_rotation(built_copy, "2026-021")
    result = build(built_copy)
    assert result.returncode == 0, result.output

    after = accesses(built_copy)
    old, new = sample_accesses["2026-021"], after["2026-021"]
    assert new.rotation == old.rotation + 1
    assert new.slug != old.slug and new.code != old.code
    assert not dossier_page(result.site_dir, old).exists()
    assert dossier_page(result.site_dir, new).is_file()
    assert open_payload(dossier_page(result.site_dir, new).read_text("utf-8"), new)["pages"]
    for did in ("2026-014", "2026-037"):
        assert after[did].slug == sample_accesses[did].slug, did
        assert dossier_page(result.site_dir, after[did]).is_file(), did
    assert dossier_slugs(result.site_dir) == all_slugs(built_copy)


def test_a_dirty_build_keeps_the_site_whole_and_drops_revoked_pages(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    # `--dirty` rewrites only changed pages: the staging copy must start from the published
    # site, and a revoked code's page must not survive there.
    bump_rotation(built_copy, "2026-014")
    result = build(built_copy, "--dirty")
    assert result.returncode == 0, result.output

    assert not dossier_page(result.site_dir, sample_accesses["2026-014"]).exists()
    assert dossier_slugs(result.site_dir) == all_slugs(built_copy)
    assert (result.site_dir / "index.html").is_file()
    assert (result.site_dir / "bilan" / "index.html").is_file()
    assert not list(built_copy.glob("site.*"))
