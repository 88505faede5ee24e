"""Dossier pages in the staging site: written, or linked when the published page is the same."""

from __future__ import annotations

import os
from pathlib import Path

from bilan_gen.publishing import Access, access_from, write_dossier_page

SECRET = b"\x5e" * 32


def _access() -> Access:
    return access_from("2026-001", 0, SECRET)


def _published(root: Path, access: Access, text: str) -> Path:
    page = root / "site" / access.uri
    page.parent.mkdir(parents=True)
    page.write_text(text, "utf-8")
    return page


def test_a_page_is_a_flat_html_file_under_d(tmp_path: Path) -> None:
    access = _access()
    written = write_dossier_page(tmp_path / "staging", access, "<p>page</p>")
    assert written == tmp_path / "staging" / "d" / f"{access.slug}.html"
    assert written.read_text("utf-8") == "<p>page</p>"


def test_an_unchanged_page_is_linked_to_the_published_one(tmp_path: Path) -> None:
    access = _access()
    published = _published(tmp_path, access, "<p>même page</p>")
    written = write_dossier_page(
        tmp_path / "staging", access, "<p>même page</p>", published.parents[1]
    )
    assert os.path.samefile(written, published)


def test_a_changed_page_is_written_and_the_published_one_is_untouched(tmp_path: Path) -> None:
    access = _access()
    published = _published(tmp_path, access, "<p>ancienne</p>")
    written = write_dossier_page(
        tmp_path / "staging", access, "<p>nouvelle</p>", published.parents[1]
    )
    assert written.read_text("utf-8") == "<p>nouvelle</p>"
    assert not os.path.samefile(written, published)
    assert published.read_text("utf-8") == "<p>ancienne</p>"


def test_a_page_is_never_written_into_a_file_shared_with_the_published_site(
    tmp_path: Path,
) -> None:
    access = _access()
    published = _published(tmp_path, access, "<p>publiée</p>")
    staged = tmp_path / "staging" / access.uri
    staged.parent.mkdir(parents=True)
    os.link(published, staged)  # left by an earlier step of the same build
    write_dossier_page(tmp_path / "staging", access, "<p>réécrite</p>")
    assert staged.read_text("utf-8") == "<p>réécrite</p>"
    assert published.read_text("utf-8") == "<p>publiée</p>"
