"""Funding: SIRET, amounts, the CPF cap, the tripartite convention, personal funding.

Each rule is tested at its boundary: day 10 vs day 11, €1,600 vs €1,600.01, 30 % vs 30 %
plus a cent, a valid SIRET vs one digit off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from helpers import Project

from bilan_gen.config import Organisme, load_options
from bilan_gen.legal import LEGAL_RULES, Nature, figure_on, rule_on
from bilan_gen.siret import luhn_ok, siren_of, siret_ok

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
PROVIDER_SIRET = "73282932000074"
EMPLOYER_SIRET = "48273916500025"
BASE_FUNDING = """\
financement:
  mode: cpf
  cpf:
    numero_edof: "4107283915"
    inscrit_le: 2026-02-26
    montant_eur: 1600
    attestation_cinq_ans_le: 2026-02-26
    participation_eur: 103.20
"""
CONVENTION = """\
financement:
  mode: plan_developpement
  convention:
    siret_employeur: "{siret}"
    transmise_le: 2026-02-10
    signee_salarie_le: {salarie}
    signee_employeur_le: 2026-02-20
    signee_organisme_le: 2026-02-21
"""
CONTRAT = """\
financement:
  mode: personnel
  contrat:
    signe_le: {signe}
    prix_eur: 1000
    paiements:
      - date: {paye}
        montant_eur: {montant}
