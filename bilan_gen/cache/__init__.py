"""The build cache: validated, rendered and encrypted dossiers, reused while nothing changed.

An entry is keyed by everything its page depends on: the bytes of every file of the dossier
folder, the options, the Markdown configuration, the package's own code and templates, and
the site secret. So a changed template or option rebuilds every dossier, and a changed file
rebuilds its own — never a stale or foreign page.

The cache lives outside the site directory (``.bilan/cache/``) and holds nothing in clear:
each entry is encrypted with a key derived from the site secret (AES-256-GCM), bound to its
key, and its key is a keyed hash that names no dossier. An entry that does not decrypt is a
miss, then removed. :mod:`bilan_gen.cache.db` keeps the entries, as rows of one database."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import importlib
import json
import sys
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bilan_gen import __version__
from bilan_gen.cache.db import execute, leftovers, query, remove_entries
from bilan_gen.config import Options, project_secret
from bilan_gen.crypto import decrypt_payload, encrypt_payload, hkdf_sha256, make_private_dir
from bilan_gen.diagnostics import Diagnostic, Severity
from bilan_gen.errors import BilanError
from bilan_gen.guard import DossierFiles
from bilan_gen.verify import Fingerprint, GramCache

CACHE_DIR = Path(".bilan", "cache")
RECORD_PREFIX = "record-"
"""The keys of rebuild records (:mod:`bilan_gen.build.rebuild`) start so; entries' never do."""
CHECK_MEMO_DIR = CACHE_DIR / "check"
"""Where ``bilan check`` remembers each folder's diagnostics (:func:`check_memo`)."""
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # bilan_gen/, not this package


def code_fingerprint() -> str:
    """Digest of the package's own code, templates and assets: a change rebuilds everything."""
    hasher = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".md", ".js", ".css", ".j2"):
            hasher.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def library_versions(*modules: str) -> tuple[str, ...]:
    """Python's version and those of the libraries that parse and match a dossier (YAML,
    with or without libyaml; the French stemmer), then of ``modules`` (by ``__version__``).

    The stemmer has no version attribute: the source of its French stemmer stands for it.
    """
    import snowballstemmer
    import yaml

    stemmer = Path(snowballstemmer.__file__).with_name("french_stemmer.py")
    try:
        stemmer_digest = hashlib.sha256(stemmer.read_bytes()).hexdigest()
    except OSError:
        stemmer_digest = "?"
    found = [
        sys.version,
        f"yaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}",
        f"snowballstemmer {stemmer_digest}",
    ]
    for name in modules:
        found.append(f"{name} {getattr(importlib.import_module(name), '__version__', '?')}")
    return tuple(found)


def configuration_of(options: Options, *markdown: object) -> str:
    """Everything but the dossier's own files that its page depends on, as one string.

    Paths are made relative to the project, so a moved or freshly cloned project keeps its
    cache; ``markdown`` is the site generator's Markdown configuration: with it, the
    versions of the Markdown and template libraries count too.
    """
    try:
        dossiers = options.dossiers_dir.relative_to(options.project_dir)
    except ValueError:
        dossiers = options.dossiers_dir
    portable = replace(options, project_dir=Path(), dossiers_dir=dossiers)
    libraries = library_versions(*(("markdown", "jinja2") if markdown else ()))
    return repr((code_fingerprint(), libraries, portable, markdown))


def check_memo(options: Options, environ: Mapping[str, str]) -> BuildCache | None:
    """Where ``bilan check`` remembers each folder's diagnostics (encrypted like the build's
    entries: messages may quote a dossier's text), or None: no cache, or no secret yet
    (checking never creates one)."""
    if not options.cache:
        return None
    if (
        options.secret_env not in environ
        and not (options.project_dir / options.secret_file).is_file()
    ):
        return None
    try:
        secret, _ = project_secret(options, environ)
    except BilanError:
        return None  # the build says what is wrong with the secret
    return BuildCache(
        options.project_dir / CHECK_MEMO_DIR, secret, "check:" + configuration_of(options)
    )


def diagnostics_entry(dossier_id: str, diagnostics: tuple[Diagnostic, ...]) -> CacheEntry:
    """An entry that holds a check's diagnostics only (no page, nothing to look for)."""
    return CacheEntry(dossier_id, diagnostics, (), Fingerprint(dossier_id), {}, {})


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


