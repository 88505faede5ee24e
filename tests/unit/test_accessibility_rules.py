"""What only the consultant can make accessible: image texts, one ``#`` title, heading levels."""

from __future__ import annotations

import pytest
from helpers import Project

from bilan_gen.validation.markdown import parse_links

PRELIMINAIRE = "dossiers/2026-001/01-preliminaire.md"
SYNTHESE = "dossiers/2026-001/synthese.md"
LINE = 37  # the line appended after the synthèse's last paragraph


def _append(project: Project, markdown: str) -> list[tuple[str, str, int]]:
    project.append("synthese.md", f"\n{markdown}\n")
    return project.triples()


@pytest.mark.parametrize(
    "markdown",
    [
        "![](annexes/profil.png)",
        "![   ](annexes/profil.png)",
        '<img src="annexes/profil.png">',
        '<img src="annexes/profil.png" alt="">',
        "Voir ![](annexes/radar.svg) ci-contre.",
    ],
)
def test_an_image_without_text(project: Project, markdown: str) -> None:
    project.write("annexes/profil.png", "PNG")
    project.write("annexes/radar.svg", "<svg/>")
    assert _append(project, markdown) == [("image-sans-texte", SYNTHESE, LINE)]


def test_an_image_without_text_message(project: Project) -> None:
    project.write("annexes/profil.png", "PNG")
    project.append("synthese.md", "\n![](annexes/profil.png)\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: avertissement: image « annexes/profil.png » sans texte de "
        "remplacement : décrivez ce qu'elle montre entre les crochets, ![Ce que montre "
        "l'image](annexes/profil.png) [image-sans-texte]",
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "![Profil d'intérêts : scores sur dix](annexes/profil.png)",
        '<img alt="Profil d\'intérêts" src="annexes/profil.png">',
        "[Le CV, en PDF](annexes/cv.pdf)",
        "`![](annexes/profil.png)` s'écrit ainsi.",
        "```\n![](annexes/profil.png)\n```",
        "<!-- ![](annexes/profil.png) -->",
    ],
)
def test_images_with_text_links_and_code_are_fine(project: Project, markdown: str) -> None:
    project.write("annexes/profil.png", "PNG")
    project.write("annexes/cv.pdf", "%PDF")
    assert _append(project, markdown) == []


def test_alt_is_read_from_markdown_and_html() -> None:
    body = (
        "![Un profil](a.png) <img src=\"b.png\" alt='Deux'> "
        '<img src="c.png" alt=trois> <img src="d.png">'
    )
    assert [(link.target, link.alt) for link in parse_links(body, 1)] == [
        ("a.png", "Un profil"),
        ("b.png", "Deux"),
        ("c.png", "trois"),
        ("d.png", None),
    ]


def test_a_document_without_a_main_title(project: Project) -> None:
    project.replace("01-preliminaire.md", "# Phase préliminaire\n", "")
    assert project.lines() == [
        f"{PRELIMINAIRE}:14: avertissement: aucun titre de niveau « # » : la page publiée "
        "n'aurait pas de titre principal [titre-principal]",
    ]


def test_a_second_main_title(project: Project) -> None:
    project.append("01-preliminaire.md", "\n# Annexe\n\nQuelques mots de plus.\n")
    assert project.lines() == [
        f"{PRELIMINAIRE}:29: avertissement: second titre de niveau « # » : une page n'en a "
        "qu'un, utilisez « ## » [titre-principal]",
    ]


def test_a_skipped_heading_level(project: Project) -> None:
    project.append("synthese.md", "\n#### Un détail\n\nQuelques mots de plus pour ce détail.\n")
    assert project.lines() == [
        f"{SYNTHESE}:{LINE}: avertissement: titre « Un détail » de niveau 4 après un titre de "
        "niveau 2 : un niveau est sauté, écrivez « ### Un détail » [niveau-de-titre-saute]",
    ]


def test_headings_may_go_back_up_any_number_of_levels(project: Project) -> None:
    project.append("synthese.md", "\n### Un détail\n\nUn.\n\n#### Plus fin\n\nDeux.\n\n## Fin\n")
    assert [t for t in project.triples() if t[0] == "niveau-de-titre-saute"] == []
