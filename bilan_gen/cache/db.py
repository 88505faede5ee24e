"""Where the build cache keeps its entries: one SQLite database, shared by processes.

Entries are opaque here: a key and an encrypted blob (:mod:`bilan_gen.cache` makes and reads
them). Creating a thousand files costs more than writing their bytes on many disks, so they
are rows of one database (standard library ``sqlite3``): WAL, so that builds read while
others write; one transaction per entry, so that a killed build leaves no half-written one;
``secure_delete`` and an emptied journal, so that a removed entry is gone from every file. A
damaged database is started afresh; a busy one is a miss for a build, an error for a purge.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from bilan_gen.crypto import make_private_dir
from bilan_gen.errors import BilanError

DATABASE = "entries.sqlite3"
BUSY_TIMEOUT_S = 60.0
"""How long the cache waits for another process using it (a concurrent build) before it
gives up: a miss for a build, an error for ``bilan purge``."""
_LEFTOVERS = (".entry", ".tmp")
"""Files of the former layout (one file per entry) and of builds killed while writing one."""


class CacheUnreadable(BilanError):
    """The cache database exists but cannot be read now (another process writes to it)."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(
            f"cache de construction illisible pour l'instant ({cache_dir}) : une construction "
            "est-elle en cours ? Relancez la commande une fois celle-ci finie."
        )


def leftovers(cache_dir: Path) -> list[Path]:
    """Files of the former layout (one per entry), and of builds killed while writing one."""
    if not cache_dir.is_dir():
        return []
    return sorted(p for p in cache_dir.iterdir() if p.is_file() and p.name.endswith(_LEFTOVERS))


def has_entries(cache_dir: Path) -> bool:
    """Whether the cache in ``cache_dir`` may hold an entry (whoever it belongs to); so it
    does when its database cannot be read now."""
    try:
        rows = query(cache_dir, "SELECT 1 FROM entries LIMIT 1", strict=True)
    except CacheUnreadable:
        return True
    return bool(rows) or bool(leftovers(cache_dir))


def remove_entries(cache_dir: Path, keys: Iterable[str]) -> bool:
    """Delete the entries ``keys``: overwritten in the database, gone from its journal.

    The journal is emptied even without keys, so an earlier removal that could not finish
    finishes now. Returns False when this could not be done (the database busy, read-only).
    """
    if not (cache_dir / DATABASE).is_file():
        return True
    rows = [(key,) for key in keys]
    if rows and not execute(cache_dir, "DELETE FROM entries WHERE key = ?", rows):
        return False
    # The file shrinks with the project. (executescript runs the pragma to its end; a
    # plain execute would give back one page.)
    execute(cache_dir, "PRAGMA incremental_vacuum;", [])
    checkpoint = query(cache_dir, "PRAGMA wal_checkpoint(TRUNCATE)")
    return bool(checkpoint) and checkpoint[0][0] == 0  # 0: not blocked by a reader


# One connection per process and database file: opening one costs milliseconds. None is
# open across a fork(): SQLite's locks belong to the process, and a child that inherited
# them would not lock the file for itself.
_connections: dict[str, tuple[sqlite3.Connection, tuple[int, int]]] = {}


def close_connections() -> None:
    """Close this process's connections to cache databases (SQLite then removes its
    journal files); the next use opens them again."""
    for db, _ in _connections.values():
        db.close()
    _connections.clear()


os.register_at_fork(before=close_connections)


def _database(cache_dir: Path, create: bool) -> sqlite3.Connection | None:
    """This process's connection to the cache database, None when there is none to read.

    A database file removed or replaced since (``.bilan/cache/`` deleted by hand under
    ``mkdocs serve``) is opened anew.
    """
    path = os.path.abspath(cache_dir / DATABASE)
    known = _connections.get(path)
    identity = _identity(path)
    if known is not None:
        if known[1] == identity:
            return known[0]
        del _connections[path]
        known[0].close()
    if identity is None and not create:
        return None
    if create:
        make_private_dir(cache_dir)
    try:
        db = _connect(path)
    except sqlite3.DatabaseError as exc:
        if not _damaged(exc):
            raise
        _delete_database(path)
        db = _connect(path)
    identity = _identity(path)
    if identity is None:  # removed at once by another process (a damaged database)
        db.close()
        raise sqlite3.OperationalError("cache database removed while being opened")
    _connections[path] = (db, identity)
    return db


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _connect(path: str) -> sqlite3.Connection:
    try:
        new = os.stat(path).st_size == 0
    except OSError:
        new = True
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        if new:  # only then: on a database in use, this would wait for its writers
            # The pages of removed entries can be given back (set before the first table).
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        # WAL: builds read while others write. No fsync: a cache lost in a crash is rebuilt,
        # and an entry damaged by one does not decrypt. Removed entries are overwritten.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA secure_delete = ON")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, blob BLOB NOT NULL)")
    except sqlite3.Error:
        db.close()
        raise
    return db


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the database is damaged (not merely busy, or the disk full)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _delete_database(path: str) -> None:
    """Start afresh: the next connection makes an empty database."""
    known = _connections.pop(path, None)
    if known is not None:
        known[0].close()
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def query(cache_dir: Path, sql: str, args: tuple[Any, ...] = (), strict: bool = False) -> list[Any]:
    """The rows of a read; none when the database is absent or cannot be read.

    Raises:
        CacheUnreadable: With ``strict``, the database exists but cannot be read now (a
            damaged one is removed: its entries are gone, none is left to find).
    """
    try:
        db = _database(cache_dir, create=False)
        return db.execute(sql, args).fetchall() if db is not None else []
    except (sqlite3.Error, OSError) as exc:
        if not _deleted_if_damaged(cache_dir, exc) and strict:
            raise CacheUnreadable(cache_dir) from None
        return []


def execute(cache_dir: Path, sql: str, rows: list[tuple[Any, ...]]) -> bool:
    """Run a write for each of ``rows``, in one transaction (no rows: ``sql`` is a script);
    False when it failed."""
    try:
        db = _database(cache_dir, create=True)
        assert db is not None
        if not rows:
            db.executescript(sql)
            return True
        if len(rows) == 1:
            db.execute(sql, rows[0])
            return True
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(sql, rows)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    except (sqlite3.Error, OSError) as exc:
        _deleted_if_damaged(cache_dir, exc)
        return False
    return True


def _deleted_if_damaged(cache_dir: Path, exc: Exception) -> bool:
    """After a failed access: a damaged database is deleted (the next one starts afresh)."""
    if not (isinstance(exc, sqlite3.Error) and _damaged(exc)):
        return False
    with suppress(OSError):
        _delete_database(os.path.abspath(cache_dir / DATABASE))
    return True
