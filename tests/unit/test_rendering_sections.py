"""One Markdown pass for the synthèse page and its print view (``Renderer.render_sections``)."""

from __future__ import annotations

import re

from helpers import Project

from bilan_gen.model import Phase
from bilan_gen.printing.document import render_print_view
from bilan_gen.rendering import Renderer
from bilan_gen.validation import check_dossier


def norm(html: str) -> str:
    """HTML without ids and whitespace runs (ids depend on what else the pass saw)."""
    return re.sub(r"\s+", " ", re.sub(r'(id|href)="#?[^"]*"', "", html)).strip()


def test_the_cut_page_is_the_page_and_the_print_view_is_unchanged(project: Project) -> None:
    # Sections written out of canonical order, with a sub-section and a table.
    project.replace(
        "synthese.md",
        "## Plan d'action\n",
        "## Plan d'action\n\n### Étapes\n\n| quand | quoi |\n| --- | --- |\n| mai | formation |\n",
    )
    dossier = check_dossier(project.folder(), project.options).dossier
    synthese = dossier.documents[Phase.SYNTHESE]
    renderer = Renderer()
    page, _, cut = renderer.render_sections(synthese.body, synthese.body_line)
    assert norm(page) == norm(renderer.render_markdown(synthese.body)[0])
    assert len(cut) == 6 and all(not html.startswith("<h2") for html in cut.values())
    before = render_print_view(dossier, project.options, renderer.render_markdown)
    after = render_print_view(dossier, project.options, renderer.render_markdown, cut)
    assert before is not None and after is not None
    assert norm(after[0]) == norm(before[0])


def test_raw_html_keeps_the_page_as_a_plain_pass_would_render_it() -> None:
    body = "# Titre\n\n<div>\n## Dans du HTML brut\n</div>\n\n## Vraie section\n\nTexte.\n"
    renderer = Renderer()
    page, _, cut = renderer.render_sections(body, 1)
    assert norm(page) == norm(renderer.render_markdown(body)[0])
    assert "<!--bilan-section-split-->" not in page
    assert cut[7] == "<p>Texte.</p>"


def test_a_fenced_heading_is_not_a_cut() -> None:
    body = "## Une\n\n```\n## pas un titre\n```\n\n## Deux\n\nFin.\n"
    renderer = Renderer()
    page, _, cut = renderer.render_sections(body, 1)
    assert norm(page) == norm(renderer.render_markdown(body)[0])
    assert sorted(cut) == [1, 7]
    assert "## pas un titre" in cut[1]


def test_headings_with_markup_are_cut_in_the_single_pass() -> None:
    body = "## Plan **d'action** {#plan}\n\nA &amp; B.\n\n## Deux\n\nC.\n"
    renderer = Renderer()
    page, _, cut = renderer.render_sections(body, 1)
    assert page == renderer.render_markdown(body)[0]  # the very page, not a marked-up pass
    assert cut == {1: "<p>A &amp; B.</p>", 5: "<p>C.</p>"}
