"""A deterministic synthetic corpus of valid dossiers, for benchmarks.

``write_corpus(target, n, seed)`` writes ``n`` complete dossiers (finalised phases and
synthèse, 2–6 KB per file with tables and lists) that pass ``bilan check`` without error.
With ``evidence=False`` they lack the ordinary Qualiopi evidence (attendance proofs, the
ethics information, the objectives and satisfaction dates), as an office's dossiers often do
before an audit: each gets the warnings that say so, and no error.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from bilan_gen.config import DEFAULT_SECTIONS
from bilan_gen.model import MAIN_PHASES, Phase

FIRST = ("Camille", "Nadia", "Julien", "Sophie", "Karim", "Lucie", "Thomas", "Inès", "Hugo")
LAST = ("Bernard", "Moreau", "Lefèvre", "Girard", "Fontaine", "Chevalier", "Rousseau", "Blanchard")
WORDS = (
    "compétences", "expérience", "projet", "métier", "formation", "entreprise", "équipe",
    "gestion", "analyse", "client", "organisation", "autonomie", "relation", "pratique",
    "accompagnement", "terrain", "objectif", "secteur", "évolution", "responsabilité", "outil",
    "qualité", "conseil", "réseau", "enquête", "motivation", "valeur", "reconversion",
    "encadrement", "service", "production", "logistique", "comptabilité", "commerce", "atelier",
    "transmission", "coordination", "rigueur", "curiosité", "initiative", "adaptation",
    "perspective",
)  # fmt: skip
CONSULTANT = "Claire Mercier"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _section_body(rng: random.Random) -> str:
    parts = [_paragraph(rng)]
    roll = rng.random()
    if roll < 0.25:
        rows = "\n".join(f"| {rng.choice(WORDS)} | {_sentence(rng)} |" for _ in range(3))
        parts.append(f"| Élément | Appréciation |\n| --- | --- |\n{rows}")
    elif roll < 0.5:
        parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
    return "\n\n".join(parts)


def _document(
    rng: random.Random, dossier_id: str, phase: Phase, seances: str, evidence: bool = True
) -> str:
    head = [
        "---",
        f'dossier: "{dossier_id}"',
        f"phase: {phase.value}",
        f"consultant: {CONSULTANT}",
        "statut: finalise",
    ]
    if phase is Phase.SYNTHESE:
        head += [f"redigee_par: {CONSULTANT}", "remise_le: 2026-06-30", "mode_remise: espace_prive"]
    else:
        head.append(seances)
    if phase is Phase.PRELIMINAIRE and evidence:
        head.append("objectifs_fixes_le: 2026-04-02")
    body = [f"# {phase.label}"]
    for spec in DEFAULT_SECTIONS[phase]:
        if spec.required:
            body += [f"## {spec.title}", _section_body(rng)]
    return "\n".join(head) + "\n---\n\n" + "\n\n".join(body) + "\n"


def _seances(start: dt.date, count: int, kind: str, evidence: bool = True) -> str:
    lines = ["seances:"]
    for index in range(count):
        day = start + dt.timedelta(days=index)
        lines += [
            f"  - date: {day.isoformat()}",
            "    duree_h: 2",
            f"    type: {kind}",
            "    modalite: presentiel",
        ]
        lines += ["    emargement: feuille_signee"] if evidence else []
    return "\n".join(lines)


def write_dossier(target: Path, index: int, rng: random.Random, evidence: bool = True) -> None:
    """Write one valid, complete dossier (``evidence``: with its Qualiopi evidence)."""
    dossier_id = f"2026-{index:05d}"
    folder = target / dossier_id
    folder.mkdir(parents=True)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    ethics = "  information_ethique_le: 2026-04-01\n" if evidence else ""
    satisfaction = "satisfaction:\n  a_chaud_le: 2026-06-30\n" if evidence else ""
    (folder / "dossier.yml").write_text(
        "beneficiaire:\n"
        f"  prenom: {first}\n  nom: {last}{index}\n  email: b{index}@example.org\n"
        f"consultants:\n  - {CONSULTANT}\n"
        f"consentement:\n  date: 2026-04-01\n  preuve: contrat\n{ethics}"
        "financement:\n  mode: cpf\n"
        f'  cpf:\n    numero_edof: "{7_000_000_000 + index}"\n    inscrit_le: 2026-03-20\n'
        "    montant_eur: 1600\n    attestation_cinq_ans_le: 2026-03-20\n"
        "    participation_eur: 103.20\n"
        "date_debut: 2026-04-02\ndate_fin: 2026-06-30\nduree_prevue_h: 20\n"
        "suivi:\n  propose: true\n  date_prevue: 2026-12-15\n"
        "acces:\n  rotation: 0\n"
        # Kept for the follow-up (R6313-7), so the corpus stays published until 2029.
        "conservation:\n  motif: accord_suivi\n  accord_ecrit_le: 2026-06-30\n"
        f"  jusqu_au: 2029-06-30\n{satisfaction}",
        encoding="utf-8",
    )
    starts = {
        Phase.PRELIMINAIRE: (dt.date(2026, 4, 2), 1, "entretien_individuel"),
        Phase.INVESTIGATION: (dt.date(2026, 4, 10), 4, "entretien_individuel"),
        Phase.CONCLUSIONS: (dt.date(2026, 6, 1), 2, "entretien_individuel"),
    }
    for phase in (*MAIN_PHASES, Phase.SYNTHESE):
        seances = _seances(*starts[phase], evidence) if phase in starts else ""
        text = _document(rng, dossier_id, phase, seances, evidence)
        (folder / phase.filename).write_text(text, encoding="utf-8")


def write_corpus(target: Path, count: int, seed: int = 2026, evidence: bool = True) -> Path:
    """Write ``count`` dossiers under ``target`` (created); same seed, same bytes."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        write_dossier(target, index, rng, evidence)
    return target
