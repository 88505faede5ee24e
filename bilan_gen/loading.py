"""Read dossier folders from disk into the model, with the diagnostics of each file.

``load_*`` reads disk; ``parse_*`` turns text into structure. Every problem becomes a
diagnostic with file and line; nothing here raises on bad input.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.field_check import FieldContext, check_duplicates, check_mapping, suggest
from bilan_gen.guard import DossierFiles, EntryKind, Limits, load_folder
from bilan_gen.model import (
    ANNEXES_DIR,
    DOSSIER_FILE,
    ID_PATTERN,
    PHASE_FILES,
    PRIVATE_DIRS,
    Beneficiaire,
    Document,
    Dossier,
    Phase,
    Seance,
    Statut,
)
from bilan_gen.schema import DOSSIER_FIELDS, PASSTHROUGH_KEYS, front_matter_fields
from bilan_gen.yaml_source import YamlDocument, YamlSyntaxError, parse_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
ID_RE = re.compile(ID_PATTERN)


def decode_text(path: Path, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (with or without BOM), normalise line ends; refuse binary or huge files."""
    if len(raw) > MAX_FILE_BYTES:
        size = f"{len(raw) / 1024 / 1024:.1f}".replace(".", ",")
        msg = f"fichier trop gros ({size} Mo) : 2 Mo au plus ; placez les pièces dans annexes/"
        return None, [error(path, 0, "fichier-trop-gros", msg)]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        msg = "octet nul : ce fichier n'est pas du texte (fichier binaire ?)"
        return None, [error(path, line, "fichier-binaire", msg)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = "encodage invalide : enregistrez le fichier en UTF-8"
        return None, [error(path, line, "encodage-invalide", msg)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def load_text(path: Path) -> tuple[str | None, list[Diagnostic]]:
    """Read a text file from disk; an unreadable file is a diagnostic, not a traceback."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(path, 0, "fichier-illisible", f"lecture impossible ({exc.strerror})")]
    return decode_text(path, raw)


@dataclass(frozen=True)
class FrontMatter:
    """The front matter of a Markdown file, split from its body."""

    yaml_text: str | None
    yaml_line: int
    """File line of the YAML's first line."""
    body: str
    body_line: int


def parse_front_matter(path: Path, text: str) -> tuple[FrontMatter, list[Diagnostic]]:
    """Split ``---`` front matter from the body."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        msg = "front matter absent : le fichier doit commencer par une ligne « --- »"
        return FrontMatter(None, 1, text, 1), [error(path, 1, "front-matter-absent", msg)]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return FrontMatter(yaml_text, 2, body, index + 2), []
    msg = "front matter non fermé : ajoutez une ligne « --- » après les champs"
    return FrontMatter(None, 1, "", len(lines)), [error(path, 1, "front-matter-non-ferme", msg)]


def parse_yaml_file(
    path: Path, text: str, first_line: int
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse YAML text that starts on ``first_line`` of ``path``."""
    try:
        return parse_yaml(text), []
    except YamlSyntaxError as exc:
        line = exc.line + first_line - 1
        return None, [error(path, line, "yaml-invalide", exc.message)]


def _dotted_lines(doc: YamlDocument, offset: int) -> dict[str, int]:
    return {
        ".".join(str(k) for k in key_path if not isinstance(k, int)): line + offset
        for key_path, line in doc.lines.items()
        if key_path and not isinstance(key_path[-1], int)
    }


def _text_of(files: DossierFiles, name: str) -> tuple[str | None, list[Diagnostic]]:
    """The decoded text of a top-level file read by the guarded path (None: not readable,
    already reported by the reading)."""
    data = files.read(name)
    if data is None:
        return None, []
    return decode_text(files.folder / name, data)


def parse_admin(
    files: DossierFiles,
) -> tuple[dict[str, Any], dict[str, int], list[Diagnostic]]:
    """Check ``dossier.yml``: values, key lines, diagnostics."""
    path = files.folder / DOSSIER_FILE
    text, diags = _text_of(files, DOSSIER_FILE)
    if text is None:
        return {}, {}, diags
    doc, diags = parse_yaml_file(path, text, 1)
    if doc is None:
        return {}, {}, diags
    if doc.data is None:
        return {}, {}, [error(path, 1, "fichier-vide", "dossier.yml est vide")]
    ctx = FieldContext(path, doc, echo=False)  # the identity file: never quote values
    values, diags = check_mapping(doc.data, DOSSIER_FIELDS, ctx)
    return values, _dotted_lines(doc, 0), check_duplicates(ctx) + diags


def parse_document(files: DossierFiles, phase: Phase) -> tuple[Document | None, list[Diagnostic]]:
    """One Markdown file of a dossier."""
    path = files.folder / phase.filename
    text, diags = _text_of(files, phase.filename)
    if text is None:
        return None, diags
    fm, diags = parse_front_matter(path, text)
    if fm.yaml_text is None:
        return None, diags
    doc, diags = parse_yaml_file(path, fm.yaml_text, fm.yaml_line)
    if doc is None:
        return None, diags
    ctx = FieldContext(path, doc, line_offset=fm.yaml_line - 1)
    fields = front_matter_fields(phase.value)
    meta, diags = check_mapping(doc.data or {}, fields, ctx, passthrough=PASSTHROUGH_KEYS)
    if doc.data is None:
        diags = [error(path, 1, "front-matter-vide", "front matter vide : champs attendus")]
    if isinstance(doc.data, dict):
        meta.update({k: v for k, v in doc.data.items() if k in PASSTHROUGH_KEYS})
    statut = meta.get("statut")
    document = Document(
        phase=phase,
        path=path,
        statut=Statut(statut) if statut else None,
        consultant=meta.get("consultant"),
        seances=_seances(meta.get("seances") or []),
        body=fm.body,
        body_line=fm.body_line,
        meta=meta,
        lines=_dotted_lines(doc, fm.yaml_line - 1),
    )
    return document, check_duplicates(ctx) + diags


def _seances(items: Iterable[dict[str, Any]]) -> tuple[Seance, ...]:
    return tuple(
        Seance(
            date=item.get("date"),
            duree_h=item.get("duree_h"),
            type=item.get("type"),
            modalite=item.get("modalite"),
            line=item.get("_line", 0),
            emargement=item.get("emargement"),
        )
        for item in items
    )


def load_dossier(folder: Path, limits: Limits | None = None) -> tuple[Dossier, list[Diagnostic]]:
    """Read a dossier folder through the guarded path, then parse it."""
    return parse_dossier(load_folder(folder, limits or Limits()))


def parse_dossier(files: DossierFiles) -> tuple[Dossier, list[Diagnostic]]:
    """A dossier from its folder's files: ``dossier.yml``, its documents, stray files."""
    folder = files.folder
    diags: list[Diagnostic] = list(files.problems)
    if not ID_RE.match(folder.name):
        msg = (
            f"identifiant de dossier invalide « {folder.name} » : 3 à 41 caractères, "
            "minuscules, chiffres et tirets (ex. 2026-014)"
        )
        diags.append(error(folder, 0, "id-invalide", msg))
    admin: dict[str, Any] = {}
    lines: dict[str, int] = {}
    if files.kind(DOSSIER_FILE) is None and files.opened:
        msg = "dossier.yml absent : chaque dossier commence par ce fichier (voir « bilan new »)"
        diags.append(error(folder / DOSSIER_FILE, 0, "dossier-yml-absent", msg))
    else:
        admin, lines, found = parse_admin(files)
        diags.extend(found)
    documents: dict[Phase, Document] = {}
    for phase in Phase:
        document, found = parse_document(files, phase)
        diags.extend(found)
        if document is not None:
            documents[phase] = document
    diags.extend(check_stray_files(files))
    ident = admin.get("beneficiaire") or {}
    beneficiaire = Beneficiaire(ident.get("prenom"), ident.get("nom"), ident.get("email"))
    dossier = Dossier(folder.name, folder, beneficiaire, admin, lines, documents, files.entries)
    return dossier, diags


def check_stray_files(files: DossierFiles) -> list[Diagnostic]:
    """Files in a dossier folder that bilan-gen would not use."""
    diags: list[Diagnostic] = []
    known = [DOSSIER_FILE, *PHASE_FILES.values()]
    for entry in files.entries:
        name = entry.rel
        if "/" in name or name.startswith(".") or name in known:
            continue
        path = files.folder / name
        if entry.kind is EntryKind.DIR:
            if name not in (ANNEXES_DIR, *PRIVATE_DIRS):
                msg = f"dossier « {name} » inconnu : rangez les pièces dans annexes/ ou notes/"
                diags.append(warning(path, 0, "fichier-inattendu", msg))
            continue
        if entry.kind is not EntryKind.FILE:
            continue  # refused by the reading, with its own error
        if name.lower().endswith((".md", ".markdown", ".yml", ".yaml")):
            hint = suggest(name, known)
            msg = f"fichier « {name} » inattendu, il ne sera pas publié{hint}"
            diags.append(error(path, 0, "fichier-inattendu", msg))
        else:
            msg = f"fichier « {name} » inattendu : rangez-le dans annexes/ ou notes/"
            diags.append(warning(path, 0, "fichier-inattendu", msg))
    return diags


def discover(dossiers_dir: Path) -> tuple[list[Path], list[Diagnostic]]:
    """List the dossier folders of ``dossiers_dir``; stray files and links there are
    diagnostics (a link is never taken for a dossier, whatever it points to)."""
    if not dossiers_dir.is_dir():
        msg = "dossier des dossiers introuvable (option dossiers_dir de mkdocs.yml)"
        return [], [error(dossiers_dir, 0, "dossiers-introuvable", msg)]
    folders: list[Path] = []
    diags: list[Diagnostic] = []
    with os.scandir(dossiers_dir) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        path = Path(entry.path)
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue  # removed since it was listed
        if stat.S_ISLNK(mode):
            msg = (
                "lien symbolique : un dossier est un vrai répertoire de dossiers/, jamais un "
                "lien (sa cible n'est pas lue) ; remplacez le lien par le dossier lui-même"
            )
            diags.append(error(path, 0, "lien-symbolique", msg))
        elif stat.S_ISDIR(mode):
            folders.append(path)
        elif path.suffix.lower() in (".md", ".yml", ".yaml"):
            msg = "fichier hors de tout dossier : placez-le dans dossiers/<id>/"
            diags.append(error(path, 0, "fichier-inattendu", msg))
    return folders, diags
