"""Quality evidence (Qualiopi): warnings when attendance, ethics information, objectives or
satisfaction are not recorded. Judged from the files alone, never from today's date.
"""

from __future__ import annotations

from helpers import Project, suivi_text

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
PRELIM = "dossiers/2026-001/01-preliminaire.md"
INVESTIGATION = "dossiers/2026-001/02-investigation.md"


def test_the_base_dossier_has_all_its_evidence(project: Project) -> None:
    assert project.diagnostics() == []


def test_session_without_attendance_proof(project: Project) -> None:
    project.replace("02-investigation.md", "    emargement: releve_connexion\n", "")
    assert project.lines() == [
        f"{INVESTIGATION}:12: avertissement: séance du 16/03/2026 sans « emargement » : preuve "
        "de présence attendue (Qualiopi, indicateur 10) [emargement-manquant]",
    ]


def test_sessions_without_attendance_proof_get_one_warning(project: Project) -> None:
    for name in ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md"):
        text = project.read(name)
        kept = [row for row in text.splitlines(True) if "emargement:" not in row]
        project.write(name, "".join(kept))
    (line,) = project.lines()
    assert line == (
        f"{PRELIM}:7: avertissement: 6 séances (02/03/2026, 09/03/2026, 16/03/2026, "
        "23/03/2026, 13/04/2026, 20/04/2026) sans « emargement » : preuve de présence attendue "
        "(Qualiopi, indicateur 10) [emargement-manquant]"
    )


def test_attendance_is_not_asked_of_a_draft(project: Project) -> None:
    project.replace("02-investigation.md", "    emargement: releve_connexion\n", "")
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon")
    assert "emargement-manquant" not in [d.code for d in project.diagnostics()]


def test_attendance_proof_values(project: Project) -> None:
    project.replace("02-investigation.md", "emargement: releve_connexion", "emargement: visio")
    # An invalid proof is no proof: both are reported, on the session's lines.
    assert [d.code for d in project.diagnostics()] == ["emargement-manquant", "valeur-invalide"]


def test_ethics_information_missing(project: Project) -> None:
    project.replace("dossier.yml", "  information_ethique_le: 2026-03-02\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:7: avertissement: « consentement.information_ethique_le » absent : date "
        "de l'information du bénéficiaire sur les règles (consentement, confidentialité, "
        "destruction), Qualiopi indicateur 9 [information-ethique-manquante]",
    ]


def test_ethics_information_on_the_first_day_or_before(project: Project) -> None:
    project.replace(
        "dossier.yml", "information_ethique_le: 2026-03-02", "information_ethique_le: 2026-03-03"
    )
    assert project.lines() == [
        f"{DOSSIER_YML}:10: avertissement: information sur les règles le 03/03/2026, après la "
        "première séance (02/03/2026) : elle la précède (Qualiopi, indicateur 9) "
        "[information-ethique-tardive]",
    ]


def test_no_session_no_ethics_warning(project: Project) -> None:
    project.replace("dossier.yml", "  information_ethique_le: 2026-03-02\n", "")
    for name in ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md", "synthese.md"):
        project.delete(name)
    assert "information-ethique-manquante" not in [d.code for d in project.diagnostics()]


def test_objectives_missing(project: Project) -> None:
    project.replace("01-preliminaire.md", "objectifs_fixes_le: 2026-03-02\n", "")
    assert project.lines() == [
        f"{PRELIM}:5: avertissement: « objectifs_fixes_le » absent : date à laquelle les "
        "objectifs du bilan ont été définis avec le bénéficiaire (Qualiopi, indicateur 4) "
        "[objectifs-manquants]",
    ]


def test_objectives_set_during_the_investigation(project: Project) -> None:
    project.replace(
        "01-preliminaire.md", "objectifs_fixes_le: 2026-03-02", "objectifs_fixes_le: 2026-03-09"
    )
    assert project.diagnostics() == []  # the first investigation day still counts
    project.replace(
        "01-preliminaire.md", "objectifs_fixes_le: 2026-03-09", "objectifs_fixes_le: 2026-03-10"
    )
    assert project.lines() == [
        f"{PRELIM}:12: avertissement: objectifs définis le 10/03/2026, après le début de la "
        "phase d'investigation (09/03/2026) : ils le sont pendant la phase préliminaire "
        "[objectifs-tardifs]",
    ]


def test_objectives_only_in_the_preliminary_phase(project: Project) -> None:
    project.replace(
        "02-investigation.md",
        "statut: finalise\n",
        "statut: finalise\nobjectifs_fixes_le: 2026-03-02\n",
    )
    assert [d.code for d in project.diagnostics()] == ["champ-inconnu"]


def test_end_of_bilan_satisfaction(project: Project) -> None:
    project.replace("dossier.yml", "satisfaction:\n  a_chaud_le: 2026-04-20\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:1: avertissement: « satisfaction.a_chaud_le » absent : enquête de "
        "satisfaction de fin de bilan attendue (synthèse finalisée ; Qualiopi, indicateur 30) "
        "[satisfaction-manquante]",
    ]


def test_six_month_satisfaction_with_the_follow_up(project: Project) -> None:
    project.write("04-suivi.md", suivi_text(statut="brouillon"))
    assert project.diagnostics() == []
    project.write("04-suivi.md", suivi_text(statut="finalise"))
    assert project.lines() == [
        f"{DOSSIER_YML}:31: avertissement: « satisfaction.a_froid_le » absent : enquête de "
        "satisfaction à six mois attendue (entretien de suivi finalisé ; Qualiopi, indicateur "
        "30) [satisfaction-manquante]",
    ]
    project.append("dossier.yml", "  a_froid_le: 2026-10-20\n")
    assert project.diagnostics() == []
