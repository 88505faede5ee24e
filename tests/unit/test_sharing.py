"""Sharing with third parties (L6313-4): every recipient with the beneficiary's agreement."""

from __future__ import annotations

import datetime as dt

from helpers import Project

from bilan_gen.loading import load_dossier
from bilan_gen.model import Diffusion

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
DIFFUSION = """\
diffusion:
  - destinataire: Opérateur CEP de Normandie
    type: operateur_cep
    demande_le: 2026-04-20
    perimetre: synthese
  - destinataire: Service RH de Mme Durand
    type: employeur
    accord_le: 2026-04-20
    perimetre: complet
    rotation: 2
"""


def test_entries_with_their_dates(project: Project) -> None:
    project.append("dossier.yml", DIFFUSION)
    assert project.diagnostics() == []


def test_entries_on_the_dossier(project: Project) -> None:
    project.append("dossier.yml", DIFFUSION)
    dossier, _ = load_dossier(project.folder())
    assert dossier.diffusion == (
        Diffusion("Opérateur CEP de Normandie", "operateur_cep", "synthese", None,
                  _date("2026-04-20"), 0, 34),
        Diffusion("Service RH de Mme Durand", "employeur", "complet", _date("2026-04-20"),
                  None, 2, 38),
    )  # fmt: skip
    assert dossier.get("diffusion")[1]["rotation"] == 2


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_employer_without_agreement(project: Project) -> None:
    project.append("dossier.yml", DIFFUSION.replace("    accord_le: 2026-04-20\n", ""))
    assert project.lines() == [
        f"{DOSSIER_YML}:38: erreur: diffusion (élément 2) à un employeur sans « accord_le » : "
        "rien ne lui est transmis sans l'accord du bénéficiaire (L6313-4) [diffusion-sans-date]",
    ]


def test_cep_operator_needs_the_request(project: Project) -> None:
    project.append(
        "dossier.yml", DIFFUSION.replace("demande_le: 2026-04-20", "accord_le: 2026-04-20")
    )
    assert project.lines() == [
        f"{DOSSIER_YML}:34: erreur: diffusion (élément 1) à un opérateur CEP sans « demande_le » "
        ": la synthèse ne lui est transmise qu'à la demande du bénéficiaire (L6313-4) "
        "[diffusion-sans-date]",
    ]


def test_a_request_is_not_an_agreement(project: Project) -> None:
    project.append(
        "dossier.yml", DIFFUSION.replace("accord_le: 2026-04-20", "demande_le: 2026-04-20")
    )
    assert project.triples() == [("diffusion-sans-date", DOSSIER_YML, 38)]


def test_same_recipient_twice(project: Project) -> None:
    project.append(
        "dossier.yml", DIFFUSION.replace("Service RH de Mme Durand", "OPÉRATEUR cep de normandie")
    )
    assert project.lines() == [
        f"{DOSSIER_YML}:38: erreur: diffusion (élément 2) : même destinataire que l'élément 1 ; "
        "un seul élément par destinataire, qui reçoit son propre code d'accès [diffusion-doublon]",
    ]


def test_messages_never_name_the_recipient(project: Project) -> None:
    project.append(
        "dossier.yml",
        DIFFUSION.replace("    accord_le: 2026-04-20\n", "").replace("synthese", "tout"),
    )
    text = "\n".join(project.lines())
    assert "Durand" not in text and "Normandie" not in text
    assert "diffusion-sans-date" in text and "valeur-invalide" in text


def test_required_fields_of_an_entry(project: Project) -> None:
    project.append("dossier.yml", "diffusion:\n  - destinataire: France Travail\n")
    assert sorted(project.messages()) == [
        "champ obligatoire absent : « diffusion.perimetre » (élément 1) (périmètre transmis)",
        "champ obligatoire absent : « diffusion.type » (élément 1) (type de destinataire)",
    ]
