"""The status board: rows from checked dossiers, text fitting 100 columns, CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from helpers import NOM, PRENOM, Project

from bilan_gen.retention import Etat
from bilan_gen.status import (
    BOARD_PHASES,
    WIDTH,
    PhaseState,
    StatusRow,
    Tone,
    csv_header,
    format_csv,
    format_json,
    format_table,
    status_row,
    status_rows,
)
from bilan_gen.validation import check_project

TODAY = dt.date(2026, 5, 4)
"""Within the grace period of the base dossier (it ended on 2026-04-20)."""


def rows(project: Project, today: dt.date = TODAY, **kwargs: object) -> list[StatusRow]:
    checked, _ = check_project(project.options)
    return status_rows(checked, project.options, today, **kwargs)  # type: ignore[arg-type]


def without_conservation(project: Project, ident: str = "2026-001") -> None:
    """Drop the ``conservation`` group of ``dossier.yml`` (if any): nothing is kept."""
    lines = project.read("dossier.yml", ident).splitlines(keepends=True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith("conservation:"):
            skipping = True
        elif skipping and not line.startswith(" "):
            skipping = False
        if not skipping:
            kept.append(line)
    project.write("dossier.yml", "".join(kept), ident)


def make_draft(project: Project, ident: str = "2026-002") -> None:
    """A second dossier: preliminary finalised, investigation in draft, nothing after."""
    project.copy_base(ident)
    for name in ("01-preliminaire.md", "02-investigation.md"):
        project.replace(name, 'dossier: "2026-001"', f'dossier: "{ident}"', ident)
    project.delete("synthese.md", ident)
    project.delete("03-conclusions.md", ident)
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon", ident)
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "", ident)
    project.replace(
        "dossier.yml", "  propose: true\n  date_prevue: 2026-10-20\n", "  propose: false\n", ident
    )


def test_a_complete_dossier(project: Project) -> None:
    checked = project.check()
    assert status_row(checked, project.options, TODAY) == StatusRow(
        dossier_id="2026-001",
        consultants=("Claire Mercier",),
        phases=tuple((p, PhaseState.FINALISE) for p in BOARD_PHASES),
        heures=15.0,
        heures_max=24.0,
        derniere_seance=dt.date(2026, 4, 20),
        synthese_remise_le=dt.date(2026, 4, 20),
        suivi_propose=True,
        suivi_date=dt.date(2026, 10, 20),
        etat=Etat.DELAI_DE_GRACE,
        erreurs=0,
        avertissements=0,
        beneficiaire=None,
    )


def test_names_only_when_asked(project: Project) -> None:
    assert status_row(project.check(), project.options, TODAY).beneficiaire is None
    named = status_row(project.check(), project.options, TODAY, noms=True)
    assert named.beneficiaire == f"{PRENOM} {NOM}"


def test_a_draft_dossier(project: Project) -> None:
    make_draft(project)
    row = rows(project)[1]
    states = [state for _, state in row.phases]
    assert states == [
        PhaseState.FINALISE,
        PhaseState.BROUILLON,
        PhaseState.ABSENT,
        PhaseState.ABSENT,
    ]
    assert (row.heures, row.derniere_seance) == (11.0, dt.date(2026, 3, 23))
    assert (row.synthese_remise_le, row.suivi_propose, row.suivi_date) == (None, False, None)


def test_a_draft_synthese_is_not_delivered(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    assert rows(project)[0].synthese_remise_le is None


def test_errors_and_warnings_are_counted(project: Project) -> None:
    project.replace("02-investigation.md", "    modalite: distanciel", "    modalite: visio")
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 20\nlieu: Paris")
    row = rows(project)[0]
    assert (row.erreurs, row.avertissements) == (1, 1)


def test_filter_by_consultant_ignores_case_and_accents(project: Project) -> None:
    make_draft(project)
    project.replace("dossier.yml", "  - Claire Mercier", "  - Hélène Castagné", "2026-002")
    assert [r.dossier_id for r in rows(project, consultant="helene castagne")] == ["2026-002"]
    assert [r.dossier_id for r in rows(project, consultant="Claire Mercier")] == ["2026-001"]
    assert rows(project, consultant="Personne") == []


TABLE = """\
Dossier   Consultant      P I C S  Heures  Séance    Remise    Suivi     État      Err.  Avert.
2026-001  Claire Mercier  F F F F   15/24  20/04/26  20/04/26  20/10/26  grâce        0       0
2026-002  Claire Mercier  F B - -   11/24  23/03/26  non       non       en cours     0       0

