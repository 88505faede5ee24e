"""Scaffold a new dossier (``bilan new``): every field, every required heading, guidance.

A scaffolded dossier passes ``bilan check`` as drafts: no error, only the warnings that tell
the consultant what remains to write. It never overwrites anything. Each YAML part starts with
a ``# yaml-language-server: $schema=`` comment pointing at the JSON Schemas of ``bilan schema``,
so that the editor completes and checks the fields as the consultant types.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import yaml

from bilan_gen.config import Options
from bilan_gen.errors import InvalidIdError, ScaffoldError
from bilan_gen.json_schema import SCHEMA_DIR, modeline
from bilan_gen.loading import ID_RE
from bilan_gen.model import DOSSIER_FILE, MAIN_PHASES, Phase
from bilan_gen.schema import MODES_FINANCEMENT, PREUVES, TYPES_SEANCE

PLACEHOLDER = "À compléter"

_DOSSIER_YML = """\
{modeline}
# Dossier {id} — identité et administration. Seul fichier qui contient l'identité du
# bénéficiaire : elle n'est jamais publiée en clair.
beneficiaire:
  prenom: {placeholder}
  nom: {placeholder}
  email: beneficiaire@example.org   # adresse réelle du bénéficiaire
consultants:
  - {consultant}
consentement:
  date: {today}          # avant la première séance
  preuve: contrat        # {preuves}
financement:
  mode: cpf              # {modes}
date_debut: {today}
# date_fin: AAAA-MM-JJ   # obligatoire quand la synthèse est finalisée
duree_prevue_h: 20       # 24 heures au plus (L6313-4)
# suivi:                 # obligatoire quand la synthèse est finalisée
#   propose: true
#   date_prevue: AAAA-MM-JJ
acces:
  rotation: 0            # augmentez-le pour révoquer un code d'accès divulgué
"""

_SEANCES = """\
seances: []
# seances:
#   - date: {today}
#     duree_h: 2            # par quarts d'heure, 8 h au plus
#     type: entretien_individuel   # {types}
#     modalite: presentiel  # presentiel | distanciel | telephone
"""

_SYNTHESE_FIELDS = """\
redigee_par: {consultant}
# remise_le: AAAA-MM-JJ      # obligatoire une fois finalisée
# mode_remise: espace_prive  # en_main_propre | espace_prive | courrier
"""

_GUIDANCE = {
    Phase.PRELIMINAIRE: "Analyser la demande et le besoin, choisir le format, définir les "
    "modalités avec le bénéficiaire (R6313-4).",
    Phase.INVESTIGATION: "Construire le projet professionnel et vérifier sa pertinence, ou "
    "élaborer des alternatives (R6313-4).",
    Phase.CONCLUSIONS: "Entretiens individuels : appropriation des résultats, conditions et "
    "moyens, étapes, suivi (R6313-4).",
    Phase.SYNTHESE: "Le document remis au bénéficiaire, à lui seul (L6313-4).",
}


def yaml_text(value: str) -> str:
    """``value`` as a YAML scalar: bare when it reads back unchanged, else double-quoted.

    ``123``, ``yes`` or ``Mercier: Claire`` would read back as a number, a boolean or a
    mapping; a JSON string is a valid double-quoted YAML scalar.
    """
    try:
        plain = "\n" not in value and yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def render_document(phase: Phase, dossier_id: str, consultant: str, options: Options) -> str:
    """The text of a new draft document of ``phase``."""
    today = dt.date.today().isoformat()
    consultant = yaml_text(consultant)
    head = [
        "---",
        _modeline(options, dossier_id, phase),
        f"dossier: {yaml_text(dossier_id)}",
        f"phase: {phase.value}",
        f"consultant: {consultant}",
        "statut: brouillon   # brouillon | finalise : seuls les fichiers finalisés sont publiés",
    ]
    if phase is Phase.SYNTHESE:
        head.append(_SYNTHESE_FIELDS.format(consultant=consultant).rstrip())
    else:
        head.append(_SEANCES.format(today=today, types=" | ".join(TYPES_SEANCE)).rstrip())
    body = ["---", "", f"# {phase.label}", "", f"<!-- {_GUIDANCE[phase]} -->", ""]
    for spec in options.sections.get(phase, ()):
        if spec.required:
            body += [
                f"## {spec.title}",
                "",
                f"<!-- {options.mots_min_section} mots au moins. -->",
                "",
            ]
    return "\n".join(head + body)


def _modeline(options: Options, dossier_id: str, phase: Phase | None) -> str:
    """Points the editor at the JSON Schema of the file (written by ``bilan schema``)."""
    schema_dir = options.project_dir / SCHEMA_DIR
    return modeline(schema_dir, options.dossiers_dir / dossier_id, phase)


def scaffold_files(dossier_id: str, consultant: str, options: Options) -> dict[str, str]:
    """File name → content of a new dossier."""
    today = dt.date.today().isoformat()
    files = {
        DOSSIER_FILE: _DOSSIER_YML.format(
            modeline=_modeline(options, dossier_id, None),
            id=dossier_id,
            placeholder=PLACEHOLDER,
            consultant=yaml_text(consultant),
            today=today,
            preuves=" | ".join(PREUVES),
            modes=" | ".join(MODES_FINANCEMENT),
        )
    }
    for phase in (*MAIN_PHASES, Phase.SYNTHESE):
        files[phase.filename] = render_document(phase, dossier_id, consultant, options)
    return files


def create_dossier(dossier_id: str, consultant: str, options: Options) -> Path:
    """Write a new dossier folder; refuse an invalid id, an empty consultant, an existing folder."""
    if not ID_RE.match(dossier_id):
        raise InvalidIdError(
            f"identifiant invalide « {dossier_id} » : 3 à 41 caractères, minuscules, chiffres "
            "et tirets, sans le nom du bénéficiaire (ex. 2026-014)"
        )
    if not consultant.strip():
        raise ScaffoldError("nom du consultant vide : indiquez-le avec --consultant")
    folder = options.dossiers_dir / dossier_id
    taken = [p.name for p in options.dossiers_dir.glob("*") if p.name.casefold() == dossier_id]
    if folder.exists() or taken:
        raise ScaffoldError(f"le dossier « {dossier_id} » existe déjà : rien n'a été modifié")
    files = scaffold_files(dossier_id, consultant, options)
    options.dossiers_dir.mkdir(parents=True, exist_ok=True)
    tmp = options.dossiers_dir / f".{dossier_id}.tmp-{os.getpid()}"
    tmp.mkdir()
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    (tmp / "annexes").mkdir()
    (tmp / "notes").mkdir()
    tmp.rename(folder)  # all or nothing: never a half-written dossier
    return folder