class BuildCache:
    """Encrypted cache entries under ``cache_dir``, for one secret and one configuration.

    It pickles as its settings: each process (build workers included) opens the database
    once, when it first needs it.
    """

    def __init__(self, cache_dir: Path, secret: bytes, configuration: str) -> None:
        self.cache_dir = cache_dir
        self._key = hkdf_sha256(secret, b"bilan-gen/v1/cache", b"cache entries", 32)
        self._salt = hkdf_sha256(secret, b"bilan-gen/v1/cache", configuration.encode(), 32)
        record = hmac.new(self._salt, b"rebuild record", hashlib.sha256).hexdigest()
        self.record_key = RECORD_PREFIX + record[: 40 - len(RECORD_PREFIX)]
        """Where :mod:`bilan_gen.build.rebuild` keeps its record for this configuration."""

    def key_for(self, files: DossierFiles) -> str:
        """The entry key of a dossier folder as it was read: a keyed hash of every entry
        (refused ones included) and of the bytes of every regular file."""
        mac = hmac.new(self._salt, files.folder.name.encode(), hashlib.sha256)
        for entry in files.entries:
            mac.update(b"\0" + entry.rel.encode() + b"\0" + entry.kind.name.encode() + b"\0")
            content = files.content(entry.rel)
            if content is not None:
                mac.update(content.digest)
        for problem in files.problems:
            mac.update(problem.code.encode() + b"\0")
        return mac.hexdigest()[:40]

    def load(self, key: str, folder: Path) -> CacheEntry | None:
        """The entry ``key`` for the dossier in ``folder``, or None (absent, corrupt, foreign)."""
        rows = query(self.cache_dir, "SELECT blob FROM entries WHERE key = ?", (key,))
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
        self.store_all([(key, entry, folder)])

    def store_all(self, entries: Iterable[tuple[str, CacheEntry, Path]]) -> None:
        """Write each (key, entry, folder), in one transaction."""
        rows = [(key, self._sealed(key, entry, folder)) for key, entry, folder in entries]
        if rows:
            execute(self.cache_dir, "INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)

    def _sealed(self, key: str, entry: CacheEntry, folder: Path) -> bytes:
        data = {"key": key, **_entry_to_json(entry, folder)}
        return encrypt_payload(self._key, json.dumps(data, default=_encode_date).encode())

    def read(self, key: str) -> dict[str, Any] | None:
        """The encrypted JSON object stored under ``key`` (None: absent, or it does not
        decrypt to one written under that key, and is then removed)."""
        rows = query(self.cache_dir, "SELECT blob FROM entries WHERE key = ?", (key,))
        if not rows:
            return None
        try:
            data = json.loads(decrypt_payload(self._key, rows[0][0]))
            if not isinstance(data, dict) or data.get("key") != key:
                raise ValueError("stored under another key")
        except (ValueError, BilanError):
            remove_entries(self.cache_dir, [key])
            return None
        return data

    def write(self, key: str, data: dict[str, Any]) -> None:
        """Store the JSON object ``data`` under ``key``, encrypted."""
        blob = encrypt_payload(self._key, json.dumps({"key": key, **data}).encode())
        execute(self.cache_dir, "INSERT OR REPLACE INTO entries VALUES (?, ?)", [(key, blob)])

    def gram_cache(self) -> GramCache:
        """Where the output index keeps the n-gram digests of the site's public texts."""
        make_private_dir(self.cache_dir)
        return GramCache(self.cache_dir / "grams")

    def entries_of(self, dossier_id: str) -> list[str]:
        """The keys of one dossier's entries (keys say nothing: each entry is decrypted).

        Raises:
            cache_db.CacheUnreadable: The database cannot be read now.
        """
        everything = "SELECT key, blob FROM entries ORDER BY key"
        rows = query(self.cache_dir, everything, strict=True)
        return [key for key, blob in rows if self._belongs_to(blob, dossier_id)]

    def leftovers_of(self, dossier_id: str) -> list[Path]:
        """The files of the former layout (one per entry) that belong to one dossier."""
        found = []
        for path in leftovers(self.cache_dir):
            with suppress(OSError):
                if self._belongs_to(path.read_bytes(), dossier_id):
                    found.append(path)
        return found

    def _belongs_to(self, blob: bytes, dossier_id: str) -> bool:
        """Whether the encrypted entry ``blob`` is one of ``dossier_id``, or a record that
        names it among others (else, or unreadable: not)."""
        try:
            data = json.loads(decrypt_payload(self._key, blob))
        except (ValueError, BilanError):
            return False
        if not isinstance(data, dict):
            return False
        return data.get("id") == dossier_id or dossier_id in (data.get("dossiers") or ())

    def prune(self, used: Iterable[str]) -> None:
        """Remove the entries this build did not use, and the files of the former layout."""
        keep = set(used)
        stale = [k for (k,) in query(self.cache_dir, "SELECT key FROM entries") if k not in keep]
        if stale:
            remove_entries(self.cache_dir, stale)
        for path in leftovers(self.cache_dir):
            path.unlink(missing_ok=True)


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
