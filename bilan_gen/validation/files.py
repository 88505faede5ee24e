"""Rules on a dossier's files: their names, the links between them, what they publish.

They work from the folder as the guarded read listed it (``Dossier.entries``): nothing here
touches the disk.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from bilan_gen.atrest.shred import is_encrypted_repository
from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.folding import fold_words
from bilan_gen.guard import EntryKind, Limits, format_limit, megabytes
from bilan_gen.model import ANNEXES_DIR, PRIVATE_DIRS, Dossier
from bilan_gen.validation.markdown import parse_links

SHOWN_ANNEXES = 3
"""How many of the largest annexes a « dossier trop volumineux » message names."""


def check_names(dossier: Dossier) -> list[Diagnostic]:
    """An id or file name must not reveal the beneficiary (the message never names them):
    a warning, and an error once dossiers are encrypted in Git, whose file names are not."""
    names = [fold_words(n) for n in (dossier.beneficiaire.prenom, dossier.beneficiaire.nom) if n]
    names = [n for n in names if len(n) >= 3]
    at_rest = is_encrypted_repository(dossier.path.parent.parent)
    diags: list[Diagnostic] = []
    candidates = [dossier.path, *(dossier.path / e.rel for e in dossier.entries)]
    for path in candidates:
        folded = f" {fold_words(path.name)} "
        if any(f" {n} " in folded for n in names):
            what = "l'identifiant du dossier" if path == dossier.path else "ce nom de fichier"
            msg = f"{what} contient le nom du bénéficiaire : utilisez un pseudonyme"
            if at_rest:
                msg += " (les dossiers sont chiffrés dans Git, mais pas les noms de fichiers)"
            if at_rest:
                diags.append(error(path, 0, "nom-dans-id", msg))
            else:
                diags.append(warning(path, 0, "nom-dans-id", msg))
    return diags


def check_links(dossier: Dossier, limits: Limits) -> list[Diagnostic]:
    """Links stay in the dossier, images come from annexes/, never from the Internet; and
    what the finalised documents publish with their annexes stays under ``dossier_max_mo``
    (one reading of the links serves both)."""
    diags: list[Diagnostic] = []
    cited: dict[str, int] = {}
    for doc in dossier.documents.values():
        for link in parse_links(doc.body, doc.body_line):
            problem = _link_problem(dossier, link.target, link.image)
            if problem:
                code, msg = problem
                diags.append(error(doc.path, link.line, code, msg))
            elif doc.finalised:
                cited.update(_cited_annex(dossier, link.target, limits))
    return diags + _published_size(dossier, cited, limits)


def _local_path(target: str) -> str | None:
    """The ``/``-separated path a relative link points to (None: external, an anchor)."""
    try:
        parts = urlsplit(target)
    except ValueError:  # "http://[abc": no browser follows it
        return None
    if parts.scheme or target.startswith("//") or not parts.path:
        return None
    # Browsers read "\\" as "/" in a relative URL.
    return unquote(parts.path).replace("\\", "/")


def _link_problem(dossier: Dossier, target: str, image: bool) -> tuple[str, str] | None:
    shown = target if len(target) <= 60 else target[:57] + "…"
    try:
        parts = urlsplit(target)
    except ValueError:  # "http://[abc": no browser follows it
        return None
    if parts.scheme or target.startswith("//"):
        if image and parts.scheme != "data":
            msg = f"image externe « {shown} » : copiez-la dans annexes/ (aucun appel à un tiers)"
            return "image-externe", msg
        return None
    path = _local_path(target)
    if path is None:
        return None  # "#ancre"
    if path.startswith("/") or ".." in PurePosixPath(path).parts:
        msg = f"lien « {shown} » hors du dossier : seuls ses propres fichiers sont publiés"
        return "lien-hors-dossier", msg
    pieces = PurePosixPath(path).parts
    if not pieces:
        return None  # "./": the dossier itself
    first = pieces[0]
    if first in PRIVATE_DIRS:
        return "lien-prive", f"lien « {shown} » vers notes/ : ces notes ne sont jamais publiées"
    # A link to a refused entry (a symbolic link…) already has its own error.
    if dossier.entry(PurePosixPath(path).as_posix()) is None:
        return "lien-introuvable", f"lien « {shown} » : fichier introuvable dans le dossier"
    if image and first != ANNEXES_DIR:
        return "image-hors-annexes", f"image « {shown} » : rangez les images dans annexes/"
    return None


def _cited_annex(dossier: Dossier, target: str, limits: Limits) -> dict[str, int]:
    """{annex: size} when ``target`` is an annex that is published with the document; one
    over its own limit is refused with its own error, and publishes nothing."""
    path = _local_path(target)
    if path is None or not path.startswith(ANNEXES_DIR + "/"):
        return {}
    entry = dossier.entry(PurePosixPath(path).as_posix())
    if entry and entry.kind is EntryKind.FILE and entry.size <= limits.file_bytes:
        return {entry.rel: entry.size}
    return {}


def _published_size(dossier: Dossier, annexes: dict[str, int], limits: Limits) -> list[Diagnostic]:
    """What a dossier publishes stays small enough for a phone to open (option
    ``dossier_max_mo``): its finalised documents and the ``annexes`` they cite."""
    documents = [dossier.entry(doc.path.name) for doc in dossier.documents.values()]
    total = sum(annexes.values()) + sum(
        e.size
        for e, doc in zip(documents, dossier.documents.values(), strict=True)
        if e is not None and doc.finalised
    )
    if total <= limits.published_bytes:
        return []
    largest = sorted(annexes.items(), key=lambda item: (-item[1], item[0]))[:SHOWN_ANNEXES]
    named = ", ".join(f"{rel} ({megabytes(size)})" for rel, size in largest)
    msg = (
        f"dossier trop volumineux pour être publié : {megabytes(total)} de documents finalisés "
        f"et d'annexes citées, {format_limit(limits.published_bytes)} au plus (option "
        "dossier_max_mo de mkdocs.yml)"
    )
    msg += f" ; les plus grosses annexes : {named}" if named else ""
    return [error(dossier.path, 0, "dossier-trop-gros", msg)]
