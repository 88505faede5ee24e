"""Diagnostics: what the core tells a consultant about a dossier.

The core never prints or logs: it returns diagnostics, and the adapters (CLI, MkDocs
plugin) format them one per line, compiler style, so editors and CI link to them:
``dossiers/2026-014/synthese.md:12: erreur: section obligatoire absente « Plan d'action »
[section-manquante]``.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.folding import fold


class Severity(enum.Enum):
    """How bad a problem is: errors block publication, warnings do not."""

    ERREUR = "erreur"
    AVERTISSEMENT = "avertissement"


CODES: dict[str, str] = {
    # Files and folders
    "dossiers-introuvable": "le dossier des dossiers (dossiers/) n'existe pas",
    "dossier-yml-absent": "un dossier n'a pas de fichier dossier.yml",
    "fichier-inattendu": "un fichier ou un dossier que bilan-gen n'utilise pas",
    "fichier-illisible": "un fichier ne peut pas être lu",
    "fichier-chiffre": "un fichier chiffré dans Git ne peut pas être déchiffré sur ce poste",
    "fichier-trop-gros": "un fichier dépasse sa taille permise (document 2 Mo, annexe 10 Mo)",
    "dossier-trop-gros": "ce qu'un dossier publie dépasse 25 Mo (documents et annexes citées)",
    "lien-symbolique": "un lien symbolique dans un dossier, ou un dossier qui est un lien",
    "fichier-special": "un tube nommé (FIFO), une socket ou un périphérique dans un dossier",
    "dossier-trop-profond": "des sous-dossiers imbriqués sur plus de 16 niveaux",
    "fichier-binaire": "un fichier contient un octet nul : ce n'est pas du texte",
    "encodage-invalide": "un fichier n'est pas enregistré en UTF-8",
    "fichier-vide": "dossier.yml ne contient aucun champ",
    "id-invalide": "le nom du dossier n'est pas un identifiant valide",
    "id-duplique": "deux dossiers ont le même identifiant, à la casse près",
    # Front matter and YAML
    "front-matter-absent": "un fichier Markdown ne commence pas par « --- »",
    "front-matter-non-ferme": "le front matter n'est pas fermé par une ligne « --- »",
    "front-matter-vide": "le front matter ne contient aucun champ",
    "yaml-invalide": "erreur de syntaxe YAML",
    "cle-dupliquee": "une clé est écrite deux fois dans le même groupe",
    # Fields
    "champ-manquant": "un champ obligatoire est absent ou vide",
    "champ-inconnu": "un champ que bilan-gen ne connaît pas (faute de frappe ?)",
    "type-invalide": "la valeur d'un champ n'a pas le type attendu",
    "valeur-invalide": "la valeur d'un champ n'est pas dans la liste des valeurs permises",
    "date-invalide": "une date n'est pas au format AAAA-MM-JJ ou n'existe pas",
    "email-invalide": "une adresse e-mail (du bénéficiaire, d'un consultant) est invalide",
    "duree-invalide": "une durée n'est pas un nombre de quarts d'heure entre 0 et 8 h",
    "montant-invalide": "un montant est négatif ou a plus de deux décimales",
    "siret-invalide": "un numéro SIRET n'a pas 14 chiffres ou sa clé de contrôle est fausse",
    # Consistency of the dossier
    "dossier-incoherent": "le champ « dossier » ne correspond pas au nom du dossier",
    "phase-incoherente": "le champ « phase » ne correspond pas au nom du fichier",
    "consultant-inconnu": "le consultant n'est pas dans la liste « consultants » de dossier.yml",
    "synthese-prematuree": "la synthèse est finalisée avant les trois phases",
    "synthese-non-finalisee": "la synthèse à imprimer (bilan pdf) est absente ou en brouillon",
    # Sections
    "section-manquante": "une section obligatoire est absente",
    "section-mauvais-niveau": "une section obligatoire n'est pas un titre de niveau ##",
    "section-trop-courte": "une section obligatoire compte trop peu de mots",
    "section-dupliquee": "une section apparaît deux fois",
    "section-declaree-inconnue": "un titre déclare (data-section) une section qui n'existe pas",
    # Accessibility of what the consultant writes (RGAA 4.1: 1.1, 9.1)
    "titre-principal": "un document n'a pas exactement un titre de niveau #",
    "niveau-de-titre-saute": "un titre saute un niveau (## puis ####)",
    "image-sans-texte": "une image n'a pas de texte de remplacement",
    # Durations and dates
    "duree-depassee": "le bilan dépasse 24 heures (L6313-4)",
    "periode-invalide": "la date de fin précède la date de début",
    "consentement-tardif": "le consentement est daté après la première séance",
    "seance-hors-periode": "une séance est hors de la période du bilan",
    "phases-desordre": "une phase a lieu entièrement avant la précédente",
    "phases-chevauchement": "une phase commence avant la fin de la précédente",
    "remise-anticipee": "la synthèse est remise avant la dernière séance de conclusions",
    "conclusions-non-individuel": "une séance de conclusions n'est pas un entretien individuel",
    # Confidentiality and links
    "nom-dans-id": "un identifiant ou un nom de fichier contient le nom du bénéficiaire",
    "lien-hors-dossier": "un lien ou une image sort du dossier",
    "lien-prive": "un lien pointe vers les notes privées (notes/)",
    "lien-introuvable": "un lien pointe vers un fichier absent du dossier",
    "image-externe": "une image est chargée depuis Internet",
    "image-hors-annexes": "une image n'est pas rangée dans annexes/",
    # Funding (R6313-5, R6313-8, CPF, personal funding)
    "financement-incomplet": "le bloc que le mode de financement exige est absent",
    "financement-bloc-inutile": "un bloc de financement ne correspond pas au mode choisi",
    "employeur-prestataire": "l'employeur et l'organisme sont la même entreprise (R6313-5)",
    "convention-non-signee": "une signature de la convention manque alors que le bilan a commencé",
    "convention-tardive": "la convention est signée après la première séance",
    "convention-delai-depasse": "le salarié a signé la convention après le délai de dix jours",
    "cpf-plafond-depasse": "le montant CPF dépasse le plafond en vigueur à l'inscription",
    "participation-manquante": "ni la participation forfaitaire CPF ni son exonération",
    "participation-montant": "la participation forfaitaire CPF diffère du montant en vigueur",
    "cpf-temps-travail": "bilan CPF sur le temps de travail sans trace de l'employeur",
    "contrat-manquant": "un bilan financé par le bénéficiaire sans contrat",
    "contrat-tardif": "le contrat est signé après la première séance",
    "paiement-retractation": "un paiement a lieu pendant le délai de rétractation",
    "acompte-excessif": "plus de 30 % du prix payé avant la première séance",
    # Sharing and retention (L6313-4, R6313-7)
    "diffusion-sans-date": "une diffusion à un tiers sans la date d'accord ou de demande",
    "diffusion-doublon": "le même destinataire figure deux fois dans la diffusion",
    "conservation-sans-motif": "une conservation sans motif valable",
    "conservation-sans-accord": "une conservation pour le suivi sans accord écrit",
    "conservation-sans-echeance": "une conservation sans date de fin",
    "conservation-trop-longue": "une conservation au-delà de trois ans après la fin du bilan",
    "dossier-a-detruire": "un dossier terminé, sans rien à conserver, attend sa destruction",
    "donnee-sensible": "un mot évoque une donnée sensible (santé, handicap, religion…)",
    # Observations du bénéficiaire (bilan observations)
    "observation-illisible": "un message d'observations est absent, incomplet ou mal formé",
    "observation-autre-cle": "un message d'observations est chiffré pour la clé d'un autre site",
    "observation-alteree": "un message d'observations est altéré, ou non signé par le dossier",
    "observation-autre-dossier": "un message d'observations concerne un autre dossier",
    "observation-code-revoque": "un message d'observations vient d'un code d'accès révoqué",
    "observation-deja-importee": "un message d'observations est déjà dans la synthèse",
    "observation-synthese": "la synthèse ne peut pas recevoir les observations",
    # Quality evidence (Qualiopi)
    "emargement-manquant": "une séance sans preuve de présence",
    "information-ethique-manquante": "la date d'information sur les règles déontologiques manque",
    "information-ethique-tardive": "l'information sur les règles vient après la première séance",
    "objectifs-manquants": "la date de définition des objectifs du bilan manque",
    "objectifs-tardifs": "les objectifs sont définis après le début de l'investigation",
    "satisfaction-manquante": "une enquête de satisfaction n'est pas enregistrée",
}
"""Every stable diagnostic code, with a one-line French description.

