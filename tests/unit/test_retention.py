"""Retention and destruction (R6313-7): the rules on ``conservation``, and when a dossier
stops being published. "Today" is a parameter: every test fixes it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import Project

from bilan_gen.config import options_from_mapping
from bilan_gen.legal import add_months, add_years
from bilan_gen.loading import load_dossier
from bilan_gen.model import Dossier
from bilan_gen.retention import (
    Etat,
    Motif,
    RetentionState,
    retention_diagnostic,
    retention_state,
)

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
CONSERVATION = """\
conservation:
  motif: accord_suivi
  accord_ecrit_le: 2026-04-20
  jusqu_au: 2029-04-20
"""
CEP = """\
diffusion:
  - destinataire: Opérateur CEP
    type: operateur_cep
    demande_le: 2026-04-20
    perimetre: synthese
"""


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def dossier_of(project: Project) -> Dossier:
    return load_dossier(project.folder())[0]


def state_on(project: Project, today: str, grace: int = 30) -> RetentionState:
    return retention_state(dossier_of(project), d(today), grace)


# --- Date arithmetic ---------------------------------------------------------------------


def test_three_years_from_29_february() -> None:
    assert add_years(d("2028-02-29"), 3) == d("2031-02-28")
    assert add_years(d("2026-04-20"), 3) == d("2029-04-20")
    assert add_months(d("2026-08-31"), 6) == d("2027-02-28")


# --- Rules on what is written ------------------------------------------------------------


def test_three_years_exactly(project: Project) -> None:
    assert "jusqu_au: 2029-04-20" in project.read("dossier.yml")
    assert project.diagnostics() == []


def test_three_years_and_a_day(project: Project) -> None:
    project.replace("dossier.yml", "jusqu_au: 2029-04-20", "jusqu_au: 2029-04-21")
    assert project.lines() == [
        f"{DOSSIER_YML}:30: erreur: conservation jusqu'au 21/04/2029 : 3 ans au plus après la "
        "fin du bilan (20/04/2026), soit le 20/04/2029 au plus tard (R6313-7) "
        "[conservation-trop-longue]",
    ]


def test_follow_up_needs_the_written_agreement(project: Project) -> None:
    project.replace("dossier.yml", "  accord_ecrit_le: 2026-04-20\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:28: erreur: motif « accord_suivi » sans « conservation.accord_ecrit_le » "
        ": l'accord du bénéficiaire pour conserver des documents en vue du suivi est écrit "
        "(R6313-7) [conservation-sans-accord]",
    ]


def test_a_reason_needs_an_end(project: Project) -> None:
    project.replace("dossier.yml", "  jusqu_au: 2029-04-20\n", "")
    assert project.triples() == [("conservation-sans-echeance", DOSSIER_YML, 28)]


def test_keeping_needs_a_reason(project: Project) -> None:
    project.replace("dossier.yml", "motif: accord_suivi", "motif: aucun")
    assert project.triples() == [
        ("conservation-sans-motif", DOSSIER_YML, 29),
        ("conservation-sans-motif", DOSSIER_YML, 30),
    ]
    assert project.messages()[1] == (
        "« conservation.jusqu_au » avec le motif « aucun » : conserver exige un motif "
        "(synthese_cep ou accord_suivi, R6313-7)"
    )


def test_nothing_kept(project: Project) -> None:
    project.replace("dossier.yml", CONSERVATION, "conservation:\n  motif: aucun\n")
    assert project.diagnostics() == []
    project.replace("dossier.yml", "conservation:\n  motif: aucun\n", "")
    assert project.diagnostics() == []


def test_cep_synthesis_needs_the_request(project: Project) -> None:
    block = "conservation:\n  motif: synthese_cep\n  jusqu_au: 2029-04-20\n"
    project.replace("dossier.yml", CONSERVATION, block)
    assert project.triples() == [("conservation-sans-motif", DOSSIER_YML, 28)]
    project.append("dossier.yml", CEP)
    assert project.diagnostics() == []


def test_unknown_reason(project: Project) -> None:
    project.replace("dossier.yml", "motif: accord_suivi", "motif: archives")
    assert [d.code for d in project.diagnostics()] == ["valeur-invalide"]


# --- When a dossier stops being published -------------------------------------------------


def test_in_progress(project: Project) -> None:
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    state = state_on(project, "2040-01-01")
    assert (state.etat, state.publishable, state.a_detruire) == (Etat.EN_COURS, True, False)
    assert state.limite is None and state.reason == "bilan en cours"


def test_grace_period_boundary(project: Project) -> None:
    project.replace("dossier.yml", CONSERVATION, "")
    last = state_on(project, "2026-05-20")
    assert (last.etat, last.publishable, last.fin_grace) == (
        Etat.DELAI_DE_GRACE,
        True,
        d("2026-05-20"),
    )
    assert last.reason == "bilan terminé le 20/04/2026, délai de grâce jusqu'au 20/05/2026"
    after = state_on(project, "2026-05-21")
    assert (after.etat, after.publishable, after.a_detruire) == (Etat.A_DETRUIRE, False, True)
    assert after.motif is Motif.AUCUN and after.limite == d("2026-05-20")
    assert after.reason == (
        "bilan terminé le 20/04/2026, délai de grâce échu le 20/05/2026, rien à conserver (R6313-7)"
    )


GRACE_CASES = [
    (0, "2026-04-20", Etat.DELAI_DE_GRACE),
    (0, "2026-04-21", Etat.A_DETRUIRE),
    (90, "2026-07-19", Etat.DELAI_DE_GRACE),
    (90, "2026-07-20", Etat.A_DETRUIRE),
]


@pytest.mark.parametrize(("grace", "today", "etat"), GRACE_CASES)
def test_grace_period_is_configurable(project: Project, grace: int, today: str, etat: Etat) -> None:
    project.replace("dossier.yml", CONSERVATION, "")
    assert state_on(project, today, grace).etat is etat


def test_kept_until_jusqu_au(project: Project) -> None:
    kept = state_on(project, "2029-04-20")
    assert (kept.etat, kept.motif, kept.jusqu_au, kept.limite) == (
        Etat.CONSERVE,
        Motif.ACCORD_SUIVI,
        d("2029-04-20"),
        d("2029-04-20"),
    )
    assert kept.reason == (
        "bilan terminé le 20/04/2026, conservé jusqu'au 20/04/2029 : accord écrit du "
        "bénéficiaire en vue du suivi (R6313-7)"
    )
    gone = state_on(project, "2029-04-21")
    assert gone.a_detruire and not gone.publishable
    assert gone.reason == "bilan terminé le 20/04/2026, conservation échue le 20/04/2029 (R6313-7)"


def test_retention_never_exceeds_three_years(project: Project) -> None:
    project.replace("dossier.yml", "jusqu_au: 2029-04-20", "jusqu_au: 2030-01-01")
    assert state_on(project, "2029-04-20").etat is Etat.CONSERVE
    assert state_on(project, "2029-04-21").a_detruire


def test_an_invalid_reason_keeps_nothing(project: Project) -> None:
    project.replace("dossier.yml", "  accord_ecrit_le: 2026-04-20\n", "")
    state = state_on(project, "2026-05-21")
    assert (state.motif, state.etat) == (Motif.AUCUN, Etat.A_DETRUIRE)


def test_cep_synthesis_kept(project: Project) -> None:
    block = "conservation:\n  motif: synthese_cep\n  jusqu_au: 2027-04-20\n"
    project.replace("dossier.yml", CONSERVATION, block)
    assert state_on(project, "2027-01-01").a_detruire  # no CEP request: nothing to keep
    project.append("dossier.yml", CEP)
    state = state_on(project, "2027-01-01")
    assert (state.etat, state.motif) == (Etat.CONSERVE, Motif.SYNTHESE_CEP)


def test_a_short_retention_still_has_its_grace_period(project: Project) -> None:
    project.replace("dossier.yml", "jusqu_au: 2029-04-20", "jusqu_au: 2026-05-01")
    assert state_on(project, "2026-05-20").publishable
    assert state_on(project, "2026-05-21").a_detruire


def test_retention_diagnostic(project: Project) -> None:
    project.replace("dossier.yml", CONSERVATION, "")
    dossier = dossier_of(project)
    assert retention_diagnostic(dossier, retention_state(dossier, d("2026-05-20"), 30)) is None
    diag = retention_diagnostic(dossier, retention_state(dossier, d("2026-05-21"), 30))
    assert diag is not None
    assert (diag.code, diag.line, diag.severity.value) == (
        "dossier-a-detruire",
        20,
        "avertissement",
    )
    assert diag.message == (
        "bilan terminé le 20/04/2026, délai de grâce échu le 20/05/2026, rien à conserver "
        "(R6313-7) : dossier non publié, à détruire avec « bilan purge 2026-001 »"
    )


def test_options(tmp_path: Path) -> None:
    options, diags = options_from_mapping({}, tmp_path)
    assert diags == [] and options.delai_grace_jours == 30
    options, diags = options_from_mapping({"delai_grace_jours": 7}, tmp_path)
    assert diags == [] and options.delai_grace_jours == 7
    _, diags = options_from_mapping({"delai_grace_jours": -1}, tmp_path)
    assert [d.code for d in diags] == ["type-invalide"]


def test_the_plugin_declares_every_option() -> None:
    from bilan_gen.config import CONFIG_FIELDS
    from bilan_gen.mkdocs_plugin.config import BilanConfig

    config = BilanConfig()
    config.load_dict({"delai_grace_jours": 7, "mots_sensibles": ["chômage"]})
    assert config.validate() == ([], [])
    assert {key for key, _ in BilanConfig._schema} == {f.key for f in CONFIG_FIELDS}
