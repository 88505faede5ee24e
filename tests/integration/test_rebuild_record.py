"""The rebuild record: a rebuild lists each folder and reads only those that changed, links
the pages the last build verified, and still looks every dossier's needles up when what they
were verified against changed."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from sitebuild import TEST_SECRET, build
from siteread import identities, open_payload
from test_build_cache import dossier_page, from_cache

from bilan_gen import guard
from bilan_gen.build.rebuild import RACY_NS, RebuildRecord, folder_state, state_of
from bilan_gen.cache import CACHE_DIR, RECORD_PREFIX, BuildCache
from bilan_gen.cache.db import DATABASE
from bilan_gen.publishing import Access


def record_of(project: Path) -> RebuildRecord:
    """The project's record, read with any configuration's key: the one the build wrote."""
    cache = BuildCache(project / CACHE_DIR, bytes.fromhex(TEST_SECRET), "")
    with closing(sqlite3.connect(project / CACHE_DIR / DATABASE)) as db:
        (key,) = [
            k for (k,) in db.execute("SELECT key FROM entries") if k.startswith(RECORD_PREFIX)
        ]
    cache.record_key = key
    return RebuildRecord.load(cache, project / "dossiers")


@pytest.fixture
def recorded(built_copy: Path) -> Path:
    """The built copy, rebuilt once its files are old enough to be recorded."""
    time.sleep(RACY_NS / 1e9 + 0.1)
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert set(record_of(built_copy).folders) == {"2026-014", "2026-021", "2026-037"}
    return built_copy


def dossier_pages(project: Path) -> dict[str, int]:
    """Each dossier page (the generic shell left out) and its inode."""
    return {p.name: p.stat().st_ino for p in (project / "site" / "d").glob("*.html")} | {
        "acces.html": 0
    }


def test_an_unchanged_project_links_every_verified_page(recorded: Path) -> None:
    pages = dossier_pages(recorded)
    assert len(pages) >= 4
    result = build(recorded)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 3
    assert dossier_pages(recorded) == pages


def test_an_edit_with_its_times_put_back_is_seen(
    recorded: Path, sample_accesses: dict[str, Access]
) -> None:
    # Same size, same modification time: the change time (which nobody sets back) tells.
    synthese = recorded / "dossiers" / "2026-021" / "synthese.md"
    before = synthese.stat()
    text = synthese.read_text("utf-8")
    head, _, body = text.partition("\n---\n")
    word = next(w for w in body.split() if w.isascii() and w.isalpha() and len(w) >= 7)
    new_word = word[::-1].upper()
    changed = head + "\n---\n" + body.replace(word, new_word, 1)
    assert len(changed.encode()) == len(text.encode())
    synthese.write_text(changed, encoding="utf-8")
    os.utime(synthese, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = build(recorded)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 2
    page = dossier_page(recorded / "site", sample_accesses["2026-021"]).read_text("utf-8")
    assert new_word in str(open_payload(page, sample_accesses["2026-021"]))


def test_a_name_pasted_into_the_sites_pages_still_fails_the_rebuild(recorded: Path) -> None:
    # The site's other files changed: every known dossier's needles are looked up again.
    who = identities(recorded)["2026-014"]
    index = recorded / "content" / "index.md"
    index.write_text(index.read_text("utf-8") + f"\n{who.prenom} {who.nom}\n", "utf-8")
    result = build(recorded)
    assert result.returncode != 0
    assert "fuite détectée" in result.output and "2026-014" in result.output


def test_a_fresh_or_refused_folder_is_not_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "2026-001"
    folder.mkdir()
    (folder / "dossier.yml").write_text("a: 1\n", encoding="utf-8")
    files = guard.load_folder(folder, guard.Limits())
    assert state_of(files, time.time_ns()) is None  # just written: racy
    later = time.time_ns() + RACY_NS
    assert state_of(files, later) == folder_state(folder, files.entries, later)
    (folder / "lien").symlink_to("/etc/hostname")
    refused = guard.load_folder(folder, guard.Limits())
    assert state_of(refused, later) is None


def test_an_unchanged_folder_is_listed_never_read(
    recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = record_of(recorded)

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was read")

    monkeypatch.setattr("bilan_gen.guard.entries.read_at", no_read)
    monkeypatch.setattr("bilan_gen.guard.snapshot.read_at", no_read)
    known = record.unchanged(recorded / "dossiers" / "2026-014")
    assert known is not None and known.dossier_id == "2026-014"
    (recorded / "dossiers" / "2026-014" / "notes.txt").write_text("x", encoding="utf-8")
    assert record.unchanged(recorded / "dossiers" / "2026-014") is None
