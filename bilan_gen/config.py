"""Options of a bilan-gen project: one source, the ``bilan`` section of ``mkdocs.yml``.

The CLI reads that section itself (without MkDocs); the MkDocs plugin hands the same raw
mapping to :func:`options_from_mapping`, so the build and ``bilan check`` always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bilan_gen.crypto import load_or_create_secret
from bilan_gen.diagnostics import Diagnostic, error
from bilan_gen.field_check import FieldContext, check_mapping
from bilan_gen.guard import MIB, Limits
from bilan_gen.legal import DEFAULT_MOTS_SENSIBLES, figure
from bilan_gen.loading import load_text
from bilan_gen.model import Phase
from bilan_gen.schema import Field, Kind
from bilan_gen.yaml_source import KeyPath, YamlDocument, YamlSyntaxError, parse_yaml

CONFIG_FILE = "mkdocs.yml"
PLUGIN_NAME = "bilan"


@dataclass(frozen=True)
class SectionSpec:
    """A ``##`` section of a document: canonical title and accepted aliases."""

    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True


def _specs(
    *rows: tuple[str, tuple[str, ...]], optional: tuple[str, ...] = ()
) -> tuple[SectionSpec, ...]:
    required = tuple(SectionSpec(t, a) for t, a in rows)
    return required + tuple(SectionSpec(t, (), required=False) for t in optional)


# The legal standard: R6313-4 for the phases, the former R6322-38 for the synthèse.
DEFAULT_SECTIONS: dict[Phase, tuple[SectionSpec, ...]] = {
    Phase.PRELIMINAIRE: _specs(
        ("Analyse de la demande et du besoin", ("Analyse de la demande", "Demande initiale")),
        ("Format retenu", ("Format du bilan", "Choix du format")),
        (
            "Modalités de déroulement",
            ("Déroulement du bilan", "Programme personnalisé", "Calendrier"),
        ),
    ),
    Phase.INVESTIGATION: _specs(
        ("Parcours et expériences", ("Parcours", "Parcours professionnel")),
        (
            "Compétences et aptitudes",
            (
                "Compétences professionnelles et personnelles",
                "Compétences",
                "Inventaire des compétences",
            ),
        ),
        ("Motivations et intérêts", ("Motivations", "Valeurs et motivations")),
        ("Pistes explorées", ("Pistes et projets explorés", "Alternatives")),
        ("Vérification de la pertinence", ("Confrontation au réel", "Enquêtes métiers")),
    ),
    Phase.CONCLUSIONS: _specs(
        ("Appropriation des résultats", ("Résultats détaillés", "Restitution des résultats")),
        ("Conditions et moyens de réalisation", ("Conditions de réussite", "Moyens mobilisables")),
        ("Étapes de mise en œuvre", ("Principales étapes", "Feuille de route")),
        ("Entretien de suivi", ("Suivi", "Modalités de suivi")),
    ),
    Phase.SYNTHESE: _specs(
        (
            "Circonstances du bilan",
            (
                "Contexte du bilan",
                "Rappel de la demande",
                "Rappel du contexte et de la demande initiale",
            ),
        ),
        (
            "Compétences et aptitudes",
            (
                "Compétences professionnelles et personnelles",
                "Analyse des compétences",
                "Inventaire des compétences",
            ),
        ),
        (
            "Projet professionnel",
            ("Projet retenu", "Définition du projet professionnel", "Projet professionnel retenu"),
        ),
        (
            "Propositions d'évolution",
            (
                "Propositions concrètes d'évolution ou de réorientation",
                "Pistes d'évolution",
                "Perspectives d'évolution",
            ),
        ),
        (
            "Conditions de réalisation",
            ("Conditions de réussite", "Conditions et moyens", "Conditions de succès"),
        ),
        (
            "Plan d'action",
            (
                "Étapes de mise en œuvre",
                "Principales étapes",
                "Principales étapes de mise en œuvre du projet",
                "Étapes du projet",
            ),
        ),
        optional=("Entretien de suivi", "Observations du bénéficiaire"),
    ),
    Phase.SUIVI: (),
}


@dataclass(frozen=True)
class Organisme:
    """The provider, printed on the synthèse."""

    raison_sociale: str = ""
    siret: str = ""
    nda: str = ""


