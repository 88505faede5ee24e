"""``bilan check``: exact output lines and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import EMAIL, NOM, PRENOM, Project
from helpers import run_cli as run

from bilan_gen.cli import main

SYNTHESE = "dossiers/2026-001/synthese.md"
DOSSIER_YML = "dossiers/2026-001/dossier.yml"


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The base project, as the working directory."""
    monkeypatch.chdir(project.root)
    return project


def _break(project: Project) -> None:
    """Two errors and a warning."""
    project.replace("synthese.md", "mode_remise: espace_prive", "mode_remise: courriel")
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25")
    project.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")


def test_clean_project(here: Project) -> None:
    assert run("check") == (0, "Aucun problème : 1 dossier vérifié.\n")


def test_errors_and_summary(here: Project) -> None:
    _break(here)
    code, output = run("check")
    assert code == 1
    assert output.splitlines() == [
        f"{DOSSIER_YML}:21: erreur: durée prévue 25 h : 24 h au plus (L6313-4) [duree-depassee]",
        f"{SYNTHESE}:5: erreur: champ « mode_remise » absent : obligatoire quand la synthèse "
        "est finalisée [champ-manquant]",
        f"{SYNTHESE}:6: avertissement: champ inconnu « remis_le » (vouliez-vous dire "
        "« remise_le » ?) [champ-inconnu]",
        f"{SYNTHESE}:9: erreur: « mode_remise » (mode de remise de la synthèse) : valeur "
        "attendue parmi en_main_propre, espace_prive, courrier (vouliez-vous dire "
        "« courrier » ?), reçu « courriel » [valeur-invalide]",
        "3 erreurs, 1 avertissement ; 1 dossier vérifié.",
    ]


def test_warnings_pass_unless_strict(here: Project) -> None:
    here.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")
    expected = (
        f"{SYNTHESE}:6: avertissement: champ inconnu « remis_le » (vouliez-vous dire "
        "« remise_le » ?) [champ-inconnu]\n"
        "0 erreur, 1 avertissement ; 1 dossier vérifié.\n"
    )
    assert run("check") == (0, expected)
    assert run("check", "--strict") == (1, expected)


def test_json_output(here: Project) -> None:
    _break(here)
    result = CliRunner().invoke(main, ["check", "--format", "json"], prog_name="bilan")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "path": DOSSIER_YML,
        "line": 21,
        "severity": "erreur",
        "code": "duree-depassee",
        "message": "durée prévue 25 h : 24 h au plus (L6313-4)",
    }
    assert [(r["code"], r["severity"]) for r in rows] == [
        ("duree-depassee", "erreur"),
        ("champ-manquant", "erreur"),
        ("champ-inconnu", "avertissement"),
        ("valeur-invalide", "erreur"),
    ]


def test_json_output_when_clean(here: Project) -> None:
    assert run("check", "--format", "json") == (0, "[]\n")


def test_a_file_path_filters_to_that_file(here: Project) -> None:
    _break(here)
    code, output = run("check", SYNTHESE)
    assert code == 1
    assert [line.split(":")[0] for line in output.splitlines()[:-1]] == [SYNTHESE] * 3
    assert output.splitlines()[-1] == "2 erreurs, 1 avertissement ; 1 dossier vérifié."


def test_a_clean_file_of_a_broken_dossier(here: Project) -> None:
    _break(here)
    assert run("check", "dossiers/2026-001/01-preliminaire.md") == (
        0,
        "Aucun problème : 1 dossier vérifié.\n",
    )


def test_folder_paths(here: Project) -> None:
    here.copy_base("2026-002")
    here.replace("synthese.md", "statut: finalise", "statut: brouillon", ident="2026-002")
    code, output = run("check", "dossiers/2026-002", "dossiers/2026-001/")
    assert code == 1
    assert output.splitlines() == [
        "dossiers/2026-002/01-preliminaire.md:2: erreur: « dossier » vaut « 2026-001 » mais le "
        "dossier s'appelle « 2026-002 » [dossier-incoherent]",
        "dossiers/2026-002/02-investigation.md:2: erreur: « dossier » vaut « 2026-001 » mais le "
        "dossier s'appelle « 2026-002 » [dossier-incoherent]",
        "dossiers/2026-002/03-conclusions.md:2: erreur: « dossier » vaut « 2026-001 » mais le "
        "dossier s'appelle « 2026-002 » [dossier-incoherent]",
        "dossiers/2026-002/synthese.md:2: erreur: « dossier » vaut « 2026-001 » mais le "
        "dossier s'appelle « 2026-002 » [dossier-incoherent]",
        "4 erreurs, 0 avertissement ; 2 dossiers vérifiés.",
    ]


