"""Headings as providers write them: folding, near misses, declared sections.

Each heading copied from a real provider's synthèse is a case named after it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from helpers import Project

from bilan_gen.config import DEFAULT_SECTIONS
from bilan_gen.model import Phase
from bilan_gen.printing.document import build_print_document, render_print_html
from bilan_gen.rendering import Renderer
from bilan_gen.validation import check_dossier
from bilan_gen.validation.titles import (
    NEAR_MISS,
    best_spec,
    section_id,
    similarity,
    title_key,
)

SYNTHESE = "dossiers/2026-001/synthese.md"
SPECS = DEFAULT_SECTIONS[Phase.SYNTHESE]
BY_TITLE = {spec.title: spec for spec in SPECS}
BASE_HEADINGS = {
    "Circonstances du bilan": 13,
    "Compétences et aptitudes": 17,
    "Projet professionnel": 21,
    "Propositions d'évolution": 25,
    "Conditions de réalisation": 29,
    "Plan d'action": 33,
}
REAL_HEADINGS = [
    ("Plan d'actions", "Plan d'action"),
    ("Le projet professionnel retenu", "Projet professionnel"),
    ("Principales étapes de mise en œuvre du projet", "Plan d'action"),
    ("Inventaire des compétences", "Compétences et aptitudes"),
    ("Rappel du contexte et de la demande initiale", "Circonstances du bilan"),
    ("Compétences personnelles et professionnelles", "Compétences et aptitudes"),
    ("Conditions de succès", "Conditions de réalisation"),
    ("Perspectives d'évolution", "Propositions d'évolution"),
    ("Étapes du projet", "Plan d'action"),
    ("Plans d’actions", "Plan d'action"),
    ("Compétences & aptitudes", "Compétences et aptitudes"),
    ("Aptitudes et compétences", "Compétences et aptitudes"),
    ("3. Le plan d'action : calendrier", "Plan d'action"),
    ("Plan d'action détaillé", "Plan d'action"),
]


@pytest.mark.parametrize(("heading", "title"), REAL_HEADINGS, ids=[h for h, _ in REAL_HEADINGS])
def test_real_heading_passes(project: Project, heading: str, title: str) -> None:
    assert best_spec(heading, SPECS) == BY_TITLE[title]
    project.replace("synthese.md", f"## {title}\n", f"## {heading}\n")
    assert project.diagnostics() == []


def test_what_is_folded() -> None:
    assert title_key("Plan d'actions") == title_key("plan d’action") == ("plan", "action")
    assert title_key("Les compétences professionnelles") == title_key("compétence professionnel")
    assert title_key("Conditions & moyens") == title_key("Conditions et moyens")
    assert title_key("II – Projet : le détail") == title_key("projet")
    assert title_key("Du, de la, des, l', à, au, aux, et") == ()


def test_the_canonical_title_and_aliases_match_first() -> None:
    # "Conditions de réussite" holds "Conditions" and more, but is an alias: exact first.
    assert best_spec("Conditions de réussite", SPECS) == BY_TITLE["Conditions de réalisation"]
    for spec in SPECS:
        assert best_spec(spec.title, SPECS) == spec


def test_more_than_two_extra_words_do_not_match() -> None:
    project = BY_TITLE["Projet professionnel"]
    assert best_spec("Projet professionnel de reconversion", SPECS) == project
    assert best_spec("Projet professionnel de reconversion choisi", SPECS) == project
    assert best_spec("Projet professionnel de reconversion longue durée", SPECS) is None


@pytest.mark.parametrize(
    ("heading", "close"),
    [
        ("Plan d'acton", True),  # a typo
        ("Projet professionel", True),
        ("Les étapes", True),  # one word of "Principales étapes"
        ("Contexte", True),
        ("Propositions", True),
        ("Objectifs du bilan", False),  # shares only « bilan » with « Circonstances du bilan »
        ("Mon projet", False),
        ("Introduction", False),
        ("Points forts", False),
        ("Freins et leviers", False),
    ],
)
def test_the_near_miss_threshold(heading: str, close: bool) -> None:
    best = max(similarity(heading, spec) for spec in SPECS)
    assert (best >= NEAR_MISS) is close, best


def test_a_near_miss_is_pointed_at_at_its_own_line(project: Project) -> None:
    project.replace("synthese.md", "## Plan d'action\n", "## Plan d'acton\n")
    assert project.lines() == [
        f"{SYNTHESE}:33: erreur: titre « Plan d'acton » : vouliez-vous dire « Plan d'action » ? "
        "(section obligatoire absente ; si c'est elle, corrigez le titre ou ajoutez-lui "
        '{ data-section="plan_action" }) [section-manquante]'
    ]


def test_a_missing_section_without_near_miss_keeps_its_message(project: Project) -> None:
    project.replace("synthese.md", "## Plan d'action\n", "## Suite du parcours\n")
    assert project.lines() == [
        f"{SYNTHESE}:29: erreur: section obligatoire absente « Plan d'action » [section-manquante]"
    ]


def test_a_declared_heading_counts_as_its_section(project: Project) -> None:
    project.replace(
        "synthese.md",
        "## Plan d'action\n",
        '## Les grandes étapes { data-section="plan_action" }\n',
    )
    assert project.diagnostics() == []
    project.replace("synthese.md", 'data-section="plan_action"', "data-section='Plan d’action'")
    assert project.diagnostics() == []


def test_an_unknown_declaration_is_an_error(project: Project) -> None:
    project.replace(
        "synthese.md", "## Plan d'action\n", '## Les grandes étapes { data-section="plan" }\n'
    )
    ids = ", ".join(section_id(spec) for spec in SPECS)
    assert (
        f"{SYNTHESE}:33: erreur: data-section « plan » : aucune section de ce nom dans ce "
        f"document (possibles : {ids}) [section-declaree-inconnue]"
    ) in project.lines()


def test_section_ids() -> None:
    assert [section_id(spec) for spec in SPECS if spec.required] == [
        "circonstances_bilan",
        "competences_aptitudes",
        "projet_professionnel",
        "propositions_evolution",
        "conditions_realisation",
        "plan_action",
    ]


def test_a_declared_heading_takes_its_place_in_print(project: Project) -> None:
    """Written first, it is printed where its section goes, under the consultant's title."""
    text = project.read("synthese.md")
    plan = text[text.index("## Plan d'action") :]
    text = text.replace(plan, "").replace(
        "## Circonstances du bilan",
        plan.replace("## Plan d'action", '## Les grandes étapes { data-section="plan_action" }')
        + "\n## Circonstances du bilan",
    )
    project.write("synthese.md", text)
    assert project.diagnostics() == []
    options = replace(project.options)
    dossier = check_dossier(project.folder(), options).dossier
    document = build_print_document(dossier, options, Renderer().render_markdown)
    assert document is not None
    titles = [s.title for s in document.sections]
    assert titles == [*list(BASE_HEADINGS)[:5], "Les grandes étapes"]
    html = render_print_html(document)
    assert [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>.*?</h2>", html)][5] == (
        "Les grandes étapes"
    )
