"""The build cache: validated, rendered and encrypted dossiers, reused while nothing changed.

An entry is keyed by everything its page depends on: the bytes of every file of the dossier
folder, the options, the Markdown configuration, the package's own code and templates, and
the site secret. So a changed template or option rebuilds every dossier, and a changed file
rebuilds its own — never a stale or foreign page.

The cache lives outside the site directory (``.bilan/cache/``) and holds nothing in clear:
each entry is encrypted with a key derived from the site secret (AES-256-GCM), bound to its
key, and its key is a keyed hash that names no dossier. Entries are rows of one SQLite
database rather than files: creating a thousand files costs more than writing their bytes
on many disks. Each entry is written in a transaction of its own (a killed build leaves no
half-written entry); an entry that does not decrypt is a miss, then removed, and a database
that cannot be read is started afresh. Removed entries are overwritten (``secure_delete``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bilan_gen import __version__
from bilan_gen.config import Options
from bilan_gen.crypto import decrypt_payload, encrypt_payload, hkdf_sha256, make_private_dir
from bilan_gen.diagnostics import Diagnostic, Severity
from bilan_gen.errors import BilanError
from bilan_gen.loading import dossier_files
from bilan_gen.verify import Fingerprint, GramCache

CACHE_DIR = Path(".bilan", "cache")
DATABASE = "entries.sqlite3"
_PACKAGE_DIR = Path(__file__).resolve().parent
BUSY_TIMEOUT_S = 60.0
"""How long a write waits for another process's (a concurrent build) before it gives up."""
_LEFTOVERS = (".entry", ".tmp")
"""Files of the former layout (one file per entry) and of builds killed while writing one."""


def code_fingerprint() -> str:
    """Digest of the package's own code, templates and assets: a change rebuilds everything."""
    hasher = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".md", ".js", ".css", ".j2"):
            hasher.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def configuration_of(options: Options, *markdown: object) -> str:
    """Everything but the dossier's own files that its page depends on, as one string.

    Paths are made relative to the project, so a moved or freshly cloned project keeps its
    cache; ``markdown`` is the site generator's Markdown configuration.
    """
    try:
        dossiers = options.dossiers_dir.relative_to(options.project_dir)
    except ValueError:
        dossiers = options.dossiers_dir
    portable = replace(options, project_dir=Path(), dossiers_dir=dossiers)
    return repr((code_fingerprint(), portable, markdown))


@dataclass(frozen=True)
class CacheEntry:
    """What a build needs of one valid dossier, without reading or rendering it again."""

    dossier_id: str
    diagnostics: tuple[Diagnostic, ...]
    pages: tuple[tuple[str, int, str], ...]
    """(audience, rotation, base64 payload): the beneficiary's view, then each third party's."""
    fingerprint: Fingerprint
    admin: dict[str, Any]
    """The checked values of ``dossier.yml`` (dates for retention); encrypted like the rest."""
    lines: dict[str, int]
    """Line of each key of ``dossier.yml``, for the retention warning."""


class CacheUnreadable(BilanError):
    """The cache database exists but cannot be read now (another process writes to it)."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(
            f"cache de construction illisible pour l'instant ({cache_dir}) : une construction "
            "est-elle en cours ? Relancez la commande une fois celle-ci finie."
        )


class BuildCache:
    """Encrypted cache entries under ``cache_dir``, for one secret and one configuration.

    It pickles as its settings: each process (build workers included) opens the database
    once, when it first needs it.
    """

    def __init__(self, cache_dir: Path, secret: bytes, configuration: str) -> None:
        self.cache_dir = cache_dir
        self._key = hkdf_sha256(secret, b"bilan-gen/v1/cache", b"cache entries", 32)
        self._salt = hkdf_sha256(secret, b"bilan-gen/v1/cache", configuration.encode(), 32)

    def key_for(self, folder: Path) -> str:
        """The entry key of ``folder`` as it is now (a keyed hash of all its files)."""
        mac = hmac.new(self._salt, folder.name.encode(), hashlib.sha256)
        for path in dossier_files(folder):
            mac.update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0")
            mac.update(hashlib.sha256(path.read_bytes()).digest())
        return mac.hexdigest()[:40]

    def load(self, key: str, folder: Path) -> CacheEntry | None:
        """The entry ``key`` for the dossier in ``folder``, or None (absent, corrupt, foreign)."""
        rows = _query(self.cache_dir, "SELECT blob FROM entries WHERE key = ?", (key,))
        if not rows:
            return None
        try:
            plain = decrypt_payload(self._key, rows[0][0])
            data = json.loads(plain, object_hook=_decode_date)
            if data.pop("key") != key:
                raise ValueError("entry stored under another key")
            entry = _entry_from_json(data, folder)
        except (ValueError, KeyError, TypeError, AttributeError, BilanError):
            remove_entries(self.cache_dir, [key])
            return None
        return entry if entry.dossier_id == folder.name else None

    def store(self, key: str, entry: CacheEntry, folder: Path) -> None:
        """Write the ``entry`` of the dossier in ``folder`` (a cache that cannot be written
        only costs time: the build goes on)."""
        data = {"key": key, **_entry_to_json(entry, folder)}
        blob = encrypt_payload(self._key, json.dumps(data, default=_encode_date).encode())
        _execute(self.cache_dir, "INSERT OR REPLACE INTO entries VALUES (?, ?)", [(key, blob)])

    def gram_cache(self) -> GramCache:
        """Where the output index keeps the n-gram digests of the site's public texts."""
        make_private_dir(self.cache_dir)
        return GramCache(self.cache_dir / "grams")

    def entries_of(self, dossier_id: str) -> list[str]:
        """The keys of one dossier's entries (keys say nothing: each entry is decrypted).

        Raises:
            CacheUnreadable: The database cannot be read now.
        """
        found = []
        everything = "SELECT key, blob FROM entries ORDER BY key"
        for key, blob in _query(self.cache_dir, everything, strict=True):
            try:
                data = json.loads(decrypt_payload(self._key, blob))
            except (ValueError, BilanError):
                continue
            if isinstance(data, dict) and data.get("id") == dossier_id:
                found.append(key)
        return found

    def leftovers_of(self, dossier_id: str) -> list[Path]:
        """The files of the former layout (one per entry) that belong to one dossier."""
        found = []
        for path in leftovers(self.cache_dir):
            try:
                data = json.loads(decrypt_payload(self._key, path.read_bytes()))
            except (OSError, ValueError, BilanError):
                continue
            if isinstance(data, dict) and data.get("id") == dossier_id:
                found.append(path)
        return found

    def prune(self, used: Iterable[str]) -> None:
        """Remove the entries this build did not use, and the files of the former layout."""
        keep = set(used)
        stale = [k for (k,) in _query(self.cache_dir, "SELECT key FROM entries") if k not in keep]
        if stale:
            remove_entries(self.cache_dir, stale)
        for path in leftovers(self.cache_dir):
            path.unlink(missing_ok=True)


