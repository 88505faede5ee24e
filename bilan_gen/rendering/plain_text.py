"""A Python-Markdown extension that spares plain text the inline patterns, same output.

Python-Markdown tries every inline pattern (emphasis, links, code, entities...) on every text
of the tree, one regular expression at a time: about a third of the time it takes to render
a dossier, though most paragraphs and table cells of a dossier hold none of the characters
that could start any of those patterns. This extension marks such text as
:class:`~markdown.util.AtomicString` just before the inline processor runs, so it is skipped,
and turns it back into an ordinary string just after, so the rest of the pipeline sees what
it would have seen.

It only acts when every registered inline pattern is one of Python-Markdown's own, with the
characters that can start it known here; any other pattern (an extension's) turns it off.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import markdown
from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX, AtomicString

_INLINE_PRIORITY = 20
"""Where Python-Markdown registers its inline processor (documented, stable since 3.0)."""


def _known(*pairs: tuple[str, str]) -> dict[str | None, str]:
    """{regular expression: start characters} for the regexes this Python-Markdown has."""
    table: dict[str | None, str] = {}
    for name, chars in pairs:
        regex = getattr(inlinepatterns, name, None)
        if isinstance(regex, str):
            table[regex] = chars
    return table


_STARTS: dict[str, dict[str | None, str]] = {
    # class of Python-Markdown's own -> its regular expression (None: any) -> the characters
    # that can start a match. The line break ("  \n") is always looked for.
    "BacktickInlineProcessor": _known(("BACKTICK_RE", "`\\")),
    "EscapeInlineProcessor": _known(("ESCAPE_RE", "\\")),
    "ReferenceInlineProcessor": _known(("REFERENCE_RE", "[")),
    "LinkInlineProcessor": _known(("LINK_RE", "[")),
    "ShortReferenceInlineProcessor": _known(("REFERENCE_RE", "[")),
    "ImageInlineProcessor": _known(("IMAGE_LINK_RE", "[")),
    "ImageReferenceInlineProcessor": _known(("IMAGE_REFERENCE_RE", "[")),
    "ShortImageReferenceInlineProcessor": _known(("IMAGE_REFERENCE_RE", "[")),
    "AutolinkInlineProcessor": _known(("AUTOLINK_RE", "<")),
    "AutomailInlineProcessor": _known(("AUTOMAIL_RE", "<")),
    "SubstituteTagInlineProcessor": _known(("LINE_BREAK_RE", "")),
    "HtmlInlineProcessor": _known(("HTML_RE", "<"), ("ENTITY_RE", "&")),
    "SimpleTextInlineProcessor": _known(("NOT_STRONG_RE", "*_")),
    # Python-Markdown < 3.11: one processor per emphasis character.
    "AsteriskProcessor": {None: "*"},
    "UnderscoreProcessor": {None: "_"},
}
_LINE_BREAK: str = inlinepatterns.LINE_BREAK_RE
"""A regular expression: the one inline pattern that no single character starts."""


def start_characters(md: markdown.Markdown) -> str | None:
    """Every character that can start an inline match of ``md``; None when a pattern is not
    one of Python-Markdown's own (an extension's), whose start is unknown."""
    found = {STX}  # placeholders of raw HTML: always left to the inline processor
    for pattern in md.inlinePatterns:
        kind = type(pattern).__name__
        if type(pattern).__module__ != inlinepatterns.__name__:
            return None
        if kind == "DelimiterProcessor":  # Python-Markdown >= 3.11: * and _ (and any added)
            tokens = getattr(pattern, "tokens", None)
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                return None
            found.update("".join(tokens))
            continue
        by_regex = _STARTS.get(kind, {})
        chars = by_regex.get(getattr(pattern, "pattern", None), by_regex.get(None))
        if chars is None:
            return None
        found.update(chars)
    return "".join(sorted(found))


class _Mark(Treeprocessor):
    """Just before the inline processor: plain text becomes atomic (skipped)."""

    def __init__(self, md: markdown.Markdown, marked: list[tuple[ET.Element, bool]]) -> None:
        super().__init__(md)
        self.marked = marked
        self.search: Callable[[str], object] | None = None
        self.active: bool | None = None  # known on the first run: extensions are all loaded

    def run(self, root: ET.Element) -> None:
        self.marked.clear()
        if self.active is None:
            chars = start_characters(self.md)
            self.active = chars is not None
            if chars is not None:
                self.search = re.compile(f"[{re.escape(chars)}]|{_LINE_BREAK}").search
        if not self.active or self.search is None:
            return
        search, marked = self.search, self.marked
        for element in root.iter():
            text = element.text
            if text and type(text) is str and search(text) is None:
                element.text = AtomicString(text)
                marked.append((element, True))
            tail = element.tail
            if tail and type(tail) is str and search(tail) is None:
                element.tail = AtomicString(tail)
                marked.append((element, False))


class _Unmark(Treeprocessor):
    """Just after the inline processor: the text marked atomic is an ordinary string again."""

    def __init__(self, md: markdown.Markdown, marked: list[tuple[ET.Element, bool]]) -> None:
        super().__init__(md)
        self.marked = marked

    def run(self, root: ET.Element) -> None:
        for element, is_text in self.marked:
            if is_text:
                if isinstance(element.text, AtomicString):
                    element.text = str(element.text)
            elif isinstance(element.tail, AtomicString):
                element.tail = str(element.tail)
        self.marked.clear()


class PlainTextExtension(Extension):
    """Skip the inline patterns on text none of them can match (same HTML, less time)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        if "inline" not in md.treeprocessors:
            return
        marked: list[tuple[ET.Element, bool]] = []
        md.treeprocessors.register(_Mark(md, marked), "bilan_plain_mark", _INLINE_PRIORITY + 0.001)
        md.treeprocessors.register(
            _Unmark(md, marked), "bilan_plain_unmark", _INLINE_PRIORITY - 0.001
        )
