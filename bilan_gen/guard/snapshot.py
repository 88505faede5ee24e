"""A dossier folder read once, through the guarded path: what every command works from.

:func:`load_folder` lists the folder without following links, reads each regular file once
(within the limits), and turns every entry it refuses into a diagnostic that names it. The
text files are kept; other files are kept as a digest and their first bytes, and read again
on demand (an annex for the payload) through the same guarded path, checked against that
digest: the bytes published are the bytes checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.diagnostics import Diagnostic, error
from bilan_gen.guard.entries import (
    Content,
    Entry,
    EntryKind,
    EntryRefused,
    Why,
    read_at,
    read_file,
    walk,
)
from bilan_gen.guard.plain import NO_KEY, plain_content
from bilan_gen.model import ANNEXES_DIR

MIB = 1024 * 1024
DOCUMENT_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")
TEXT_SUFFIXES = (*DOCUMENT_SUFFIXES, ".txt")
"""Files kept whole in memory once read: documents, dossier.yml, prose notes."""
EMACS_LOCK = ".#"
"""Emacs marks a file being edited with a dangling link named ``.#<file>``: never opened,
never reported, so that a consultant editing with Emacs is not told off at every check."""


@dataclass(frozen=True)
class Limits:
    """Sizes a dossier's files may reach (options of ``mkdocs.yml``)."""

    text_bytes: int = 2 * MIB
    """A document or ``dossier.yml``: text written by hand."""
    file_bytes: int = 10 * MIB
    """Any other file: an annex, a note (option ``annexe_max_mo``)."""
    published_bytes: int = 25 * MIB
    """What one dossier publishes: its finalised documents and the annexes they cite
    (option ``dossier_max_mo``)."""


def megabytes(size: int) -> str:
    """``12,3 Mo``: a size as the messages show it."""
    return f"{size / MIB:.1f}".replace(".", ",") + " Mo"


def _is_document(rel: str) -> bool:
    """A Markdown or YAML file at the top of the folder: a document, or one mistaken for it."""
    return "/" not in rel and rel.lower().endswith(DOCUMENT_SUFFIXES)


def _limit_of(rel: str, limits: Limits) -> int:
    return limits.text_bytes if _is_document(rel) else limits.file_bytes


def format_limit(limit: int) -> str:
    """``10 Mo``: a limit as the messages show it."""
    return f"{limit // MIB} Mo" if limit % MIB == 0 else megabytes(limit)


def _too_big(rel: str, size: int, limits: Limits) -> str:
    if _is_document(rel):
        return (
            f"fichier trop gros ({megabytes(size)}) : {format_limit(limits.text_bytes)} au plus ; "
            "placez les pièces dans annexes/"
        )
    annex = rel.startswith(ANNEXES_DIR + "/")
    what, it = ("annexe trop grosse", "la") if annex else ("fichier trop gros", "le")
    return (
        f"{what} ({megabytes(size)}) : {format_limit(limits.file_bytes)} au plus par fichier "
        f"(option annexe_max_mo de mkdocs.yml) ; réduisez-{it} ou compressez-{it}"
    )


CHANGED = "fichier modifié pendant la lecture du dossier : relancez la commande"


def refusal_message(refused: EntryRefused, limits: Limits) -> tuple[str, str]:
    """The (code, French message) of an entry that is not read."""
    kind, rel, why = refused.kind, refused.rel, refused.why
    if why is Why.TOO_BIG:
        return "fichier-trop-gros", _too_big(rel, refused.size, limits)
    if why is Why.TOO_DEEP:
        return "dossier-trop-profond", (
            "sous-dossiers imbriqués trop profondément : bilan-gen ne lit pas plus loin ; "
            "rangez les pièces à plat dans annexes/ ou notes/"
        )
    if why is Why.CHANGED:
        return "fichier-illisible", CHANGED
    if why in (Why.ENCRYPTED, Why.NO_KEY):
        return "fichier-chiffre", refused.detail or NO_KEY
    if why is not Why.KIND:
        return "fichier-illisible", refused.detail or "lecture impossible"
    if kind is EntryKind.LINK:
        what = "ce dossier est un lien symbolique" if not rel else "lien symbolique"
        return "lien-symbolique", (
            f"{what} : bilan-gen ne lit que les vrais fichiers et dossiers d'un dossier, jamais "
            "la cible d'un lien ; remplacez le lien par le fichier lui-même"
        )
    if not rel:  # the dossier folder itself is not a folder
        msg = f"{kind.value} à la place d'un dossier : un dossier est un répertoire"
        return "fichier-inattendu", msg
    return "fichier-special", (
        f"{kind.value} : un dossier ne contient que des fichiers ordinaires et des "
        "sous-dossiers ; supprimez-le (il n'est jamais ouvert)"
    )