@dataclass(frozen=True)
class Options:
    """Everything the core needs to know about a project."""

    project_dir: Path
    dossiers_dir: Path
    duree_max_h: float = 24.0
    """L6313-4: at most 24 hours per bilan."""
    mots_min_section: int = 10
    sections: dict[Phase, tuple[SectionSpec, ...]] = field(
        default_factory=lambda: dict(DEFAULT_SECTIONS)
    )
    organisme: Organisme = Organisme()
    secret_env: str = "BILAN_SECRET"
    secret_file: str = ".bilan/secret"
    site_url: str = ""
    """The published site's address (``site_url`` of ``mkdocs.yml``), for access links."""
    delai_grace_jours: int = figure("delai_grace_jours")
    """Days a finished dossier stays published with nothing to keep, so the beneficiary can
    print it (R6313-7 asks for destruction at the end: keep it short)."""
    mots_sensibles: tuple[str, ...] = DEFAULT_MOTS_SENSIBLES
    """Words that suggest special-category data (RGPD, art. 9), warned about in documents."""
    cache: bool = True
    """Whether builds reuse unchanged dossiers from the encrypted cache."""
    observations_email: str = ""
    """Where beneficiaries send their observations (``observations.email``), if no address
    is given for their consultant."""
    observations_contacts: tuple[tuple[str, str], ...] = ()
    """(consultant, e-mail) of ``observations.consultants``: each consultant's address."""
    annexe_max_mo: int = 10
    """Largest file of a dossier folder but its documents (an annex, a note), in MiB."""
    dossier_max_mo: int = 25
    """Largest total a dossier publishes (finalised documents and the annexes they cite), in
    MiB: its encrypted page weighs about a third more, and a phone must open it."""

    @property
    def limits(self) -> Limits:
        """The size limits of the guarded reads of a dossier folder."""
        return Limits(
            file_bytes=self.annexe_max_mo * MIB, published_bytes=self.dossier_max_mo * MIB
        )


_SECTION_FIELDS = (
    Field("titre", Kind.TEXT, "titre canonique de la section", required=True),
    Field("alias", Kind.TEXT_LIST, "titres acceptés"),
    Field("obligatoire", Kind.BOOL, "section obligatoire"),
)
CONFIG_FIELDS: tuple[Field, ...] = (
    Field("dossiers_dir", Kind.TEXT, "dossier des dossiers", help="Par défaut : dossiers"),
    Field("duree_max_h", Kind.HOURS, "durée maximale d'un bilan (heures)", help="24 (L6313-4)"),
    Field("mots_min_section", Kind.INT, "nombre minimal de mots par section", help="10"),
    Field(
        "sections",
        Kind.MAPPING,
        "sections par phase",
        help="Remplace la liste des sections d'une phase.",
        children=tuple(
            Field(p.value, Kind.MAPPING_LIST, f"sections : {p.label}", children=_SECTION_FIELDS)
            for p in Phase
        ),
    ),
    Field(
        "organisme",
        Kind.MAPPING,
        "organisme prestataire",
        children=(
            Field("raison_sociale", Kind.TEXT, "raison sociale"),
            Field("siret", Kind.SIRET, "SIRET"),
            Field("nda", Kind.TEXT, "numéro de déclaration d'activité"),
        ),
    ),
    Field("secret_env", Kind.TEXT, "variable d'environnement du secret", help="BILAN_SECRET"),
    Field("cache", Kind.BOOL, "cache de construction", help="true (.bilan/cache/, chiffré)"),
    Field(
        "observations",
        Kind.MAPPING,
        "envoi des observations du bénéficiaire",
        help="Adresse de l'organisme (email) et de chaque consultant (consultants : nom, email) "
        "pour le lien « Envoyer par e-mail » du formulaire « Mes observations ».",
        children=(
            Field("email", Kind.EMAIL, "adresse e-mail de l'organisme"),
            Field(
                "consultants",
                Kind.MAPPING_LIST,
                "adresse de chaque consultant",
                children=(
                    Field("nom", Kind.TEXT, "nom du consultant", required=True),
                    Field("email", Kind.EMAIL, "adresse e-mail du consultant", required=True),
                ),
            ),
        ),
    ),
    Field("secret_file", Kind.TEXT, "fichier du secret", help=".bilan/secret"),
    Field(
        "delai_grace_jours",
        Kind.INT,
        "délai de grâce après la fin du bilan (jours)",
        help="30 : le dossier reste publié le temps que le bénéficiaire l'imprime.",
    ),
    Field(
        "annexe_max_mo",
        Kind.INT,
        "taille maximale d'une annexe (Mo)",
        help="10 : vaut pour chaque fichier du dossier hors documents (annexes/, notes/).",
    ),
    Field(
        "dossier_max_mo",
        Kind.INT,
        "taille maximale publiée d'un dossier (Mo)",
        help="25 : documents finalisés et annexes qu'ils citent ; la page chiffrée pèse un "
        "tiers de plus.",
    ),
    Field(
        "mots_sensibles",
        Kind.TEXT_LIST,
        "mots signalant une donnée sensible",
        help="Remplace la liste par défaut ; une liste vide désactive la vérification.",
    ),
)


