"""When a dossier stops being published and must be destroyed (R6313-7).

The documents made for a bilan are destroyed as soon as it ends. The tool grants a short grace
period after ``date_fin`` (option ``delai_grace_jours``, 30 days by default) so the beneficiary
can print, then a dossier with nothing to keep is *à détruire*: the build leaves it out, ``bilan
status`` and ``bilan audit`` flag it, ``bilan purge --expired`` destroys it. A dossier kept for
a valid reason (``conservation``) is published until ``jusqu_au`` — capped at three years after
the end — then it is *à détruire* too.

"Today" is always a parameter: the adapters pass ``date.today()``, tests a fixed day.

Only a *valid* reason keeps a dossier: ``accord_suivi`` with its written agreement,
``synthese_cep`` with the beneficiary's request to a CEP operator, both with ``jusqu_au``.
An invalid reason is also a validation error, which blocks the build until it is fixed.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bilan_gen.diagnostics import Diagnostic, warning
from bilan_gen.legal import add_days, add_years, figure
from bilan_gen.model import Dossier


class Motif(enum.Enum):
    """Why something is kept after the end of the bilan (``conservation.motif``)."""

    AUCUN = "aucun"
    SYNTHESE_CEP = "synthese_cep"
    """Only the synthèse, sent to a CEP operator at the beneficiary's request."""
    ACCORD_SUIVI = "accord_suivi"
    """Documents the beneficiary agreed in writing to keep for the follow-up."""


class Etat(enum.Enum):
    """Where a dossier stands in its life; the value is the French label shown to users."""

    EN_COURS = "en cours"
    DELAI_DE_GRACE = "délai de grâce"
    CONSERVE = "conservé"
    A_DETRUIRE = "à détruire"


@dataclass(frozen=True)
class RetentionState:
    """Whether a dossier may still be published, or must be destroyed, on a given day."""

    etat: Etat
    motif: Motif
    """The reason to keep, once checked: :attr:`Motif.AUCUN` when it is missing or invalid."""
    reason: str
    """One French sentence with dates only (never a name), for logs, status and audits."""
    date_fin: dt.date | None
    fin_grace: dt.date | None
    """Last day of the grace period (``date_fin`` + ``delai_grace_jours``)."""
    jusqu_au: dt.date | None
    """Last day of a valid retention, capped at three years after ``date_fin``."""
    limite: dt.date | None
    """Last day the dossier may be published and kept; None while the bilan goes on."""

    @property
    def publishable(self) -> bool:
        """Whether the build may publish the dossier today."""
        return self.etat is not Etat.A_DETRUIRE

    @property
    def a_detruire(self) -> bool:
        """Whether the dossier must be destroyed (``bilan purge``)."""
        return self.etat is Etat.A_DETRUIRE


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def valid_motif(dossier: Dossier) -> Motif:
    """The retention reason of ``dossier`` if it holds (R6313-7), else :attr:`Motif.AUCUN`."""
    raw = dossier.get("conservation.motif")
    if dossier.get("conservation.jusqu_au") is None or raw not in ("synthese_cep", "accord_suivi"):
        return Motif.AUCUN
    if raw == "accord_suivi":
        written = dossier.get("conservation.accord_ecrit_le") is not None
        return Motif.ACCORD_SUIVI if written else Motif.AUCUN
    asked = any(e.type == "operateur_cep" and e.demande_le for e in dossier.diffusion)
    return Motif.SYNTHESE_CEP if asked else Motif.AUCUN


def kept_until(dossier: Dossier, motif: Motif, date_fin: dt.date) -> dt.date | None:
    """The last day of a valid retention: ``jusqu_au``, three years after the end at most."""
    if motif is Motif.AUCUN:
        return None
    until: dt.date = dossier.get("conservation.jusqu_au")
    return min(until, add_years(date_fin, figure("conservation_max_ans")))


def retention_state(dossier: Dossier, today: dt.date, grace_days: int) -> RetentionState:
    """Where ``dossier`` stands on ``today``, with ``grace_days`` after its end to print it."""
    date_fin: dt.date | None = dossier.get("date_fin")
    motif = valid_motif(dossier)
    if date_fin is None:
        return RetentionState(Etat.EN_COURS, motif, "bilan en cours", None, None, None, None)
    grace = add_days(date_fin, grace_days)
    until = kept_until(dossier, motif, date_fin)
    limit = max(grace, until) if until else grace
    ended = f"bilan terminé le {_fr(date_fin)}"
    if today <= grace:
        reason = f"{ended}, délai de grâce jusqu'au {_fr(grace)}"
        etat = Etat.DELAI_DE_GRACE
    elif until is not None and today <= until:
        reason = f"{ended}, conservé jusqu'au {_fr(until)} : {_GROUNDS[motif]} (R6313-7)"
        etat = Etat.CONSERVE
    elif until is not None:
        reason = f"{ended}, conservation échue le {_fr(until)} (R6313-7)"
        etat = Etat.A_DETRUIRE
    else:
        reason = f"{ended}, délai de grâce échu le {_fr(grace)}, rien à conserver (R6313-7)"
        etat = Etat.A_DETRUIRE
    return RetentionState(etat, motif, reason, date_fin, grace, until, limit)


_GROUNDS = {
    Motif.SYNTHESE_CEP: "synthèse transmise à un opérateur CEP à la demande du bénéficiaire",
    Motif.ACCORD_SUIVI: "accord écrit du bénéficiaire en vue du suivi",
    Motif.AUCUN: "",
}


def retention_diagnostic(dossier: Dossier, state: RetentionState) -> Diagnostic | None:
    """The warning for a dossier to destroy (the build leaves it out), else None."""
    if not state.a_detruire:
        return None
    key = "conservation.jusqu_au" if state.jusqu_au else "date_fin"
    msg = f"{state.reason} : dossier non publié, à détruire avec « bilan purge {dossier.id} »"
    return warning(dossier.yml_path, dossier.line(key), "dossier-a-detruire", msg)
