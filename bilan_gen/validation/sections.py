"""Required ``##`` sections of each document, matched loosely (R6313-4, former R6322-38)."""

from __future__ import annotations

import functools
import re

from bilan_gen.config import SectionSpec
from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.folding import fold_words
from bilan_gen.model import Document, Section
from bilan_gen.validation.markdown import parse_sections

# "1.", "1)", "1.2", "I –", "II.", "A)" before a title.
_NUMBERING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)+\.?\s+"
    r"|(?:\d+|[IVXLCDMivxlcdm]+|[A-Za-z])(?:\s*[.)]|\s+[-–—])\s*)+"
)
SECTION_LEVEL = 2


@functools.lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    """Fold a heading for matching: numbering, text after ":", case, accents, punctuation."""
    title = _NUMBERING.sub("", title)
    title = re.split(r"\s*:", title, maxsplit=1)[0]
    return fold_words(title)


@functools.lru_cache(maxsize=256)
def spec_keys(spec: SectionSpec) -> frozenset[str]:
    """The normalised forms of a section's title and aliases."""
    return frozenset(normalise_title(t) for t in (spec.title, *spec.aliases))


def match_sections(
    sections: list[Section], specs: tuple[SectionSpec, ...]
) -> dict[SectionSpec, list[Section]]:
    """For each spec, the headings (any level) that match it, in order."""
    keyed = [(normalise_title(s.title), s) for s in sections]
    return {spec: [s for key, s in keyed if key in spec_keys(spec)] for spec in specs}


def check_sections(
    document: Document, specs: tuple[SectionSpec, ...], min_words: int
) -> list[Diagnostic]:
    """Required sections present at ``##``, each with at least ``min_words`` words.

    In a finalised document these are errors; in a draft, warnings.
    """
    make = error if document.finalised else warning
    path = document.path
    sections = parse_sections(document.body, document.body_line)
    matches = match_sections(sections, specs)
    diags: list[Diagnostic] = []
    last_line = document.body_line
    for spec in specs:
        found = matches[spec]
        at_level = [s for s in found if s.level == SECTION_LEVEL]
        if at_level:
            section = at_level[0]
            last_line = section.line
            if spec.required and section.words < min_words:
                msg = (
                    f"section « {spec.title} » trop courte : {section.words} mot(s), "
                    f"{min_words} au moins"
                )
                diags.append(make(path, section.line, "section-trop-courte", msg))
            for extra in at_level[1:]:
                msg = f"section « {spec.title} » en double (déjà ligne {section.line})"
                diags.append(warning(path, extra.line, "section-dupliquee", msg))
        elif found and spec.required:
            other = found[0]
            msg = (
                f"section « {spec.title} » au niveau {'#' * other.level} : "
                f"écrivez « {'#' * SECTION_LEVEL} {other.title} »"
            )
            diags.append(make(path, other.line, "section-mauvais-niveau", msg))
        elif spec.required:
            msg = f"section obligatoire absente « {spec.title} »"
            diags.append(make(path, last_line, "section-manquante", msg))
    return diags


def canonical_order(
    sections: list[Section], specs: tuple[SectionSpec, ...]
) -> list[tuple[SectionSpec | None, Section]]:
    """The ``##`` sections of a document, known ones first in canonical order, then others."""
    matches = match_sections([s for s in sections if s.level == SECTION_LEVEL], specs)
    ordered: list[tuple[SectionSpec | None, Section]] = [
        (spec, found[0]) for spec, found in matches.items() if found
    ]
    used = {id(s) for _, s in ordered}
    ordered += [(None, s) for s in sections if s.level == SECTION_LEVEL and id(s) not in used]
    return ordered