def leftovers(cache_dir: Path) -> list[Path]:
    """Files of the former layout (one per entry), and of builds killed while writing one."""
    if not cache_dir.is_dir():
        return []
    return sorted(p for p in cache_dir.iterdir() if p.is_file() and p.name.endswith(_LEFTOVERS))


def has_entries(cache_dir: Path) -> bool:
    """Whether the cache in ``cache_dir`` may hold an entry (whoever it belongs to); so it
    does when its database cannot be read now."""
    try:
        rows = _query(cache_dir, "SELECT 1 FROM entries LIMIT 1", strict=True)
    except CacheUnreadable:
        return True
    return bool(rows) or bool(leftovers(cache_dir))


def remove_entries(cache_dir: Path, keys: Iterable[str]) -> bool:
    """Delete the entries ``keys``: overwritten in the database, gone from its journal.

    The journal is emptied even without keys, so an earlier removal that could not finish
    finishes now. Returns False when this could not be done (the database busy, read-only).
    """
    rows = [(key,) for key in keys]
    if not (cache_dir / DATABASE).is_file():
        return True
    if rows and not _execute(cache_dir, "DELETE FROM entries WHERE key = ?", rows):
        return False
    # The file shrinks with the project. (executescript runs the pragma to its end; a
    # plain execute would give back one page.)
    _execute(cache_dir, "PRAGMA incremental_vacuum;", [])
    checkpoint = _query(cache_dir, "PRAGMA wal_checkpoint(TRUNCATE)")
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


def _query(
    cache_dir: Path, sql: str, args: tuple[Any, ...] = (), strict: bool = False
) -> list[Any]:
    """The rows of a read; none when the database is absent or cannot be read.

    Raises:
        CacheUnreadable: With ``strict``, the database exists but cannot be read now (a
            damaged one is removed: its entries are gone, none is left to find).
    """
    try:
        db = _database(cache_dir, create=False)
        return db.execute(sql, args).fetchall() if db is not None else []
    except (sqlite3.Error, OSError) as exc:
        if isinstance(exc, sqlite3.Error) and _damaged(exc):
            with suppress(OSError):
                _delete_database(os.path.abspath(cache_dir / DATABASE))
        elif strict:
            raise CacheUnreadable(cache_dir) from None
        return []


def _execute(cache_dir: Path, sql: str, rows: list[tuple[Any, ...]]) -> bool:
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
        if isinstance(exc, sqlite3.Error) and _damaged(exc):
            with suppress(OSError):
                _delete_database(os.path.abspath(cache_dir / DATABASE))
        return False
    return True


def _encode_date(value: object) -> dict[str, str]:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _decode_date(data: dict[str, Any]) -> Any:
    if set(data) == {"$date"}:
        return dt.date.fromisoformat(data["$date"])
    return data


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _entry_to_json(entry: CacheEntry, folder: Path) -> dict[str, Any]:
    fp = entry.fingerprint
    return {
        "id": entry.dossier_id,
        "diagnostics": [
            [_relative(d.path, folder), d.line, d.severity.value, d.code, d.message]
            for d in entry.diagnostics
        ],
        "pages": [list(page) for page in entry.pages],
        "needles": {
            "keys": base64.b64encode(fp.keys).decode("ascii"),
            "kinds": [list(kind) for kind in fp.kinds],
            "of": fp.kind_of.hex(),
        },
        "blobs": list(fp.blobs),
        "prefixes": list(fp.prefixes),
        "admin": entry.admin,
        "lines": entry.lines,
    }


def _entry_from_json(data: dict[str, Any], folder: Path) -> CacheEntry:
    diagnostics = tuple(
        Diagnostic(folder / path, line, Severity(severity), code, message)
        for path, line, severity, code, message in data["diagnostics"]
    )
    needles = data["needles"]
    fingerprint = Fingerprint(
        data["id"],
        base64.b64decode(needles["keys"]),
        tuple((str(what), bool(excusable)) for what, excusable in needles["kinds"]),
        bytes.fromhex(needles["of"]),
        tuple(data["blobs"]),
        tuple(data["prefixes"]),
    )
    pages = tuple((str(a), int(r), str(payload)) for a, r, payload in data["pages"])
    lines = {str(k): int(v) for k, v in data["lines"].items()}
    return CacheEntry(data["id"], diagnostics, pages, fingerprint, data["admin"], lines)
