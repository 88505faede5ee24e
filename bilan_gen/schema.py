"""The dossier schema: one table, one entry per field, walked by one validator.

``DOSSIER_FIELDS`` describes ``dossier.yml``; ``FRONT_MATTER_FIELDS`` the front matter of
every Markdown file, with ``PHASE_FIELDS`` for the phase files and ``SYNTHESE_FIELDS`` for the
synthèse. The consultant guide's field reference and the JSON Schemas are generated from, or
tested against, these tables, so they cannot drift.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """The type of a field's value, in the author's words."""

    TEXT = "texte"
    EMAIL = "adresse e-mail"
    DATE = "date (AAAA-MM-JJ)"
    BOOL = "true ou false"
    INT = "nombre entier positif ou nul"
    HOURS = "nombre d'heures"
    CHOICE = "valeur de la liste"
    MAPPING = "groupe de champs"
    TEXT_LIST = "liste de textes"
    MAPPING_LIST = "liste de groupes de champs"


@dataclass(frozen=True)
class Field:
    """One field of a YAML file."""

    key: str
    """The YAML key, French, ASCII, snake_case."""
    kind: Kind
    """The type of its value."""
    label: str
    """French label used in messages and documentation."""
    required: bool = False
    """Whether the field must always be present (conditional rules live in validation)."""
    help: str = ""
    """French help for the documentation and the editor schema."""
    choices: tuple[str, ...] = ()
    """Allowed values, for :attr:`Kind.CHOICE`."""
    children: tuple[Field, ...] = ()
    """Sub-fields, for :attr:`Kind.MAPPING` and the items of :attr:`Kind.MAPPING_LIST`."""
    identity: bool = False
    """Identity data: its value is never echoed in a message."""
    maximum: float | None = None
    """Inclusive upper bound, for numbers."""


PREUVES = ("contrat", "convention", "cgu_mcf", "formulaire")
MODES_FINANCEMENT = (
    "cpf",
    "plan_developpement",
    "conge_reclassement",
    "france_travail",
    "opco",
    "personnel",
    "autre",
)
STATUTS = ("brouillon", "finalise")
PHASES = ("preliminaire", "investigation", "conclusions", "synthese", "suivi")
TYPES_SEANCE = (
    "entretien_individuel",
    "atelier_collectif",
    "passation_test",
    "travail_personnel_encadre",
)
MODALITES = ("presentiel", "distanciel", "telephone")
MODES_REMISE = ("en_main_propre", "espace_prive", "courrier")

DOSSIER_FIELDS: tuple[Field, ...] = (
    Field(
        "beneficiaire",
        Kind.MAPPING,
        "bénéficiaire",
        required=True,
        help="Identité du bénéficiaire : jamais publiée en clair ni affichée dans les messages.",
        children=(
            Field("prenom", Kind.TEXT, "prénom du bénéficiaire", required=True, identity=True),
            Field("nom", Kind.TEXT, "nom du bénéficiaire", required=True, identity=True),
            Field("email", Kind.EMAIL, "e-mail du bénéficiaire", required=True, identity=True),
        ),
    ),
    Field(
        "consultants",
        Kind.TEXT_LIST,
        "consultants",
        required=True,
        help="Les consultants qui conduisent le bilan (au moins un).",
    ),
    Field(
        "consentement",
        Kind.MAPPING,
        "consentement",
        required=True,
        help="Le consentement du bénéficiaire, recueilli avant la première séance.",
        children=(
            Field("date", Kind.DATE, "date du consentement", required=True),
            Field("preuve", Kind.CHOICE, "preuve du consentement", required=True, choices=PREUVES),
        ),
    ),
    Field(
        "financement",
        Kind.MAPPING,
        "financement",
        required=True,
        children=(
            Field(
                "mode", Kind.CHOICE, "mode de financement", required=True, choices=MODES_FINANCEMENT
            ),
        ),
    ),
    Field("date_debut", Kind.DATE, "date de début du bilan", required=True),
    Field(
        "date_fin",
        Kind.DATE,
        "date de fin du bilan",
        help="Obligatoire dès que la synthèse est finalisée.",
    ),
    Field(
        "duree_prevue_h",
        Kind.HOURS,
        "durée prévue (heures)",
        required=True,
        help="24 heures au plus (L6313-4).",
    ),
    Field(
        "suivi",
        Kind.MAPPING,
        "entretien de suivi",
        help="Obligatoire dès que la synthèse est finalisée.",
        children=(
            Field("propose", Kind.BOOL, "suivi proposé", required=True),
            Field(
                "date_prevue",
                Kind.DATE,
                "date prévue du suivi",
                help="Obligatoire quand le suivi est proposé.",
            ),
        ),
    ),
    Field(
        "acces",
        Kind.MAPPING,
        "accès au dossier publié",
        children=(
            Field(
                "rotation",
                Kind.INT,
                "compteur de rotation du code d'accès",
                help="Augmentez-le pour révoquer un code d'accès divulgué.",
            ),
        ),
    ),
)

SEANCE_FIELDS: tuple[Field, ...] = (
    Field("date", Kind.DATE, "date de la séance", required=True),
    Field(
        "duree_h",
        Kind.HOURS,
        "durée de la séance (heures)",
        required=True,
        maximum=8,
        help="Plus de 0 et au plus 8 heures, par quarts d'heure (1.25 = 1 h 15).",
    ),
    Field("type", Kind.CHOICE, "type de séance", required=True, choices=TYPES_SEANCE),
    Field("modalite", Kind.CHOICE, "modalité de la séance", required=True, choices=MODALITES),
)

FRONT_MATTER_FIELDS: tuple[Field, ...] = (
    Field("dossier", Kind.TEXT, "identifiant du dossier", required=True, help="Le nom du dossier."),
    Field("phase", Kind.CHOICE, "phase", required=True, choices=PHASES),
    Field("consultant", Kind.TEXT, "consultant", required=True, help="Un des `consultants`."),
    Field("statut", Kind.CHOICE, "statut", required=True, choices=STATUTS),
)

PHASE_FIELDS: tuple[Field, ...] = (
    Field(
        "seances",
        Kind.MAPPING_LIST,
        "séances",
        required=True,
        help="Les séances de la phase : date, durée, type, modalité.",
        children=SEANCE_FIELDS,
    ),
)

SYNTHESE_FIELDS: tuple[Field, ...] = (
    Field("redigee_par", Kind.TEXT, "rédacteur de la synthèse", required=True),
    Field(
        "remise_le",
        Kind.DATE,
        "date de remise de la synthèse",
        help="Obligatoire dès que la synthèse est finalisée.",
    ),
    Field(
        "mode_remise",
        Kind.CHOICE,
        "mode de remise de la synthèse",
        choices=MODES_REMISE,
        help="Obligatoire dès que la synthèse est finalisée.",
    ),
)

PASSTHROUGH_KEYS = ("title", "description", "template", "hide", "tags", "icon", "status", "search")
"""Front-matter keys that MkDocs or Material read: accepted as they are."""


def front_matter_fields(phase: str) -> tuple[Field, ...]:
    """Return the front-matter fields of the file of ``phase``."""
    if phase == "synthese":
        return FRONT_MATTER_FIELDS + SYNTHESE_FIELDS
    return FRONT_MATTER_FIELDS + PHASE_FIELDS


def iter_fields(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, Field]]:
    """Flatten a field table into ``(dotted key, field)`` pairs; list items use ``[]``."""
    out: list[tuple[str, Field]] = []
    for f in fields:
        dotted = f"{prefix}{f.key}"
        out.append((dotted, f))
        if f.kind is Kind.MAPPING:
            out.extend(iter_fields(f.children, dotted + "."))
        elif f.kind is Kind.MAPPING_LIST:
            out.extend(iter_fields(f.children, dotted + "[]."))
    return out
