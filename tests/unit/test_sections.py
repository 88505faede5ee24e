"""Rule 3: required ``##`` sections, matched loosely, with a minimum of words."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import Project

from bilan_gen.config import DEFAULT_SECTIONS
from bilan_gen.model import Phase
from bilan_gen.validation.titles import best_spec, spec_keys

SYNTHESE = "dossiers/2026-001/synthese.md"
PLAN = "## Plan d'action\n\nChoisir la formation en mai"
PLAN_TEXT = (
    "Choisir la formation en mai, s'inscrire en juin, candidater à l'automne et faire le "
    "point en octobre."
)


def test_missing_section_message(project: Project) -> None:
    project.replace("synthese.md", f"## Plan d'action\n\n{PLAN_TEXT}\n", "")
    assert project.lines() == [
        f"{SYNTHESE}:29: erreur: section obligatoire absente « Plan d'action » [section-manquante]",
    ]


def test_missing_first_section_points_at_the_body(project: Project) -> None:
    project.replace("synthese.md", "## Circonstances du bilan\n", "")
    # Its text now belongs to the title: only the section is missing.
    assert project.triples() == [("section-manquante", SYNTHESE, 10)]


def test_level_three_heading_gets_the_hint(project: Project) -> None:
    project.replace("synthese.md", "## Plan d'action", "### Plan d'action")
    assert project.lines() == [
        f"{SYNTHESE}:33: erreur: section « Plan d'action » au niveau ### : écrivez "
        "« ## Plan d'action » [section-mauvais-niveau]",
    ]


def test_level_one_heading_is_wrong_level_too(project: Project) -> None:
    project.replace("synthese.md", "## Projet professionnel", "# Projet professionnel")
    assert project.triples() == [("section-mauvais-niveau", SYNTHESE, 21)]


@pytest.mark.parametrize(
    "heading",
    [
        "2. Plan d’action : calendrier",
        "6) Plan d'action",
        "VI – Plan d'action",
        "II. Plan d'action",
        "F - Plan d'action",
        "1.2 Plan d'action",
        "PLAN D'ACTION",
        "Plan d’action",
        "Plan d'action :",
        "Plan d'action !",
        "**Plan d'action**",
        "Plan d'action {#plan}",
        "Plan d'action ##",
        "Principales étapes",
        "Étapes de mise en œuvre",
        "Etapes de mise en oeuvre : le calendrier",
    ],
)
def test_heading_variants_match(project: Project, heading: str) -> None:
    project.replace("synthese.md", "## Plan d'action", f"## {heading}")
    assert project.diagnostics() == []


@pytest.mark.parametrize("heading", ["Plan", "Actions", "Plan d'acton"])
def test_near_misses_are_pointed_at_their_own_line(project: Project, heading: str) -> None:
    project.replace("synthese.md", "## Plan d'action", f"## {heading}")
    assert project.triples() == [("section-manquante", SYNTHESE, 33)]


@pytest.mark.parametrize("heading", ["Calendrier", "Suite", "Mon avenir"])
def test_other_headings_do_not_match(project: Project, heading: str) -> None:
    project.replace("synthese.md", "## Plan d'action", f"## {heading}")
    assert project.triples() == [("section-manquante", SYNTHESE, 29)]


def test_every_alias_of_every_phase_is_accepted() -> None:
    for specs in DEFAULT_SECTIONS.values():
        for spec in specs:
            for alias in spec.aliases:
                assert best_spec(f"3. {alias} : détail", specs) == spec, alias


def test_no_alias_is_shared_between_sections_of_a_phase() -> None:
    for specs in DEFAULT_SECTIONS.values():
        keys = [key for spec in specs for key in spec_keys(spec)]
        assert len(keys) == len(set(keys))


def test_too_short_section(project: Project) -> None:
    project.replace("synthese.md", PLAN_TEXT, "À faire.")
    assert project.lines() == [
        f"{SYNTHESE}:33: erreur: section « Plan d'action » trop courte : 2 mot(s), 10 au "
        "moins [section-trop-courte]",
    ]


def test_minimum_words_boundary(project: Project) -> None:
    nine = "un deux trois quatre cinq six sept huit neuf"
    project.replace("synthese.md", PLAN_TEXT, nine)
    assert project.triples() == [("section-trop-courte", SYNTHESE, 33)]
    project.replace("synthese.md", nine, nine + " dix")
    assert project.diagnostics() == []


def test_words_in_comments_and_link_targets_do_not_count(project: Project) -> None:
    text = "<!-- un deux trois quatre cinq six sept huit neuf dix -->\n[Voir](#plan)"
    project.replace("synthese.md", PLAN_TEXT, text)
    assert project.triples() == [("section-trop-courte", SYNTHESE, 33)]


def test_subsections_count_towards_their_section(project: Project) -> None:
    text = "### Court terme\n\nChoisir la formation.\n\n### Long terme\n\nCandidater en industrie."
    project.replace("synthese.md", PLAN_TEXT, text)
    assert project.diagnostics() == []


def test_custom_minimum(project: Project) -> None:
    project.options = dataclasses.replace(project.options, mots_min_section=20)
    triples = project.triples()
    assert ("section-trop-courte", SYNTHESE, 33) in triples
    assert all(code == "section-trop-courte" for code, _, _ in triples)


def test_draft_gives_warnings_not_errors(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    project.replace("synthese.md", f"## Plan d'action\n\n{PLAN_TEXT}\n", "")
    project.replace("synthese.md", "## Projet professionnel", "### Projet professionnel")
    project.replace("synthese.md", "Évolution interne vers le service achats", "Court")
    assert project.lines() == [
        f"{SYNTHESE}:21: avertissement: section « Projet professionnel » au niveau ### : "
        "écrivez « ## Projet professionnel » [section-mauvais-niveau]",
        f"{SYNTHESE}:25: avertissement: section « Propositions d'évolution » trop courte : "
        "8 mot(s), 10 au moins [section-trop-courte]",
        f"{SYNTHESE}:29: avertissement: section obligatoire absente « Plan d'action » "
        "[section-manquante]",
    ]
    assert not project.check().has_errors


def test_duplicate_section_warns(project: Project) -> None:
    project.append("synthese.md", f"\n## Plan d’action\n\n{PLAN_TEXT}\n")
    assert project.lines() == [
        f"{SYNTHESE}:37: avertissement: section « Plan d'action » en double (déjà ligne 33) "
        "[section-dupliquee]",
    ]


def test_headings_in_code_and_comments_are_not_sections(project: Project) -> None:
    project.replace(
        "synthese.md",
        f"## Plan d'action\n\n{PLAN_TEXT}\n",
        f"```\n## Plan d'action\n```\n\n<!--\n## Plan d'action\n-->\n\n{PLAN_TEXT}\n",
    )
    assert project.triples() == [("section-manquante", SYNTHESE, 29)]


def test_optional_sections_may_be_absent_or_short(project: Project) -> None:
    project.append("synthese.md", "\n## Observations du bénéficiaire\n\nAucune.\n")
    assert project.diagnostics() == []


@pytest.mark.parametrize(
    ("name", "heading", "line"),
    [
        ("01-preliminaire.md", "## Format retenu", 21),
        ("02-investigation.md", "## Pistes explorées", 38),
        ("03-conclusions.md", "## Entretien de suivi", 33),
    ],
)
def test_phase_sections(project: Project, name: str, heading: str, line: int) -> None:
    project.replace(name, heading, "### " + heading.removeprefix("## "))
    assert project.triples() == [("section-mauvais-niveau", f"dossiers/2026-001/{name}", line)]


def test_phase_alias(project: Project) -> None:
    project.replace("01-preliminaire.md", "## Modalités de déroulement", "## 3. Calendrier")
    project.replace("03-conclusions.md", "## Entretien de suivi", "## Modalités de suivi")
    assert project.diagnostics() == []


def test_suivi_has_no_required_section() -> None:
    assert DEFAULT_SECTIONS[Phase.SUIVI] == ()
