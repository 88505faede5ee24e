"""Retention after the end of the bilan (R6313-7): a reason, a written agreement, three years.

The documents made for the bilan are destroyed as soon as it ends. Two exceptions, for three
years at most: the synthèse when the beneficiary asked for it to go to a CEP operator
(``synthese_cep``), and documents they agreed *in writing* to keep for the follow-up
(``accord_suivi``). Without ``conservation``, nothing is kept. When the dossier is destroyed
is :mod:`bilan_gen.retention`'s business; this module checks what is written.
"""

from __future__ import annotations

from typing import Any

from bilan_gen.diagnostics import Diagnostic, error
from bilan_gen.legal import add_years, figure
from bilan_gen.model import Dossier
from bilan_gen.validation.common import fr_date
from bilan_gen.validation.sharing import cep_requested


def check_conservation(dossier: Dossier) -> list[Diagnostic]:
    """Keeping needs a reason, its evidence and an end within three years of ``date_fin``."""
    block: Any = dossier.get("conservation")
    motif = block.get("motif") if isinstance(block, dict) else None
    if motif is None:
        return []  # nothing kept, or an invalid motif already reported
    yml = dossier.yml_path
    if motif == "aucun":
        return [
            error(
                yml,
                dossier.line(f"conservation.{key}"),
                "conservation-sans-motif",
                f"« conservation.{key} » avec le motif « aucun » : conserver exige un motif "
                "(synthese_cep ou accord_suivi, R6313-7)",
            )
            for key in ("jusqu_au", "accord_ecrit_le")
            if key in block
        ]
    diags = check_evidence_of(dossier, motif)
    # Missing or invalid (then reported twice): without a valid end, nothing is kept.
    if dossier.get("conservation.jusqu_au") is None:
        msg = (
            f"motif « {motif} » sans « conservation.jusqu_au » : la conservation a un terme, "
            f"{figure('conservation_max_ans')} ans au plus après la fin du bilan (R6313-7)"
        )
        line = dossier.line("conservation.motif")
        diags.append(error(yml, line, "conservation-sans-echeance", msg))
    return diags + check_duration(dossier)


def check_evidence_of(dossier: Dossier, motif: str) -> list[Diagnostic]:
    """``accord_suivi`` needs the written agreement; ``synthese_cep`` the CEP request."""
    yml, line = dossier.yml_path, dossier.line("conservation.motif")
    if motif == "accord_suivi" and dossier.get("conservation.accord_ecrit_le") is None:
        msg = (
            "motif « accord_suivi » sans « conservation.accord_ecrit_le » : l'accord du "
            "bénéficiaire pour conserver des documents en vue du suivi est écrit (R6313-7)"
        )
        return [error(yml, line, "conservation-sans-accord", msg)]
    if motif == "synthese_cep" and not cep_requested(dossier):
        msg = (
            "motif « synthese_cep » sans transmission demandée à un opérateur CEP : ajoutez-la "
            "à « diffusion » (type operateur_cep, demande_le) (R6313-7)"
        )
        return [error(yml, line, "conservation-sans-motif", msg)]
    return []


def check_duration(dossier: Dossier) -> list[Diagnostic]:
    """R6313-7: three years at most after the end of the bilan."""
    until, end = dossier.get("conservation.jusqu_au"), dossier.get("date_fin")
    if until is None or end is None:
        return []
    years = figure("conservation_max_ans")
    limit = add_years(end, years)
    if until <= limit:
        return []
    msg = (
        f"conservation jusqu'au {fr_date(until)} : {years} ans au plus après la fin du bilan "
        f"({fr_date(end)}), soit le {fr_date(limit)} au plus tard (R6313-7)"
    )
    line = dossier.line("conservation.jusqu_au")
    return [error(dossier.yml_path, line, "conservation-trop-longue", msg)]
