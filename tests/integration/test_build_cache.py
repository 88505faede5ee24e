"""The build cache: reused while nothing changed, never stale, never foreign, never in clear.

Each test starts from a copy of the built sample project, cache included (``built_copy``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from sitebuild import REPO, TEST_SECRET, accesses, build, copy_project
from siteread import (
    dossier_needles,
    dossier_page,
    find_needles,
    identities,
    open_payload,
    read_site,
    strip_payloads,
)

from bilan_gen.cache import RECORD_PREFIX
from bilan_gen.cache.db import DATABASE
from bilan_gen.publishing import Access

CACHE = Path(".bilan", "cache")
sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def from_cache(output: str) -> int:
    match = re.search(r"dont (\d+) du cache", output)
    assert match, output
    return int(match.group(1))


def entries(project: Path) -> dict[str, bytes]:
    """The cache's entries: key -> encrypted blob (none when there is no database yet); the
    rebuild record left out."""
    path = project / CACHE / DATABASE
    if not path.is_file():
        return {}
    with closing(sqlite3.connect(path, timeout=30)) as db:
        try:
            rows = db.execute("SELECT key, blob FROM entries").fetchall()
            return {key: blob for key, blob in rows if not key.startswith(RECORD_PREFIX)}
        except sqlite3.OperationalError:  # a build is making the database: no table yet
            return {}


def forget_record(project: Path) -> None:
    """Remove the rebuild record: the next build reads every folder."""
    with closing(sqlite3.connect(project / CACHE / DATABASE, isolation_level=None)) as db:
        db.execute("DELETE FROM entries WHERE key LIKE ?", (RECORD_PREFIX + "%",))


def rewrite_entries(project: Path, blobs: dict[str, bytes]) -> None:
    with closing(sqlite3.connect(project / CACHE / DATABASE, isolation_level=None)) as db:
        db.executemany(
            "UPDATE entries SET blob = ? WHERE key = ?", [(b, k) for k, b in blobs.items()]
        )


def payload_of(project: Path, access: Access) -> dict[str, object]:
    return open_payload(dossier_page(project / "site", access).read_text("utf-8"), access)


def test_an_unchanged_project_comes_from_the_cache(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    before = {i: payload_of(built_copy, a) for i, a in sample_accesses.items()}
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 3
    assert {i: payload_of(built_copy, a) for i, a in sample_accesses.items()} == before


def test_a_changed_file_rebuilds_its_dossier_only(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    inodes = {
        i: dossier_page(built_copy / "site", a).stat().st_ino for i, a in sample_accesses.items()
    }
    synthese = built_copy / "dossiers" / "2026-021" / "synthese.md"
    synthese.write_text(
        synthese.read_text("utf-8").replace(
            "## Plan d'action\n", "## Plan d'action\n\nPhrase ajoutée pour vérifier le cache.\n"
        ),
        encoding="utf-8",
    )
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 2
    assert "Phrase ajoutée pour vérifier le cache." in str(
        payload_of(built_copy, sample_accesses["2026-021"])
    )
    # Unchanged pages are the published files, linked into the new site, not written again.
    after = {
        i: dossier_page(built_copy / "site", a).stat().st_ino for i, a in sample_accesses.items()
    }
    assert {i for i in inodes if inodes[i] == after[i]} == {"2026-014", "2026-037"}


def test_an_annex_or_a_note_counts_as_a_change(built_copy: Path) -> None:
    (built_copy / "dossiers" / "2026-037" / "notes").mkdir(exist_ok=True)
    (built_copy / "dossiers" / "2026-037" / "notes" / "rappel.md").write_text("Rappeler.\n")
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 2


def test_a_changed_option_or_markdown_setting_rebuilds_everything(built_copy: Path) -> None:
    config = built_copy / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("Cap Parcours Conseil", "Cap Parcours Conseil SAS"), "utf-8")
    first = build(built_copy)
    assert first.returncode == 0 and from_cache(first.output) == 0, first.output
    config.write_text(
        config.read_text("utf-8").replace("  - admonition\n", "  - admonition\n  - footnotes\n"),
        "utf-8",
    )
    second = build(built_copy)
    assert second.returncode == 0 and from_cache(second.output) == 0, second.output
    third = build(built_copy)
    assert from_cache(third.output) == 3, third.output


def test_another_secret_never_reuses_an_entry(built_copy: Path) -> None:
    other = "7a" * 32
    result = build(built_copy, secret=other)
    assert result.returncode == 0 and from_cache(result.output) == 0, result.output
    for did, access in accesses(built_copy, other).items():
        assert payload_of(built_copy, access)["pages"], did


def test_an_entry_moved_to_another_dossier_is_not_served(built_copy: Path) -> None:
    stored = entries(built_copy)
    keys = sorted(stored)
    assert len(keys) == 3
    # Every entry now sits under another dossier's key.
    rewrite_entries(
        built_copy, {k: stored[o] for k, o in zip(keys, keys[1:] + keys[:1], strict=True)}
    )
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 0


def test_an_entry_under_another_key_of_its_dossier_is_not_served(built_copy: Path) -> None:
    # An older entry of a dossier, under the key of its current files, would be a stale page.
    synthese = built_copy / "dossiers" / "2026-021" / "synthese.md"
    before = entries(built_copy)
    synthese.write_text(synthese.read_text("utf-8") + "\nPhrase ajoutée.\n", encoding="utf-8")
    assert build(built_copy).returncode == 0
    (new_key,) = set(entries(built_copy)) - set(before)
    (old_key,) = set(before) - set(entries(built_copy))
    rewrite_entries(built_copy, {new_key: before[old_key]})
    forget_record(built_copy)  # else the verified page is linked, its entry never loaded
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 2


def test_a_corrupt_entry_and_leftovers_are_discarded(built_copy: Path) -> None:
    cache = built_copy / CACHE
    rewrite_entries(built_copy, {k: b[:100] for k, b in entries(built_copy).items()})
    (cache / ".deadbeef.entry.123.tmp").write_bytes(b"half-written")  # older layout
    (cache / "0123abcd.entry").write_bytes(b"an entry of the older layout")
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 0
    assert not list(cache.glob("*.tmp")) and not list(cache.glob("*.entry"))
    assert len(entries(built_copy)) == 3
    assert from_cache(build(built_copy).output) == 3


def test_a_damaged_database_is_started_afresh(built_copy: Path) -> None:
    database = built_copy / CACHE / DATABASE
    database.write_bytes(b"not a database, as after a crash " * 200)
    result = build(built_copy)
    assert result.returncode == 0, result.output
    assert from_cache(result.output) == 0
    assert len(entries(built_copy)) == 3
    assert from_cache(build(built_copy).output) == 3


def test_the_cache_holds_nothing_in_clear(built_copy: Path) -> None:
    cache_bytes = b"".join(p.read_bytes() for p in (built_copy / CACHE).rglob("*") if p.is_file())
    for did, ident in identities(built_copy).items():
        for value in (did, ident.prenom, ident.nom, ident.email):
            assert value.encode("utf-8") not in cache_bytes, did
    synthese = (built_copy / "dossiers" / "2026-014" / "synthese.md").read_text("utf-8")
    assert "Circonstances du bilan" in synthese
    assert b"Circonstances du bilan" not in cache_bytes
    assert oct((built_copy / CACHE).stat().st_mode & 0o777) == "0o700"


def test_a_build_killed_midway_leaves_a_cache_the_next_build_can_trust(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "dossiers")
    write_corpus(project / "dossiers", 120)
    env = {**os.environ, "BILAN_SECRET": TEST_SECRET, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(entries(project)) >= 10:
            break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = len(entries(project))
    assert 0 < written < 120, written  # killed midway indeed
    assert not (project / "site").exists()  # nothing was published by the killed build

    result = build(project)
    assert result.returncode == 0, result.output
    fresh = build(project)  # everything from the cache now
    assert from_cache(fresh.output) == 120, fresh.output
    for did, access in accesses(project).items():
        pages = payload_of(project, access)["pages"]
        assert [p["route"] for p in pages][-1] == "synthese", did  # type: ignore[index]


def test_a_rebuild_with_linked_pages_and_cached_entries_leaks_nothing(built_copy: Path) -> None:
    # The independent scan of test_leaks, on a site whose unchanged pages are hard links to
    # the previous build's and whose entries came from the cache.
    notes = built_copy / "dossiers" / "2026-037" / "notes"
    notes.mkdir(exist_ok=True)
    (notes / "rappel.md").write_text("Rappeler la bénéficiaire avant la restitution.\n")
    result = build(built_copy)
    assert result.returncode == 0 and from_cache(result.output) == 2, result.output
    needles = dossier_needles(built_copy)
    found = [
        f"{rel}: {needle.what} du dossier {needle.dossier_id}"
        for rel, raw in read_site(result.site_dir).items()
        for needle in find_needles(strip_payloads(raw.decode("utf-8", "replace")), needles)
    ]
    assert found == []
    cache_bytes = b"".join(p.read_bytes() for p in (built_copy / CACHE).rglob("*") if p.is_file())
    for needle in needles:
        assert needle.value.encode("utf-8") not in cache_bytes, needle.what


def test_a_page_touched_in_the_published_site_is_read_again_and_rewritten(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    # The record of verified pages names each page by inode, size and time: a page changed
    # in place on the host since (same size, other bytes) no longer matches, so the rebuild
    # compares it, writes the right one and reads it back.
    access = sample_accesses["2026-014"]
    page = dossier_page(built_copy / "site", access)
    good = page.read_bytes()
    assert (built_copy / CACHE / "pages.json").is_file()
    marker = b'id="bilan-payload"'
    at = good.index(marker)
    page.write_bytes(good[:at] + b'id="bilan-payloaX"' + good[at + len(marker) :])
    touched = page.stat().st_ino
    result = build(built_copy)
    assert result.returncode == 0, result.output
    rebuilt = dossier_page(built_copy / "site", access)
    assert rebuilt.read_bytes() == good
    assert rebuilt.stat().st_ino != touched  # written anew, not linked


def test_a_new_shell_rewrites_every_page(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    config = built_copy / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "site_name: Bilans de compétences", "site_name: Bilans de compétences (test)"
        ),
        encoding="utf-8",
    )
    inodes = {
        i: dossier_page(built_copy / "site", a).stat().st_ino for i, a in sample_accesses.items()
    }
    result = build(built_copy)
    assert result.returncode == 0, result.output
    for dossier_id, access in sample_accesses.items():
        page = dossier_page(built_copy / "site", access)
        assert page.stat().st_ino != inodes[dossier_id]
        assert "Bilans de compétences (test)" in page.read_text("utf-8")


def test_the_record_of_verified_pages_matches_the_published_site(
    built_copy: Path, sample_accesses: dict[str, Access]
) -> None:
    import json

    from bilan_gen.publishing import page_uri

    for _ in range(2):  # the copy has new inodes: the first rebuild records them
        result = build(built_copy)
        assert result.returncode == 0, result.output
    record = json.loads((built_copy / CACHE / "pages.json").read_text("utf-8"))["pages"]
    for access in sample_accesses.values():
        found = (built_copy / "site" / page_uri(access.slug)).stat()
        assert record[page_uri(access.slug)][1:] == [found.st_ino, found.st_size, found.st_mtime_ns]
    text = json.dumps(record)
    for dossier_id, who in identities(built_copy).items():  # addresses and keys only
        assert all(v not in text for v in (dossier_id, who.prenom, who.nom, who.email))
