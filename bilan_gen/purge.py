"""Destroy dossiers (R6313-7): the folder, its PDFs, its cached entries, a register line.

:func:`plan_purge` lists what would go, without touching anything; :func:`execute_purge`
deletes exactly those paths and the entries of the build cache and of ``bilan check``'s
memo, and appends one line per dossier to the destruction register
(``registre-destructions.csv`` at the project root, kept in Git, never published): the
id, the date, what was destroyed and on what ground — no name, no content. Nothing else is
touched. Git history, backups, CI artefacts and the published site are
beyond a working tree: :func:`format_history_commands` says what to run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.atrest.shred import Rotation, destroy_keys, is_encrypted_repository
from bilan_gen.cache import CACHE_DIR, CHECK_MEMO_DIR, BuildCache
from bilan_gen.cache.db import close_connections, has_entries, leftovers, remove_entries
from bilan_gen.config import Options
from bilan_gen.crypto import parse_secret
from bilan_gen.errors import BilanError
from bilan_gen.guard import EntryKind, EntryRefused, walk
from bilan_gen.loading import load_dossier
from bilan_gen.printing.batch import DEFAULT_OUTPUT_DIR, PrintRequest
from bilan_gen.retention import Motif, retention_state

REGISTER_FILE = "registre-destructions.csv"
REGISTER_HEADER = ("dossier", "detruit_le", "elements", "motif")
MANUAL_GROUND = "destruction demandée avant l'échéance (bilan purge ID)"


@dataclass(frozen=True)
class PurgeTarget:
    """One dossier to destroy and everything that goes with it."""

    dossier_id: str
    folder: Path
    prints: tuple[Path, ...]
    cache_entries: tuple[str, ...]
    """The keys of its entries in the build cache (``.bilan/cache/``)."""
    ground: str
    """Why it is destroyed, in French, dates only."""
    cache_files: tuple[Path, ...] = ()
    """Its entries in the cache's former layout, one file each (before a build prunes them)."""
    memo_entries: tuple[str, ...] = ()
    """The keys of its entries in ``bilan check``'s memo (``.bilan/cache/check/``)."""

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file or folder deleted, the folder first."""
        return (self.folder, *self.prints, *self.cache_files)

    @property
    def elements(self) -> str:
        """What is destroyed, for the register: counts only, never a file name."""
        files = _file_count(self.folder)
        parts = [f"dossier ({files} fichier{'s' if files > 1 else ''})"]
        if self.prints:
            parts.append(f"impressions ({len(self.prints)})")
        cached = len(self.cache_entries) + len(self.cache_files) + len(self.memo_entries)
        if cached:
            parts.append(f"cache ({cached})")
        return " ; ".join(parts)


def _file_count(folder: Path) -> int:
    """Regular files under ``folder``, counted without following a link."""
    try:
        entries = walk(folder, None, lambda refused: None)
    except EntryRefused:
        return 0
    return sum(1 for e in entries if e.kind is EntryKind.FILE)


def site_secret(options: Options, env: Mapping[str, str]) -> bytes | None:
    """The site secret if there is one (never created here), else None."""
    try:
        if options.secret_env in env:
            return parse_secret(env[options.secret_env])
        path = options.project_dir / options.secret_file
        return parse_secret(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, UnicodeDecodeError, BilanError):
        return None


def print_files(options: Options, dossier_id: str) -> list[Path]:
    """The dossier's PDFs in ``impressions/``: ``bilan pdf``'s names, and ``<id>.*``, which
    covers the access letters of ``bilan access --lettre`` (``<id>.lettre-….pdf``).

    Raises:
        BilanError: ``impressions/`` is a link: nothing is deleted through it.
    """
    folder = options.project_dir / DEFAULT_OUTPUT_DIR
    if folder.is_symlink():
        raise BilanError(
            f"{DEFAULT_OUTPUT_DIR}/ est un lien symbolique : bilan purge ne supprime rien à "
            f"travers un lien ; supprimez vous-même les PDF de {dossier_id} là où il pointe, "
            f"ou remplacez le lien par un vrai dossier, puis relancez (rien n'a été détruit)"
        )
    if not folder.is_dir():
        return []
    names = {PrintRequest(folder, complet=c).target(dossier_id).name for c in (False, True)}
    # Ids have no dot: "<id>.*" never matches another dossier's file.
    found = [p for p in folder.iterdir() if p.name in names or p.name.startswith(dossier_id + ".")]
    return sorted(found)


def cache_entries(
    options: Options, dossier_id: str, secret: bytes | None
) -> tuple[list[str], list[Path]]:
    """One dossier's entries in the build cache (none without the secret): the keys of its
    rows, and its files of the cache's former layout.

    Keys and file names are keyed hashes that name no dossier (:mod:`bilan_gen.cache`): each
    entry is decrypted with the site secret to read its id. Nothing is written or removed.
    """
    cache_dir = options.project_dir / CACHE_DIR
    # Ids have no dot: "<id>.*" never matches another dossier's file.
    named = [p for p in leftovers(cache_dir) if p.name.split(".")[0] == dossier_id]
    if secret is None:
        return [], named
    cache = BuildCache(cache_dir, secret, "")
    return cache.entries_of(dossier_id), sorted({*named, *cache.leftovers_of(dossier_id)})


def memo_entries(options: Options, dossier_id: str, secret: bytes | None) -> list[str]:
    """The keys of one dossier's entries in ``bilan check``'s memo (none without the secret).

    Raises:
        CacheUnreadable: The memo cannot be read now.
    """
    if secret is None:
        return []
    return BuildCache(options.project_dir / CHECK_MEMO_DIR, secret, "").entries_of(dossier_id)


def unattributed_cache(options: Options, env: Mapping[str, str] = os.environ) -> bool:
    """Whether the build cache or the check memo holds entries that cannot be attributed
    (no site secret)."""
    caches = (options.project_dir / CACHE_DIR, options.project_dir / CHECK_MEMO_DIR)
    return site_secret(options, env) is None and any(has_entries(c) for c in caches)


def plan_purge(
    options: Options,
    folders: Sequence[Path],
    today: dt.date,
    env: Mapping[str, str] = os.environ,
) -> list[PurgeTarget]:
    """What destroying ``folders`` would delete, and on what ground. Touches nothing.

    Raises:
        CacheUnreadable: The build cache or the check memo cannot be read now, so their
            entries cannot be found.
        BilanError: A dossier or ``impressions/`` is a link: nothing is deleted through one.
    """
    secret = site_secret(options, env)
    targets: list[PurgeTarget] = []
    for folder in folders:
        if folder.is_symlink():
            raise BilanError(
                f"{folder.name} est un lien symbolique : bilan purge ne supprime jamais la "
                "cible d'un lien (rien n'a été détruit)"
            )
        dossier, _ = load_dossier(folder, options.limits)
        state = retention_state(dossier, today, options.delai_grace_jours)
        ground = state.reason if state.a_detruire else MANUAL_GROUND
        keys, files = cache_entries(options, folder.name, secret)
        targets.append(
            PurgeTarget(
                dossier_id=folder.name,
                folder=folder,
                prints=tuple(print_files(options, folder.name)),
                cache_entries=tuple(keys),
                ground=ground,
                cache_files=tuple(files),
                memo_entries=tuple(memo_entries(options, folder.name, secret)),
            )
        )
    return targets


def expired_folders(
    options: Options, folders: Iterable[Path], today: dt.date
) -> tuple[list[Path], list[Path]]:
    """The dossiers *à détruire* on ``today``, and those left aside.

    A dossier whose ``conservation`` names a reason that does not hold (a missing written
    agreement, a missing ``jusqu_au``…) is left aside rather than destroyed: the consultant
    fixes it (``bilan check``) or destroys it by its id.
    """
    expired: list[Path] = []
    doubtful: list[Path] = []
    for folder in folders:
        dossier = load_dossier(folder, options.limits)[0]
        state = retention_state(dossier, today, options.delai_grace_jours)
        if not state.a_detruire:
            continue
        intended = dossier.get("conservation.motif") not in (None, "aucun")
        (doubtful if intended and state.motif is Motif.AUCUN else expired).append(folder)
    return expired, doubtful


def execute_purge(
    targets: Sequence[PurgeTarget],
    options: Options,
    today: dt.date,
    env: Mapping[str, str] = os.environ,
) -> tuple[list[tuple[str, ...]], Rotation | None]:
    """Delete every cache entry and path of ``targets``, then record each destruction in
    the register. In a repository whose dossiers are encrypted in Git, their keys are
    destroyed first, in one rotation of the vault key (:mod:`bilan_gen.atrest.shred`).

    Returns:
        The register rows written, and the rotation (None when dossiers are not encrypted).

    Raises:
        AtRestError: The keys could not be destroyed (no vault key here, a stale secret):
            nothing is destroyed.
        BilanError: A dossier's cache entries could not be deleted; that dossier and the
            next ones are left whole, the ones before are destroyed and registered.
    """
    rows: list[tuple[str, ...]] = []
    cache_dir = options.project_dir / CACHE_DIR
    memo_dir = options.project_dir / CHECK_MEMO_DIR
    rotation = None
    if is_encrypted_repository(options.project_dir):
        rotation = destroy_keys(options.project_dir, (t.dossier_id for t in targets), env)
    try:
        for target in targets:
            caches = ((cache_dir, target.cache_entries), (memo_dir, target.memo_entries))
            if not all(remove_entries(where, keys) for where, keys in caches):
                raise BilanError(
                    f"{target.dossier_id} non détruit : son cache de construction n'a pu être "
                    f"effacé (construction ou vérification en cours ?) ; relancez, ou "
                    f"supprimez {CACHE_DIR.as_posix()}/"
                )
            elements = target.elements
            if rotation is not None:
                elements += f" ; clé de chiffrement (secret : génération {rotation.new_generation})"
            row = (target.dossier_id, today.isoformat(), elements, target.ground)
            for path in target.paths:
                _delete(path)
            rows.append(row)
    finally:
        close_connections()
        append_register(options.project_dir / REGISTER_FILE, rows)
    return rows, rotation


def _delete(path: Path) -> None:
    """Delete a file or a folder; a link is removed itself, never what it points to (the
    standard library's ``rmtree`` removes the links inside a folder without following them)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def append_register(path: Path, rows: Sequence[tuple[str, ...]]) -> None:
    """Append ``rows`` to the CSV register, writing its header first when it is new."""
    if not rows:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not path.exists() or path.stat().st_size == 0:
        writer.writerow(REGISTER_HEADER)
    writer.writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def read_register(path: Path) -> list[dict[str, str]]:
    """The register's rows (empty when there is no register yet)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def format_history_commands(targets: Sequence[PurgeTarget], options: Options) -> list[str]:
    """The commands and reminders that finish the job beyond the working tree."""
    rels = [_relative(t.folder, options.project_dir) for t in targets]
    ids = ", ".join(t.dossier_id for t in targets)
    paths = " ".join(f"--path {rel}" for rel in rels)
    return [
        f"git rm -r --cached --quiet --ignore-unmatch {' '.join(rels)}",
        f"git add {REGISTER_FILE}",
        f'git commit -m "Destruction R6313-7 : {ids}"',
        f"git filter-repo --invert-paths {paths}",
        "git push --force --all && git push --force --tags",
        "# Puis : reconstruisez et republiez le site (mkdocs build), supprimez les artefacts "
        "de CI et les sauvegardes qui contiennent ces dossiers, et les PDF imprimés ailleurs "
        "que dans impressions/.",
    ]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
