"""Quality evidence an audit asks for (Qualiopi): warnings when it is missing.

Attendance proof per session (indicator 10), the ethics information before the first session
(indicator 9), objectives set in the preliminary phase (indicator 4), satisfaction at the end
and about six months later (indicator 30). Practice, not law: warnings only. What happened is
judged from the files alone (finalised documents), never from today's date, so ``bilan
check`` gives the same answer every day; :mod:`bilan_gen.audit` adds what is overdue.
"""

from __future__ import annotations

from bilan_gen.diagnostics import Diagnostic, warning
from bilan_gen.model import Dossier, Phase, sorted_documents
from bilan_gen.validation.common import first_session, fr_date


def check_evidence(dossier: Dossier) -> list[Diagnostic]:
    """Every evidence warning of one dossier."""
    return (
        check_attendance(dossier)
        + check_ethics_information(dossier)
        + check_objectives(dossier)
        + check_satisfaction(dossier)
    )


def check_attendance(dossier: Dossier) -> list[Diagnostic]:
    """The sessions of the finalised documents have their attendance proof: one warning
    for them all, at the first session without one, listing the dates."""
    missing = [
        (doc.path, seance)
        for _, doc in sorted_documents(dossier.documents)
        if doc.finalised
        for seance in doc.seances
        if seance.emargement is None
    ]
    if not missing:
        return []
    path, first = missing[0]
    if len(missing) == 1:
        when = f"séance du {fr_date(first.date)}" if first.date else "séance"
    else:
        days = ", ".join(fr_date(s.date) if s.date else "sans date" for _, s in missing)
        when = f"{len(missing)} séances ({days})"
    msg = f"{when} sans « emargement » : preuve de présence attendue (Qualiopi, indicateur 10)"
    return [warning(path, first.line, "emargement-manquant", msg)]


def check_ethics_information(dossier: Dossier) -> list[Diagnostic]:
    """The beneficiary is informed of the rules (consent, confidentiality) first."""
    first = first_session(dossier)
    if first is None or not isinstance(dossier.get("consentement"), dict):
        return []
    informed = dossier.get("consentement.information_ethique_le")
    yml = dossier.yml_path
    if informed is None:
        msg = (
            "« consentement.information_ethique_le » absent : date de l'information du "
            "bénéficiaire sur les règles (consentement, confidentialité, destruction), "
            "Qualiopi indicateur 9"
        )
        return [warning(yml, dossier.line("consentement"), "information-ethique-manquante", msg)]
    if informed > first:
        msg = (
            f"information sur les règles le {fr_date(informed)}, après la première séance "
            f"({fr_date(first)}) : elle la précède (Qualiopi, indicateur 9)"
        )
        line = dossier.line("consentement.information_ethique_le")
        return [warning(yml, line, "information-ethique-tardive", msg)]
    return []


def check_objectives(dossier: Dossier) -> list[Diagnostic]:
    """A finalised preliminary phase records when the objectives were set with the beneficiary."""
    doc = dossier.documents.get(Phase.PRELIMINAIRE)
    if doc is None or not doc.finalised:
        return []
    set_on = doc.meta.get("objectifs_fixes_le")
    if set_on is None:
        msg = (
            "« objectifs_fixes_le » absent : date à laquelle les objectifs du bilan ont été "
            "définis avec le bénéficiaire (Qualiopi, indicateur 4)"
        )
        return [warning(doc.path, doc.lines.get("statut", 1), "objectifs-manquants", msg)]
    investigation = dossier.documents.get(Phase.INVESTIGATION)
    days = [s.date for s in investigation.seances if s.date] if investigation else []
    if days and set_on > min(days):
        msg = (
            f"objectifs définis le {fr_date(set_on)}, après le début de la phase d'investigation "
            f"({fr_date(min(days))}) : ils le sont pendant la phase préliminaire"
        )
        line = doc.lines.get("objectifs_fixes_le", 1)
        return [warning(doc.path, line, "objectifs-tardifs", msg)]
    return []


def check_satisfaction(dossier: Dossier) -> list[Diagnostic]:
    """Satisfaction at the end (finalised synthèse) and at the follow-up (finalised suivi)."""
    due = (
        (Phase.SYNTHESE, "a_chaud_le", "de fin de bilan", "synthèse finalisée"),
        (Phase.SUIVI, "a_froid_le", "à six mois", "entretien de suivi finalisé"),
    )
    diags: list[Diagnostic] = []
    for phase, key, what, why in due:
        doc = dossier.documents.get(phase)
        if doc is None or not doc.finalised or dossier.get(f"satisfaction.{key}") is not None:
            continue
        if not dossier.lines:
            continue  # an unreadable dossier.yml already has its own diagnostic
        msg = (
            f"« satisfaction.{key} » absent : enquête de satisfaction {what} attendue "
            f"({why} ; Qualiopi, indicateur 30)"
        )
        line = dossier.line("satisfaction")
        diags.append(warning(dossier.yml_path, line, "satisfaction-manquante", msg))
    return diags
