"""The audit report (``bilan audit``): the evidence of every dossier, for the office and its
auditor (Qualiopi, Caisse des dépôts, labour inspectorate). Never published on the site.

Per dossier: its id (never a name), dates, hours, phases completed, synthèse delivered, the
follow-up, satisfaction, retention; the destructions of the register; totals; and every
exception. Exceptions are the dossier's diagnostics plus what only a date can tell (a
six-month survey overdue, a dossier to destroy). A diagnostic whose message may quote the
dossier's content (a heading, a link, a sensitive word) is shown by its code's description.
:mod:`bilan_gen.audit.output` turns the report into HTML, CSV or text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bilan_gen.config import Options, Organisme
from bilan_gen.diagnostics import CODES, Diagnostic, display_path, warning
from bilan_gen.legal import add_days, add_months, figure
from bilan_gen.model import MAIN_PHASES, Dossier, Phase
from bilan_gen.purge import REGISTER_FILE, read_register
from bilan_gen.retention import Etat, RetentionState, retention_diagnostic, retention_state
from bilan_gen.validation import CheckedDossier, check_project

DETAILED_CODES = frozenset(
    code
    for code in CODES
    if code.startswith(
        (
            "financement-",
            "convention-",
            "cpf-",
            "participation-",
            "contrat-",
            "paiement-",
            "acompte-",
            "employeur-",
            "diffusion-",
            "conservation-",
            "dossier-a-",
            "emargement-",
            "information-ethique-",
            "objectifs-",
            "satisfaction-",
            "duree-",
            "periode-",
            "consentement-",
            "seance-",
            "phases-",
            "remise-",
            "conclusions-",
            "synthese-",
            "champ-manquant",
        )
    )
)
"""Codes whose messages hold only field names, dates, hours and amounts: shown in full."""
A_FROID_TOLERANCE_DAYS = 30
"""« About six months »: the six-month survey is overdue a month after its date."""


@dataclass(frozen=True)
class AuditRow:
    """One dossier's evidence."""

    dossier_id: str
    financement: str
    date_debut: dt.date | None
    date_fin: dt.date | None
    heures_prevues: float | None
    heures: float
    seances: int
    seances_emargees: int
    phases: tuple[Phase, ...]
    """The compulsory phases finalised (R6313-4)."""
    synthese_remise_le: dt.date | None
    synthese_mode: str | None
    suivi_propose: bool | None
    suivi_prevu_le: dt.date | None
    suivi_realise_le: dt.date | None
    satisfaction_a_chaud_le: dt.date | None
    satisfaction_a_froid_le: dt.date | None
    conservation: RetentionState
    erreurs: int
    avertissements: int


@dataclass(frozen=True)
class AuditException:
    """One problem of one dossier, as the report lists it."""

    dossier_id: str
    where: str
    """``dossiers/<id>/<file>:<line>``."""
    severity: str
    code: str
    message: str


@dataclass(frozen=True)
class Destruction:
    """One line of the destruction register."""

    dossier_id: str
    detruit_le: str
    elements: str
    motif: str


@dataclass(frozen=True)
class AuditTotals:
    """The report's totals."""

    dossiers: int
    en_cours: int
    termines: int
    heures: float
    seances: int
    seances_emargees: int
    syntheses_remises: int
    suivis_proposes: int
    suivis_realises: int
    satisfaction_a_chaud: int
    satisfaction_a_froid: int
    conserves: int
    a_detruire: int
    detruits: int
    erreurs: int
    avertissements: int
    par_financement: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AuditReport:
    """Everything ``bilan audit`` writes."""

    annee: int | None
    genere_le: dt.date
    organisme: Organisme
    rows: tuple[AuditRow, ...]
    exceptions: tuple[AuditException, ...]
    destructions: tuple[Destruction, ...]
    totals: AuditTotals


def build_audit(options: Options, today: dt.date, annee: int | None = None) -> AuditReport:
    """Check every dossier and gather the report of ``annee`` (every year when None)."""
    checked, _ = check_project(options)
    chosen = [c for c in checked if annee is None or in_year(c.dossier, annee, today)]
    rows = [audit_row(c, options, today) for c in chosen]
    exceptions = [e for c in chosen for e in audit_exceptions(c, options, today)]
    register = read_register(options.project_dir / REGISTER_FILE)
    destructions = [
        Destruction(r["dossier"], r["detruit_le"], r["elements"], r["motif"])
        for r in register
        if annee is None or r.get("detruit_le", "").startswith(f"{annee}-")
    ]
    totals = audit_totals(rows, exceptions, destructions)
    return AuditReport(
        annee,
        today,
        options.organisme,
        tuple(rows),
        tuple(exceptions),
        tuple(destructions),
        totals,
    )


def in_year(dossier: Dossier, annee: int, today: dt.date) -> bool:
    """Whether the bilan ran during ``annee`` (from ``date_debut`` to ``date_fin``, or today)."""
    start: dt.date | None = dossier.get("date_debut")
    end: dt.date = dossier.get("date_fin") or max(today, start or today)
    if start is None:
        return end.year == annee
    return start <= dt.date(annee, 12, 31) and end >= dt.date(annee, 1, 1)