def refusal_diagnostic(folder: Path, refused: EntryRefused, limits: Limits) -> Diagnostic:
    """The error that names an entry of ``folder`` that is not read."""
    code, message = refusal_message(refused, limits)
    return error(folder / refused.rel if refused.rel else folder, 0, code, message)


class FolderChangedError(EntryRefused):
    """A file changed between the check and its publication: the build must start again."""


class DossierFiles:
    """The regular files of one dossier folder, read once; every refused entry diagnosed."""

    def __init__(
        self,
        folder: Path,
        entries: tuple[Entry, ...],
        contents: dict[str, Content],
        problems: tuple[Diagnostic, ...],
        limits: Limits,
        opened: bool = True,
        encrypted: bool = False,
    ) -> None:
        self.folder, self.entries, self.problems, self.limits = folder, entries, problems, limits
        self.opened = opened
        """False when the folder itself was refused (a link, not a directory…)."""
        self.encrypted = encrypted
        """Whether a file was encrypted at rest (its clear text depends on the keys here)."""
        self._contents = contents
        self._kinds = {e.rel: e.kind for e in entries}

    def __contains__(self, rel: object) -> bool:
        """Whether ``rel`` is a regular file that was read."""
        return rel in self._contents

    def kind(self, rel: str) -> EntryKind | None:
        """What ``rel`` is (None: no such entry)."""
        return self._kinds.get(rel)

    def content(self, rel: str) -> Content | None:
        """What was read of ``rel``; None when it is not a regular file read."""
        return self._contents.get(rel)

    def items(self) -> Iterator[tuple[str, Content]]:
        """Every regular file read, sorted by path."""
        return iter(self._contents.items())

    def read(self, rel: str) -> bytes | None:
        """Every byte of the regular file ``rel`` (None: not one), as it was checked.

        Raises:
            FolderChangedError: The file changed or went since the folder was read.
        """
        content = self._contents.get(rel)
        if content is None:
            return None
        if content.data is not None:
            return content.data
        try:
            again = read_file(self.folder, rel, self.limits.file_bytes)
        except EntryRefused as exc:
            raise FolderChangedError(rel, exc.kind, Why.CHANGED) from None
        if again.digest != content.digest or again.data is None:
            raise FolderChangedError(rel, EntryKind.FILE, Why.CHANGED)
        return again.data


def load_folder(folder: Path, limits: Limits) -> DossierFiles:
    """Read the dossier folder ``folder`` through the guarded path (it never raises)."""
    contents: dict[str, Content] = {}
    problems: list[Diagnostic] = []
    encrypted: list[str] = []

    def refuse(refused: EntryRefused) -> None:
        if refused.kind is EntryKind.LINK and refused.rel.rpartition("/")[2].startswith(EMACS_LOCK):
            return
        if refused.why is Why.NO_KEY:  # once per dossier: every file of it has the same cause
            if not any(p.code == "fichier-chiffre" and p.path == folder for p in problems):
                problems.append(error(folder, 0, "fichier-chiffre", refused.detail))
            return
        problems.append(refusal_diagnostic(folder, refused, limits))

    def on_file(dir_fd: int, name: str, entry: Entry) -> None:
        limit = _limit_of(entry.rel, limits)
        if entry.size > limit:  # never opened
            refuse(EntryRefused(entry.rel, entry.kind, Why.TOO_BIG, entry.size))
            return
        keep = name.lower().endswith(TEXT_SUFFIXES) and entry.size <= limits.text_bytes
        try:
            content = read_at(dir_fd, name, entry.rel, limit, keep)
            contents[entry.rel] = plain = plain_content(
                folder,
                entry.rel,
                content,
                lambda: read_at(dir_fd, name, entry.rel, limit, True).data or b"",
            )
            if plain is not content:
                encrypted.append(entry.rel)
        except EntryRefused as exc:
            refuse(exc)

    try:
        entries = walk(folder, on_file, refuse)
    except EntryRefused as exc:
        problem = refusal_diagnostic(folder, exc, limits)
        return DossierFiles(folder, (), {}, (problem,), limits, opened=False)
    return DossierFiles(
        folder, tuple(entries), contents, tuple(problems), limits, encrypted=bool(encrypted)
    )
