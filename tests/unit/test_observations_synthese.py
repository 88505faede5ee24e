"""Observations land in ``synthese.md`` at one point, every other byte untouched, and read as
typed: no Markdown construct of the beneficiary's text survives, the document still checks,
and the print view shows the section last, as the former R6322-38 order wants.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from helpers import BASE_ID, Project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilan_gen.atrest import encrypt_file
from bilan_gen.config import DEFAULT_SECTIONS, SectionSpec
from bilan_gen.model import Phase
from bilan_gen.observations import Observation, ObservationError
from bilan_gen.observations.synthese import (
    escape_line,
    format_entry,
    imported_ids,
    insert_observation,
    text_lines,
)
from bilan_gen.printing.document import build_print_document
from bilan_gen.rendering import Renderer
from bilan_gen.validation.markdown import headings

TODAY = dt.date(2026, 12, 12)
WRITTEN = dt.datetime(2026, 12, 11, 18, 42, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SPECS = DEFAULT_SECTIONS[Phase.SYNTHESE]
PATH = Path("dossiers/2026-001/synthese.md")
FRONT = "---\nstatut: finalise\n---\n\n# Document de synthèse\n\n"
EXTENSIONS = [
    "toc",
    "tables",
    "attr_list",
    "md_in_html",
    "admonition",
    "def_list",
    "abbr",
    "footnotes",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
    "pymdownx.emoji",
]


def obs(text: str = "Je suis d'accord.", message_id: str = "ab" * 16) -> Observation:
    return Observation("2026-001", message_id, WRITTEN, text)


def insert(raw: bytes, observation: Observation | None = None, specs=SPECS) -> tuple[bytes, int]:  # type: ignore[no-untyped-def]
    return insert_observation(PATH, raw, observation or obs(), specs, TODAY)


def only_insertion(before: bytes, after: bytes) -> bytes:
    """The bytes inserted into ``before`` to give ``after``, proving nothing else changed."""
    prefix = 0
    while prefix < len(before) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = len(before) - prefix
    assert after[:prefix] == before[:prefix]
    assert after[len(after) - suffix :] == before[prefix:]
    return after[prefix : len(after) - suffix]


ENTRY = (
    "<!-- bilan-observation abababababababababababababababab -->\n"
    "\n"
    "*Observations écrites le 11/12/2026 à 18 h 42, ajoutées le 12/12/2026.*\n"
    "\n"
    "> Je suis d'accord.\n"
)


def test_a_new_section_is_appended_to_the_base_synthese(project: Project) -> None:
    before = project.path("synthese.md").read_bytes()
    after, line = insert(before)
    assert only_insertion(before, after).decode() == (
        "\n## Observations du bénéficiaire\n\n" + ENTRY
    )
    assert after.decode().split("\n")[line - 1].startswith("<!-- bilan-observation ab")


def test_an_existing_section_in_the_middle_gets_the_entry_at_its_end() -> None:
    raw = (
        FRONT + "## Plan d'action\n\nTexte.\n\n## Observations du bénéficiaire\n\n"
        "> « Premières remarques. »\n\n## Annexe libre\n\nFin.\n"
    ).encode()
    after, line = insert(raw)
    inserted = only_insertion(raw, after).decode()
    assert inserted == ENTRY + "\n"
    lines = after.decode().split("\n")
    assert lines[line - 1].startswith("<!-- bilan-observation")
    assert lines[line + 5 : line + 7] == ["## Annexe libre", ""]


def test_a_quotation_right_before_gets_a_blank_line_first() -> None:
    raw = (FRONT + "## Observations du bénéficiaire\n\n> « Déjà là. »\n").encode()
    after, _ = insert(raw)
    assert only_insertion(raw, after).decode() == "\n" + ENTRY


def test_crlf_bom_and_no_final_newline_are_kept() -> None:
    raw = (
        "\ufeff".encode() + (FRONT + "## Plan d'action\n\nTexte.   ").replace("\n", "\r\n").encode()
    )
    after, line = insert(raw)
    inserted = only_insertion(raw, after)
    assert b"\n" not in inserted.replace(b"\r\n", b"")
    assert inserted.startswith(b"\r\n\r\n## Observations du b")
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert after.decode("utf-8-sig").split("\r\n")[line - 1].startswith("<!-- bilan-observation")


def test_a_declared_section_and_an_office_title_are_found() -> None:
    raw = FRONT + '## Votre regard sur le bilan { data-section="observations_beneficiaire" }\n\nx\n'
    after, _ = insert(raw.encode())
    assert only_insertion(raw.encode(), after).decode() == "\n" + ENTRY
    office = (*SPECS[:-1], SectionSpec("Remarques de la bénéficiaire", (), required=False))
    raw = FRONT + "## Plan d'action\n\nTexte.\n"
    after, _ = insert(raw.encode(), specs=office)
    assert "## Observations du bénéficiaire" in after.decode()  # not declared: the default


def test_the_office_title_is_used_when_it_declares_the_section() -> None:
    office = (*SPECS[:-1], SectionSpec("Observations du bénéficiaire", ("Vos remarques",), False))
    raw = (FRONT + "## Vos remarques\n\nDéjà.\n").encode()
    after, _ = insert(raw, specs=office)
    assert only_insertion(raw, after).decode() == "\n" + ENTRY


def test_a_replayed_message_is_refused_with_the_line_of_its_entry(project: Project) -> None:
    once, line = insert(project.path("synthese.md").read_bytes())
    with pytest.raises(ObservationError) as caught:
        insert(once)
    assert (caught.value.code, caught.value.line) == ("observation-deja-importee", line)
    again, _ = insert(once, obs(message_id="cd" * 16))
    assert imported_ids(again.decode()) == {"ab" * 16: line, "cd" * 16: line + 6}


@pytest.mark.parametrize(
    ("tail", "what"),
    [
        ("```\ncode jamais fermé\n", "code"),
        ("<!-- commentaire jamais fermé\n", "comment"),
        ("## Observations du bénéficiaire\n\n~~~\nouvert\n", "code-in-section"),
    ],
)
def test_an_end_swallowed_by_code_or_a_comment_is_refused(tail: str, what: str) -> None:
    raw = (FRONT + "## Plan d'action\n\nTexte.\n\n" + tail).encode()
    with pytest.raises(ObservationError) as caught:
        insert(raw)
    assert caught.value.code == "observation-synthese", what
    assert "bloc de code ou un commentaire HTML non fermé" in caught.value.message


def test_a_file_encrypted_at_rest_is_refused() -> None:
    blob = encrypt_file(bytes(64), "dossiers/2026-001/synthese.md", FRONT.encode())
    with pytest.raises(ObservationError) as caught:
        insert(blob)
    assert caught.value.code == "observation-synthese"
    assert caught.value.message.startswith("fichier chiffré dans Git sur ce poste")


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        (b"# Sans front matter\n", "front matter absent"),
        (b"---\nstatut: finalise\n", "front matter non fermé"),
        (b"---\n---\n\xff\xfe", "encodage invalide"),
        (b"---\n---\n" + b"x" * (2 * 1024 * 1024), "fichier trop gros"),
    ],
    ids=["no-front-matter", "unclosed", "latin1", "too-big"],
)
def test_a_synthese_that_cannot_take_it_is_refused(raw: bytes, start: str) -> None:
    with pytest.raises(ObservationError) as caught:
        insert(raw)
    assert caught.value.code == "observation-synthese"
    assert caught.value.message.startswith(start)


# ---- The text reads as typed -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("## Titre", "\\## Titre"),
        ("> citation", "\\> citation"),
        ("- liste", "\\- liste"),
        ("12. item", "12\\. item"),
        ("!!! note", "\\!!! note"),
        ("???+ note", "&#63;??+ note"),
        (": définition", "&#58; définition"),
        ("a | b", "a &#124; b"),
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("R&D &amp; co", "R&D &amp;amp; co"),
        ("[lien](javascript:x)", "\\[lien\\](javascript:x)"),
        ("*gras* _it_ `code`", "\\*gras\\* \\_it\\_ \\`code\\`"),
        ("{: .classe }", "\\{: .classe \\}"),
        (
            "==marqué== ~~barré~~ ^^sup^^",
            "&#61;&#61;marqué&#61;&#61; &#126;&#126;barré&#126;&#126; &#94;&#94;sup&#94;&#94;",
        ),
        (":smile: et : ici", "&#58;smile: et : ici"),
        (":a:b:", "&#58;a&#58;b:"),
        ("Tout va bien, merci.", "Tout va bien, merci."),
    ],
)
def test_escape_line(line: str, escaped: str) -> None:
    assert escape_line(line) == escaped


def test_text_lines_drop_controls_bidi_and_blank_lines() -> None:
    text = "  Première\u202e ligne\x07 \r\n\r\n\tSeconde\u2028Troisième\n\n"
    assert text_lines(text) == ["Première ligne", "Seconde", "Troisième"]
    assert text_lines("e\u0301té") == ["été"]  # NFC


def _section_text(rendered_html: str) -> list[str]:
    """The paragraphs of the rendered quotation, as a reader sees them."""
    quote = re.search(r"<blockquote>(.*?)</blockquote>", rendered_html, re.S)
    assert quote, rendered_html
    paragraphs = re.findall(r"<p>(.*?)</p>", quote.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in paragraphs]


RENDERER = Renderer(EXTENSIONS)
# Markdown's own characters, often, among any others: random Unicode alone seldom writes "*a*".
MARKDOWN_CHARS = st.sampled_from(
    list("#>*_-+=|~^`[]{}()<>!?/&;:.1\\ \n\tx")
    + ["&amp;", "<!--", "==", "~~", "^^", ":smile:", "\n| --- |", "\n==="]
)
TOKENS = MARKDOWN_CHARS | st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["abc"])
TEXTS = st.lists(TOKENS, min_size=1, max_size=120).map("".join).filter(text_lines)


@given(TEXTS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_renders_as_typed_and_adds_no_heading(text: str) -> None:
    raw = (FRONT + "## Plan d'action\n\nTexte.\n").encode()
    after, _ = insert(raw, obs(text))
    body = after.decode()
    assert [h[1:] for h in headings(body, 1)] == [
        (1, "Document de synthèse"),
        (2, "Plan d'action"),
        (2, "Observations du bénéficiaire"),
    ]
    entry = body[body.index("<!-- bilan-observation") :]
    rendered, assets = RENDERER.render_markdown(entry)
    assert assets == set()
    assert _section_text(rendered) == text_lines(text)
    assert not re.search(r"<(?!/?(?:blockquote|p|em)\b)[a-z]", rendered.split("-->", 1)[1])


# ---- Validation and print view ---------------------------------------------------------


def test_the_finalised_synthese_still_checks_and_prints_the_section_last(project: Project) -> None:
    text = "Je remercie ma consultante.\n\n## Ceci n'est pas une section\n\n| a | b |\n|---|---|"
    before = project.check()
    assert before.diagnostics == ()
    data, _ = insert(project.path("synthese.md").read_bytes(), obs(text))
    project.write_bytes("synthese.md", data)
    checked = project.check()
    assert checked.diagnostics == ()
    document = build_print_document(checked.dossier, project.options, RENDERER.render_markdown)
    assert document is not None
    titles = [s.title for s in document.sections]
    assert titles[-1] == "Observations du bénéficiaire"
    last = document.sections[-1].html
    assert "<blockquote>" in last and "Je remercie ma consultante." in last
    assert "## Ceci n'est pas une section" in html.unescape(last)
    assert "<table" not in last and "<h2" not in last
    assert "Observations écrites le 11/12/2026 à 18 h 42, ajoutées le 12/12/2026." in last


def test_format_entry() -> None:
    assert format_entry(obs("Un.\n\nDeux."), TODAY) == [
        "<!-- bilan-observation abababababababababababababababab -->",
        "",
        "*Observations écrites le 11/12/2026 à 18 h 42, ajoutées le 12/12/2026.*",
        "",
        "> Un.",
        ">",
        "> Deux.",
    ]


def test_base_id_is_the_dossier_of_the_path() -> None:
    assert PATH.parent.name == BASE_ID