def options_from_mapping(
    raw: Any, project_dir: Path, ctx: FieldContext | None = None, key_path: KeyPath = ()
) -> tuple[Options, list[Diagnostic]]:
    """Turn the raw ``bilan`` plugin mapping into :class:`Options`, with diagnostics."""
    if ctx is None:
        ctx = FieldContext(project_dir / CONFIG_FILE, YamlDocument(raw))
    values, diags = check_mapping(raw or {}, CONFIG_FIELDS, ctx, key_path)
    sections = dict(DEFAULT_SECTIONS)
    for phase_key, rows in (values.get("sections") or {}).items():
        sections[Phase(phase_key)] = tuple(
            SectionSpec(r["titre"], tuple(r.get("alias") or ()), r.get("obligatoire", True))
            for r in rows
            if "titre" in r
        )
    org = values.get("organisme") or {}
    obs = values.get("observations") or {}
    options = Options(
        project_dir=project_dir,
        dossiers_dir=project_dir / values.get("dossiers_dir", "dossiers"),
        duree_max_h=values.get("duree_max_h", 24.0),
        mots_min_section=values.get("mots_min_section", 10),
        sections=sections,
        organisme=Organisme(**{k: org.get(k, "") for k in ("raison_sociale", "siret", "nda")}),
        secret_env=values.get("secret_env", "BILAN_SECRET"),
        secret_file=values.get("secret_file", ".bilan/secret"),
        delai_grace_jours=values.get("delai_grace_jours", figure("delai_grace_jours")),
        mots_sensibles=tuple(values.get("mots_sensibles", DEFAULT_MOTS_SENSIBLES)),
        cache=values.get("cache", True),
        observations_email=obs.get("email", ""),
        observations_contacts=tuple(
            (c["nom"], c["email"])
            for c in obs.get("consultants") or ()
            if "nom" in c and "email" in c
        ),
        annexe_max_mo=values.get("annexe_max_mo", 10),
        dossier_max_mo=values.get("dossier_max_mo", 25),
    )
    return options, diags


def project_secret(options: Options, env: Mapping[str, str]) -> tuple[bytes, bool]:
    """The site secret of the project, created on first use: ``(secret, created)``.

    Raises:
        SecretError: The secret found is too short or unreadable.
    """
    return load_or_create_secret(
        options.project_dir,
        env,
        env_name=options.secret_env,
        relative_path=Path(options.secret_file),
    )


def find_plugin_section(data: Any) -> tuple[Any, KeyPath]:
    """Find the ``bilan`` entry of ``plugins`` (a list or a mapping) in ``mkdocs.yml`` data."""
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict):
        return plugins.get(PLUGIN_NAME), ("plugins", PLUGIN_NAME)
    for index, entry in enumerate(plugins or []):
        if entry == PLUGIN_NAME:
            return {}, ("plugins", index)
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return entry[PLUGIN_NAME], ("plugins", index, PLUGIN_NAME)
    return None, ()


def load_options(config_path: Path) -> tuple[Options, list[Diagnostic]]:
    """Read the options from ``mkdocs.yml``; defaults when the file does not exist."""
    project_dir = config_path.parent
    if not config_path.is_file():
        return options_from_mapping({}, project_dir)
    text, diags = load_text(config_path)
    if text is None:
        return options_from_mapping({}, project_dir)[0], diags
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        options = options_from_mapping({}, project_dir)[0]
        return options, [error(config_path, exc.line, "yaml-invalide", exc.message)]
    raw, key_path = find_plugin_section(doc.data)
    ctx = FieldContext(config_path, doc)
    options, diags = options_from_mapping(raw, project_dir, ctx, key_path)
    site_url = doc.data.get("site_url") if isinstance(doc.data, dict) else None
    return replace(options, site_url=site_url if isinstance(site_url, str) else ""), diags