The consultant guide (``guide/diagnostics.md``) documents each of them; a test
checks that the core emits no other code and that the guide lists them all.
"""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file."""

    path: Path
    """The file concerned (absolute or relative to the project)."""
    line: int
    """1-based line in that file; 0 when the problem concerns the file as a whole."""
    severity: Severity
    """Whether the problem blocks publication."""
    code: str
    """Stable ASCII code, documented in the consultant guide."""
    message: str
    """French, one line, never a beneficiary's name or email."""

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic blocks publication."""
        return self.severity is Severity.ERREUR


def error(path: Path, line: int, code: str, message: str) -> Diagnostic:
    """Build an error diagnostic."""
    return Diagnostic(path, line, Severity.ERREUR, code, message)


def warning(path: Path, line: int, code: str, message: str) -> Diagnostic:
    """Build a warning diagnostic."""
    return Diagnostic(path, line, Severity.AVERTISSEMENT, code, message)


class PathDisplay:
    """Shows paths relative to ``root`` (or the working directory) when they lie below it.

    Lexically, from a base computed once: a diagnostic may name a symbolic link, which is
    shown as itself, never as its target, and showing thousands of paths touches no disk.
    """

    def __init__(self, root: Path | None = None) -> None:
        self._cwd = os.getcwd()
        self._base = os.path.normpath(os.path.join(self._cwd, root if root is not None else ""))
        self._prefix = self._base.rstrip(os.sep) + os.sep

    def show(self, path: Path) -> str:
        """``path`` as a consultant reads it: relative to the root when below it."""
        full = os.path.normpath(os.path.join(self._cwd, path))
        if full == self._base:
            return "."
        if full.startswith(self._prefix):
            return Path(full[len(self._prefix) :]).as_posix()
        return path.as_posix()


def display_path(path: Path, root: Path | None = None) -> str:
    """Return ``path`` relative to ``root`` (or the working directory) when it lies below."""
    return PathDisplay(root).show(path)


def format_diagnostic(diag: Diagnostic, root: Path | None = None) -> str:
    """Format one diagnostic on one line, compiler style."""
    return _format(diag, PathDisplay(root))


def format_diagnostics(diags: Iterable[Diagnostic], root: Path | None = None) -> list[str]:
    """Format diagnostics one per line, the paths' base computed once."""
    display = PathDisplay(root)
    return [_format(diag, display) for diag in diags]