def audit_row(checked: CheckedDossier, options: Options, today: dt.date) -> AuditRow:
    """The evidence of one dossier."""
    dossier = checked.dossier
    synthese = dossier.documents.get(Phase.SYNTHESE)
    delivered = synthese is not None and synthese.finalised
    suivi = dossier.documents.get(Phase.SUIVI)
    suivi_days = [s.date for s in suivi.seances if s.date] if suivi else []
    errors = sum(1 for d in checked.diagnostics if d.is_error)
    return AuditRow(
        dossier_id=dossier.id,
        financement=dossier.get("financement.mode") or "",
        date_debut=dossier.get("date_debut"),
        date_fin=dossier.get("date_fin"),
        heures_prevues=dossier.get("duree_prevue_h"),
        heures=dossier.total_hours,
        seances=len(dossier.seances),
        seances_emargees=sum(1 for _, s in dossier.seances if s.emargement),
        phases=tuple(p for p in MAIN_PHASES if _finalised(dossier, p)),
        synthese_remise_le=synthese.meta.get("remise_le") if synthese and delivered else None,
        synthese_mode=synthese.meta.get("mode_remise") if synthese and delivered else None,
        suivi_propose=dossier.get("suivi.propose"),
        suivi_prevu_le=dossier.get("suivi.date_prevue"),
        suivi_realise_le=min(suivi_days) if suivi_days else None,
        satisfaction_a_chaud_le=dossier.get("satisfaction.a_chaud_le"),
        satisfaction_a_froid_le=dossier.get("satisfaction.a_froid_le"),
        conservation=retention_state(dossier, today, options.delai_grace_jours),
        erreurs=errors,
        avertissements=len(checked.diagnostics) - errors,
    )


def _finalised(dossier: Dossier, phase: Phase) -> bool:
    doc = dossier.documents.get(phase)
    return doc is not None and doc.finalised


def overdue_diagnostics(dossier: Dossier, options: Options, today: dt.date) -> list[Diagnostic]:
    """What only today's date tells: a six-month survey overdue, a dossier to destroy."""
    diags: list[Diagnostic] = []
    end: dt.date | None = dossier.get("date_fin")
    if end is not None and dossier.get("satisfaction.a_froid_le") is None:
        due = add_months(end, figure("satisfaction_a_froid_mois"))
        if today > add_days(due, A_FROID_TOLERANCE_DAYS):
            msg = (
                f"enquête de satisfaction à six mois attendue vers le {due.strftime('%d/%m/%Y')}, "
                "non enregistrée (« satisfaction.a_froid_le », Qualiopi indicateur 30)"
            )
            line = dossier.line("satisfaction")
            diags.append(warning(dossier.yml_path, line, "satisfaction-manquante", msg))
    state = retention_state(dossier, today, options.delai_grace_jours)
    destroy = retention_diagnostic(dossier, state)
    return diags + ([destroy] if destroy else [])


def audit_exceptions(
    checked: CheckedDossier, options: Options, today: dt.date
) -> list[AuditException]:
    """Every diagnostic of a dossier and its overdue evidence, safe to show an auditor."""
    dossier = checked.dossier
    diags = [*checked.diagnostics, *overdue_diagnostics(dossier, options, today)]
    out: list[AuditException] = []
    for d in diags:
        where = display_path(d.path, options.project_dir)
        where += f":{d.line}" if d.line > 0 else ""
        message = d.message if d.code in DETAILED_CODES else CODES.get(d.code, d.code)
        out.append(AuditException(dossier.id, where, d.severity.value, d.code, message))
    return out


def audit_totals(
    rows: Sequence[AuditRow],
    exceptions: Iterable[AuditException],
    destructions: Sequence[Destruction],
) -> AuditTotals:
    """Sums over the rows, the exceptions and the register."""
    states = Counter(r.conservation.etat for r in rows)
    severities = Counter(e.severity for e in exceptions)
    modes = Counter(r.financement or "non renseigné" for r in rows)
    return AuditTotals(
        dossiers=len(rows),
        en_cours=states[Etat.EN_COURS],
        termines=len(rows) - states[Etat.EN_COURS],
        heures=sum(r.heures for r in rows),
        seances=sum(r.seances for r in rows),
        seances_emargees=sum(r.seances_emargees for r in rows),
        syntheses_remises=sum(1 for r in rows if r.synthese_remise_le),
        suivis_proposes=sum(1 for r in rows if r.suivi_propose),
        suivis_realises=sum(1 for r in rows if r.suivi_realise_le),
        satisfaction_a_chaud=sum(1 for r in rows if r.satisfaction_a_chaud_le),
        satisfaction_a_froid=sum(1 for r in rows if r.satisfaction_a_froid_le),
        conserves=states[Etat.CONSERVE],
        a_detruire=states[Etat.A_DETRUIRE],
        detruits=len(destructions),
        erreurs=severities["erreur"],
        avertissements=severities["avertissement"],
        par_financement=tuple(sorted(modes.items())),
    )
