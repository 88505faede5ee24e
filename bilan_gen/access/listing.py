"""The consultant's list of access codes (``bilan access``): a table or CSV, never a file.

One row per audience: the beneficiary, then each third party of ``diffusion``; each says
whether its page is published today and, if not, why (:mod:`bilan_gen.access.publication`).

The table keeps to :data:`WIDTH` columns: long names and reasons fold inside their column,
and each link, which must never be split, has a line of its own under its row. The CSV keeps
one line per row, with the same facts in columns, for a mail merge.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from bilan_gen.access.publication import Publication, Withheld

WIDTH = 100
"""The table fits a terminal of this many columns (links longer than that excepted)."""
GAP = "  "
MIN_FOLDED = 12
"""The narrowest a folded column gets."""
HEADER = ("Dossier", "Pour", "Code d’accès", "Publié")
CSV_HEADER = ("dossier", "pour", "code", "lien", "publie", "motif", "en_ligne_jusqu_au")


def link_of(row: Publication, site_url: str) -> str:
    """The direct link, or the site-relative one when ``site_url`` is not configured."""
    access = row.audience.access
    if site_url:
        return access.link(site_url)
    return f"{access.uri}#code={access.formatted_code}"


def _published_cell(row: Publication) -> str:
    return "oui" if row.withheld is None else f"non : {row.withheld.label}"


def format_csv(rows: Sequence[Publication], site_url: str) -> str:
    """One line per row; ``motif`` is a stable code (:class:`Withheld`), empty if published."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        limite = row.retention.limite
        writer.writerow(
            (
                row.audience.access.dossier_id,
                row.audience.label,
                row.audience.access.formatted_code,
                link_of(row, site_url),
                "oui" if row.published else "non",
                row.withheld.value if row.withheld else "",
                limite.isoformat() if limite and row.published else "",
            )
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class _Widths:
    dossier: int
    pour: int
    code: int
    publie: int


def _widths(cells: list[tuple[str, str, str, str]], width: int) -> _Widths:
    """Column widths: id and code as they are; « Pour » and « Publié » share the rest."""
    natural = [max(len(cell[i]) for cell in cells) for i in range(4)]
    fixed = natural[0] + natural[2] + 3 * len(GAP)
    publie = natural[3]
    pour = width - fixed - publie
    if pour < 2 * MIN_FOLDED:  # reasons fold too, so that names keep some room
        publie = max(MIN_FOLDED, publie - (2 * MIN_FOLDED - pour))
        pour = width - fixed - publie
    return _Widths(natural[0], max(MIN_FOLDED, min(pour, natural[1])), natural[2], publie)


def _fold(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _row_lines(cells: tuple[str, str, str, str], w: _Widths) -> list[str]:
    columns = [[cells[0]], _fold(cells[1], w.pour), [cells[2]], _fold(cells[3], w.publie)]
    height = max(len(c) for c in columns)
    sizes = (w.dossier, w.pour, w.code, w.publie)
    lines = []
    for n in range(height):
        parts = [
            (c[n] if n < len(c) else "").ljust(size) for c, size in zip(columns, sizes, strict=True)
        ]
        lines.append(GAP.join(parts).rstrip())
    return lines


def _legend(rows: Sequence[Publication], width: int) -> list[str]:
    """What « non » means, for the reasons present only."""
    found = {row.withheld for row in rows if row.withheld is not None}
    if not found:
        return []
    notes = {
        Withheld.ERREURS: "erreurs : corrigez-les (bilan check) ; tant qu'un dossier a une "
        "erreur, le site n'est pas publié du tout",
        Withheld.BROUILLON: "brouillon : ce que le bénéficiaire a accepté de transmettre (la "
        "synthèse) n'est pas finalisé, ce code n'ouvre rien",
        Withheld.DELAI_DE_GRACE_DEPASSE: "délai de grâce dépassé : le bilan est fini et rien "
        "n'est à conserver (R6313-7) ; à détruire (bilan purge)",
        Withheld.CONSERVATION_ECHUE: "conservation échue : la date de « conservation.jusqu_au »"
        " est passée (R6313-7) ; à détruire (bilan purge)",
    }
    lines = ["", "Publié « non » :"]
    for reason in Withheld:
        if reason in found:
            lines += textwrap.wrap(
                notes[reason], width, initial_indent="- ", subsequent_indent="  "
            )
    return lines


def format_table(rows: Sequence[Publication], site_url: str, width: int = WIDTH) -> str:
    """The rows as a text table of at most ``width`` columns, each link under its row."""
    cells = [
        (
            row.audience.access.dossier_id,
            row.audience.label,
            row.audience.access.formatted_code,
            _published_cell(row),
        )
        for row in rows
    ]
    w = _widths([HEADER, *cells], width)
    links = [link_of(row, site_url) for row in rows]
    indent = w.dossier + len(GAP)
    if any(len(link) + indent > width for link in links):
        indent = len(GAP)
    lines = _row_lines(HEADER, w)
    for row_cells, link in zip(cells, links, strict=True):
        lines += _row_lines(row_cells, w)
        lines.append(" " * indent + link)
    return "\n".join([*lines, *_legend(rows, width)]) + "\n"
