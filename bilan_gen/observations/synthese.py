"""Adding a beneficiary's observations to ``synthese.md``, and nothing else.

The new text is inserted at one point: the end of the « Observations du bénéficiaire »
section, or the end of the file under a new such section. Every other byte of the file stays
as it was (line endings, byte order mark, trailing spaces). The entry is an HTML comment
carrying the message's random id (what recognises a replay, and travels with the dossier), a
dated line, and the beneficiary's text as a quotation whose every Markdown construct is
escaped: the text reads on the site and in the PDF exactly as it was typed, and cannot add a
heading, a link, raw HTML or a table to the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from bilan_gen.atrest import is_encrypted
from bilan_gen.config import SectionSpec
from bilan_gen.loading import decode_text, parse_front_matter
from bilan_gen.model import Section
from bilan_gen.observations.envelope import Observation, ObservationError
from bilan_gen.validation.markdown import headings, parse_sections
from bilan_gen.validation.sections import SECTION_LEVEL, match_sections
from bilan_gen.validation.titles import declared_spec

SECTION_TITLE = "Observations du bénéficiaire"
SECTION_ID = "observations_beneficiaire"
SECTION_SPEC = SectionSpec(SECTION_TITLE, (), required=False)
MARKER = re.compile(r"<!--\s*bilan-observation\s+([0-9a-f]{32})\s*-->")
MAX_BYTES = 2 * 1024 * 1024
"""A document's size limit (``guard.Limits.text_bytes``)."""
CODE = "observation-synthese"

_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_EMOJI = re.compile(r":(?=[\w+-]+:)")
_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "{": "\\{",
        "}": "\\}",
        "<": "&lt;",
        # Not escapable by a backslash in every Markdown configuration: entities always work.
        "|": "&#124;",  # tables
        "~": "&#126;",  # fences, strike-through
        "^": "&#94;",  # superscript
        "=": "&#61;",  # setext headings, highlight
    }
)
_LINE_START = re.compile(r"^(?:([#>+!-])|(\d+)([.)])|([?/:]))")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def escape_line(line: str) -> str:
    """One line of the beneficiary's text as Markdown that renders exactly as typed."""
    line = _ENTITY.sub("&amp;", line)
    line = _EMOJI.sub("&#58;", line)
    line = line.translate(_INLINE)
    return _LINE_START.sub(_escape_start, line, count=1)


def _escape_start(match: re.Match[str]) -> str:
    if match.group(1):  # heading, quotation, list, admonition
        return "\\" + match.group(1)
    if match.group(2):  # ordered list
        return f"{match.group(2)}\\{match.group(3)}"
    return f"&#{ord(match.group(4))};"  # details, blocks, definition lists


def text_lines(texte: str) -> list[str]:
    """The beneficiary's text as the lines it shows: NFC, no control or bidirectional
    override characters, no blanks at either end; empty lines dropped."""
    texte = unicodedata.normalize("NFC", texte).replace("\u2028", "\n").replace("\u2029", "\n")
    texte = texte.translate(_BIDI).replace("\t", " ")
    lines = _NEWLINE.split(texte)
    kept = ("".join(c for c in line if unicodedata.category(c) != "Cc") for line in lines)
    return [line.strip() for line in kept if line.strip()]


def format_written(moment: dt.datetime) -> str:
    """``11/12/2026 à 18 h 42``: when the text was written, in the writer's time zone."""
    return f"{moment:%d/%m/%Y} à {moment.hour} h {moment.minute:02d}"


def format_entry(observation: Observation, today: dt.date) -> list[str]:
    """The lines of one imported observation (without line endings)."""
    quoted: list[str] = []
    for line in text_lines(observation.texte):
        quoted += [">", f"> {escape_line(line)}"] if quoted else [f"> {escape_line(line)}"]
    written = format_written(observation.cree_le)
    return [
        f"<!-- bilan-observation {observation.message_id} -->",
        "",
        f"*Observations écrites le {written}, ajoutées le {today:%d/%m/%Y}.*",
        "",
        *quoted,
    ]


def imported_ids(text: str) -> dict[str, int]:
    """The message ids already imported into a document's text, with their lines."""
    return {
        match.group(1): text.count("\n", 0, match.start()) + 1 for match in MARKER.finditer(text)
    }


def _sections(path: Path, raw: bytes) -> tuple[str, list[Section]]:
    """The normalised text of ``raw`` and its sections; refusals as ObservationError."""
    if is_encrypted(raw):
        raise ObservationError(
            CODE,
            "fichier chiffré dans Git sur ce poste (dépôt sans bilan init) : lancez bilan init, "
            "puis importez de nouveau ; rien n'a été écrit",
        )
    text, problems = decode_text(path, raw)
    if text is None:
        raise ObservationError(CODE, f"{problems[0].message} ; rien n'a été écrit")
    front, problems = parse_front_matter(path, text)
    if front.yaml_text is None:
        raise ObservationError(
            CODE, f"{problems[0].message} ; corrigez-le (bilan check) puis importez de nouveau"
        )
    return text, parse_sections(front.body, front.body_line)


