"""``bilan access``: exact output and exit codes, the letters written, and purged.

The letters' content, QR codes and bytes are read back in
``tests/integration/test_access_letters.py``; here, what the command says and writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from helpers import BASE_ID, NOM, PRENOM, Project, invoke_cli

from bilan_gen.crypto import derive_access_code, format_code

SECRET = "5e" * 32
SITE = "https://bilans.example.org/"
MKDOCS_YML = f"""\
site_name: Bilans
site_url: {SITE}
docs_dir: content
plugins:
  - bilan:
      organisme:
        raison_sociale: Cap Parcours Conseil
        siret: "73282932000074"
        nda: "11755555575"
"""
EMPLOYER = """\
diffusion:
  - destinataire: Société Exemple, service des ressources humaines et de la formation
    type: employeur
    accord_le: 2026-04-20
    perimetre: synthese
"""


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The base project with its mkdocs.yml and the site secret, as the working directory."""
    (project.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("BILAN_SECRET", SECRET)
    return project


def code(audience: str = "beneficiaire") -> str:
    return format_code(derive_access_code(bytes.fromhex(SECRET), BASE_ID, 0, audience))


def letters(project: Project) -> list[str]:
    folder = project.root / "impressions"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_the_table_says_what_is_published(here: Project) -> None:
    here.append("dossier.yml", EMPLOYER)
    here.replace("synthese.md", "statut: finalise", "statut: brouillon")
    result = invoke_cli(["access"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Dossier", "Pour", "Code", "d’accès", "Publié"]
    assert re.fullmatch(rf"2026-001  bénéficiaire +{code()}  oui", lines[1])
    assert lines[2].startswith(f"  {SITE}d/") and lines[2].endswith(f"#code={code()}")
    # The long name folds inside its column; the reason says why it is not published.
    assert lines[3].endswith("  non : brouillon")
    end = lines[0].index("Code d’accès")
    assert lines[3][:10] == "2026-001  " and lines[4][:10] == lines[5][:10] == " " * 10
    assert " ".join(line[10:end].strip() for line in lines[3:6]) == (
        "Société Exemple, service des ressources humaines et de la formation (employeur, synthèse)"
    )
    assert lines[-3:] == [
        "Publié « non » :",
        "- brouillon : ce que le bénéficiaire a accepté de transmettre (la synthèse) n'est pas "
        "finalisé, ce",
        "  code n'ouvre rien",
    ]
    assert max(len(line) for line in lines) <= 100


def test_csv_for_a_mail_merge(here: Project) -> None:
    here.append("dossier.yml", EMPLOYER)
    result = invoke_cli(["access", BASE_ID, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["dossier", "pour", "code", "lien", "publie", "motif", "en_ligne_jusqu_au"]
    assert rows[1][:3] == [BASE_ID, "bénéficiaire", code()]
    assert rows[1][4:] == ["oui", "", "2029-04-20"]
    assert rows[2][1].endswith("de la formation (employeur, synthèse)")


def test_letters_are_written_and_listed(here: Project) -> None:
    here.append("dossier.yml", EMPLOYER)
    result = invoke_cli(["access", "--lettre", BASE_ID])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "2 lettres écrites dans impressions/ :",
        "  impressions/2026-001.lettre-beneficiaire.pdf",
        "  impressions/2026-001.lettre-tiers-1-employeur.pdf",
    ]
    assert "puis détruisez-les" in result.stdout
    assert letters(here) == [
        "2026-001.lettre-beneficiaire.pdf",
        "2026-001.lettre-tiers-1-employeur.pdf",
    ]
    for name in letters(here):
        assert (here.root / "impressions" / name).read_bytes().startswith(b"%PDF-")
    # Nothing personal in what the command prints: no name of the beneficiary, no recipient.
    assert PRENOM not in result.output and NOM not in result.output
    assert "Société" not in result.output


def test_a_third_party_waiting_for_the_synthese_gets_no_letter(here: Project) -> None:
    here.append("dossier.yml", EMPLOYER)
    here.replace("synthese.md", "statut: finalise", "statut: brouillon")
    result = invoke_cli(["access", "--lettre", BASE_ID])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "2026-001, tiers 1 (employeur) : pas de lettre : synthèse en brouillon : rien à "
        "transmettre encore, ce code n'ouvre rien",
        "1 lettre écrite dans impressions/ :",
    ]
    assert letters(here) == ["2026-001.lettre-beneficiaire.pdf"]


def test_an_unknown_id_gets_no_letter_and_the_others_do(here: Project) -> None:
    result = invoke_cli(["access", "--lettre", "2026-999", BASE_ID])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "2026-999 : aucune lettre : dossier introuvable dans dossiers/",
        "1 lettre écrite dans impressions/ :",
    ]
    assert letters(here) == ["2026-001.lettre-beneficiaire.pdf"]


def test_nothing_to_print(here: Project) -> None:
    result = invoke_cli(["access", "--lettre", "2026-999"])
    assert (result.exit_code, result.stdout) == (
        1,
        "2026-999 : aucune lettre : dossier introuvable dans dossiers/\nAucune lettre écrite.\n",
    )
    assert not (here.root / "impressions").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lettre"], "indiquez les identifiants des dossiers dont imprimer les lettres"),
        (["--lettre", BASE_ID, "--format", "csv"], "--format ne s'y applique pas"),
        (["-o", "lettres"], "-o ne sert qu'avec --lettre"),
        (["2026-999"], "dossier(s) introuvable(s) : 2026-999"),
    ],
)
def test_usage_errors(here: Project, args: list[str], message: str) -> None:
    result = invoke_cli(["access", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (here.root / "impressions").exists()


def test_purge_removes_the_letters_with_the_dossier(here: Project) -> None:
    here.append("dossier.yml", EMPLOYER)
    assert invoke_cli(["access", "--lettre", BASE_ID]).exit_code == 0
    result = invoke_cli(["purge", BASE_ID, "--yes"])
    assert result.exit_code == 0, result.output
    assert "  impressions/2026-001.lettre-beneficiaire.pdf" in result.stdout.splitlines()
    assert letters(here) == []
    register = (here.root / "registre-destructions.csv").read_text(encoding="utf-8")
    assert f"{BASE_ID},{dt.date.today().isoformat()}," in register
    assert "impressions (2)" in register


def test_help_is_french() -> None:
    result = invoke_cli(["access", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : bilan access [OPTIONS] [ID]...\n")
    output = " ".join(result.output.split())
    for text in (
        "--lettre",
        "une lettre d'accès (PDF A4) par destinataire",
        "délai de grâce dépassé, conservation échue",
        "détruisez les lettres une fois remises",
        "bilan access --lettre 2026-014 2026-021",
    ):
        assert text in output, text


def test_an_invalid_provider_prints_no_letter(here: Project) -> None:
    config = here.root / "mkdocs.yml"
    config.write_text(MKDOCS_YML.replace('"73282932000074"', '"73282932000075"'), "utf-8")
    result = invoke_cli(["access", "--lettre", BASE_ID])
    assert result.exit_code == 1
    assert result.stdout.startswith("mkdocs.yml:8: erreur: ")
    assert "[siret-invalide]" in result.stdout.splitlines()[0]
    assert letters(here) == []


def test_without_a_provider_the_letters_say_so(here: Project) -> None:
    config = here.root / "mkdocs.yml"
    config.write_text(MKDOCS_YML.split("      organisme:")[0].replace("  - bilan:", "  - bilan"))
    result = invoke_cli(["access", "--lettre", BASE_ID])
    assert result.exit_code == 0, result.output
    assert "les lettres ne nomment pas le prestataire" in result.stderr
    assert letters(here) == ["2026-001.lettre-beneficiaire.pdf"]
