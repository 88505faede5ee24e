"""``bilan new``: scaffolds a dossier that passes ``bilan check``, never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli as run

CREATED = "Complétez dossier.yml puis chaque phase ; « bilan check » dit ce qui manque."
SCHEMA_HINT = "Pour que l'éditeur complète et vérifie les champs : « bilan schema »."


def test_creates_a_complete_draft_dossier(here: Path) -> None:
    assert run("new", "2026-042", "--consultant", "Claire Mercier") == (
        0,
        f"Dossier créé : dossiers/2026-042\n{CREATED}\n{SCHEMA_HINT}\n",
    )
    folder = here / "dossiers" / "2026-042"
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-preliminaire.md",
        "02-investigation.md",
        "03-conclusions.md",
        "annexes",
        "dossier.yml",
        "notes",
        "synthese.md",
    ]
    synthese = (folder / "synthese.md").read_text(encoding="utf-8")
    assert synthese.startswith(
        "---\n# yaml-language-server: $schema=../../schemas/synthese.schema.json\n"
        "dossier: 2026-042\nphase: synthese\nconsultant: Claire"
    )
    assert "statut: brouillon" in synthese
    assert "\n## Plan d'action\n" in synthese
    assert not list(here.glob("dossiers/.*")), "no temporary folder left behind"


@pytest.mark.parametrize(
    ("dossier_id", "consultant"),
    [
        ("2026-042", "Claire Mercier"),
        ("123", "À compléter"),
        ("yes", "Mercier: Claire"),
        ("null", "O'Brien #2"),
        ("0x1f", "true"),
        ("2026-01-15", "- Claire"),
    ],
)
def test_scaffold_passes_check(here: Path, dossier_id: str, consultant: str) -> None:
    assert run("new", dossier_id, "--consultant", consultant)[0] == 0
    code, output = run("check")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[-1].startswith("0 erreur, ") and lines[-1].endswith("; 1 dossier vérifié.")
    assert all(": avertissement: " in line for line in lines[:-1])


def test_default_consultant(here: Path) -> None:
    assert run("new", "2026-042")[0] == 0
    text = (here / "dossiers/2026-042/dossier.yml").read_text(encoding="utf-8")
    assert "consultants:\n  - À compléter\n" in text
    assert run("check")[0] == 0


def test_refuses_an_existing_folder(here: Path) -> None:
    assert run("new", "2026-042")[0] == 0
    yml = here / "dossiers/2026-042/dossier.yml"
    yml.write_text("modifié\n", encoding="utf-8")
    assert run("new", "2026-042") == (
        1,
        "Erreur : le dossier « 2026-042 » existe déjà : rien n'a été modifié\n",
    )
    assert yml.read_text(encoding="utf-8") == "modifié\n"


def test_refuses_a_folder_differing_only_in_case(here: Path) -> None:
    (here / "dossiers" / "Bilan-7").mkdir(parents=True)
    assert run("new", "bilan-7")[0] == 1
    assert not (here / "dossiers" / "bilan-7").exists()


@pytest.mark.parametrize("dossier_id", ["AB", "2026_042", "Dupont-2026", "a b c", "a" * 42, "é-12"])
def test_refuses_an_invalid_id(here: Path, dossier_id: str) -> None:
    code, output = run("new", dossier_id)
    assert code == 2
    assert output.splitlines() == [
        "Utilisation : bilan new [OPTIONS] ID",
        "Essayez « bilan new --help » pour l'aide.",
        "",
        f"Erreur : Valeur invalide pour ID : identifiant invalide « {dossier_id} » : 3 à 41 "
        "caractères, minuscules, chiffres et tirets, sans le nom du bénéficiaire (ex. 2026-014)",
    ]
    assert not (here / "dossiers").exists()


def test_refuses_an_empty_consultant(here: Path) -> None:
    assert run("new", "2026-042", "--consultant", " ") == (
        1,
        "Erreur : nom du consultant vide : indiquez-le avec --consultant\n",
    )


def test_uses_the_dossiers_dir_of_mkdocs_yml(here: Path) -> None:
    (here / "mkdocs.yml").write_text("plugins:\n  - bilan:\n      dossiers_dir: bilans\n")
    assert run("new", "2026-042")[1].startswith("Dossier créé : bilans/2026-042\n")
    code, output = run("check")
    assert code == 0
    assert output.splitlines()[-1].endswith("; 1 dossier vérifié.")
    assert all(line.startswith("bilans/2026-042/") for line in output.splitlines()[:-1])
