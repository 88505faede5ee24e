"""What a rebuild knows of each dossier folder without reading it: the rebuild record.

The build cache (:mod:`bilan_gen.cache`) is keyed by the bytes of every file of a folder, so
finding an entry reads the whole folder. After a successful build, the record keeps, for each
folder whose dossier was published: the state of its entries as the system reports them
(path, kind, size, modification and change times, inode: what ``git status`` compares), the
key of its cache entry, and the little a rebuild needs of it without that entry: its
diagnostics, its pages, and the last day it may be published (R6313-7). A rebuild lists each
folder, never reading a file: a folder whose entries all stand as recorded is that entry,
unread, and its pages are linked from the published site (:mod:`bilan_gen.build.page_reuse`).

- A file changed or touched within :data:`RACY_NS` of the read that made its entry is not
  recorded: two writes within one tick of the file system's clock show the same times (Git's
  "racily clean" entries). Such a folder is read again by the next build.
- A folder with a refused entry, or with files encrypted at rest (their clear text depends on
  the keys of this machine), is never recorded.
- The record also holds the digest of what the leak verifier compared each dossier with (the
  site's other files, the generic texts): while it is the same, a dossier whose entry is the
  same cannot have leaked either, and its needles are not looked up again.

The record is one row of the cache's database, encrypted like an entry (its diagnostics may
quote a dossier) under a key derived from the cache's configuration; ``bilan purge`` removes
it with a dossier's entries (it names every dossier it holds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilan_gen.cache import BuildCache
from bilan_gen.diagnostics import Diagnostic, Severity
from bilan_gen.guard import DossierFiles, Entry, EntryRefused, walk

RACY_NS = 2_000_000_000
"""How old (in ns) every entry of a folder must be, when it is read, to be recorded."""
_VERSION = 2


@dataclass(frozen=True)
class Known:
    """One dossier folder as the last successful build left it."""

    state: str
    """:func:`folder_state` of the folder when its entry was made."""
    key: str
    """Its build-cache entry."""
    dossier_id: str
    diagnostics: tuple[Diagnostic, ...]
    pages: tuple[tuple[str, int, str], ...]
    """(audience, rotation, slug) of each page, the beneficiary's first (the slug derives
    from the secret, the id and both: the record is only read with that secret)."""
    limite: dt.date | None
    """Last day it may be published; None while the bilan goes on."""


def folder_state(
    folder: Path, entries: tuple[Entry, ...] | list[Entry], read_ns: int
) -> str | None:
    """A digest of what the system says of every entry of ``folder``; None when an entry
    changed within :data:`RACY_NS` of ``read_ns`` (when the folder was listed)."""
    hasher = hashlib.blake2b(folder.name.encode(), digest_size=16)
    for entry in entries:
        if read_ns - max(entry.mtime_ns, entry.ctime_ns) < RACY_NS:
            return None
        fields = (entry.rel, entry.kind.name, entry.size, entry.mtime_ns, entry.ctime_ns, entry.ino)
        hasher.update(repr(fields).encode())
    return hasher.hexdigest()


def state_of(files: DossierFiles, read_ns: int) -> str | None:
    """:func:`folder_state` of a folder read for this build (listed at ``read_ns``), or None
    when it must not be recorded (a refused entry, files encrypted at rest, racy times)."""
    if files.problems or files.encrypted or not files.opened:
        return None
    return folder_state(files.folder, files.entries, read_ns)


def now_ns() -> int:
    """The time a folder is listed, on the clock of file times."""
    return time.time_ns()


class RebuildRecord:
    """The known folders of the last successful build, for one cache configuration."""

    def __init__(self, folders: dict[str, Known], verified: str) -> None:
        self.folders = folders
        self.verified = verified
        """Digest of the output and generic texts the last build's dossiers were verified
        against ("" when unknown)."""

    @classmethod
    def load(cls, cache: BuildCache, dossiers_dir: Path) -> RebuildRecord:
        """The record of ``cache`` (empty when there is none, or it does not decrypt)."""
        data = cache.read(cache.record_key)
        try:
            if data is None or data.get("version") != _VERSION:
                raise ValueError("no record")
            folders = {
                name: _known(raw, dossiers_dir / name) for name, raw in data["folders"].items()
            }
            return cls(folders, str(data["verified"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls({}, "")

    def unchanged(self, folder: Path) -> Known | None:
        """What the record knows of ``folder`` if every entry of it stands as recorded
        (listed through the guarded path, no file read), else None."""
        known = self.folders.get(folder.name)
        if known is None:
            return None
        refused: list[EntryRefused] = []
        try:
            entries = walk(folder, None, refused.append)
        except EntryRefused:
            return None
        if refused or folder_state(folder, entries, now_ns()) != known.state:
            return None
        return known

    @staticmethod
    def save(
        cache: BuildCache, dossiers_dir: Path, folders: dict[str, Known], verified: str
    ) -> None:
        """Record this build's known folders (a record that cannot be written only costs the
        next rebuild time)."""
        data = {
            "version": _VERSION,
            "verified": verified,
            "dossiers": sorted({k.dossier_id for k in folders.values()}),
            "folders": {name: _raw(known, dossiers_dir / name) for name, known in folders.items()},
        }
        cache.write(cache.record_key, data)


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _raw(known: Known, folder: Path) -> dict[str, Any]:
    return {
        "state": known.state,
        "key": known.key,
        "id": known.dossier_id,
        "diagnostics": [
            [_relative(d.path, folder), d.line, d.severity.value, d.code, d.message]
            for d in known.diagnostics
        ],
        "pages": [list(page) for page in known.pages],
        "limite": known.limite.isoformat() if known.limite else None,
    }


def _known(raw: dict[str, Any], folder: Path) -> Known:
    return Known(
        str(raw["state"]),
        str(raw["key"]),
        str(raw["id"]),
        tuple(
            Diagnostic(folder / rel, int(line), Severity(severity), str(code), str(message))
            for rel, line, severity, code, message in raw["diagnostics"]
        ),
        tuple((str(a), int(r), str(slug)) for a, r, slug in raw["pages"]),
        dt.date.fromisoformat(raw["limite"]) if raw["limite"] else None,
    )
