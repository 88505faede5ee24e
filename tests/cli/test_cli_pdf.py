"""``bilan pdf``: exact output lines, exit codes and the files written (real WeasyPrint).

The PDFs themselves are read back in ``tests/integration/test_pdf.py``; here only their
existence and first bytes matter.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from helpers import BASE_ID, Project, invoke_cli

from bilan_gen.cli import main

MKDOCS_YML = """\
site_name: Bilans
docs_dir: content
plugins:
  - bilan:
      organisme:
        raison_sociale: Cap Parcours Conseil
        siret: "73282932000074"
        nda: "11755555575"
"""
PHASE_FILES = ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md", "synthese.md")


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The base project with its mkdocs.yml, as the working directory."""
    (project.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(project.root)
    return project


def add_dossier(project: Project, ident: str) -> None:
    """A valid copy of the base dossier under another id."""
    project.copy_base(ident)
    for name in PHASE_FILES:
        project.replace(name, f'dossier: "{BASE_ID}"', f'dossier: "{ident}"', ident)


def line_of(project: Project, name: str, text: str, ident: str = BASE_ID) -> int:
    """The line of ``name`` that starts with ``text`` (diagnostics name it)."""
    lines = project.read(name, ident).splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))


def run(*args: str) -> Result:
    result = invoke_cli(["pdf", *args])
    return result


def pdfs(project: Project, folder: str = "impressions") -> list[str]:
    directory = project.root / folder
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def test_one_dossier(here: Project) -> None:
    result = run(BASE_ID)
    assert (result.exit_code, result.stdout) == (0, "1 PDF écrit dans impressions/.\n")
    assert pdfs(here) == ["2026-001-synthese.pdf"]
    assert (here.root / "impressions" / "2026-001-synthese.pdf").read_bytes().startswith(b"%PDF-")


def test_a_batch_with_an_invalid_dossier_still_writes_the_valid_ones(here: Project) -> None:
    add_dossier(here, "2026-002")
    add_dossier(here, "2026-003")
    here.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25", "2026-002")

    result = run("2026-001", "2026-002", "2026-003")

    assert result.exit_code == 1
    line = line_of(here, "dossier.yml", "duree_prevue_h", "2026-002")
    assert result.stdout.splitlines() == [
        f"dossiers/2026-002/dossier.yml:{line}: erreur: durée prévue 25 h : 24 h au plus "
        "(L6313-4) [duree-depassee]",
        "2 PDF écrits dans impressions/ ; 1 dossier non imprimé.",
    ]
    assert pdfs(here) == ["2026-001-synthese.pdf", "2026-003-synthese.pdf"]


def test_a_draft_synthese_named_explicitly_is_an_error(here: Project) -> None:
    here.replace("synthese.md", "statut: finalise", "statut: brouillon")
    result = run(BASE_ID)
    assert result.exit_code == 1
    line = line_of(here, "synthese.md", "statut:")
    assert result.stdout.splitlines() == [
        f"dossiers/2026-001/synthese.md:{line}: erreur: synthèse en brouillon : passez-la en "
        "« statut: finalise » pour l'imprimer [synthese-non-finalisee]",
        "Aucun PDF écrit ; 1 dossier non imprimé.",
    ]
    assert pdfs(here) == []


def test_all_skips_dossiers_in_progress_but_refuses_invalid_ones(here: Project) -> None:
    add_dossier(here, "2026-002")
    add_dossier(here, "2026-003")
    here.replace("synthese.md", "statut: finalise", "statut: brouillon", "2026-002")
    here.replace("synthese.md", "mode_remise: espace_prive", "mode_remise: courriel", "2026-003")

    result = run("--all", "-o", "sortie", "--complet")

    assert result.exit_code == 1
    statut = line_of(here, "synthese.md", "statut:", "2026-003")
    mode = line_of(here, "synthese.md", "mode_remise:", "2026-003")
    assert result.stdout.splitlines() == [
        f"dossiers/2026-003/synthese.md:{statut}: erreur: champ « mode_remise » absent : "
        "obligatoire quand la synthèse est finalisée [champ-manquant]",
        f"dossiers/2026-003/synthese.md:{mode}: erreur: « mode_remise » (mode de remise de la "
        "synthèse) : valeur attendue parmi en_main_propre, espace_prive, courrier (vouliez-vous "
        "dire « courrier » ?), reçu « courriel » [valeur-invalide]",
        "1 PDF écrit dans sortie/ ; 1 dossier non imprimé ; "
        "1 dossier ignoré (synthèse non finalisée).",
    ]
    assert pdfs(here, "sortie") == ["2026-001-complet.pdf"]


def test_all_on_valid_dossiers_exits_zero_and_shows_progress(here: Project) -> None:
    add_dossier(here, "2026-002")
    result = run("--all")
    assert result.exit_code == 0
    assert result.stdout == "2 PDF écrits dans impressions/.\n"
    assert result.stderr.startswith("Impression")
    assert pdfs(here) == ["2026-001-synthese.pdf", "2026-002-synthese.pdf"]


def test_existing_pdfs_are_replaced(here: Project) -> None:
    target = here.root / "impressions" / "2026-001-synthese.pdf"
    target.parent.mkdir()
    target.write_bytes(b"an old print")
    assert run(BASE_ID).exit_code == 0
    assert target.read_bytes().startswith(b"%PDF-")
    assert pdfs(here) == ["2026-001-synthese.pdf"]


def test_without_a_provider_a_warning_says_so(here: Project) -> None:
    (here.root / "mkdocs.yml").write_text("site_name: Bilans\n", encoding="utf-8")
    result = run(BASE_ID)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "avertissement : organisme non renseigné (section « bilan » de mkdocs.yml) : "
        "les PDF ne nomment pas le prestataire"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Erreur : indiquez des identifiants de dossiers, ou --all (pas les deux)"),
        (
            (BASE_ID, "--all"),
            "Erreur : indiquez des identifiants de dossiers, ou --all (pas les deux)",
        ),
        (
            ("2026-999",),
            "Erreur : Valeur invalide pour ID : dossier(s) introuvable(s) : 2026-999",
        ),
        (
            (BASE_ID, "-o", "content/pdf"),
            "Erreur : Valeur invalide pour -o : « content/pdf » est dans content/ : les PDF "
            "contiennent des données personnelles et ne doivent jamais être publiés",
        ),
        (
            (BASE_ID, "-o", "site"),
            "Erreur : Valeur invalide pour -o : « site » est dans site/ : les PDF contiennent "
            "des données personnelles et ne doivent jamais être publiés",
        ),
        (
            (BASE_ID, "-o", "dossiers/2026-001/pdf"),
            "Erreur : Valeur invalide pour -o : « dossiers/2026-001/pdf » est dans dossiers/ : "
            "les PDF contiennent des données personnelles et ne doivent jamais être publiés",
        ),
    ],
)
def test_usage_errors(here: Project, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == message
    assert pdfs(here) == [] and not (here.root / "content").exists()


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["pdf", "--help"], prog_name="bilan")
    assert result.exit_code == 0
    assert "bilan pdf --all -o impressions/" in result.output
    assert "--complet" in result.output and "--pdfa" in result.output
