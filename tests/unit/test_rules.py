"""Rules 4 to 7: finalised synthèse, durations (L6313-4), dates and conclusions (R6313-4)."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import Project, suivi_text

DOSSIER_YML = "dossiers/2026-001/dossier.yml"
PRELIM = "dossiers/2026-001/01-preliminaire.md"
INVESTIGATION = "dossiers/2026-001/02-investigation.md"
CONCLUSIONS = "dossiers/2026-001/03-conclusions.md"
SYNTHESE = "dossiers/2026-001/synthese.md"
SUIVI = "dossiers/2026-001/04-suivi.md"


# --- Rule 4: a finalised synthèse -------------------------------------------------------


def test_synthese_before_a_draft_phase(project: Project) -> None:
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon")
    assert project.lines() == [
        f"{SYNTHESE}:5: erreur: synthèse finalisée alors que la phase d'investigation est en "
        "brouillon [synthese-prematuree]",
    ]


def test_synthese_without_a_phase_file(project: Project) -> None:
    project.delete("03-conclusions.md")
    assert project.lines() == [
        f"{SYNTHESE}:5: erreur: synthèse finalisée alors que la phase de conclusions est "
        "absente [synthese-prematuree]",
    ]


def test_finalised_synthese_needs_end_date_and_suivi(project: Project) -> None:
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    project.replace("dossier.yml", "suivi:\n  propose: true\n  date_prevue: 2026-10-20\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:1: erreur: champ « date_fin » absent : obligatoire quand la synthèse "
        "est finalisée [champ-manquant]",
        f"{DOSSIER_YML}:1: erreur: champ « suivi » absent : obligatoire quand la synthèse est "
        "finalisée [champ-manquant]",
    ]


def test_finalised_synthese_needs_delivery(project: Project) -> None:
    project.replace("synthese.md", "remise_le: 2026-04-20\nmode_remise: espace_prive\n", "")
    assert project.triples() == [
        ("champ-manquant", SYNTHESE, 5),
        ("champ-manquant", SYNTHESE, 5),
    ]
    assert project.messages() == [
        "champ « mode_remise » absent : obligatoire quand la synthèse est finalisée",
        "champ « remise_le » absent : obligatoire quand la synthèse est finalisée",
    ]


def test_draft_synthese_needs_none_of_it(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    project.replace("synthese.md", "remise_le: 2026-04-20\nmode_remise: espace_prive\n", "")
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon")
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "")
    assert project.diagnostics() == []


def test_proposed_suivi_needs_its_date(project: Project) -> None:
    project.replace("dossier.yml", "  date_prevue: 2026-10-20\n", "")
    assert project.lines() == [
        f"{DOSSIER_YML}:23: erreur: champ « suivi.date_prevue » absent : obligatoire quand le "
        "suivi est proposé [champ-manquant]",
    ]


def test_suivi_not_proposed(project: Project) -> None:
    project.replace(
        "dossier.yml", "  propose: true\n  date_prevue: 2026-10-20\n", "  propose: false\n"
    )
    assert project.diagnostics() == []


# --- Rule 5: durations ------------------------------------------------------------------


def _sessions_of(project: Project, name: str, hours: list[str]) -> None:
    text = project.read(name)
    head, rest = text.split("seances:\n", 1)
    old_items, body = rest.split("---\n", 1)
    count = old_items.count("  - date:")
    assert count == len(hours)
    items = old_items.split("  - date:")[1:]
    new_items = []
    for item, value in zip(items, hours, strict=True):
        lines = item.split("\n")
        lines[1] = f"    duree_h: {value}"
        new_items.append("  - date:" + "\n".join(lines))
    project.write(name, head + "seances:\n" + "".join(new_items) + "---\n" + body)


def test_total_of_24_hours_is_allowed(project: Project) -> None:
    _sessions_of(project, "02-investigation.md", ["8", "6", "4"])  # 2 + 18 + 4 = 24
    assert project.diagnostics() == []


def test_total_over_24_hours(project: Project) -> None:
    _sessions_of(project, "02-investigation.md", ["8", "6", "4"])
    _sessions_of(project, "03-conclusions.md", ["2", "2.25"])
    assert project.lines() == [
        f"{CONCLUSIONS}:12: erreur: total des séances 24,25 h : 24 h au plus (L6313-4) "
        "[duree-depassee]",
    ]


def test_total_limit_from_options(project: Project) -> None:
    project.options = dataclasses.replace(project.options, duree_max_h=12.0)
    assert project.triples() == [
        ("duree-depassee", CONCLUSIONS, 7),  # 2 + 3 + 3 + 3 + 2 = 13
        ("duree-depassee", DOSSIER_YML, 21),
    ]


@pytest.mark.parametrize(("value", "ok"), [("24", True), ("23.75", True), ("24.25", False)])
def test_planned_duration(project: Project, value: str, ok: bool) -> None:
    project.replace("dossier.yml", "duree_prevue_h: 20", f"duree_prevue_h: {value}")
    expected = (
        []
        if ok
        else [
            f"{DOSSIER_YML}:21: erreur: durée prévue 24,25 h : 24 h au plus (L6313-4) "
            "[duree-depassee]"
        ]
    )
    assert project.lines() == expected


@pytest.mark.parametrize("value", ["8", "0.25", "1.75", "7.5"])
def test_session_duration_valid(project: Project, value: str) -> None:
    project.replace("01-preliminaire.md", "duree_h: 2", f"duree_h: {value}")
    assert project.diagnostics() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8.25", "8 heures au plus"),
        ("0.3", "durée par quarts d'heure attendue (0.25, 0.5, 0.75…)"),
        ("1.1", "durée par quarts d'heure attendue (0.25, 0.5, 0.75…)"),
        ("0", "la durée doit être supérieure à 0"),
        ("-1", "la durée doit être supérieure à 0"),
    ],
)
def test_session_duration_invalid(project: Project, value: str, expected: str) -> None:
    project.replace("01-preliminaire.md", "duree_h: 2", f"duree_h: {value}")
    assert project.lines() == [
        f"{PRELIM}:8: erreur: « seances.duree_h » (élément 1) (durée de la séance (heures)) : "
        f"{expected}, reçu « {value} » [duree-invalide]",
    ]


# --- Rule 6: dates ----------------------------------------------------------------------


def test_consent_on_the_first_session_day_is_fine(project: Project) -> None:
    assert "date: 2026-03-02" in project.read("01-preliminaire.md")
    assert "  date: 2026-03-02" in project.read("dossier.yml")
    assert project.diagnostics() == []


def test_consent_the_day_after_the_first_session(project: Project) -> None:
    project.replace("dossier.yml", "  date: 2026-03-02", "  date: 2026-03-03")
    assert project.lines() == [
        f"{DOSSIER_YML}:8: erreur: consentement du 03/03/2026 après la première séance "
        "(02/03/2026) : il doit la précéder [consentement-tardif]",
    ]


def test_session_before_start(project: Project) -> None:
    project.replace("dossier.yml", "date_debut: 2026-03-02", "date_debut: 2026-03-03")
    assert project.lines() == [
        f"{PRELIM}:7: erreur: séance du 02/03/2026 hors de la période du bilan "
        "(date_debut..date_fin) [seance-hors-periode]",
    ]


def test_session_after_end(project: Project) -> None:
    project.replace("dossier.yml", "date_fin: 2026-04-20", "date_fin: 2026-04-19")
    project.replace("synthese.md", "remise_le: 2026-04-20", "remise_le: 2026-04-21")
    project.replace("dossier.yml", "jusqu_au: 2029-04-20", "jusqu_au: 2029-04-19")
    assert project.triples() == [("seance-hors-periode", CONCLUSIONS, 12)]


def test_end_before_start(project: Project) -> None:
    project.replace("dossier.yml", "date_fin: 2026-04-20", "date_fin: 2026-03-01")
    diags = [d for d in project.diagnostics() if d.code == "periode-invalide"]
    assert [(d.line, d.message) for d in diags] == [
        (20, "date_fin (01/03/2026) avant date_debut (02/03/2026)")
    ]


def test_phases_overlap_is_a_warning(project: Project) -> None:
    project.replace("01-preliminaire.md", "date: 2026-03-02", "date: 2026-03-10")
    assert project.lines() == [
        f"{INVESTIGATION}:6: avertissement: Phase d'investigation commencée le 09/03/2026, "
        "avant la dernière séance de la phase préliminaire (10/03/2026) [phases-chevauchement]",
    ]


def test_phases_may_share_a_day(project: Project) -> None:
    project.replace("01-preliminaire.md", "date: 2026-03-02", "date: 2026-03-09")
    project.replace("dossier.yml", "  date: 2026-03-02", "  date: 2026-03-09")
    assert project.diagnostics() == []


def test_phases_in_reverse_order(project: Project) -> None:
    project.replace("01-preliminaire.md", "date: 2026-03-02", "date: 2026-03-30")
    assert project.lines() == [
        f"{INVESTIGATION}:6: erreur: Phase d'investigation entièrement avant la phase "
        "préliminaire [phases-desordre]",
    ]


def test_phase_order_skips_a_phase_without_sessions(project: Project) -> None:
    project.replace("02-investigation.md", "seances:\n", "seances: []\nanciennes_seances:\n")
    project.replace("01-preliminaire.md", "date: 2026-03-02", "date: 2026-04-20")
    project.replace("dossier.yml", "  date: 2026-03-02", "  date: 2026-03-01")
    assert project.triples() == [
        ("champ-inconnu", INVESTIGATION, 7),
        ("phases-chevauchement", CONCLUSIONS, 6),
    ]


def test_delivery_on_the_last_conclusions_day_is_fine(project: Project) -> None:
    assert "remise_le: 2026-04-20" in project.read("synthese.md")
    assert "date: 2026-04-20" in project.read("03-conclusions.md")
    assert project.diagnostics() == []


def test_delivery_before_the_last_conclusions_session(project: Project) -> None:
    project.replace("synthese.md", "remise_le: 2026-04-20", "remise_le: 2026-04-19")
    assert project.lines() == [
        f"{SYNTHESE}:7: erreur: synthèse remise le 19/04/2026, avant la dernière séance de "
        "conclusions (20/04/2026) [remise-anticipee]",
    ]


def test_suivi_session_comes_after_the_end_of_the_bilan(project: Project) -> None:
    project.write("04-suivi.md", suivi_text(date="2026-10-20"))
    project.append("dossier.yml", "  a_froid_le: 2026-10-20\n")
    assert project.diagnostics() == []


def test_suivi_session_before_the_conclusions(project: Project) -> None:
    project.write("04-suivi.md", suivi_text(date="2026-04-01"))
    project.append("dossier.yml", "  a_froid_le: 2026-10-20\n")
    assert project.triples() == [("phases-desordre", SUIVI, 6)]


# --- Rule 7: conclusions are individual interviews --------------------------------------


def test_conclusions_sessions_are_individual(project: Project) -> None:
    text = project.read("03-conclusions.md")
    project.write(
        "03-conclusions.md",
        text.replace("type: entretien_individuel", "type: atelier_collectif", 1),
    )
    assert project.lines() == [
        f"{CONCLUSIONS}:7: erreur: séance de conclusions de type « atelier_collectif » : "
        "entretien_individuel attendu (R6313-4) [conclusions-non-individuel]",
    ]


def test_other_phases_may_hold_collective_sessions(project: Project) -> None:
    project.replace("01-preliminaire.md", "type: entretien_individuel", "type: atelier_collectif")
    assert project.diagnostics() == []