P I C S : préliminaire, investigation, conclusions, synthèse ; F finalisé, B brouillon, - absent.
Heures : séances / maximum ; Séance : la dernière ; Remise : de la synthèse ; Suivi : date prévue.
État : en cours, grâce (le temps d'imprimer), conservé, à détruire (bilan purge).
2 dossiers dont 1 avec la synthèse remise ; 0 erreur, 0 avertissement.
"""


def test_table(project: Project) -> None:
    make_draft(project)
    assert format_table(rows(project)) == TABLE


def test_table_with_names(project: Project) -> None:
    lines = format_table(rows(project, noms=True), noms=True).splitlines()
    # 100 columns: one space between columns, and the name gives way (the CSV and JSON
    # formats keep it whole).
    assert lines[0].split() == [
        "Dossier", "Bénéficiaire", "Consultant", "P", "I", "C", "S", "Heures", "Séance",
        "Remise", "Suivi", "État", "Err.", "Avert.",
    ]  # fmt: skip
    assert lines[1].startswith(f"2026-001 {PRENOM} Qu")
    assert max(len(line) for line in lines) <= WIDTH


def test_table_fits_100_columns_with_long_names(project: Project) -> None:
    long_name = "Marie-Christine de La Tour d'Auvergne-Lauraguais"
    project.replace("dossier.yml", "  - Claire Mercier", f"  - Claire Mercier\n  - {long_name}")
    project.replace("dossier.yml", f"  nom: {NOM}", f"  nom: {NOM}-{long_name}")
    for noms in (False, True):
        text = format_table(rows(project, noms=noms), noms=noms)
        assert max(len(line) for line in text.splitlines()) <= WIDTH
        assert "2026-001 " in text and "Claire Mer" in text and "…" in text


def test_hours_over_the_limit_are_flagged(project: Project) -> None:
    extra = "".join(
        f"  - date: 2026-03-{24 + day}\n    duree_h: 2\n    type: entretien_individuel\n"
        "    modalite: presentiel\n"
        for day in range(5)
    )
    last = "    type: atelier_collectif\n    modalite: presentiel\n"
    project.replace("02-investigation.md", last, last + extra)
    row = rows(project)[0]
    assert (row.heures, row.erreurs) == (25.0, 1)  # duree-depassee
    styled = format_table([row], style=lambda text, tone: f"<{tone.value}>{text}</>")
    assert "<bad>25/24</>" in styled and "<bad>1</>" in styled


def test_style_colours_each_word_and_keeps_alignment(project: Project) -> None:
    make_draft(project)
    styled = format_table(rows(project), style=lambda text, tone: f"<{tone.value}>{text}</>")
    line = styled.splitlines()[2]
    assert "<ok>F</> <todo>B</> <dim>-</> <dim>-</>" in line
    assert "<dim>non</>" in line
    plain = line
    for tone in Tone:
        plain = plain.replace(f"<{tone.value}>", "").replace("</>", "")
    assert plain == TABLE.splitlines()[2]


def test_csv(project: Project) -> None:
    make_draft(project)
    parsed = list(csv.reader(io.StringIO(format_csv(rows(project)))))
    assert parsed[0] == csv_header() == [
        "dossier", "consultants", "preliminaire", "investigation", "conclusions", "synthese",
        "heures", "heures_max", "derniere_seance", "synthese_remise", "synthese_remise_le",
        "suivi_propose", "suivi_date", "etat", "erreurs", "avertissements",
    ]  # fmt: skip
    assert parsed[1:] == [
        ["2026-001", "Claire Mercier", "finalise", "finalise", "finalise", "finalise",
         "15.0", "24.0", "2026-04-20", "oui", "2026-04-20", "oui", "2026-10-20",
         "delai_de_grace", "0", "0"],
        ["2026-002", "Claire Mercier", "finalise", "brouillon", "absent", "absent",
         "11.0", "24.0", "2026-03-23", "non", "", "non", "", "en_cours", "0", "0"],
    ]  # fmt: skip


def test_json(project: Project) -> None:
    data = json.loads(format_json(rows(project)))
    assert data == [
        {
            "dossier": "2026-001",
            "consultants": ["Claire Mercier"],
            "phases": {
                "preliminaire": "finalise",
                "investigation": "finalise",
                "conclusions": "finalise",
                "synthese": "finalise",
            },
            "heures": 15.0,
            "heures_max": 24.0,
            "derniere_seance": "2026-04-20",
            "synthese_remise": True,
            "synthese_remise_le": "2026-04-20",
            "suivi_propose": True,
            "suivi_date": "2026-10-20",
            "etat": "delai_de_grace",
            "erreurs": 0,
            "avertissements": 0,
        }
    ]


@pytest.mark.parametrize("noms", [False, True])
def test_names_appear_only_with_noms(project: Project, noms: bool) -> None:
    board = rows(project, noms=noms)
    assert (PRENOM in format_table(board, noms)) is noms
    for text in (format_csv(board, noms), format_json(board, noms)):
        assert (f"{PRENOM} {NOM}" in text) is noms
    # Even a row that carries a name does not show it unless asked.
    named = rows(project, noms=True)
    for text in (format_table(named), format_csv(named), format_json(named)):
        assert NOM not in text and PRENOM not in text


@pytest.mark.parametrize(
    ("today", "etat", "shown"),
    [
        (dt.date(2026, 4, 1), Etat.DELAI_DE_GRACE, "grâce"),  # date_fin is written already
        (dt.date(2026, 5, 20), Etat.DELAI_DE_GRACE, "grâce"),
        (dt.date(2026, 5, 21), Etat.A_DETRUIRE, "à détruire"),
    ],
)
def test_the_state_follows_the_retention_rules(
    project: Project, today: dt.date, etat: Etat, shown: str
) -> None:
    without_conservation(project)
    (row,) = rows(project, today=today)
    assert row.etat is etat
    assert shown in format_table([row]).splitlines()[1]


def test_a_kept_dossier_and_one_to_destroy(project: Project) -> None:
    without_conservation(project)
    project.copy_base("2026-002")
    project.append(
        "dossier.yml",
        "conservation:\n  motif: accord_suivi\n  accord_ecrit_le: 2026-04-20\n"
        "  jusqu_au: 2027-04-20\n",
        "2026-002",
    )
    board = rows(project, today=dt.date(2026, 9, 1))
    assert [r.etat for r in board] == [Etat.A_DETRUIRE, Etat.CONSERVE]
    text = format_table(board, style=lambda text, tone: f"<{tone.value}>{text}</>")
    assert "<bad>à détruire</>" in text and "<dim>conservé</>" in text
    last = text.splitlines()[-1]
    assert last.startswith("2 dossiers dont 2 avec la synthèse remise, 1 à détruire ;")
