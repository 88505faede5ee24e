"""The rows of the status board: one per dossier, computed from checked dossiers.

The beneficiary's name is never in a row unless the caller asks for it (``noms=True``): a
board is easily pasted into a ticket or a chat.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from bilan_gen.config import Options
from bilan_gen.folding import fold
from bilan_gen.model import MAIN_PHASES, Dossier, Phase
from bilan_gen.retention import Etat, retention_state
from bilan_gen.validation import CheckedDossier

BOARD_PHASES = (*MAIN_PHASES, Phase.SYNTHESE)
"""The documents shown on the board, in order: the three phases and the synthèse."""


class PhaseState(enum.Enum):
    """Where a document stands; the values are the words of ``statut``."""

    FINALISE = "finalise"
    BROUILLON = "brouillon"
    ABSENT = "absent"

    @property
    def letter(self) -> str:
        """One character for the text board."""
        return {"finalise": "F", "brouillon": "B", "absent": "-"}[self.value]


@dataclass(frozen=True)
class StatusRow:
    """One dossier on the board."""

    dossier_id: str
    consultants: tuple[str, ...]
    phases: tuple[tuple[Phase, PhaseState], ...]
    """Each document of :data:`BOARD_PHASES` and its state."""
    heures: float
    """Hours of all sessions so far."""
    heures_max: float
    """The legal maximum (L6313-4: 24 hours), from the options."""
    derniere_seance: dt.date | None
    synthese_remise_le: dt.date | None
    """Delivery date of a finalised synthèse; None while it is not delivered."""
    suivi_propose: bool | None
    """Whether a follow-up interview is planned (None: not recorded yet)."""
    suivi_date: dt.date | None
    etat: Etat
    """Where the dossier stands in its life (R6313-7): en cours, délai de grâce, conservé, à
    détruire."""
    erreurs: int
    avertissements: int
    beneficiaire: str | None = None
    """« Prénom Nom », only when the caller asked for names."""


def status_row(
    checked: CheckedDossier, options: Options, today: dt.date, noms: bool = False
) -> StatusRow:
    """The board row of one checked dossier, on ``today``."""
    dossier = checked.dossier
    synthese = dossier.documents.get(Phase.SYNTHESE)
    remise = synthese.meta.get("remise_le") if synthese and synthese.finalised else None
    dates = [s.date for _, s in dossier.seances if s.date is not None]
    errors = sum(1 for d in checked.diagnostics if d.is_error)
    propose = dossier.get("suivi.propose")
    return StatusRow(
        dossier_id=dossier.id,
        consultants=_consultants(dossier),
        phases=tuple((phase, _state(dossier, phase)) for phase in BOARD_PHASES),
        heures=dossier.total_hours,
        heures_max=options.duree_max_h,
        derniere_seance=max(dates, default=None),
        synthese_remise_le=remise if isinstance(remise, dt.date) else None,
        suivi_propose=propose if isinstance(propose, bool) else None,
        suivi_date=dossier.get("suivi.date_prevue") if propose is True else None,
        etat=retention_state(dossier, today, options.delai_grace_jours).etat,
        erreurs=errors,
        avertissements=len(checked.diagnostics) - errors,
        beneficiaire=_name(dossier) if noms else None,
    )


def _state(dossier: Dossier, phase: Phase) -> PhaseState:
    doc = dossier.documents.get(phase)
    if doc is None:
        return PhaseState.ABSENT
    return PhaseState.FINALISE if doc.finalised else PhaseState.BROUILLON


def _consultants(dossier: Dossier) -> tuple[str, ...]:
    """The consultants of ``dossier.yml``, else those named in the documents."""
    if dossier.consultants:
        return dossier.consultants
    named = (doc.consultant for doc in dossier.documents.values() if doc.consultant)
    return tuple(dict.fromkeys(named))


def _name(dossier: Dossier) -> str:
    parts = (dossier.beneficiaire.prenom, dossier.beneficiaire.nom)
    return " ".join(p for p in parts if p)


def status_rows(
    checked: Iterable[CheckedDossier],
    options: Options,
    today: dt.date,
    consultant: str | None = None,
    noms: bool = False,
) -> list[StatusRow]:
    """Rows sorted by id; with ``consultant``, only that consultant's dossiers.

    The consultant matches ignoring case and accents (« helene castagne »).
    """
    rows = [status_row(item, options, today, noms) for item in checked]
    if consultant is not None:
        wanted = fold(consultant.strip())
        rows = [r for r in rows if wanted in {fold(c) for c in r.consultants}]
    return sorted(rows, key=lambda r: r.dossier_id)
