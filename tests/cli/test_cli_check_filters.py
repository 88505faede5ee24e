"""``bilan check --code``, ``--severity`` and ``--summary``: what is shown changes, the exit
status never does; the summary has the build log's shape."""

from __future__ import annotations

import pytest
from helpers import Project
from helpers import run_cli as run

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
IDS = ("2026-001", "2026-002", "2026-003", "2026-004", "2026-005", "2026-006")
DURATION_ERROR = (
    f"{DOSSIER_YML}:21: erreur: durée prévue 25 h : 24 h au plus (L6313-4) [duree-depassee]"
)


def without_evidence(project: Project, ident: str) -> None:
    """No attendance proof and no satisfaction date: two warnings, the same ids."""
    for path in project.folder(ident).iterdir():
        text = path.read_text(encoding="utf-8").replace('"2026-001"', f'"{ident}"')
        rows = [r for r in text.splitlines(True) if "emargement:" not in r]
        path.write_text("".join(rows).replace("  a_chaud_le: 2026-04-20\n", ""), encoding="utf-8")


@pytest.fixture
def office(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Six dossiers lacking their evidence (12 warnings), the first with an error too."""
    for ident in IDS[1:]:
        project.copy_base(ident)
    for ident in IDS:
        without_evidence(project, ident)
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25")
    monkeypatch.chdir(project.root)
    return project


def test_the_office_has_one_error_and_many_warnings(office: Project) -> None:
    code, output = run("check")
    assert code == 1 and len(output.splitlines()) == 14
    assert output.splitlines()[-1] == "1 erreur, 12 avertissements ; 6 dossiers vérifiés."


def test_code_filter(office: Project) -> None:
    code, output = run("check", "--code", "satisfaction-manquante")
    lines = output.splitlines()
    assert code == 1  # the error is not shown, and still fails the check
    assert len(lines) == 7 and all(line.endswith("[satisfaction-manquante]") for line in lines[:6])
    assert lines[-1] == "1 erreur, 12 avertissements ; 6 dossiers vérifiés (6 affiché(s))."
    code, output = run("check", "--code", "satisfaction-manquante", "--code", "duree-depassee")
    assert code == 1 and len(output.splitlines()) == 8


def test_severity_filter(office: Project) -> None:
    code, output = run("check", "--severity", "erreur")
    assert (code, output.splitlines()) == (
        1,
        [DURATION_ERROR, "1 erreur, 12 avertissements ; 6 dossiers vérifiés (1 affiché(s))."],
    )
    code, output = run("check", "--severity", "avertissement", "--format", "json")
    assert code == 1 and output.count('"severity": "avertissement"') == 12


def test_filters_never_change_the_exit_status(office: Project) -> None:
    office.replace("dossier.yml", "duree_prevue_h: 25", "duree_prevue_h: 20")
    assert run("check", "--severity", "erreur")[0] == 0
    assert run("check", "--strict", "--severity", "erreur")[0] == 1


def test_an_unknown_code_is_a_usage_error(office: Project) -> None:
    code, output = run("check", "--code", "satisfaction-manquant")
    assert code == 2
    assert (
        "code inconnu « satisfaction-manquant » (vouliez-vous dire « satisfaction-manquante » ?)"
        in output
    )


def test_summary(office: Project) -> None:
    code, output = run("check", "--summary")
    assert (code, output.splitlines()) == (
        1,
        [
            DURATION_ERROR,
            "12 avertissements dans 6 dossiers, par code (bilan check les affiche tous) :",
            "  emargement-manquant : 6 dans 6 dossiers, dont 2026-001, 2026-002, 2026-003… ; "
            "liste : bilan check --code emargement-manquant",
            "  satisfaction-manquante : 6 dans 6 dossiers, dont 2026-001, 2026-002, "
            "2026-003… ; liste : bilan check --code satisfaction-manquante",
            "1 erreur, 12 avertissements ; 6 dossiers vérifiés.",
        ],
    )


def test_a_handful_of_warnings_is_shown_in_full(project: Project, monkeypatch) -> None:
    without_evidence(project, "2026-001")
    monkeypatch.chdir(project.root)
    assert run("check", "--summary") == run("check")
