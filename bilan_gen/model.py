"""The dossier model: frozen values built from a dossier folder.

Glossary (domain nouns stay French, as in the files consultants write):

- *dossier*: one bilan de compétences, one folder ``dossiers/<id>/``; the folder name is
  its pseudonymous id.
- *bénéficiaire*: the person doing the bilan, sole owner of its results.
- *phase*: préliminaire, investigation, conclusions (R6313-4); plus the *synthèse* (the
  document de synthèse handed to the beneficiary) and the optional *suivi* (follow-up).
- *séance*: a dated session with a duration, a type and a modality.
- *statut*: ``brouillon`` (draft, never published) or ``finalise``.
- *diffusion*: the third parties who receive the dossier with the beneficiary's agreement, or
  at their request for a CEP operator (L6313-4).
- *conservation*: what is kept after the end of the bilan, and why (R6313-7).

Values that were missing or invalid in the source are ``None``; the validator has already
reported them, and nothing with an error is published.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bilan_gen.guard.entries import Entry


class Phase(enum.Enum):
    """A document of the dossier, in its reading order."""

    PRELIMINAIRE = "preliminaire"
    INVESTIGATION = "investigation"
    CONCLUSIONS = "conclusions"
    SUIVI = "suivi"
    SYNTHESE = "synthese"

    @property
    def filename(self) -> str:
        """The file that holds this phase in a dossier folder."""
        return PHASE_FILES[self]

    @property
    def label(self) -> str:
        """French label for messages and pages."""
        return PHASE_LABELS[self]

    @property
    def has_seances(self) -> bool:
        """Whether the file lists sessions (every phase but the synthèse)."""
        return self is not Phase.SYNTHESE


PHASE_FILES = {
    Phase.PRELIMINAIRE: "01-preliminaire.md",
    Phase.INVESTIGATION: "02-investigation.md",
    Phase.CONCLUSIONS: "03-conclusions.md",
    Phase.SUIVI: "04-suivi.md",
    Phase.SYNTHESE: "synthese.md",
}
PHASE_LABELS = {
    Phase.PRELIMINAIRE: "Phase préliminaire",
    Phase.INVESTIGATION: "Phase d'investigation",
    Phase.CONCLUSIONS: "Phase de conclusions",
    Phase.SUIVI: "Entretien de suivi",
    Phase.SYNTHESE: "Document de synthèse",
}
MAIN_PHASES = (Phase.PRELIMINAIRE, Phase.INVESTIGATION, Phase.CONCLUSIONS)
"""The three compulsory phases of R6313-4, in order."""

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,40}$"
DOSSIER_FILE = "dossier.yml"
PRIVATE_DIRS = ("notes",)
"""Sub-folders that never leave the machine."""
ANNEXES_DIR = "annexes"


class Statut(enum.Enum):
    """Whether a document is ready to publish."""

    BROUILLON = "brouillon"
    FINALISE = "finalise"


@dataclass(frozen=True)
class Seance:
    """One session of a phase."""

    date: dt.date | None
    duree_h: float | None
    type: str | None
    modalite: str | None
    line: int
    emargement: str | None = None
    """The attendance proof (Qualiopi, indicator 10), None when not recorded."""


@dataclass(frozen=True)
class Diffusion:
    """One third party who receives the dossier (L6313-4), from ``diffusion`` in dossier.yml.

    ``destinataire`` is free text and may name a person: never put it in a message or a log.
    """

    destinataire: str | None
    type: str | None
    """``operateur_cep``, ``employeur``, ``financeur`` or ``autre``."""
    perimetre: str | None
    """``synthese`` (the synthèse only) or ``complet`` (the whole published dossier)."""
    accord_le: dt.date | None
    """The beneficiary's agreement (every type but a CEP operator)."""
    demande_le: dt.date | None
    """The beneficiary's request (a CEP operator)."""
    rotation: int
    """Revocation counter of this recipient's access code (0 by default)."""
    line: int
    """Line of the entry in dossier.yml."""


