"""The table and CSV of ``bilan access``: 100 columns, long names folded, links whole."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from helpers import Project

from bilan_gen.access.listing import CSV_HEADER, WIDTH, format_csv, format_table
from bilan_gen.access.publication import Publication, publications

SECRET = bytes(range(32))
SITE = "https://bilans.example.org/"
LONG_NAME = (
    "Direction régionale de l'économie, de l'emploi, du travail et des solidarités "
    "d'Auvergne-Rhône-Alpes, service de l'accompagnement des mutations économiques"
)
RECIPIENTS = f"""\
diffusion:
  - destinataire: {LONG_NAME}
    type: financeur
    accord_le: 2026-04-20
    perimetre: complet
  - destinataire: Société Exemple
    type: employeur
    accord_le: 2026-04-20
    perimetre: synthese
"""


@pytest.fixture
def rows(project: Project) -> list[Publication]:
    """The base dossier, a funder with a very long name, and an employer who waits for the
    synthèse (a draft)."""
    project.append("dossier.yml", RECIPIENTS)
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    return publications(project.check(), SECRET, project.options, dt.date(2026, 5, 1))


def test_the_table(rows: list[Publication]) -> None:
    codes = [row.audience.access.formatted_code for row in rows]
    links = [row.audience.access.link(SITE) for row in rows]
    assert format_table(rows, SITE).splitlines() == [
        "Dossier   Pour                                             Code d’accès              "
        "Publié",
        f"2026-001  bénéficiaire                                     {codes[0]}  oui",
        f"  {links[0]}",
        f"2026-001  Direction régionale de l'économie, de l'emploi,  {codes[1]}  oui",
        "          du travail et des solidarités d'Auvergne-Rhône-",
        "          Alpes, service de l'accompagnement des",
        "          mutations économiques (financeur, dossier",
        "          complet)",
        f"  {links[1]}",
        f"2026-001  Société Exemple (employeur, synthèse)            {codes[2]}  non : brouillon",
        f"  {links[2]}",
        "",
        "Publié « non » :",
        "- brouillon : ce que le bénéficiaire a accepté de transmettre (la synthèse) n'est pas "
        "finalisé, ce",
        "  code n'ouvre rien",
    ]


@pytest.mark.parametrize("width", [WIDTH, 80])
def test_every_line_keeps_to_the_width_but_links_are_never_split(
    rows: list[Publication], width: int
) -> None:
    lines = format_table(rows, SITE, width).splitlines()
    links = {row.audience.access.link(SITE) for row in rows}
    assert {line.strip() for line in lines} >= links
    assert all(len(line) <= width for line in lines if line.strip() not in links)
    assert all(len(line) <= WIDTH for line in lines)  # these links fit in 100 columns
    # The long name is all there, folded at spaces and hyphens, in order.
    end = lines[0].index("Code d’accès")
    cells = [line[10:end].strip() for line in lines[3:] if not line.startswith("  https")]
    name = f"{LONG_NAME} (financeur, dossier complet)".replace(" ", "")
    assert "".join(cells).replace(" ", "").startswith(name)


def test_a_long_id_and_long_reasons_still_fit(project: Project) -> None:
    long_id = "2026-" + "x" * 36
    project.copy_base(long_id)
    for name in ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md", "synthese.md"):
        project.replace(name, 'dossier: "2026-001"', f'dossier: "{long_id}"', long_id)
    text = project.read("dossier.yml", long_id)
    start, end = text.index("conservation:\n"), text.index("satisfaction:\n")
    project.write("dossier.yml", text[:start] + text[end:] + RECIPIENTS, long_id)
    checked = project.check(long_id)
    assert not checked.has_errors
    found = publications(checked, SECRET, project.options, dt.date(2027, 1, 1))
    lines = format_table(found, SITE).splitlines()
    links = {row.audience.access.link(SITE) for row in found}
    assert all(len(line) <= WIDTH for line in lines if line.strip() not in links)
    start = lines[0].index("Publié")
    reason = " ".join(line[start:].strip() for line in lines[1:4] if len(line) > start)
    assert reason == "non : délai de grâce dépassé"  # the reason folds, too


def test_without_site_url_the_links_are_site_relative(rows: list[Publication]) -> None:
    lines = format_table(rows, "").splitlines()
    access = rows[0].audience.access
    assert lines[2] == f"          d/{access.slug}.html#code={access.formatted_code}"


def test_csv_keeps_one_line_per_code_with_the_facts_in_columns(rows: list[Publication]) -> None:
    table = list(csv.reader(io.StringIO(format_csv(rows, SITE))))
    assert table[0] == list(CSV_HEADER)
    assert [r[0] for r in table[1:]] == ["2026-001"] * 3
    assert table[2][1] == f"{LONG_NAME} (financeur, dossier complet)"
    assert [r[4:] for r in table[1:]] == [
        ["oui", "", "2029-04-20"],
        ["oui", "", "2029-04-20"],
        ["non", "brouillon", ""],
    ]
    assert table[3][3] == rows[2].audience.access.link(SITE)
    assert format_csv(rows, SITE).count("\n") == 4
