"""``bilan purge`` destroys a dossier's entries in ``bilan check``'s memo too (R6313-7): the
check remembers each folder's diagnostics, encrypted, and a purged dossier leaves no trace."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from helpers import invoke_cli
from test_cli_purge import (  # noqa: F401 - fixtures
    SECRET,
    cache_rows,
    office,
    quick_cache,
    register_rows,
)

from bilan_gen.cache import CHECK_MEMO_DIR, BuildCache
from bilan_gen.cache.db import DATABASE


def memo_rows(root: Path) -> dict[str, bytes]:
    """The memo's entries: key -> encrypted blob."""
    with closing(sqlite3.connect(root / CHECK_MEMO_DIR / DATABASE)) as db:
        return dict(db.execute("SELECT key, blob FROM entries").fetchall())


def memo_keys_of(root: Path, ident: str) -> set[str]:
    """The memo entries of ``ident``, decrypted with the test secret."""
    return set(BuildCache(root / CHECK_MEMO_DIR, bytes.fromhex(SECRET), "").entries_of(ident))


@pytest.fixture
def checked(office: Path) -> Path:  # noqa: F811 - the fixture imported above
    """The office after a ``bilan check``: every dossier has its memo entry."""
    assert invoke_cli(["check"]).exit_code == 0
    assert len(memo_rows(office)) == 3
    return office


def test_purge_destroys_the_dossiers_memo_entries(checked: Path) -> None:
    (doomed,) = memo_keys_of(checked, "2026-014")
    blob = memo_rows(checked)[doomed]
    others = set(memo_rows(checked)) - {doomed}
    result = invoke_cli(["purge", "2026-014", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"  {CHECK_MEMO_DIR.as_posix()}/ : 1 entrée(s) de bilan check" in result.output
    assert set(memo_rows(checked)) == others
    # The entry's bytes are gone from every file of the memo, SQLite's journal included.
    for path in (checked / CHECK_MEMO_DIR).iterdir():
        assert blob[:64] not in path.read_bytes(), path.name
    assert register_rows(checked)[1][2].endswith("impressions (2) ; cache (2)")
    assert len(cache_rows(checked)) == 2  # the build cache's entry went too


def test_dry_run_leaves_the_memo(checked: Path) -> None:
    before = memo_rows(checked)
    result = invoke_cli(["purge", "2026-014", "--dry-run"])
    assert "1 entrée(s) de bilan check" in result.output
    assert memo_rows(checked) == before


@pytest.mark.usefixtures("quick_cache")
def test_a_memo_that_cannot_be_emptied_stops_the_purge(checked: Path) -> None:
    # A check running meanwhile holds the memo: the dossier is not destroyed, nor registered.
    other = sqlite3.connect(checked / CHECK_MEMO_DIR / DATABASE, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        result = invoke_cli(["purge", "2026-014", "--yes"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert "2026-014 non détruit" in result.stderr
    assert (checked / "dossiers" / "2026-014").is_dir()
    assert len(memo_rows(checked)) == 3
    assert invoke_cli(["purge", "2026-014", "--yes"]).exit_code == 0
    assert len(memo_rows(checked)) == 2


def test_without_the_secret_the_memo_is_said_unattributed(checked: Path) -> None:
    (checked / ".bilan" / "secret").unlink()
    result = invoke_cli(["purge", "2026-014", "--yes"])
    assert result.exit_code == 0
    assert len(memo_rows(checked)) == 3
    assert "sans le secret du site, ses entrées ne peuvent être attribuées" in result.stderr


def test_purge_destroys_the_rebuild_record_that_names_the_dossier(office: Path) -> None:  # noqa: F811
    # The record holds every published dossier's diagnostics: it goes whole (the next
    # rebuild reads every folder once).
    from bilan_gen.build.rebuild import Known, RebuildRecord
    from bilan_gen.cache import CACHE_DIR, RECORD_PREFIX

    cache = BuildCache(office / CACHE_DIR, bytes.fromhex(SECRET), "configuration")
    folders = {
        ident: Known("state", "0" * 40, ident, (), (("beneficiaire", 0, "slug"),), None)
        for ident in ("2026-014", "2026-021")
    }
    RebuildRecord.save(cache, office / "dossiers", folders, "verified")
    assert any(k.startswith(RECORD_PREFIX) for k in cache_rows(office))
    assert invoke_cli(["purge", "2026-037", "--yes"]).exit_code == 0
    assert any(k.startswith(RECORD_PREFIX) for k in cache_rows(office))
    assert invoke_cli(["purge", "2026-014", "--yes"]).exit_code == 0
    assert not any(k.startswith(RECORD_PREFIX) for k in cache_rows(office))