@pytest.mark.parametrize("path", [".", "dossiers", "dossiers/"])
def test_project_and_dossiers_paths_check_everything(here: Project, path: str) -> None:
    (here.dossiers_dir / "perdu.md").write_text("# Perdu\n", encoding="utf-8")
    assert run("check", path) == (
        1,
        "dossiers/perdu.md: erreur: fichier hors de tout dossier : placez-le dans "
        "dossiers/<id>/ [fichier-inattendu]\n"
        "1 erreur, 0 avertissement ; 1 dossier vérifié.\n",
    )


def test_missing_path_is_a_usage_error(here: Project) -> None:
    code, output = run("check", "dossiers/2026-999")
    assert code == 2
    assert output.splitlines() == [
        "Utilisation : bilan check [OPTIONS] [PATH]...",
        "Essayez « bilan check --help » pour l'aide.",
        "",
        "Erreur : Valeur invalide pour PATH : « dossiers/2026-999 » introuvable",
    ]


def test_path_outside_any_dossier_is_a_usage_error(here: Project) -> None:
    (here.dossiers_dir / "perdu.md").write_text("# Perdu\n", encoding="utf-8")
    (here.root / "ailleurs").mkdir()
    for path in ("dossiers/perdu.md", "ailleurs"):
        code, output = run("check", path)
        assert code == 2
        assert output.splitlines()[-1] == (
            f"Erreur : Valeur invalide pour PATH : « {path} » n'est pas dans un dossier"
        )


def test_unknown_option_is_a_usage_error(here: Project) -> None:
    code, output = run("check", "--stricte")
    assert code == 2
    assert "Erreur : option inconnue « --stricte »." in output.splitlines()[-1]


def test_unknown_format_is_a_usage_error(here: Project) -> None:
    code, output = run("check", "--format", "xml")
    assert code == 2
    assert output.splitlines()[-1].startswith("Erreur : Valeur invalide pour '--format' : ")
    assert "« xml » n'est pas l'une des valeurs" in output


def test_options_come_from_mkdocs_yml(here: Project) -> None:
    (here.root / "mkdocs.yml").write_text(
        "site_name: Test\nplugins:\n  - search\n  - bilan:\n      duree_max_h: 12\n"
        "      mots_min_sectoin: 3\n",
        encoding="utf-8",
    )
    code, output = run("check")
    assert code == 1
    assert output.splitlines() == [
        "dossiers/2026-001/03-conclusions.md:7: erreur: total des séances 13 h : 12 h au plus "
        "(L6313-4) [duree-depassee]",
        "dossiers/2026-001/dossier.yml:21: erreur: durée prévue 20 h : 12 h au plus (L6313-4) "
        "[duree-depassee]",
        "mkdocs.yml:6: avertissement: champ inconnu « plugins.bilan.mots_min_sectoin » "
        "(élément 2) (vouliez-vous dire « mots_min_section » ?) [champ-inconnu]",
        "2 erreurs, 1 avertissement ; 1 dossier vérifié.",
    ]


def test_config_file_option(here: Project) -> None:
    (here.root / "autre.yml").write_text("plugins:\n  - bilan:\n      duree_max_h: oui\n")
    code, output = run("-f", "autre.yml", "check")
    assert code == 1
    assert output.splitlines()[0] == (
        "autre.yml:3: erreur: « plugins.bilan.duree_max_h » (élément 1) (durée maximale d'un "
        "bilan (heures)) : nombre d'heures attendu (ex. 1.5 pour 1 h 30), reçu « oui » "
        "[type-invalide]"
    )


def test_output_never_shows_the_identity(here: Project) -> None:
    here.replace("synthese.md", "consultant: Claire Mercier", f"consultant: {PRENOM} {NOM}")
    here.replace("dossier.yml", "preuve: contrat", f"preuve: {EMAIL}")
    for args in (["check"], ["check", "--format", "json"]):
        code, output = run(*args)
        assert code == 1
        for value in (PRENOM, NOM, EMAIL):
            assert value not in output
