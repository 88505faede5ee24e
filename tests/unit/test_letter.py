"""The access letter's content and names, without printing (real PDFs:
``tests/integration/test_access_letters.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from helpers import BASE_ID, NOM, PRENOM, Project

from bilan_gen.access.publication import Publication, publications
from bilan_gen.config import Organisme
from bilan_gen.printing.letter import (
    Letter,
    Refusal,
    build_letter,
    letter_name,
    plan_letters,
    qr_data_uri,
    render_letter_page,
    site_url_problem,
)
from bilan_gen.purge import print_files

SECRET = bytes(range(32))
SITE = "https://bilans.example.org/"
TODAY = dt.date(2026, 5, 1)
RECIPIENTS = """\
diffusion:
  - destinataire: Société Exemple, service RH
    type: employeur
    accord_le: 2026-04-20
    perimetre: synthese
  - destinataire: Mission régionale CEP
    type: operateur_cep
    demande_le: 2026-04-20
    perimetre: complet
"""


@pytest.fixture
def office(project: Project) -> Project:
    project.append("dossier.yml", RECIPIENTS)
    organisme = Organisme("Cap Parcours Conseil", "73282932000074", "11755555575")
    project.options = dataclasses.replace(project.options, site_url=SITE, organisme=organisme)
    return project


def letters_of(project: Project) -> tuple[list[Publication], list[Letter]]:
    checked = project.check()
    rows = publications(checked, SECRET, project.options, TODAY)
    return rows, [build_letter(checked.dossier, row, project.options, TODAY) for row in rows]


def text_of(letter: Letter) -> str:
    """Every text the letter shows (its QR code is the link)."""
    return "\n".join(str(value) for value in dataclasses.asdict(letter).values())


def test_names_start_with_the_id_and_a_dot_and_name_no_person(office: Project) -> None:
    rows, letters = letters_of(office)
    assert [letter.file_name for letter in letters] == [
        "2026-001.lettre-beneficiaire.pdf",
        "2026-001.lettre-tiers-1-employeur.pdf",
        "2026-001.lettre-tiers-2-operateur_cep.pdf",
    ]
    assert letter_name("x-1", 0, None) == "x-1.lettre-beneficiaire.pdf"


def test_purge_attributes_letters_to_their_dossier_only(office: Project) -> None:
    folder = office.root / "impressions"
    folder.mkdir()
    names = [
        letter_name(ident, 0, None) for ident in (BASE_ID, "2026-0011", "2026-001-b", "2026-00")
    ]
    names += [f"{BASE_ID}.lettre-tiers-1-employeur.pdf", f"{BASE_ID}-synthese.pdf"]
    for name in names:
        (folder / name).write_bytes(b"%PDF-")
    assert [p.name for p in print_files(office.options, BASE_ID)] == [
        "2026-001-synthese.pdf",
        "2026-001.lettre-beneficiaire.pdf",
        "2026-001.lettre-tiers-1-employeur.pdf",
    ]
    assert [p.name for p in print_files(office.options, "2026-001-b")] == [
        "2026-001-b.lettre-beneficiaire.pdf"
    ]


@pytest.mark.parametrize(
    ("site_url", "problem"),
    [
        ("", "site_url absent de mkdocs.yml"),
        ("http://127.0.0.1:8000/", "désigne ce poste"),
        ("https://localhost/", "désigne ce poste"),
        ("http://bilans.example.org/", "n'est pas une adresse https://"),
        ("bilans.example.org", "n'est pas une adresse https://"),
        ("https://bilans.example.org/", None),
        ("https://www.example.org/bilans/", None),
    ],
)
def test_only_an_https_address_elsewhere_goes_on_a_letter(
    site_url: str, problem: str | None
) -> None:
    found = site_url_problem(site_url)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_the_qr_code_is_an_svg_and_the_same_for_the_same_link() -> None:
    link = f"{SITE}d/{'a' * 32}.html#code=ABCD-EFGH-JKMN-PQRS-TVWX"
    uri = qr_data_uri(link)
    assert uri.startswith("data:image/svg+xml;charset=utf-8,")
    assert qr_data_uri(link) == uri
    assert qr_data_uri(link.replace("ABCD", "ABCE")) != uri


def test_the_beneficiary_letter(office: Project) -> None:
    rows, letters = letters_of(office)
    letter, access = letters[0], rows[0].audience.access
    assert letter.addressee == f"{PRENOM} {NOM}"
    assert letter.code == access.formatted_code
    assert letter.code_groups == tuple(access.formatted_code.split("-"))
    assert letter.link == f"{SITE}d/{access.slug}.html#code={access.formatted_code}"
    assert letter.online_until.startswith("Ce dossier reste en ligne jusqu’au 20/04/2029.")
    assert "Claire Mercier (Cap Parcours Conseil)" in letter.lost
    assert letter.readable == ""
    assert [f.label for f in letter.provider] == ["SIRET", "Déclaration d’activité (NDA)"]


def test_a_third_party_letter_says_what_they_may_read_and_holds_nothing_else(
    office: Project,
) -> None:
    rows, letters = letters_of(office)
    employer, cep = letters[1], letters[2]
    assert employer.addressee == "Société Exemple, service RH"
    assert "le document de synthèse de ce bilan, et lui seul" in employer.readable
    assert "Avec l’accord de Zéphyrine Quillebeuf" in employer.intro[0]
    assert cep.intro[0].startswith("À la demande de Zéphyrine Quillebeuf")
    assert "les documents finalisés de ce bilan" in cep.readable
    beneficiary = rows[0].audience.access
    for letter, other in ((employer, cep), (cep, employer)):
        text = text_of(letter)
        assert beneficiary.code not in text.replace("-", "")
        assert beneficiary.slug not in text
        assert other.code not in text and other.addressee not in text
        assert "example.org" not in text.replace(SITE, "")  # no e-mail of the beneficiary


def test_the_page_is_french_self_contained_and_shows_the_code(office: Project) -> None:
    _, letters = letters_of(office)
    page = render_letter_page(letters[0])
    assert '<html lang="fr">' in page
    assert letters[0].code in page and SITE in page
    assert "<script" not in page
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []


def test_plan_letters_refuses_what_is_not_published(office: Project) -> None:
    office.replace("synthese.md", "statut: finalise", "statut: brouillon")
    checked = office.check()
    rows = publications(checked, SECRET, office.options, TODAY)
    letters, refusals = plan_letters([checked.dossier], rows, office.options, TODAY)
    # The CEP operator was given the whole dossier: its home is published.
    assert [letter.file_name.split(".")[1] for letter in letters] == [
        "lettre-beneficiaire",
        "lettre-tiers-2-operateur_cep",
    ]
    assert [r.format() for r in refusals] == [
        "2026-001, tiers 1 (employeur) : pas de lettre : synthèse en brouillon : rien à "
        "transmettre encore, ce code n'ouvre rien"
    ]


def test_plan_letters_refuses_a_dossier_past_its_retention_once(office: Project) -> None:
    checked = office.check()
    rows = publications(checked, SECRET, office.options, dt.date(2029, 5, 1))
    letters, refusals = plan_letters([checked.dossier], rows, office.options, TODAY)
    assert letters == []
    assert refusals == [
        Refusal(
            BASE_ID,
            "",
            "bilan terminé le 20/04/2026, conservation échue le 20/04/2029 (R6313-7) : le "
            "dossier n'est plus publié",
        )
    ]
    assert refusals[0].format().startswith("2026-001 : aucune lettre : bilan terminé")
