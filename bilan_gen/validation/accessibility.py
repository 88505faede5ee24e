"""What only the consultant can make accessible in a published document (RGAA 4.1).

The site and the print view are tested for accessibility (tests/browser/); what a consultant
writes is not. Three things can be checked in the source, as warnings, since the document
reads all the same: a text for each image (RGAA 1.1, 1.2), one title of level ``#`` per
document, since each becomes one page with one ``<h1>`` (RGAA 9.1), and headings that nest
without skipping a level (RGAA 9.1). Whether the words are apt is the consultant's to judge.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence

from bilan_gen.diagnostics import Diagnostic, warning
from bilan_gen.model import Document
from bilan_gen.validation.markdown import headings, parse_links


def check_accessibility(doc: Document, shown: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Images without a text alternative, the ``#`` title, skipped heading levels.

    A heading that ``shown`` already reports (a section written ``# Plan d'action``) is not
    reported twice.
    """
    taken = {d.line for d in shown if d.path == doc.path}
    return [*_check_images(doc), *(d for d in _check_headings(doc) if d.line not in taken)]


def _check_images(doc: Document) -> list[Diagnostic]:
    diags = []
    for link in parse_links(doc.body, doc.body_line):
        picture = (mimetypes.guess_type(link.target)[0] or "").startswith("image/")
        if link.image and picture and not (link.alt or "").strip():
            msg = (
                f"image « {link.target} » sans texte de remplacement : décrivez ce qu'elle "
                f"montre entre les crochets, ![Ce que montre l'image]({link.target})"
            )
            diags.append(warning(doc.path, link.line, "image-sans-texte", msg))
    return diags


def _check_headings(doc: Document) -> list[Diagnostic]:
    heads = headings(doc.body, doc.body_line)
    titles = [line for line, level, _ in heads if level == 1]
    diags = []
    if not titles:
        msg = "aucun titre de niveau « # » : la page publiée n'aurait pas de titre principal"
        diags.append(warning(doc.path, doc.body_line, "titre-principal", msg))
    for line in titles[1:]:
        msg = "second titre de niveau « # » : une page n'en a qu'un, utilisez « ## »"
        diags.append(warning(doc.path, line, "titre-principal", msg))
    previous = 0
    for line, level, title in heads:
        if previous and level > previous + 1:
            wanted = "#" * (previous + 1)
            msg = (
                f"titre « {title} » de niveau {level} après un titre de niveau {previous} : "
                f"un niveau est sauté, écrivez « {wanted} {title} »"
            )
            diags.append(warning(doc.path, line, "niveau-de-titre-saute", msg))
        previous = level
    return diags