@dataclass(frozen=True)
class Section:
    """A heading of a document and the text under it (until the next heading of its level)."""

    title: str
    level: int
    line: int
    words: int
    markdown: str
    declared: str | None = None
    """The section the heading says it stands for (``{ data-section="plan_action" }``)."""


@dataclass(frozen=True)
class Document:
    """One Markdown file of a dossier: front matter and body."""

    phase: Phase
    path: Path
    statut: Statut | None
    consultant: str | None
    seances: tuple[Seance, ...]
    body: str
    body_line: int
    """File line of the body's first line."""
    meta: dict[str, Any] = field(default_factory=dict)
    """The checked front matter (and pass-through keys)."""
    lines: dict[str, int] = field(default_factory=dict)
    """File line of each top-level front-matter key."""

    @property
    def finalised(self) -> bool:
        """Whether the document is finalised (and so published)."""
        return self.statut is Statut.FINALISE


@dataclass(frozen=True)
class Beneficiaire:
    """Identity of the beneficiary: never published in clear, never in messages."""

    prenom: str | None
    nom: str | None
    email: str | None

    def sensitive_strings(self) -> tuple[str, ...]:
        """The identity values, to mask and to look for in published output."""
        return tuple(v for v in (self.prenom, self.nom, self.email) if v)


@dataclass(frozen=True)
class Dossier:
    """A whole dossier: ``dossier.yml`` and its documents."""

    id: str
    path: Path
    beneficiaire: Beneficiaire
    admin: dict[str, Any]
    """The checked values of ``dossier.yml`` (invalid ones left out)."""
    lines: dict[str, int]
    """File line of each key path of ``dossier.yml``, dotted (``suivi.date_prevue``)."""
    documents: dict[Phase, Document]
    entries: tuple[Entry, ...] = ()
    """Every entry of the folder, as the guarded read listed it (links included, unread)."""

    def entry(self, rel: str) -> Entry | None:
        """The entry at ``rel`` (``annexes/cv.pdf``) of the folder, if there is one."""
        for entry in self.entries:
            if entry.rel == rel:
                return entry
        return None

    @property
    def yml_path(self) -> Path:
        """Path of ``dossier.yml``."""
        return self.path / DOSSIER_FILE

    @property
    def consultants(self) -> tuple[str, ...]:
        """The consultants listed in ``dossier.yml``."""
        return tuple(self.admin.get("consultants") or ())

    def get(self, dotted: str) -> Any:
        """A checked value of ``dossier.yml`` by dotted key, or None."""
        value: Any = self.admin
        for part in dotted.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    def line(self, dotted: str) -> int:
        """File line of a ``dossier.yml`` key, else of its parent, else 1."""
        while dotted:
            if dotted in self.lines:
                return self.lines[dotted]
            dotted = dotted.rpartition(".")[0]
        return 1

    @property
    def diffusion(self) -> tuple[Diffusion, ...]:
        """The third parties of ``diffusion``; invalid values are None (already reported)."""
        return tuple(
            Diffusion(
                destinataire=entry.get("destinataire"),
                type=entry.get("type"),
                perimetre=entry.get("perimetre"),
                accord_le=entry.get("accord_le"),
                demande_le=entry.get("demande_le"),
                rotation=int(entry.get("rotation") or 0),
                line=int(entry.get("_line", 0)),
            )
            for entry in self.admin.get("diffusion") or ()
            if isinstance(entry, dict)
        )

    @property
    def seances(self) -> tuple[tuple[Phase, Seance], ...]:
        """All sessions of all documents, with their phase."""
        return tuple(
            (phase, s) for phase, doc in sorted_documents(self.documents) for s in doc.seances
        )

    @property
    def total_hours(self) -> float:
        """Total duration of all sessions."""
        return sum(s.duree_h or 0.0 for _, s in self.seances)


def sorted_documents(documents: dict[Phase, Document]) -> list[tuple[Phase, Document]]:
    """Documents in reading order."""
    order = list(Phase)
    return sorted(documents.items(), key=lambda item: order.index(item[0]))
