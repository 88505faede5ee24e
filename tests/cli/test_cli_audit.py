"""``bilan audit``: end to end on a copy of the repository's sample dossiers.

The report lists every dossier by its id with its evidence, the totals, every exception and
the destructions of the register; it never holds a name or a line of a dossier's text, and
its HTML is one self-contained page.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from helpers import invoke_cli

from bilan_gen.audit.output import CSV_COLUMNS

REPO_DIR = Path(__file__).resolve().parents[2]
NAMES = ("Élodie", "Garnier", "Mickaël", "Fournier", "Yannick", "Le Gall", "@example.")


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO_DIR / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO_DIR / "dossiers", tmp_path / "dossiers")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    result = invoke_cli(list(args))
    return result


def assert_no_names(text: str) -> None:
    for name in NAMES:
        assert name not in text, name


def test_html_report(office: Path) -> None:
    result = run("audit", "-o", "audit.html")
    assert (result.exit_code, result.output) == (0, "Rapport écrit : audit.html (3 dossier(s)).\n")
    html = (office / "audit.html").read_text(encoding="utf-8")
    assert_no_names(html)
    assert "<title>Rapport d&#39;audit — Cap Parcours Conseil</title>" in html
    for ident in ("2026-014", "2026-021", "2026-037"):
        assert f'<tr data-bilan-dossier="{ident}">' in html
    row = re.search(r'<tr data-bilan-dossier="2026-014">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells == [
        "2026-014",
        "cpf",
        "02/06/2026 – 16/07/2026",
        "18 h / 18 h",
        "9/9",
        "P I C",
        "16/07/2026 (espace_prive)",
        "prévu le 14/01/2027",
        "fin : 16/07/2026 ; 6 mois : non",
        "conservé jusqu&#39;au 16/07/2029 (accord_suivi)",
        "0 E / 0 A",
    ]
    assert "<dt>Dossiers</dt><dd>3</dd>" in html
    assert "<dt>Financement : personnel</dt><dd>1</dd>" in html
    assert "Aucune exception." in html
    assert "Aucune destruction inscrite au registre" in html


def test_html_is_self_contained_and_prints_well(office: Path) -> None:
    run("audit", "-o", "audit.html")
    html = (office / "audit.html").read_text(encoding="utf-8")
    for forbidden in ("http://", "https://", "<script", "<link", "src=", "@import", "url("):
        assert forbidden not in html, forbidden
    assert "@page" in html and "@media print" in html
    assert "thead { display: table-header-group; }" in html


def test_csv_report(office: Path) -> None:
    assert run("audit", "-o", "audit.csv").exit_code == 0
    text = (office / "audit.csv").read_text(encoding="utf-8")
    assert_no_names(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["dossier"] for r in rows] == ["2026-014", "2026-021", "2026-037"]
    assert {k: rows[2][k] for k in ("financement", "date_fin", "heures", "phases_finalisees")} == {
        "financement": "personnel",
        "date_fin": "",
        "heures": "11.5",
        "phases_finalisees": "preliminaire",
    }
    assert (rows[0]["conservation_etat"], rows[0]["conservation_limite"]) == (
        "conservé",
        "2029-07-16",
    )
    assert rows[2]["conservation_etat"] == "en cours"


def test_exceptions_are_listed_without_content(office: Path) -> None:
    folder = office / "dossiers" / "2026-014"
    prelim = folder / "01-preliminaire.md"
    text = prelim.read_text(encoding="utf-8")
    prelim.write_text(text.replace("    emargement: signature_electronique\n", "", 1))
    synthese = folder / "synthese.md"
    synthese.write_text(synthese.read_text(encoding="utf-8") + "\nUn burn-out en 2024.\n")
    run("audit", "-o", "audit.html")
    html = (office / "audit.html").read_text(encoding="utf-8")
    assert "Exceptions (2)" in html
    assert (
        "séance du 02/06/2026 sans « emargement » : preuve de présence attendue (Qualiopi, "
        "indicateur 10)"
    ) in html
    assert "dossiers/2026-014/01-preliminaire.md:" in html
    # The word found is never quoted: only the code's description.
    assert "un mot évoque une donnée sensible (santé, handicap, religion…)" in html
    assert "burn" not in html
    assert run("audit", "-o", "a.csv").exit_code == 0
    rows = list(csv.DictReader(io.StringIO((office / "a.csv").read_text(encoding="utf-8"))))
    assert rows[0]["exceptions"] == "emargement-manquant ; donnee-sensible"
    assert (rows[0]["erreurs"], rows[0]["avertissements"]) == ("0", "2")


def test_destructions_come_from_the_register(office: Path) -> None:
    assert run("purge", "2026-037", "--yes").exit_code == 0
    run("audit", "-o", "audit.html")
    html = (office / "audit.html").read_text(encoding="utf-8")
    assert '<tr data-bilan-dossier="2026-037">' not in html
    assert "<td>2026-037</td>" in html
    assert "destruction demandée avant l&#39;échéance (bilan purge ID)" in html
    assert "<dt>Détruits (registre)</dt><dd>1</dd>" in html


def test_year_filter(office: Path) -> None:
    run("audit", "--annee", "2025", "-o", "a2025.csv")
    assert (office / "a2025.csv").read_text(encoding="utf-8").count("\n") == 1
    run("audit", "--annee", "2026", "-o", "a2026.html")
    assert "<title>Rapport d&#39;audit 2026 — Cap Parcours Conseil</title>" in (
        office / "a2026.html"
    ).read_text(encoding="utf-8")


def test_text_summary(office: Path) -> None:
    result = run("audit")
    assert result.exit_code == 0
    assert_no_names(result.output)
    lines = result.output.splitlines()
    assert lines[0].startswith("Rapport d'audit — Cap Parcours Conseil (au ")
    assert "Dossiers : 3" in lines
    assert "Séances émargées : 25 / 25" in lines


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("dossiers/audit.html", "le rapport d'audit ne doit jamais être publié"),
        ("content/audit.html", "le rapport d'audit ne doit jamais être publié"),
        ("site/audit.csv", "le rapport d'audit ne doit jamais être publié"),
        ("audit.pdf", "fichier .html ou .csv attendu"),
    ],
)
def test_refused_outputs(office: Path, target: str, message: str) -> None:
    result = run("audit", "-o", target)
    assert result.exit_code == 2
    assert message in result.output
    assert not (office / target).exists()


def test_help_has_examples() -> None:
    assert "bilan audit --annee 2026 -o audit-2026.html" in run("audit", "--help").output
