"""Rules across the fields and files of one dossier (Code du travail L6313-4, R6313-4)."""

from __future__ import annotations

import datetime as dt

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.model import (
    MAIN_PHASES,
    Document,
    Dossier,
    Phase,
)


def _fr_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _hours(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " h"


def check_identity(dossier: Dossier) -> list[Diagnostic]:
    """Front matter agrees with its folder, its file and the listed consultants."""
    diags: list[Diagnostic] = []
    consultants = dossier.consultants
    for phase, doc in dossier.documents.items():
        meta, path = doc.meta, doc.path
        if "dossier" in meta and meta["dossier"] != dossier.id:
            msg = (
                f"« dossier » vaut « {meta['dossier']} » mais le dossier s'appelle « {dossier.id} »"
            )
            diags.append(error(path, doc.lines.get("dossier", 1), "dossier-incoherent", msg))
        if "phase" in meta and meta["phase"] != phase.value:
            msg = f"« phase » vaut « {meta['phase']} » mais {path.name} attend « {phase.value} »"
            diags.append(error(path, doc.lines.get("phase", 1), "phase-incoherente", msg))
        for key in ("consultant", "redigee_par"):
            name = meta.get(key)
            if name and consultants and name not in consultants:
                msg = f"« {key} » : « {name} » n'est pas dans les consultants de dossier.yml"
                diags.append(error(path, doc.lines.get(key, 1), "consultant-inconnu", msg))
    return diags


def check_finalised_synthese(dossier: Dossier) -> list[Diagnostic]:
    """A finalised synthèse needs the three phases finalised and its delivery recorded."""
    synthese = dossier.documents.get(Phase.SYNTHESE)
    if synthese is None or not synthese.finalised:
        return []
    diags: list[Diagnostic] = []
    statut_line = synthese.lines.get("statut", 1)
    for phase in MAIN_PHASES:
        doc = dossier.documents.get(phase)
        if doc is None or not doc.finalised:
            state = "absente" if doc is None else "en brouillon"
            msg = f"synthèse finalisée alors que la {phase.label.lower()} est {state}"
            diags.append(error(synthese.path, statut_line, "synthese-prematuree", msg))
    why = "obligatoire quand la synthèse est finalisée"
    for key in ("date_fin", "suivi"):
        # An unreadable or empty dossier.yml already has its own diagnostic.
        if dossier.lines and dossier.get(key) is None:
            msg = f"champ « {key} » absent : {why}"
            diags.append(error(dossier.yml_path, 1, "champ-manquant", msg))
    for key in ("remise_le", "mode_remise"):
        if key not in synthese.meta:
            msg = f"champ « {key} » absent : {why}"
            diags.append(error(synthese.path, statut_line, "champ-manquant", msg))
    return diags


def check_suivi(dossier: Dossier) -> list[Diagnostic]:
    """A proposed follow-up interview needs its planned date."""
    if dossier.get("suivi.propose") is True and dossier.get("suivi.date_prevue") is None:
        msg = "champ « suivi.date_prevue » absent : obligatoire quand le suivi est proposé"
        return [error(dossier.yml_path, dossier.line("suivi.propose"), "champ-manquant", msg)]
    return []


def check_hours(dossier: Dossier, options: Options) -> list[Diagnostic]:
    """L6313-4: at most 24 hours per bilan, planned and done."""
    diags: list[Diagnostic] = []
    limit = options.duree_max_h
    planned = dossier.get("duree_prevue_h")
    if planned is not None and planned > limit:
        msg = f"durée prévue {_hours(planned)} : {_hours(limit)} au plus (L6313-4)"
        line = dossier.line("duree_prevue_h")
        diags.append(error(dossier.yml_path, line, "duree-depassee", msg))
    total = 0.0
    for phase, seance in dossier.seances:
        total += seance.duree_h or 0.0
        if total > limit:
            msg = f"total des séances {_hours(total)} : {_hours(limit)} au plus (L6313-4)"
            path = dossier.documents[phase].path
            diags.append(error(path, seance.line, "duree-depassee", msg))
            break
    return diags


def check_dates(dossier: Dossier) -> list[Diagnostic]:
    """Consent first, sessions within the bilan's period, delivery after the conclusions."""
    diags: list[Diagnostic] = []
    yml = dossier.yml_path
    debut, fin = dossier.get("date_debut"), dossier.get("date_fin")
    if debut and fin and fin < debut:
        msg = f"date_fin ({_fr_date(fin)}) avant date_debut ({_fr_date(debut)})"
        diags.append(error(yml, dossier.line("date_fin"), "periode-invalide", msg))
    dated = [(p, s) for p, s in dossier.seances if s.date is not None]
    consent = dossier.get("consentement.date")
    if consent and dated:
        first = min(s.date for _, s in dated if s.date)
        if consent > first:
            msg = (
                f"consentement du {_fr_date(consent)} après la première séance "
                f"({_fr_date(first)}) : il doit la précéder"
            )
            diags.append(error(yml, dossier.line("consentement.date"), "consentement-tardif", msg))
    for phase, s in dated:
        assert s.date is not None
        # The follow-up interview takes place after the end of the bilan, by design.
        late = fin and s.date > fin and phase is not Phase.SUIVI
        if (debut and s.date < debut) or late:
            msg = f"séance du {_fr_date(s.date)} hors de la période du bilan (date_debut..date_fin)"
            path = dossier.documents[phase].path
            diags.append(error(path, s.line, "seance-hors-periode", msg))
    return diags + check_phase_order(dossier) + check_remise(dossier)


def _span(doc: Document) -> tuple[dt.date, dt.date] | None:
    days = [s.date for s in doc.seances if s.date is not None]
    return (min(days), max(days)) if days else None


def check_phase_order(dossier: Dossier) -> list[Diagnostic]:
    """Phases follow each other: reversed is an error, overlapping a warning."""
    order = [*MAIN_PHASES, Phase.SUIVI]
    # Phases without dated sessions are left out, so their neighbours are compared.
    spans = [
        (p, doc, span)
        for p in order
        if (doc := dossier.documents.get(p)) is not None and (span := _span(doc)) is not None
    ]
    diags: list[Diagnostic] = []
    for (before, _, a), (after, doc_b, b) in zip(spans, spans[1:], strict=False):
        line = doc_b.lines.get("seances", 1)
        if b[1] < a[0]:
            msg = f"{after.label} entièrement avant la {before.label.lower()}"
            diags.append(error(doc_b.path, line, "phases-desordre", msg))
        elif b[0] < a[1]:
            msg = (
                f"{after.label} commencée le {_fr_date(b[0])}, avant la dernière séance de la "
                f"{before.label.lower()} ({_fr_date(a[1])})"
            )
            diags.append(warning(doc_b.path, line, "phases-chevauchement", msg))
    return diags


def check_remise(dossier: Dossier) -> list[Diagnostic]:
    """The synthèse is handed over after the last conclusions session."""
    synthese = dossier.documents.get(Phase.SYNTHESE)
    conclusions = dossier.documents.get(Phase.CONCLUSIONS)
    if synthese is None or conclusions is None or "remise_le" not in synthese.meta:
        return []
    span = _span(conclusions)
    remise = synthese.meta["remise_le"]
    if span and remise < span[1]:
        msg = (
            f"synthèse remise le {_fr_date(remise)}, avant la dernière séance de conclusions "
            f"({_fr_date(span[1])})"
        )
        return [error(synthese.path, synthese.lines.get("remise_le", 1), "remise-anticipee", msg)]
    return []


def check_conclusions_individual(dossier: Dossier) -> list[Diagnostic]:
    """R6313-4: the conclusions phase is made of individual interviews."""
    doc = dossier.documents.get(Phase.CONCLUSIONS)
    if doc is None:
        return []
    msg = "séance de conclusions de type « {} » : entretien_individuel attendu (R6313-4)"
    return [
        error(doc.path, s.line, "conclusions-non-individuel", msg.format(s.type))
        for s in doc.seances
        if s.type is not None and s.type != "entretien_individuel"
    ]