def observation_section(sections: list[Section], specs: tuple[SectionSpec, ...]) -> Section | None:
    """The ``##`` section standing for « Observations du bénéficiaire », if there is one."""
    spec = declared_spec(SECTION_ID, specs) or SECTION_SPEC
    known = specs if spec in specs else (*specs, spec)
    top = [s for s in sections if s.level == SECTION_LEVEL]
    found = match_sections(top, known)[spec]
    return found[0] if found else None


def _end_line(sections: list[Section], section: Section) -> int | None:
    """The line of the heading that ends ``section`` (None: it runs to the end of the file)."""
    later = [s.line for s in sections if s.line > section.line and s.level <= SECTION_LEVEL]
    return min(later) if later else None


def _line_starts(text: str) -> list[int]:
    """Offset of each line of ``text``, lines ended as the loader ends them."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def insert_observation(
    path: Path,
    raw: bytes,
    observation: Observation,
    specs: tuple[SectionSpec, ...],
    today: dt.date,
) -> tuple[bytes, int]:
    """``raw`` (the bytes of ``synthese.md``) with the observation added, and the line of
    its entry; nothing else changes.

    Raises:
        ObservationError: Already imported (a replay), or the file cannot take it (encrypted
            at rest, not UTF-8, no front matter, too big, its end inside a code block).
    """
    normalised, sections = _sections(path, raw)
    seen = imported_ids(normalised)
    if observation.message_id in seen:
        raise ObservationError(
            "observation-deja-importee",
            "message déjà ajouté à la synthèse : il n'est pas ajouté une seconde fois",
            seen[observation.message_id],
        )
    text = raw.decode("utf-8")  # decode_text accepted it: valid UTF-8 (a BOM stays a BOM)
    newline = m.group(0) if (m := _NEWLINE.search(text)) else "\n"
    section = observation_section(sections, specs)
    end = _end_line(sections, section) if section is not None else None
    at = _line_starts(text)[end - 1] if end is not None else len(text)
    heading = None if section is not None else section_title(specs)
    before, after = text[:at], text[at:]
    before_end = "" if before.endswith(("\n", "\r")) else newline  # no final line break
    lines = [""] if _needs_blank(before) else []
    lines += [f"## {heading}", ""] if heading else []
    entry = format_entry(observation, today)
    lines += [*entry, *([""] if after else [])]
    inserted = before_end + "".join(line + newline for line in lines)
    data = (before + inserted + after).encode("utf-8")
    entry_line = len(_NEWLINE.findall(before + before_end)) + 1 + lines.index(entry[0])
    _check_result(path, data, sections, observation, specs, entry_line, heading)
    return data, entry_line


def section_title(specs: tuple[SectionSpec, ...]) -> str:
    """The title a new « Observations du bénéficiaire » section gets (the office's, if its
    ``sections`` option declares one)."""
    return (declared_spec(SECTION_ID, specs) or SECTION_SPEC).title


def _needs_blank(before: str) -> bool:
    """Whether a blank line must come first: a quotation or a paragraph just before would
    otherwise swallow the entry."""
    lines = _NEWLINE.split(before)
    return lines[-1] != "" or len(lines) < 2 or lines[-2].strip() != ""


def _check_result(
    path: Path,
    data: bytes,
    before: list[Section],
    observation: Observation,
    specs: tuple[SectionSpec, ...],
    entry_line: int,
    heading: str | None,
) -> None:
    """The new file parses as the old one plus the entry, inside its section; else refused."""
    if len(data) > MAX_BYTES:
        raise ObservationError(
            CODE, "la synthèse dépasserait 2 Mo avec ces observations ; rien n'a été écrit"
        )
    text, after = _sections(path, data)
    added = [] if heading is None else [(heading, SECTION_LEVEL)]
    same_headings = [(s.title, s.level) for s in after] == [
        *((s.title, s.level) for s in before),
        *added,
    ]
    marker = imported_ids(text).get(observation.message_id)
    if not (same_headings and marker == entry_line and _in_section(text, after, specs, marker)):
        raise ObservationError(
            CODE,
            "la fin de la section « Observations du bénéficiaire » (ou du fichier) est prise "
            "dans un bloc de code ou un commentaire HTML non fermé : fermez-le, puis importez "
            "de nouveau ; rien n'a été écrit",
        )


def _in_section(
    text: str, sections: list[Section], specs: tuple[SectionSpec, ...], line: int
) -> bool:
    """Whether ``line`` is prose (not code, not a comment) of the observations section."""
    section = observation_section(sections, specs)
    if section is None:
        return False
    lines = text.split("\n")
    end = _end_line(sections, section) or len(lines) + 1
    if not section.line < line < end:
        return False
    lines[line - 1] = "## bilan-probe"  # a heading there is seen only outside code and comments
    return (line, 2, "bilan-probe") in headings("\n".join(lines), 1)
