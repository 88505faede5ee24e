"""The audit report's core: rows, totals and exceptions on a fixed day."""

from __future__ import annotations

import datetime as dt

from helpers import Project

from bilan_gen.audit import build_audit, in_year
from bilan_gen.audit.output import display_row, render_audit_csv, render_audit_html
from bilan_gen.diagnostics import CODES
from bilan_gen.loading import load_dossier
from bilan_gen.retention import Etat

CONSERVATION = """\
conservation:
  motif: accord_suivi
  accord_ecrit_le: 2026-04-20
  jusqu_au: 2029-04-20
"""


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_row_of_the_base_dossier(project: Project) -> None:
    report = build_audit(project.options, d("2026-05-01"))
    (row,) = report.rows
    assert (row.dossier_id, row.financement, row.heures, row.seances) == ("2026-001", "cpf", 15, 6)
    assert row.seances_emargees == 6 and row.synthese_remise_le == d("2026-04-20")
    assert row.conservation.etat is Etat.DELAI_DE_GRACE
    assert display_row(row)["phases"] == "P I C"
    assert report.exceptions == ()
    assert report.totals.dossiers == 1 and report.totals.termines == 1


def test_six_month_survey_overdue(project: Project) -> None:
    assert build_audit(project.options, d("2026-11-19")).exceptions == ()
    (late,) = build_audit(project.options, d("2026-11-20")).exceptions
    assert (late.where, late.severity, late.code) == (
        "dossiers/2026-001/dossier.yml:31",
        "avertissement",
        "satisfaction-manquante",
    )
    assert late.message == (
        "enquête de satisfaction à six mois attendue vers le 20/10/2026, non enregistrée "
        "(« satisfaction.a_froid_le », Qualiopi indicateur 30)"
    )
    project.append("dossier.yml", "  a_froid_le: 2026-10-20\n")
    assert build_audit(project.options, d("2026-11-20")).exceptions == ()


def test_dossier_to_destroy(project: Project) -> None:
    project.replace("dossier.yml", CONSERVATION, "")
    report = build_audit(project.options, d("2026-05-21"))
    assert [e.code for e in report.exceptions] == ["dossier-a-detruire"]
    assert report.totals.a_detruire == 1 and report.totals.conserves == 0
    assert "à détruire" in render_audit_html(report)
    assert ",à détruire,aucun,2026-05-20," in render_audit_csv(report)


def test_content_is_never_quoted(project: Project) -> None:
    project.replace("synthese.md", "## Plan d'action", "## Étapes envisagées")
    (exception,) = build_audit(project.options, d("2026-05-01")).exceptions
    assert exception.code == "section-manquante"
    assert exception.message == CODES["section-manquante"]


def test_in_year(project: Project) -> None:
    dossier = load_dossier(project.folder())[0]
    today = d("2030-01-01")
    assert [in_year(dossier, year, today) for year in (2025, 2026, 2027)] == [False, True, False]
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    running = load_dossier(project.folder())[0]
    assert in_year(running, 2027, d("2027-02-01")) and not in_year(running, 2027, d("2026-12-31"))
