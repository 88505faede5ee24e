"""Words that suggest special-category data (RGPD, art. 9): a warning per line, unless
acknowledged on that line; code, comments and partial words do not count.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import Project

from bilan_gen.config import options_from_mapping
from bilan_gen.legal import DEFAULT_MOTS_SENSIBLES
from bilan_gen.validation.sensitive import ACKNOWLEDGEMENT, find_sensitive

SYNTHESE = "dossiers/2026-001/synthese.md"
WORDS = ("santé", "handicap", "burn-out", "traitement médical", "RQTH")


def append_line(project: Project, text: str) -> int:
    """Append one line to the synthèse; return its line number."""
    before = project.read("synthese.md")
    if not before.endswith("\n"):
        before += "\n"
    project.write("synthese.md", before + text + "\n")
    return before.count("\n") + 1


def test_a_sensitive_word_is_a_warning(project: Project) -> None:
    line = append_line(project, "Un souci de santé l'a conduit à ce bilan.")
    assert project.lines() == [
        f"{SYNTHESE}:{line}: avertissement: mot « santé » : lien direct et nécessaire avec le "
        "bilan ? consentement explicite ? (donnée sensible, RGPD art. 9) [donnee-sensible]",
    ]


def test_several_words_on_one_line(project: Project) -> None:
    append_line(project, "Reconnaissance RQTH et handicap.")
    assert project.messages() == [
        "mots « handicap », « RQTH » : lien direct et nécessaire avec le bilan ? consentement "
        "explicite ? (donnée sensible, RGPD art. 9)"
    ]


@pytest.mark.parametrize(
    "text",
    ["SANTE", "Sante", "un Burn-Out", "un burn out", "TRAITEMENT  MÉDICAL.", "(handicap)"],
)
def test_case_accents_and_punctuation_are_ignored(text: str) -> None:
    assert len(find_sensitive(text, 1, WORDS)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "la santéconomie",  # not a whole word
        "handicaps",  # another word: list it to catch it
        "traitement des données médicales",
        "`santé`",  # inline code
        "<!-- santé -->",  # a comment is not prose
    ],
)
def test_whole_words_of_prose_only(text: str) -> None:
    assert find_sensitive(text, 1, WORDS) == []


def test_code_blocks_are_skipped() -> None:
    body = "Avant\n```\nsanté\n```\nAprès le handicap\n"
    assert find_sensitive(body, 10, WORDS) == [(14, ["handicap"])]


def test_acknowledged_on_its_line(project: Project) -> None:
    append_line(project, f"Il souhaite un poste compatible avec sa RQTH. {ACKNOWLEDGEMENT}")
    append_line(project, "<!--bilan:sensible-ok--> Santé : sans objet.")
    assert project.diagnostics() == []


def test_acknowledgement_covers_its_own_line_only(project: Project) -> None:
    append_line(project, ACKNOWLEDGEMENT)
    line = append_line(project, "Une grossesse récente.")
    assert project.triples() == [("donnee-sensible", SYNTHESE, line)]


def test_drafts_and_every_document_are_scanned(project: Project) -> None:
    project.replace("01-preliminaire.md", "statut: finalise", "statut: brouillon")
    project.replace("01-preliminaire.md", "## Format retenu", "## Format retenu\n\nSyndicat.")
    codes = [d.code for d in project.diagnostics() if d.path.name == "01-preliminaire.md"]
    assert codes == ["donnee-sensible"]


def test_the_list_is_configurable(project: Project) -> None:
    append_line(project, "Sa santé va bien ; le chômage l'inquiète.")
    project.options = dataclasses.replace(project.options, mots_sensibles=("chômage",))
    assert project.messages()[0].startswith("mot « chômage »")
    project.options = dataclasses.replace(project.options, mots_sensibles=())
    assert project.diagnostics() == []


def test_default_list_covers_the_issue() -> None:
    folded = {w.casefold() for w in DEFAULT_MOTS_SENSIBLES}
    for word in ("santé", "maladie", "handicap", "rqth", "burn-out", "traitement médical"):
        assert word in folded
    for word in ("religion", "syndicat", "grossesse", "orientation sexuelle"):
        assert word in folded


def test_words_from_mkdocs_yml(tmp_path: Path) -> None:
    options, diags = options_from_mapping({"mots_sensibles": ["chômage"]}, tmp_path)
    assert diags == [] and options.mots_sensibles == ("chômage",)
    assert options_from_mapping({"mots_sensibles": []}, tmp_path)[0].mots_sensibles == ()
    assert options_from_mapping({}, tmp_path)[0].mots_sensibles == DEFAULT_MOTS_SENSIBLES


def test_a_longer_word_wins() -> None:
    assert find_sensitive("Un arrêt maladie.", 1, DEFAULT_MOTS_SENSIBLES) == [
        (1, ["arrêt maladie"])
    ]