def _format(diag: Diagnostic, display: PathDisplay) -> str:
    where = display.show(diag.path)
    if diag.line > 0:
        where = f"{where}:{diag.line}"
    return f"{where}: {diag.severity.value}: {diag.message} [{diag.code}]"


def plural(count: int, word: str) -> str:
    """``1 erreur``, ``2 erreurs``."""
    return f"{count} {word}{'s' if count > 1 else ''}"


def format_summary(diags: Sequence[Diagnostic], dossier_count: int) -> str:
    """Format the closing summary line in French."""
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    checked = plural(dossier_count, "dossier") + (" vérifiés" if dossier_count > 1 else " vérifié")
    if not diags:
        return f"Aucun problème : {checked}."
    return f"{plural(errors, 'erreur')}, {plural(warnings, 'avertissement')} ; {checked}."


def format_json(diags: Iterable[Diagnostic], root: Path | None = None) -> str:
    """Format diagnostics as a JSON array for tools."""
    display = PathDisplay(root)
    rows = [
        {
            "path": display.show(d.path),
            "line": d.line,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
        }
        for d in diags
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, then line, then code; drop exact duplicates."""
    return sorted(set(diags), key=lambda d: (d.path.as_posix(), d.line, d.code, d.message))


def redact(diags: Iterable[Diagnostic], secrets: Iterable[str]) -> list[Diagnostic]:
    """Mask identity strings in messages: build logs may be public (never echo a name).

    Matching ignores case and accents (« Zephyrine » is masked for « Zéphyrine »). This is a
    second line of defence: messages are written not to include identity values.
    """
    needles = {fold(s) for s in secrets}
    ordered = sorted((n for n in needles if len(n) >= 2), key=len, reverse=True)
    out: list[Diagnostic] = []
    for d in diags:
        message = _mask(d.message, ordered, "…")
        out.append(
            d if message == d.message else Diagnostic(d.path, d.line, d.severity, d.code, message)
        )
    return out


_FOLDED_CHARS: dict[int, str] = {}
""":func:`fold` of each character met so far, as a :meth:`str.translate` table."""


def _fold_chars(text: str) -> str:
    """``text`` folded character by character (what :func:`_mask` searches), quickly."""
    for char in set(text):
        if ord(char) not in _FOLDED_CHARS:
            _FOLDED_CHARS[ord(char)] = fold(char)
    return text.translate(_FOLDED_CHARS)


def _mask(text: str, needles: list[str], replacement: str) -> str:
    """Replace every folded occurrence of ``needles`` in ``text``, keeping the rest as is."""
    quick = _fold_chars(text)
    if not any(needle in quick for needle in needles):
        return text  # the common case, without mapping each character back
    folded: list[str] = []
    origin: list[int] = []  # index in ``text`` of each folded character
    for position, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([position] * len(piece))
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = 0
        while (found := haystack.find(needle, start)) >= 0:
            start = found + len(needle)
            spans.append((origin[found], origin[start - 1] + 1))
    pieces, cursor = [], 0
    for begin, end in sorted(spans):
        if end <= cursor:
            continue
        if begin >= cursor:
            pieces += [text[cursor:begin], replacement]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
