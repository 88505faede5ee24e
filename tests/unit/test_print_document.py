"""The printable synthèse without WeasyPrint: wording, document model, HTML, site payload.

Every test builds the document from the valid base dossier (``tests/data/base``), patched
where needed, and asserts on prepared values or on the HTML fragment the print template
makes of them.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from helpers import NOM, PRENOM, Project

from bilan_gen.config import DEFAULT_SECTIONS, Organisme
from bilan_gen.model import Phase
from bilan_gen.printing import formats
from bilan_gen.printing.document import (
    NOTICE,
    PRINT_TITLE,
    PrintDocument,
    build_print_document,
    render_print_html,
    render_print_page,
)
from bilan_gen.rendering import PRINT_ROUTE, Renderer
from bilan_gen.validation import check_dossier

ORGANISME = Organisme("Cap Parcours Conseil", "73282932000074", "11755555575")
CANONICAL = [spec.title for spec in DEFAULT_SECTIONS[Phase.SYNTHESE] if spec.required]
NBSP = "\u00a0"


def _document(project: Project, complet: bool = False) -> PrintDocument:
    options = replace(project.options, organisme=ORGANISME)
    dossier = check_dossier(project.folder(), options).dossier
    document = build_print_document(dossier, options, Renderer().render_markdown, complet)
    assert document is not None
    return document


def _h2(html: str) -> list[str]:
    titles = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in titles]


# ---- Wording --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 7, 1), "1er juillet 2026"),
        (dt.date(2026, 6, 2), "2 juin 2026"),
        (dt.date(2027, 2, 28), "28 février 2027"),
        (dt.date(2026, 8, 15), "15 août 2026"),
        (None, "—"),
    ],
)
def test_dates_are_french_and_never_wrap(day: dt.date | None, text: str) -> None:
    assert formats.format_date(day) == text.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("hours", "text"), [(18, "18 h"), (1.25, "1 h 15"), (20.5, "20 h 30"), (None, "—")]
)
def test_hours(hours: float | None, text: str) -> None:
    assert formats.format_hours(hours) == text.replace(" ", NBSP)


def test_siret_is_grouped_and_other_values_kept() -> None:
    assert formats.format_siret("73282932000074") == NBSP.join(("732", "829", "320", "00074"))
    assert formats.format_siret("732 829 320") == "732 829 320"


def test_suivi_and_remise_sentences() -> None:
    planned = formats.format_suivi(True, dt.date(2027, 1, 14))
    assert (
        planned
        == f"Un entretien de suivi a été proposé ; il est prévu le 14{NBSP}janvier{NBSP}2027."
    )
    assert formats.format_suivi(False, None) == "Aucun entretien de suivi n’a été proposé."
    remise = formats.format_remise(dt.date(2026, 4, 20), "en_main_propre")
    assert remise == f"Document remis le 20{NBSP}avril{NBSP}2026 en main propre."


# ---- Document model -------------------------------------------------------------------


def test_identification_block(project: Project) -> None:
    document = _document(project)

    assert [(f.label, f.value) for f in document.provider] == [
        ("Organisme", "Cap Parcours Conseil"),
        ("SIRET", formats.format_siret("73282932000074")),
        ("Déclaration d’activité (NDA)", "11755555575"),
    ]
    assert {f.label: f.value for f in document.facts} == {
        "Bénéficiaire": f"{PRENOM} {NOM}",
        "Consultant": "Claire Mercier",
        "Période du bilan": formats.format_period(dt.date(2026, 3, 2), dt.date(2026, 4, 20)),
        "Mode de financement": "Compte personnel de formation (CPF)",
        "Durée de l’accompagnement": formats.format_hours(project_hours(project)),
        "Référence du dossier": "2026-001",
    }
    assert document.title == PRINT_TITLE
    assert document.notice == NOTICE and "L6313-4" in NOTICE
    assert document.created == "2026-04-20"
    assert document.suivi.endswith(f"20{NBSP}octobre{NBSP}2026.")
    assert document.remise.startswith(f"Document remis le 20{NBSP}avril{NBSP}2026 dans")
    assert (
        document.footer
        == f"Cap Parcours Conseil — Document de synthèse — {PRENOM} {NOM} — confidentiel"
    )


def project_hours(project: Project) -> float:
    dossier = project.check().dossier
    return sum(s.duree_h or 0 for phase, s in dossier.seances if phase is not Phase.SUIVI)


def test_sections_come_in_canonical_order_whatever_the_writing_order(project: Project) -> None:
    text = project.read("synthese.md")
    head, _, body = text.partition("\n## ")
    sections = ["## " + part.strip() + "\n" for part in body.split("\n## ")]
    reversed_text = head + "\n\n" + "\n".join(reversed(sections))
    project.write("synthese.md", reversed_text)
    assert reversed_text.index("## Plan d'action") < reversed_text.index("## Circonstances")

    document = _document(project)

    assert [s.title for s in document.sections] == CANONICAL
    assert _h2(render_print_html(document))[: len(CANONICAL)] == CANONICAL


def test_unknown_sections_follow_and_the_preamble_is_left_out(project: Project) -> None:
    project.replace(
        "synthese.md",
        "# Document de synthèse\n",
        "# Document de synthèse\n\nPréambule que le document imprimé remplace.\n",
    )
    project.append("synthese.md", "\n## Remarques libres\n\nUne *remarque* en plus.\n")

    document = _document(project)

    assert [s.title for s in document.sections] == [*CANONICAL, "Remarques libres"]
    html = render_print_html(document)
    assert "Préambule" not in html
    assert "<em>remarque</em>" in html


def test_markdown_is_rendered_inside_sections(project: Project) -> None:
    project.append(
        "synthese.md",
        "\n## Observations du bénéficiaire\n\n"
        "- **premier** point\n- second point\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n",
    )
    html = render_print_html(_document(project))
    assert "<li><strong>premier</strong> point</li>" in html
    assert "<td>1</td>" in html and "<th>A</th>" in html


def test_a_draft_or_missing_synthese_gives_no_document(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    dossier = project.check().dossier
    assert build_print_document(dossier, project.options, Renderer().render_markdown) is None
    project.delete("synthese.md")
    dossier = project.check().dossier
    assert build_print_document(dossier, project.options, Renderer().render_markdown) is None


def test_complet_adds_the_finalised_phases_as_annexes(project: Project) -> None:
    project.replace("03-conclusions.md", "statut: finalise", "statut: brouillon")
    document = _document(project, complet=True)
    assert [a.title for a in document.annexes] == [
        "Annexe 1 — Phase préliminaire",
        "Annexe 2 — Phase d'investigation",
    ]
    assert _document(project).annexes == ()


def test_an_unconfigured_provider_is_left_out(project: Project) -> None:
    dossier = project.check().dossier
    document = build_print_document(dossier, project.options, Renderer().render_markdown)
    assert document is not None and document.provider == ()
    assert "data-bilan-print-provider" not in render_print_html(document)
    assert document.footer == f"Document de synthèse — {PRENOM} {NOM} — confidentiel"


# ---- HTML -----------------------------------------------------------------------------


def test_fragment_has_every_block_and_escapes_values(project: Project) -> None:
    project.replace("dossier.yml", f"nom: {NOM}", 'nom: "<b>Quillebeuf</b>"')
    html = render_print_html(_document(project))

    for hook in ("provider", "facts", "notice", "closing", "signature"):
        assert f"data-bilan-print-{hook}" in html, hook
    assert html.count("data-bilan-print-signature") == 2
    assert "&lt;b&gt;Quillebeuf&lt;/b&gt;" in html and "<b>Quillebeuf" not in html
    assert NOTICE in html_lib.unescape(html)
    assert html.index("Circonstances du bilan") < html.index("Suivi et remise du document")


def test_page_fixes_its_metadata_dates_for_reproducible_pdfs(project: Project) -> None:
    page = render_print_page(_document(project))
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert '<meta name="dcterms.created" content="2026-04-20">' in page
    assert '<meta name="dcterms.modified" content="2026-04-20">' in page
    assert '<meta name="author" content="Cap Parcours Conseil">' in page
    assert f"<title>{PRINT_TITLE}</title>" in page


# ---- The site's print view ------------------------------------------------------------


def test_payload_holds_the_print_view_once_the_synthese_is_final(project: Project) -> None:
    options = replace(project.options, organisme=ORGANISME)
    dossier = project.check().dossier
    payload = Renderer().render_dossier(dossier, options, today=dt.date.today()).to_payload()

    view = payload["impression"]
    assert view["route"] == PRINT_ROUTE == "impression"
    assert "data-bilan-print-document" in view["html"] and "Cap Parcours Conseil" in view["html"]
    assert PRINT_ROUTE not in [page["route"] for page in payload["pages"]]

    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    draft = (
        Renderer()
        .render_dossier(project.check().dossier, options, today=dt.date.today())
        .to_payload()
    )
    assert "impression" not in draft


def test_print_view_images_travel_in_the_payload(project: Project) -> None:
    (project.folder() / "annexes").mkdir()
    project.write_bytes("annexes/radar.png", b"\x89PNG\r\n\x1a\nfake")
    project.append(
        "synthese.md", "\n## Observations du bénéficiaire\n\n![Radar](annexes/radar.png)\n"
    )
    dossier = project.check().dossier
    payload = (
        Renderer().render_dossier(dossier, project.options, today=dt.date.today()).to_payload()
    )
    assert 'src="annexes/radar.png"' in payload["impression"]["html"]
    assert "annexes/radar.png" in payload["annexes"]


def test_the_core_and_bilan_check_never_import_weasyprint() -> None:
    code = (
        "import sys; import bilan_gen.cli, bilan_gen.printing.batch, bilan_gen.build.pipeline; "
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
