"""The plain-text extension changes nothing in the HTML, only how fast it comes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import markdown
import pytest
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from bilan_gen.rendering import Renderer
from bilan_gen.rendering.plain_text import PlainTextExtension, start_characters

REPO = Path(__file__).resolve().parents[2]
SITE_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]
SITE_CONFIGS = {"toc": {"permalink": True}}

TRICKY = [
    "Un texte sans rien de spécial, avec des apostrophes et des « guillemets ».",
    "Deux espaces en fin de ligne  \nfont un saut de ligne.",
    "Un *accent*, du **gras**, du ***gras accentué*** et un _autre_ __gras__.",
    "Une étoile * seule, un souligné _ seul, snake_case_name et 2*3*4.",
    "Un [lien](https://exemple.fr), un [renvoi][ref] et ![une image](annexes/cv.png).\n\n"
    "[ref]: https://exemple.fr/renvoi",
    "Du `code avec *étoiles*`, un \\*échappement\\* et un \\\\ antislash.",
    "Une entité &eacute; &#233; &#xE9; et un & seul, un < seul, 3 < 4 > 2.",
    "Une adresse <https://exemple.fr> et un courriel <jean@exemple.fr>.",
    "Du HTML <span class='x'>en ligne</span> et <b>gras</b>.",
    "<div>\nBloc HTML *brut*\n</div>\n\nPuis un paragraphe.",
    '<div markdown="1">\nDans un bloc *Markdown* et du texte simple.\n</div>',
    "Paragraphe avec attributs\n{: .note #ancre }",
    "## Titre avec *accent* et [lien](#x)\n\nTexte.\n\n### Titre simple\n\nTexte.",
    "| Compétence | Niveau |\n| --- | --- |\n| Gestion | *fort* |\n| Écoute | moyen |",
    "- un\n- deux *avec*\n    - imbriqué simple\n\n1. premier\n2. second",
    "> Citation simple\n> sur deux lignes  \n> avec saut.",
    '!!! note "Titre"\n    Contenu simple de la note.\n\n    Et **gras**.',
    "```\ncode *non* interprété\n```\n\nApres.",
    "    bloc de code indenté *brut*\n\nTexte.",
    "Texte\n\n---\n\n*fin*",
]


def _pair(extensions: list[Any], configs: dict[str, Any] | None = None) -> tuple[Any, Any]:
    plain = markdown.Markdown(extensions=extensions, extension_configs=configs or {})
    fast = markdown.Markdown(
        extensions=[*extensions, PlainTextExtension()], extension_configs=configs or {}
    )
    return plain, fast


def _same(plain: Any, fast: Any, text: str) -> None:
    plain.reset()
    fast.reset()
    assert fast.convert(text) == plain.convert(text)
    assert getattr(fast, "toc_tokens", None) == getattr(plain, "toc_tokens", None)


@pytest.mark.parametrize(
    "extensions", [[], SITE_EXTENSIONS, ["abbr", "def_list", "smarty", "sane_lists"]]
)
def test_tricky_markdown_renders_the_same(extensions: list[str]) -> None:
    plain, fast = _pair(extensions, SITE_CONFIGS if "toc" in extensions else None)
    assert fast.treeprocessors["bilan_plain_mark"] is not None
    for text in TRICKY:
        _same(plain, fast, text)
    _same(plain, fast, "\n\n".join(TRICKY))


def test_every_sample_document_renders_the_same() -> None:
    plain, fast = _pair(SITE_EXTENSIONS, SITE_CONFIGS)
    documents = sorted((REPO / "dossiers").rglob("*.md")) + sorted((REPO / "content").rglob("*.md"))
    assert len(documents) > 10
    for path in documents:
        _same(plain, fast, path.read_text(encoding="utf-8"))


class _Probe(Treeprocessor):
    """Right after the inline processor: which texts are atomic, and the word of abbr."""

    def __init__(self, md: Any, seen: list[tuple[str, bool]]) -> None:
        super().__init__(md)
        self.seen = seen

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for text in (element.text, element.tail):
                if text:
                    self.seen.append((str(text), isinstance(text, AtomicString)))


class _ProbeExtension(Extension):
    def __init__(self, seen: list[tuple[str, bool]]) -> None:
        super().__init__()
        self.seen = seen

    def extendMarkdown(self, md: Any) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_Probe(md, self.seen), "probe", 19)


def test_later_tree_processors_see_ordinary_strings_again() -> None:
    without: list[tuple[str, bool]] = []
    with_fast: list[tuple[str, bool]] = []
    text = "\n\n".join(TRICKY)
    markdown.markdown(text, extensions=[*SITE_EXTENSIONS, _ProbeExtension(without)])
    markdown.markdown(
        text, extensions=[*SITE_EXTENSIONS, PlainTextExtension(), _ProbeExtension(with_fast)]
    )
    assert with_fast == without
    # abbr expands only text that is not atomic: it still sees the plain paragraphs.
    source = "*[CPF]: compte personnel de formation\n\nFinancé par le CPF, sans autre détail."
    html = markdown.markdown(source, extensions=["abbr", PlainTextExtension()])
    assert '<abbr title="compte personnel de formation">CPF</abbr>' in html


def test_it_skips_plain_text_for_the_site_extensions() -> None:
    md = markdown.Markdown(extensions=[*SITE_EXTENSIONS, PlainTextExtension()])
    assert start_characters(md) == "\x02&*<[\\_`"
    seen: list[tuple[str, bool]] = []

    class Spy(Treeprocessor):
        def run(self, root: ET.Element) -> None:
            seen.extend((str(e.text), isinstance(e.text, AtomicString)) for e in root.iter("p"))

    md.treeprocessors.register(Spy(md), "spy", 20.0005)  # between the mark and the inline run
    md.convert("Un texte simple.\n\nUn *accent*.\n\nDeux espaces  \nà la fin.")
    assert seen == [
        ("Un texte simple.", True),
        ("Un *accent*.", False),
        ("Deux espaces  \nà la fin.", False),
    ]


class _Tilde(Extension):
    """An inline pattern of an extension: its start is unknown here."""

    def extendMarkdown(self, md: Any) -> None:  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "del", 65)


def test_an_unknown_inline_pattern_turns_it_off() -> None:
    plain, fast = _pair([_Tilde()])
    assert start_characters(fast) is None
    text = "Du texte ~~barré~~ et du texte simple.\n\nEncore ~~barré~~."
    _same(plain, fast, text)
    assert "<del>barré</del>" in fast.convert(text)


def test_the_renderer_uses_it() -> None:
    html, _ = Renderer().render_markdown("Texte *simple*  \net suite & fin.")
    assert html == "<p>Texte <em>simple</em><br />\net suite &amp; fin.</p>"
    assert Renderer()._md.treeprocessors["bilan_plain_mark"] is not None  # noqa: SLF001
