"""The dossier schema: one table, one entry per field, walked by one validator.

``DOSSIER_FIELDS`` describes ``dossier.yml``; ``FRONT_MATTER_FIELDS`` the front matter of
every Markdown file, with ``PHASE_FIELDS`` for the phase files and ``SYNTHESE_FIELDS`` for the
synthèse. The consultant guide's field reference and the JSON Schemas are generated from, or
tested against, these tables, so they cannot drift.

The tables of the compliance blocks (funding, sharing, retention, satisfaction) live in
:mod:`bilan_gen.schema.compliance`; :class:`Field` and :class:`Kind` in
:mod:`bilan_gen.schema.field`. Everything is importable from here.
"""

from __future__ import annotations

from bilan_gen.schema.compliance import (
    CONSERVATION_FIELDS,
    CONTRAT_FIELDS,
    CONVENTION_FIELDS,
    CPF_FIELDS,
    DIFFUSION_FIELDS,
    EMARGEMENTS,
    MODES_CONVENTION,
    MOTIFS_CONSERVATION,
    PAIEMENT_FIELDS,
    PERIMETRES,
    SATISFACTION_FIELDS,
    TYPES_DESTINATAIRE,
)
from bilan_gen.schema.field import Field, Kind

__all__ = [
    "CONSERVATION_FIELDS",
    "CONTRAT_FIELDS",
    "CONVENTION_FIELDS",
    "CPF_FIELDS",
    "DIFFUSION_FIELDS",
    "DOSSIER_FIELDS",
    "EMARGEMENTS",
    "FRONT_MATTER_FIELDS",
    "MODALITES",
    "MODES_CONVENTION",
    "MODES_FINANCEMENT",
    "MODES_REMISE",
    "MOTIFS_CONSERVATION",
    "PAIEMENT_FIELDS",
    "PASSTHROUGH_KEYS",
    "PERIMETRES",
    "PHASES",
    "PHASE_FIELDS",
    "PRELIMINAIRE_FIELDS",
    "PREUVES",
    "SATISFACTION_FIELDS",
    "SEANCE_FIELDS",
    "STATUTS",
    "SYNTHESE_FIELDS",
    "TYPES_DESTINATAIRE",
    "Field",
    "Kind",
    "front_matter_fields",
    "iter_fields",
]

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
            Field(
                "information_ethique_le",
                Kind.DATE,
                "date de l'information sur les règles déontologiques",
                help="Consentement, confidentialité, destruction : au plus tard à la première "
                "séance (Qualiopi, indicateur 9).",
            ),
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
            Field(
                "cpf",
                Kind.MAPPING,
                "financement par le CPF",
                help="Obligatoire pour le mode cpf.",
                children=CPF_FIELDS,
            ),
            Field(
                "convention",
                Kind.MAPPING,
                "convention tripartite",
                help="Obligatoire pour les modes plan_developpement et conge_reclassement "
                "(R6313-8).",
                children=CONVENTION_FIELDS,
            ),
            Field(
                "contrat",
                Kind.MAPPING,
                "contrat avec le bénéficiaire",
                help="Attendu pour le mode personnel.",
                children=CONTRAT_FIELDS,
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
    Field(
        "diffusion",
        Kind.MAPPING_LIST,
        "diffusion à des tiers",
        help="Les tiers qui reçoivent le dossier, avec l'accord ou à la demande du "
        "bénéficiaire (L6313-4).",
        children=DIFFUSION_FIELDS,
    ),
    Field(
        "conservation",
        Kind.MAPPING,
        "conservation après la fin du bilan",
        help="Sans ce groupe, rien n'est conservé : le dossier est détruit à la fin du bilan "
        "(R6313-7).",
        children=CONSERVATION_FIELDS,
    ),
    Field(
        "satisfaction",
        Kind.MAPPING,
        "enquêtes de satisfaction",
        help="Qualiopi, indicateur 30.",
        children=SATISFACTION_FIELDS,
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
    Field(
        "emargement",
        Kind.CHOICE,
        "preuve de présence (émargement)",
        choices=EMARGEMENTS,
        help="Attendue pour chaque séance d'un document finalisé (Qualiopi, indicateur 10).",
    ),
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

PRELIMINAIRE_FIELDS: tuple[Field, ...] = (
    Field(
        "objectifs_fixes_le",
        Kind.DATE,
        "date de définition des objectifs avec le bénéficiaire",
        help="Le programme personnalisé, défini pendant la phase préliminaire (Qualiopi, "
        "indicateur 4).",
    ),
)
"""Front-matter fields of the preliminary phase only."""

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
    if phase == "preliminaire":
        return FRONT_MATTER_FIELDS + PHASE_FIELDS + PRELIMINAIRE_FIELDS
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
