"""The audit report as HTML (one self-contained page that prints well), CSV or text.

Values are prepared here, in tested Python, and the template only lays them out. Nothing
leaves the page: no font, script, image or style sheet is loaded from anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from bilan_gen.audit import AuditReport, AuditRow
from bilan_gen.model import Phase
from bilan_gen.templating import TEMPLATES

CSV_COLUMNS = (
    "dossier",
    "financement",
    "date_debut",
    "date_fin",
    "heures_prevues",
    "heures",
    "seances",
    "seances_emargees",
    "phases_finalisees",
    "synthese_remise_le",
    "synthese_mode_remise",
    "suivi_propose",
    "suivi_prevu_le",
    "suivi_realise_le",
    "satisfaction_a_chaud_le",
    "satisfaction_a_froid_le",
    "conservation_etat",
    "conservation_motif",
    "conservation_limite",
    "erreurs",
    "avertissements",
    "exceptions",
)
PHASE_LETTERS = {Phase.PRELIMINAIRE: "P", Phase.INVESTIGATION: "I", Phase.CONCLUSIONS: "C"}


def fr_date(day: dt.date | None) -> str:
    """``16/07/2026``, or an empty string."""
    return day.strftime("%d/%m/%Y") if day else ""


def fr_hours(hours: float | None) -> str:
    """``18 h``, ``18,5 h``, or an empty string."""
    return "" if hours is None else f"{hours:g}".replace(".", ",") + " h"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("oui" if value else "non")


def display_row(row: AuditRow) -> dict[str, str]:
    """The cells of one dossier, as people read them."""
    state = row.conservation
    limit = f" jusqu'au {fr_date(state.limite)}" if state.limite and not state.a_detruire else ""
    return {
        "dossier": row.dossier_id,
        "financement": row.financement,
        "periode": f"{fr_date(row.date_debut)} – {fr_date(row.date_fin) or 'en cours'}",
        "heures": f"{fr_hours(row.heures)} / {fr_hours(row.heures_prevues) or '?'}",
        "emargement": f"{row.seances_emargees}/{row.seances}",
        "phases": " ".join(PHASE_LETTERS[p] for p in row.phases) or "aucune",
        "synthese": (
            f"{fr_date(row.synthese_remise_le)} ({row.synthese_mode})"
            if row.synthese_remise_le
            else "non remise"
        ),
        "suivi": _suivi(row),
        "satisfaction": (
            f"fin : {fr_date(row.satisfaction_a_chaud_le) or 'non'} ; "
            f"6 mois : {fr_date(row.satisfaction_a_froid_le) or 'non'}"
        ),
        "conservation": f"{state.etat.value}{limit}",
        "a_detruire": "oui" if state.a_detruire else "",
        "motif": state.motif.value,
        "problemes": f"{row.erreurs} E / {row.avertissements} A",
    }


def _suivi(row: AuditRow) -> str:
    if row.suivi_realise_le:
        return f"réalisé le {fr_date(row.suivi_realise_le)}"
    if row.suivi_propose:
        return f"prévu le {fr_date(row.suivi_prevu_le)}"
    return "non proposé" if row.suivi_propose is False else ""


def total_items(report: AuditReport) -> list[tuple[str, str]]:
    """The totals, labelled in French."""
    t = report.totals
    items = [
        ("Dossiers", str(t.dossiers)),
        ("En cours / terminés", f"{t.en_cours} / {t.termines}"),
        ("Heures réalisées", fr_hours(t.heures)),
        ("Séances émargées", f"{t.seances_emargees} / {t.seances}"),
        ("Synthèses remises", str(t.syntheses_remises)),
        ("Suivis proposés / réalisés", f"{t.suivis_proposes} / {t.suivis_realises}"),
        ("Satisfaction en fin de bilan", str(t.satisfaction_a_chaud)),
        ("Satisfaction à six mois", str(t.satisfaction_a_froid)),
        ("Conservés (R6313-7)", str(t.conserves)),
        ("À détruire", str(t.a_detruire)),
        ("Détruits (registre)", str(t.detruits)),
        ("Erreurs / avertissements", f"{t.erreurs} / {t.avertissements}"),
    ]
    items += [(f"Financement : {mode}", str(count)) for mode, count in t.par_financement]
    return items


def title_of(report: AuditReport) -> str:
    """``Rapport d'audit 2026 — Cap Parcours Conseil``."""
    year = f" {report.annee}" if report.annee else ""
    org = f" — {report.organisme.raison_sociale}" if report.organisme.raison_sociale else ""
    return f"Rapport d'audit{year}{org}"


def render_audit_html(report: AuditReport) -> str:
    """One self-contained HTML page."""
    template = TEMPLATES.get_template("audit.html")
    return template.render(
        title=title_of(report),
        generated=fr_date(report.genere_le),
        organisme=report.organisme,
        rows=[display_row(r) for r in report.rows],
        totals=total_items(report),
        exceptions=report.exceptions,
        destructions=report.destructions,
    )


def _csv_row(row: AuditRow, codes: list[str]) -> list[str]:
    state = row.conservation
    values: list[object] = [
        row.dossier_id,
        row.financement,
        row.date_debut,
        row.date_fin,
        row.heures_prevues,
        row.heures,
        row.seances,
        row.seances_emargees,
        " ".join(p.value for p in row.phases),
        row.synthese_remise_le,
        row.synthese_mode,
        _yes_no(row.suivi_propose),
        row.suivi_prevu_le,
        row.suivi_realise_le,
        row.satisfaction_a_chaud_le,
        row.satisfaction_a_froid_le,
        state.etat.value,
        state.motif.value,
        state.limite,
        row.erreurs,
        row.avertissements,
        " ; ".join(codes),
    ]
    return ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in values]


def render_audit_csv(report: AuditReport) -> str:
    """One line per dossier; ``exceptions`` lists the codes of its problems."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        codes = [e.code for e in report.exceptions if e.dossier_id == row.dossier_id]
        writer.writerow(_csv_row(row, codes))
    return buffer.getvalue()


def format_audit_text(report: AuditReport) -> str:
    """A short text summary for the terminal."""
    lines = [f"{title_of(report)} (au {fr_date(report.genere_le)})", ""]
    for row in report.rows:
        cells = display_row(row)
        lines.append(
            f"{cells['dossier']}  {cells['financement'] or '?'}  {cells['periode']}  "
            f"{cells['heures']}  phases {cells['phases']}  synthèse {cells['synthese']}  "
            f"{cells['conservation']}"
        )
    lines += ["", *(f"{label} : {value}" for label, value in total_items(report))]
    if report.exceptions:
        lines += ["", "Exceptions :"]
        lines += [f"  {e.where}: {e.severity}: {e.message} [{e.code}]" for e in report.exceptions]
    return "\n".join(lines) + "\n"
