"""A deterministic synthetic corpus of valid dossiers, for benchmarks.

``write_corpus(target, n, seed)`` writes ``n`` complete dossiers (finalised phases and
synthèse, 2–6 KB per file with tables and lists) that pass ``bilan check`` without error.
With ``evidence=False`` they lack the ordinary Qualiopi evidence (attendance proofs, the
ethics information, the objectives and satisfaction dates), as an office's dossiers often do
before an audit: each gets the warnings that say so, and no error.

Dates are relative to ``today`` (default: the real today), so the corpus never ages: each
bilan started 120 days before and ended 31 days before, past its grace period, and is kept
for the follow-up for three more years, so it stays published.
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
    rng: random.Random,
    dossier_id: str,
    phase: Phase,
    seances: str,
    dates: dict[str, dt.date],
    evidence: bool = True,
) -> str:
    head = [
        "---",
        f'dossier: "{dossier_id}"',
        f"phase: {phase.value}",
        f"consultant: {CONSULTANT}",
        "statut: finalise",
    ]
    if phase is Phase.SYNTHESE:
        head += [
            f"redigee_par: {CONSULTANT}",
            f"remise_le: {dates['fin']}",
            "mode_remise: espace_prive",
        ]
    else:
        head.append(seances)
    if phase is Phase.PRELIMINAIRE and evidence:
        head.append(f"objectifs_fixes_le: {dates['debut']}")
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


def corpus_dates(today: dt.date) -> dict[str, dt.date]:
    """The corpus's dates, anchored on ``today``."""
    debut = today - dt.timedelta(days=120)
    fin = debut + dt.timedelta(days=89)
    return {
        "inscription": debut - dt.timedelta(days=13),
        "consentement": debut - dt.timedelta(days=1),
        "debut": debut,
        "investigation": debut + dt.timedelta(days=8),
        "conclusions": debut + dt.timedelta(days=60),
        "fin": fin,
        "suivi": fin + dt.timedelta(days=168),
        "conservation": fin.replace(year=fin.year + 3, day=min(fin.day, 28)),
    }


def write_dossier(
    target: Path,
    index: int,
    rng: random.Random,
    evidence: bool = True,
    today: dt.date | None = None,
) -> None:
    """Write one valid, complete dossier (``evidence``: with its Qualiopi evidence)."""
    dates = corpus_dates(today or dt.date.today())
    dossier_id = f"2026-{index:05d}"
    folder = target / dossier_id
    folder.mkdir(parents=True)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    ethics = f"  information_ethique_le: {dates['consentement']}\n" if evidence else ""
    satisfaction = f"satisfaction:\n  a_chaud_le: {dates['fin']}\n" if evidence else ""
    (folder / "dossier.yml").write_text(
        "beneficiaire:\n"
        f"  prenom: {first}\n  nom: {last}{index}\n  email: b{index}@example.org\n"
        f"consultants:\n  - {CONSULTANT}\n"
        f"consentement:\n  date: {dates['consentement']}\n  preuve: contrat\n{ethics}"
        "financement:\n  mode: cpf\n"
        f'  cpf:\n    numero_edof: "{7_000_000_000 + index}"\n'
        f"    inscrit_le: {dates['inscription']}\n"
        f"    montant_eur: 1600\n    attestation_cinq_ans_le: {dates['inscription']}\n"
        "    participation_eur: 103.20\n"
        f"date_debut: {dates['debut']}\ndate_fin: {dates['fin']}\nduree_prevue_h: 20\n"
        f"suivi:\n  propose: true\n  date_prevue: {dates['suivi']}\n"
        "acces:\n  rotation: 0\n"
        # Kept for the follow-up (R6313-7), so the corpus stays published.
        f"conservation:\n  motif: accord_suivi\n  accord_ecrit_le: {dates['fin']}\n"
        f"  jusqu_au: {dates['conservation']}\n{satisfaction}",
        encoding="utf-8",
    )
    starts = {
        Phase.PRELIMINAIRE: (dates["debut"], 1, "entretien_individuel"),
        Phase.INVESTIGATION: (dates["investigation"], 4, "entretien_individuel"),
        Phase.CONCLUSIONS: (dates["conclusions"], 2, "entretien_individuel"),
    }
    for phase in (*MAIN_PHASES, Phase.SYNTHESE):
        seances = _seances(*starts[phase], evidence) if phase in starts else ""
        text = _document(rng, dossier_id, phase, seances, dates, evidence)
        (folder / phase.filename).write_text(text, encoding="utf-8")


def write_corpus(
    target: Path,
    count: int,
    seed: int = 2026,
    evidence: bool = True,
    today: dt.date | None = None,
) -> Path:
    """Write ``count`` dossiers under ``target`` (created); same seed and day, same bytes."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    target.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        write_dossier(target, index, rng, evidence, today)
    return target
