"""Whether each audience's page is published, and why not (``bilan access``, letters).

"Today" is always passed: the base dossier ended on 2026-04-20 and is kept until 2029-04-20
(a written agreement for the follow-up). That a real build publishes exactly these pages is
checked in ``tests/integration/test_access_letters.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import BASE_ID, Project

from bilan_gen.access.publication import Withheld, project_publications, publications

SECRET = bytes(range(32))
EMPLOYER = """\
diffusion:
  - destinataire: Société Exemple, service RH
    type: employeur
    accord_le: 2026-04-20
    perimetre: synthese
  - destinataire: Fonds d'assurance formation
    type: financeur
    accord_le: 2026-04-20
    perimetre: complet
"""
DURING_GRACE = dt.date(2026, 5, 1)
PHASE_FILES = ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md", "synthese.md")


def rows(project: Project, today: dt.date = DURING_GRACE) -> list[tuple[str, Withheld | None]]:
    return [
        (row.audience.label.split(" (")[0], row.withheld)
        for row in publications(project.check(), SECRET, project.options, today)
    ]


def without_conservation(project: Project) -> None:
    text = project.read("dossier.yml")
    start = text.index("conservation:\n")
    end = text.index("satisfaction:\n")
    project.write("dossier.yml", text[:start] + text[end:])


def test_a_valid_dossier_is_published_for_everyone(project: Project) -> None:
    project.append("dossier.yml", EMPLOYER)
    assert rows(project) == [
        ("bénéficiaire", None),
        ("Société Exemple, service RH", None),
        ("Fonds d'assurance formation", None),
    ]


def test_an_error_withholds_every_page(project: Project) -> None:
    project.append("dossier.yml", EMPLOYER)
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25")
    found = publications(project.check(), SECRET, project.options, DURING_GRACE)
    assert [row.withheld for row in found] == [Withheld.ERREURS] * 3
    assert found[0].detail == "le dossier a des erreurs (bilan check) : il n'est pas publié"


def copy_as(project: Project, ident: str) -> None:
    project.copy_base(ident)
    for name in PHASE_FILES:
        project.replace(name, f'dossier: "{BASE_ID}"', f'dossier: "{ident}"', ident)


def test_a_duplicate_id_is_an_error_of_the_tree(project: Project) -> None:
    copy_as(project, "2026-abc")
    copy_as(project, "2026-ABC")
    assert not project.check("2026-abc").has_errors
    checked, found = project_publications(project.options, SECRET, DURING_GRACE)
    by_id = {row.audience.access.dossier_id: row.withheld for row in found}
    # The upper-case id is invalid; the valid one has its twin, which stops the build too.
    assert by_id == {BASE_ID: None, "2026-ABC": Withheld.ERREURS, "2026-abc": Withheld.ERREURS}
    assert len(checked) == 3


def test_past_the_grace_period_with_nothing_to_keep(project: Project) -> None:
    without_conservation(project)
    assert rows(project, dt.date(2026, 5, 20)) == [("bénéficiaire", None)]
    (row,) = publications(project.check(), SECRET, project.options, dt.date(2026, 5, 21))
    assert row.withheld is Withheld.DELAI_DE_GRACE_DEPASSE
    assert row.detail == (
        "bilan terminé le 20/04/2026, délai de grâce échu le 20/05/2026, rien à conserver "
        "(R6313-7) : le dossier n'est plus publié"
    )


def test_past_its_retention(project: Project) -> None:
    assert rows(project, dt.date(2029, 4, 20)) == [("bénéficiaire", None)]
    (row,) = publications(project.check(), SECRET, project.options, dt.date(2029, 4, 21))
    assert row.withheld is Withheld.CONSERVATION_ECHUE
    assert row.detail.endswith(
        "conservation échue le 20/04/2029 (R6313-7) : le dossier n'est plus publié"
    )


@pytest.mark.parametrize("draft", ["brouillon", "absente"])
def test_a_third_party_has_nothing_to_read_while_the_synthese_is_not_final(
    project: Project, draft: str
) -> None:
    project.append("dossier.yml", EMPLOYER)
    if draft == "absente":
        project.delete("synthese.md")
    else:
        project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    found = publications(project.check(), SECRET, project.options, DURING_GRACE)
    assert not project.check().has_errors, project.lines()
    # The beneficiary's page holds the home; the funder agreed to the whole dossier.
    assert [row.withheld for row in found] == [None, Withheld.BROUILLON, None]
    assert found[1].detail == (
        f"synthèse {'en brouillon' if draft == 'brouillon' else 'absente'} : rien à transmettre "
        "encore, ce code n'ouvre rien"
    )


def test_the_retention_state_travels_with_each_row(project: Project) -> None:
    (row,) = publications(project.check(), SECRET, project.options, DURING_GRACE)
    assert row.retention.limite == dt.date(2029, 4, 20)
    assert row.position == 0 and row.audience.access.dossier_id == BASE_ID
