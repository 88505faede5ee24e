"""Sharing with third parties (L6313-4): each recipient with the beneficiary's agreement.

The synthèse goes to a CEP operator *at the beneficiary's request* (``demande_le``); to anyone
else — employer, funder, France Travail — *only with their agreement* (``accord_le``), even
when the employer pays. Messages never repeat ``destinataire``: it may name a person.
"""

from __future__ import annotations

from bilan_gen.diagnostics import Diagnostic, error
from bilan_gen.folding import fold_words
from bilan_gen.model import Diffusion, Dossier

TYPE_LABELS = {
    "operateur_cep": "un opérateur CEP",
    "employeur": "un employeur",
    "financeur": "un financeur",
    "autre": "un tiers",
}


def check_diffusion(dossier: Dossier) -> list[Diagnostic]:
    """Every entry has its date; each recipient appears once (one access code each)."""
    diags: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(dossier.diffusion, start=1):
        problem = _missing_date(entry)
        if problem:
            msg = f"diffusion (élément {number}) à {TYPE_LABELS[entry.type or 'autre']} {problem}"
            diags.append(error(dossier.yml_path, entry.line, "diffusion-sans-date", msg))
        key = fold_words(entry.destinataire or "")
        if key and key in seen:
            msg = (
                f"diffusion (élément {number}) : même destinataire que l'élément {seen[key]} ; "
                "un seul élément par destinataire, qui reçoit son propre code d'accès"
            )
            diags.append(error(dossier.yml_path, entry.line, "diffusion-doublon", msg))
        elif key:
            seen[key] = number
    return diags


def _missing_date(entry: Diffusion) -> str | None:
    if entry.type is None:
        return None  # an invalid type is already reported
    if entry.type == "operateur_cep":
        if entry.demande_le is None:
            return (
                "sans « demande_le » : la synthèse ne lui est transmise qu'à la demande du "
                "bénéficiaire (L6313-4)"
            )
        return None
    if entry.accord_le is None:
        return (
            "sans « accord_le » : rien ne lui est transmis sans l'accord du bénéficiaire (L6313-4)"
        )
    return None


def cep_requested(dossier: Dossier) -> bool:
    """Whether the beneficiary asked for the synthèse to go to a CEP operator."""
    return any(e.type == "operateur_cep" and e.demande_le for e in dossier.diffusion)
