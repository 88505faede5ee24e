"""Scan Markdown source for headings, sections and links, outside code and comments.

A light line scanner, not a renderer: ``bilan check`` must stay fast (thousands of files in
seconds), and only ATX headings (``## Titre``) count as sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bilan_gen.model import Section

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATTRS = re.compile(r"\s*\{[^}]*\}\s*$")
_DECLARED = re.compile(r"""\bdata-section\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s}"']+))""")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_SPAN = re.compile(r"(`+).*?\1")
_NOT_PROSE = re.compile(r"<[^>]*>|\]\([^)]*\)|^ {0,3}\[[^\]]+\]:.*$|https?://\S+", re.M)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(].*?)?\s*\)"
)
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HTML_SRC = re.compile(
    r"<(img|a|source|video|audio|iframe)\b[^>]*?\b(src|href)\s*=\s*[\"']([^\"']*)[\"']", re.I
)
_HTML_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


@dataclass(frozen=True)
class Link:
    """A link or image target found in the source."""

    target: str
    line: int
    image: bool
    alt: str | None = None
    """An image's text alternative: the words between the brackets of ``![...](...)``, an
    ``<img>``'s ``alt`` (None when it has none)."""


def _code_mask(lines: list[str]) -> list[bool]:
    """True for each line inside a fenced code block (fences included)."""
    mask: list[bool] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            mask.append(True)
        elif fence is not None:
            mask.append(True)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        else:
            mask.append(False)
    return mask


def blank_comments(text: str) -> str:
    """Replace HTML comments by blanks, keeping line breaks (and so line numbers)."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def count_words(text: str) -> int:
    """Words of prose, comments left out."""
    return len(_WORD.findall(_NOT_PROSE.sub(" ", blank_comments(text))))


def _blanked(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _heads(lines: list[str]) -> list[tuple[int, int, str, str | None]]:
    """(index, level, title, declared section) of the ATX headings of comment-blanked
    ``lines``; the section is the ``data-section`` of the heading's attribute list."""
    mask = _code_mask(lines)
    heads: list[tuple[int, int, str, str | None]] = []
    for index, line in enumerate(lines):
        if "#" not in line or mask[index]:
            continue
        match = _ATX.match(line)
        if match:
            text = match.group(2) or ""
            attrs = _ATTRS.search(text)
            declared = _DECLARED.search(attrs.group(0)) if attrs else None
            title = text[: attrs.start()] if attrs else text
            value = (
                next((v for v in declared.groups() if v is not None), None) if declared else None
            )
            heads.append((index, len(match.group(1)), title.strip(), value))
    return heads


def headings(body: str, body_line: int) -> list[tuple[int, int, str]]:
    """(file line, level, title) of every ATX heading of ``body``, outside code and comments."""
    return [
        (body_line + index, level, title)
        for index, level, title, _ in _heads(blank_comments(body).split("\n"))
    ]


def parse_sections(body: str, body_line: int) -> list[Section]:
    """Every ATX heading of ``body`` with the text under it; lines are file lines."""
    blanked = blank_comments(body)
    lines = blanked.split("\n")
    heads = _heads(lines)
    if not heads:
        return []
    raw_lines = body.split("\n")
    # Words of each line, counted once (not again for each enclosing section).
    prose = _NOT_PROSE.sub(_blanked, blanked).split("\n")
    before = [0]
    for line in prose:
        before.append(before[-1] + (len(_WORD.findall(line)) if line.strip() else 0))
    sections: list[Section] = []
    for position, (index, level, title, declared) in enumerate(heads):
        end = len(lines)
        for later_index, later_level, _, _ in heads[position + 1 :]:
            if later_level <= level:
                end = later_index
                break
        text = "\n".join(raw_lines[index + 1 : end])
        words = before[end] - before[index + 1]
        sections.append(Section(title, level, body_line + index, words, text, declared))
    return sections


def parse_links(body: str, body_line: int) -> list[Link]:
    """Every link and image target of ``body`` outside code and comments."""
    lines = blank_comments(body).split("\n")
    mask = _code_mask(lines)
    links: list[Link] = []
    for index, line in enumerate(lines):
        if mask[index] or ("](" not in line and "<" not in line and "]:" not in line):
            continue
        line = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        number = body_line + index
        for m in _INLINE_LINK.finditer(line):
            image = m.group(1) == "!"
            links.append(Link(m.group(3), number, image, m.group(2) if image else None))
        ref = _REF_DEF.match(line)
        if ref:
            links.append(Link(ref.group(1), number, False))
        for m in _HTML_SRC.finditer(line):
            image = m.group(1).lower() == "img"
            kind = m.group(1).lower() != "a"
            links.append(Link(m.group(3), number, kind, _html_alt(line, m) if image else None))
    return links


def _html_alt(line: str, match: re.Match[str]) -> str | None:
    """The ``alt`` attribute of the HTML tag that ``match`` starts, if it has one."""
    end = line.find(">", match.start())
    found = _HTML_ALT.search(line, match.start(), end if end != -1 else len(line))
    return next((v for v in found.groups() if v is not None), "") if found else None
