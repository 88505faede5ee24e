"""Required ``##`` sections of each document, matched loosely (R6313-4, former R6322-38)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bilan_gen.config import SectionSpec
from bilan_gen.diagnostics import Diagnostic, error, warning
from bilan_gen.model import Document, Section
from bilan_gen.validation.markdown import parse_sections
from bilan_gen.validation.titles import NEAR_MISS, best_spec, declared_spec, section_id, similarity

SECTION_LEVEL = 2


def match_sections(
    sections: list[Section], specs: tuple[SectionSpec, ...]
) -> dict[SectionSpec, list[Section]]:
    """For each spec, the headings (any level) that stand for it, in order: each heading
    stands for one section at most, the one it declares or else the one its words match
    best (:mod:`bilan_gen.validation.titles`)."""
    matches: dict[SectionSpec, list[Section]] = {spec: [] for spec in specs}
    for section in sections:
        if section.declared is not None:
            spec = declared_spec(section.declared, specs)
        else:
            spec = best_spec(section.title, specs)
        if spec is not None:
            matches[spec].append(section)
    return matches


def _unknown_declarations(
    sections: list[Section], specs: tuple[SectionSpec, ...], document: Document
) -> list[Diagnostic]:
    """A ``data-section`` that names no section of this document."""
    known = ", ".join(section_id(spec) for spec in specs) or "aucune"
    return [
        error(
            document.path,
            s.line,
            "section-declaree-inconnue",
            f"data-section « {s.declared} » : aucune section de ce nom dans ce document "
            f"(possibles : {known})",
        )
        for s in sections
        if s.declared is not None and declared_spec(s.declared, specs) is None
    ]


def _near_miss(spec: SectionSpec, free: list[Section]) -> Section | None:
    """The unmatched ``##`` heading closest to ``spec``, if one is close enough."""
    scored = [(similarity(s.title, spec), -s.line, s) for s in free]
    close = [item for item in scored if item[0] >= NEAR_MISS]
    return max(close, key=lambda item: (item[0], item[1]))[2] if close else None


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
    diags = _unknown_declarations(sections, specs, document)
    matched = {id(s) for found in matches.values() for s in found}
    free = [s for s in sections if s.level == SECTION_LEVEL and id(s) not in matched]
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
            diags.append(_missing(document, spec, free, last_line, make))
    return diags


def _missing(
    document: Document,
    spec: SectionSpec,
    free: list[Section],
    last_line: int,
    make: Callable[[Path, int, str, str], Diagnostic],
) -> Diagnostic:
    """A required section absent: at the heading that looks like it, if one does."""
    near = _near_miss(spec, free)
    if near is None:
        msg = f"section obligatoire absente « {spec.title} »"
        return make(document.path, last_line, "section-manquante", msg)
    free.remove(near)  # one heading is pointed at once
    msg = (
        f"titre « {near.title} » : vouliez-vous dire « {spec.title} » ? (section obligatoire "
        f"absente ; si c'est elle, corrigez le titre ou ajoutez-lui "
        f'{{ data-section="{section_id(spec)}" }})'
    )
    return make(document.path, near.line, "section-manquante", msg)


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