"""


def set_funding(project: Project, block: str) -> None:
    project.replace("dossier.yml", BASE_FUNDING, block)


def line_of(project: Project, needle: str) -> int:
    """The first line of dossier.yml that contains ``needle``."""
    lines = project.read("dossier.yml").split("\n")
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


def with_provider(project: Project, siret: str = PROVIDER_SIRET) -> None:
    project.options = dataclasses.replace(project.options, organisme=Organisme(siret=siret))


# --- The table of figures ---------------------------------------------------------------


def test_every_rule_has_a_source_and_a_nature() -> None:
    for rule in LEGAL_RULES:
        assert rule.source and isinstance(rule.nature, Nature), rule.key


def test_cpf_cap_applies_from_its_date() -> None:
    assert figure_on("cpf_plafond_eur", dt.date(2026, 2, 25)) is None
    assert figure_on("cpf_plafond_eur", dt.date(2026, 2, 26)) == 1600
    assert rule_on("convention_delai_jours") is not None
    assert rule_on("convention_delai_jours").nature is Nature.LOI  # type: ignore[union-attr]
    assert rule_on("acompte_max_pct").nature is Nature.PRATIQUE  # type: ignore[union-attr]


# --- SIRET ------------------------------------------------------------------------------


def test_luhn() -> None:
    assert siret_ok(PROVIDER_SIRET) and siret_ok(EMPLOYER_SIRET)
    assert not siret_ok("73282932000075")  # one digit off
    assert not siret_ok("7328293200007")  # thirteen digits
    assert luhn_ok("0") and not luhn_ok("1")
    assert siren_of("732 829 320 00074") == "732829320"


def test_la_poste_exception() -> None:
    assert not luhn_ok("35600000010000")
    assert siret_ok("35600000010000")  # La Poste: digits add up to a multiple of 5
    assert not siret_ok("35600000010001")


def test_valid_employer_siret_with_spaces(project: Project) -> None:
    set_funding(project, CONVENTION.format(siret="482 739 165 00025", salarie="2026-02-20"))
    assert project.diagnostics() == []


@pytest.mark.parametrize(
    ("siret", "expected"),
    [
        (
            "48273916500026",
            "clé de contrôle invalide : un chiffre est erroné, reçu « 48273916500026 »",
        ),
        (
            "4827391650002",
            '14 chiffres attendus, entre guillemets (ex. "73282932000074"), reçu « 4827391650002 »',
        ),
    ],
)
def test_invalid_employer_siret(project: Project, siret: str, expected: str) -> None:
    set_funding(project, CONVENTION.format(siret=siret, salarie="2026-02-20"))
    line = line_of(project, "siret_employeur")
    assert project.triples() == [("siret-invalide", DOSSIER_YML, line)]
    assert project.messages() == [
        f"« financement.convention.siret_employeur » (SIRET de l'employeur) : {expected}"
    ]


def test_provider_siret_in_mkdocs_yml_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - bilan:\n      organisme:\n        siret: '73282932000075'\n")
    options, diags = load_options(config)
    assert [(d.code, d.line) for d in diags] == [("siret-invalide", 4)]
    config.write_text(
        "plugins:\n  - bilan:\n      organisme:\n        siret: '732 829 320 00074'\n"
    )
    options, diags = load_options(config)
    assert diags == [] and options.organisme.siret == PROVIDER_SIRET


# --- Amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [("1600.001", "montant-invalide"), ("-1", "montant-invalide"), ("1 600 €", "type-invalide")],
)
def test_invalid_amounts(project: Project, value: str, code: str) -> None:
    project.replace("dossier.yml", "montant_eur: 1600", f"montant_eur: {value}")
    assert project.triples() == [(code, DOSSIER_YML, line_of(project, "montant_eur"))]


# --- CPF --------------------------------------------------------------------------------


def test_cpf_cap_boundary(project: Project) -> None:
    assert project.diagnostics() == []  # 1 600 € exactly, registered on 2026-02-26
    project.replace("dossier.yml", "montant_eur: 1600", "montant_eur: 1600.01")
    assert project.lines() == [
        f"{DOSSIER_YML}:16: erreur: montant CPF de 1 600,01 € : 1 600 € au plus pour une "
        "inscription à partir du 26/02/2026 [cpf-plafond-depasse]",
    ]


def test_cpf_cap_does_not_apply_before_its_date(project: Project) -> None:
    project.replace("dossier.yml", "inscrit_le: 2026-02-26", "inscrit_le: 2026-02-25")
    project.replace("dossier.yml", "montant_eur: 1600", "montant_eur: 2000")
    assert [d.code for d in project.diagnostics()] == []


def test_cpf_block_is_required(project: Project) -> None:
    set_funding(project, "financement:\n  mode: cpf\n")
    assert project.lines() == [
        f"{DOSSIER_YML}:12: erreur: mode « cpf » sans « financement.cpf » : numéro EDOF, date "
        "d'inscription, montant et attestation [financement-incomplet]",
    ]


def test_cpf_fields_are_required_in_the_block(project: Project) -> None:
    project.replace("dossier.yml", "    attestation_cinq_ans_le: 2026-02-26\n", "")
    assert project.triples() == [("champ-manquant", DOSSIER_YML, 13)]


def test_missing_block_is_a_warning_before_any_session(project: Project) -> None:
    set_funding(project, "financement:\n  mode: cpf\n")
    for name in ("01-preliminaire.md", "02-investigation.md", "03-conclusions.md"):
        text = project.read(name)
        head, _, body = text.partition("seances:\n")
        project.write(name, head + "seances: []\n" + body.split("---\n", 1)[1])
    diags = [d for d in project.diagnostics() if d.code == "financement-incomplet"]
    assert [d.severity.value for d in diags] == ["avertissement"]


def test_participation_missing_or_different(project: Project) -> None:
    project.replace("dossier.yml", "    participation_eur: 103.20\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:13: avertissement: participation forfaitaire du titulaire absente : "
        "indiquez « participation_eur » (103,20 € en vigueur à l'inscription) ou "
        "« participation_exoneree: true » [participation-manquante]",
    ]
    project.replace(
        "dossier.yml", "montant_eur: 1600\n", "montant_eur: 1600\n    participation_eur: 100\n"
    )
    assert [d.code for d in project.diagnostics()] == ["participation-montant"]


def test_participation_exemption(project: Project) -> None:
    project.replace(
        "dossier.yml", "    participation_eur: 103.20\n", "    participation_exoneree: true\n"
    )
    assert project.diagnostics() == []


def test_working_time_needs_the_employer_dates(project: Project) -> None:
    project.replace(
        "dossier.yml",
        "    participation_eur: 103.20\n",
        "    participation_eur: 103.20\n    temps_de_travail: true\n",
    )
    assert project.lines() == [
        f"{DOSSIER_YML}:19: avertissement: bilan sur le temps de travail sans "
        "« demande_employeur_le » et « reponse_employeur_le » : gardez la trace de l'accord "
        "[cpf-temps-travail]",
    ]
    project.replace(
        "dossier.yml",
        "    temps_de_travail: true\n",
        "    temps_de_travail: true\n    demande_employeur_le: 2026-01-05\n"
        "    reponse_employeur_le: 2026-01-20\n",
    )
    assert project.diagnostics() == []


def test_block_of_another_mode(project: Project) -> None:
    project.replace("dossier.yml", "  mode: cpf\n", "  mode: opco\n")
    assert project.lines() == [
        f"{DOSSIER_YML}:13: avertissement: bloc « financement.cpf » inutile pour le mode "
        "« opco » (mauvais mode ?) [financement-bloc-inutile]",
    ]


# --- Tripartite convention (R6313-8, R6313-5) -------------------------------------------


def test_employee_signs_on_day_10(project: Project) -> None:
    set_funding(project, CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-20"))
    assert project.diagnostics() == []


def test_employee_signs_on_day_11(project: Project) -> None:
    set_funding(project, CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-21"))
    assert project.lines() == [
        f"{DOSSIER_YML}:16: erreur: convention signée par le salarié le 21/02/2026, 11 jours "
        "après sa transmission (10/02/2026) : 10 jours au plus, son silence valait refus "
        "(R6313-8) [convention-delai-depasse]",
    ]


def test_signature_after_the_first_session(project: Project) -> None:
    block = CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-20")
    set_funding(
        project, block.replace("signee_organisme_le: 2026-02-21", "signee_organisme_le: 2026-03-03")
    )
    assert project.lines() == [
        f"{DOSSIER_YML}:18: erreur: convention signée par l'organisme le 03/03/2026, après la "
        "première séance (02/03/2026) : les trois signatures la précèdent (R6313-8) "
        "[convention-tardive]",
    ]


def test_signature_on_the_day_of_the_first_session(project: Project) -> None:
    block = CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-20")
    set_funding(
        project, block.replace("signee_organisme_le: 2026-02-21", "signee_organisme_le: 2026-03-02")
    )
    assert project.diagnostics() == []


def test_missing_employee_signature_once_started(project: Project) -> None:
    block = CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-20")
    set_funding(project, block.replace("    signee_salarie_le: 2026-02-20\n", ""))
    assert project.lines() == [
        f"{DOSSIER_YML}:13: erreur: convention sans « signee_salarie_le » alors que le bilan a "
        "commencé le 02/03/2026 : elle est signée par les trois parties avant la première "
        "séance (R6313-8) [convention-non-signee]",
    ]


def test_convention_is_required(project: Project) -> None:
    set_funding(project, "financement:\n  mode: conge_reclassement\n")
    assert [(d.code, d.severity.value) for d in project.diagnostics()] == [
        ("financement-incomplet", "erreur")
    ]


@pytest.mark.parametrize("employer", [PROVIDER_SIRET, "73282932000017"])
def test_employer_is_not_the_provider(project: Project, employer: str) -> None:
    assert siret_ok(employer)
    with_provider(project)
    set_funding(project, CONVENTION.format(siret=employer, salarie="2026-02-20"))
    assert project.lines() == [
        f"{DOSSIER_YML}:14: erreur: SIRET de l'employeur : même entreprise (SIREN 732829320) "
        "que l'organisme ; un employeur ne réalise pas le bilan de ses salariés (R6313-5) "
        "[employeur-prestataire]",
    ]


def test_another_employer_is_fine(project: Project) -> None:
    with_provider(project)
    set_funding(project, CONVENTION.format(siret=EMPLOYER_SIRET, salarie="2026-02-20"))
    assert project.diagnostics() == []


# --- Personal funding (practice: warnings) ----------------------------------------------


def test_payment_on_day_11_and_30_percent(project: Project) -> None:
    set_funding(project, CONTRAT.format(signe="2026-02-10", paye="2026-02-21", montant=300))
    assert project.diagnostics() == []


def test_payment_on_day_10(project: Project) -> None:
    set_funding(project, CONTRAT.format(signe="2026-02-10", paye="2026-02-20", montant=300))
    assert project.lines() == [
        f"{DOSSIER_YML}:17: avertissement: paiement du 20/02/2026 pendant le délai de "
        "rétractation de 10 jours (jusqu'au 20/02/2026) : aucun paiement avant (L6353-6, "
        "pratique) [paiement-retractation]",
    ]


def test_more_than_30_percent_up_front(project: Project) -> None:
    set_funding(project, CONTRAT.format(signe="2026-02-10", paye="2026-02-21", montant=300.01))
    assert project.lines() == [
        f"{DOSSIER_YML}:16: avertissement: 300,01 € payés avant la première séance "
        "(02/03/2026) : 30 % du prix au plus, soit 300 € (L6353-6, pratique) [acompte-excessif]",
    ]


def test_payments_after_the_start_do_not_count_as_up_front(project: Project) -> None:
    set_funding(project, CONTRAT.format(signe="2026-02-10", paye="2026-03-02", montant=1000))
    assert project.diagnostics() == []


def test_contract_after_the_first_session(project: Project) -> None:
    set_funding(project, CONTRAT.format(signe="2026-03-03", paye="2026-03-20", montant=300))
    assert [(d.code, d.severity.value) for d in project.diagnostics()] == [
        ("contrat-tardif", "avertissement")
    ]


def test_personal_funding_without_contract(project: Project) -> None:
    set_funding(project, "financement:\n  mode: personnel\n")
    assert project.lines() == [
        f"{DOSSIER_YML}:12: avertissement: mode « personnel » sans « financement.contrat » : un "
        "contrat signé précède tout paiement (L6353-3, pratique) [contrat-manquant]",
    ]
