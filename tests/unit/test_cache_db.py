"""The cache's database: entries bound to their key, given back when removed, fork-safe."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from helpers import Project, read_folder

from bilan_gen.cache import BuildCache, CacheEntry
from bilan_gen.cache.db import DATABASE, close_connections, has_entries, remove_entries
from bilan_gen.verify import Fingerprint

SECRET = b"s" * 32


def entry_of(folder: Path, payload: str = "") -> CacheEntry:
    ident = folder.name
    return CacheEntry(ident, (), (("beneficiaire", 0, payload),), Fingerprint(ident), {}, {})


def test_an_entry_comes_back_for_its_key_and_folder_only(project: Project, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET, "conf")
    folder = project.folder()
    key = cache.key_for(read_folder(folder))
    assert cache.load(key, folder) is None and not has_entries(tmp_path / "cache")
    cache.store(key, entry_of(folder, "QUJD"), folder)
    loaded = cache.load(key, folder)
    assert loaded is not None and loaded.pages == (("beneficiaire", 0, "QUJD"),)
    twin = project.root / "dossiers" / "2026-999"
    twin.mkdir()
    assert cache.load(key, twin) is None  # another dossier's folder
    assert BuildCache(tmp_path / "cache", b"t" * 32, "conf").load(key, folder) is None
    # Under another key, even of the same dossier, an entry is a miss, then removed.
    with closing(sqlite3.connect(tmp_path / "cache" / DATABASE, isolation_level=None)) as db:
        db.execute("UPDATE entries SET key = ?", ("0" * 40,))
    assert cache.load("0" * 40, folder) is None
    assert not has_entries(tmp_path / "cache")


def test_removed_entries_give_their_space_back(project: Project, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache = BuildCache(cache_dir, SECRET, "conf")
    folder = project.folder()
    keys = [f"{i:040d}" for i in range(40)]
    for key in keys:
        cache.store(key, entry_of(folder, "A" * 50_000), folder)
    close_connections()
    full = (cache_dir / DATABASE).stat().st_size
    assert full > 40 * 50_000
    cache.prune(keys[:2])
    close_connections()
    assert (cache_dir / DATABASE).stat().st_size < full / 10
    assert not (cache_dir / (DATABASE + "-wal")).exists()
    assert remove_entries(cache_dir, keys[:1]) and has_entries(cache_dir)


def _store_in_child(cache: BuildCache, folder: Path, stored: Any, parent_closed: Any) -> None:
    cache.store("1" * 40, entry_of(folder, "Q0hJTEQ="), folder)
    stored.set()
    parent_closed.wait(30)
    cache.store("2" * 40, entry_of(folder, "Q0hJTEQy"), folder)


def test_a_forked_process_has_its_own_connection_and_locks(
    project: Project, tmp_path: Path
) -> None:
    # A child that inherited its parent's connection would share its locks: when the parent
    # closed it, SQLite would take the parent for the last user and empty the journal under
    # the child, whose next writes would be lost.
    cache = BuildCache(tmp_path / "cache", SECRET, "conf")
    folder = project.folder()
    cache.store("0" * 40, entry_of(folder), folder)  # this process's connection is open
    context = multiprocessing.get_context("fork")
    stored, parent_closed = context.Event(), context.Event()
    child = context.Process(target=_store_in_child, args=(cache, folder, stored, parent_closed))
    child.start()
    assert stored.wait(30)
    close_connections()
    parent_closed.set()
    child.join(30)
    assert child.exitcode == 0
    loaded = [cache.load(key * 40, folder) for key in "012"]
    assert [e.pages[0][2] if e else None for e in loaded] == ["", "Q0hJTEQ=", "Q0hJTEQy"]
