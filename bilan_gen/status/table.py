"""The status board as text: at most 100 columns, a legend and a summary below.

Colours are an adapter's business: :func:`format_table` takes a :data:`Styler` that the CLI
gives only when it writes to a terminal.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bilan_gen.retention import Etat
from bilan_gen.status.rows import PhaseState, StatusRow

WIDTH = 100
"""The board fits a terminal of this many columns."""


class Tone(enum.Enum):
    """What a cell means, for adapters that colour it (green, yellow, red, dim)."""

    OK = "ok"
    TODO = "todo"
    BAD = "bad"
    DIM = "dim"


Styler = Callable[[str, Tone], str]
"""Colours a padded cell; the CLI passes one only when writing to a terminal."""


Segment = tuple[str, Tone | None]
Cell = tuple[Segment, ...]
"""A cell: words joined by spaces, each with its tone."""
GAPS = ("  ", " ")
"""Two spaces between columns; one when the board would not fit otherwise."""
_PHASE_TONES = {
    PhaseState.FINALISE: Tone.OK,
    PhaseState.BROUILLON: Tone.TODO,
    PhaseState.ABSENT: Tone.DIM,
}


def _fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%y") if day else "—"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


@dataclass(frozen=True)
class _Column:
    header: str
    cells: Sequence[Cell]
    right: bool = False
    shrink: bool = False
    """Truncated (with « … ») when the board would be wider than :data:`WIDTH`."""


def _one(text: str, tone: Tone | None = None) -> Cell:
    return ((text, tone),)


def _hours_cell(row: StatusRow) -> Cell:
    text = f"{_number(row.heures)}/{_number(row.heures_max)}"
    return _one(text, Tone.BAD if row.heures > row.heures_max else None)


def _remise_cell(row: StatusRow) -> Cell:
    if row.synthese_remise_le is None:
        return _one("non", Tone.DIM)
    return _one(_fr_date(row.synthese_remise_le), Tone.OK)


def _suivi_cell(row: StatusRow) -> Cell:
    if row.suivi_propose is None:
        return _one("—", Tone.DIM)
    if not row.suivi_propose:
        return _one("non")
    return _one(_fr_date(row.suivi_date) if row.suivi_date else "à dater")


_ETATS: dict[Etat, tuple[str, Tone | None]] = {
    Etat.EN_COURS: ("en cours", None),
    Etat.DELAI_DE_GRACE: ("grâce", Tone.TODO),
    Etat.CONSERVE: ("conservé", Tone.DIM),
    Etat.A_DETRUIRE: ("à détruire", Tone.BAD),
}


def _count_cell(value: int, tone: Tone) -> Cell:
    return _one(str(value), tone if value else None)


def _columns(rows: Sequence[StatusRow], noms: bool) -> list[_Column]:
    columns = [_Column("Dossier", [_one(r.dossier_id) for r in rows])]
    if noms:
        names = [_one(r.beneficiaire or "—") for r in rows]
        columns.append(_Column("Bénéficiaire", names, shrink=True))
    consultants = [_one(", ".join(r.consultants) or "—") for r in rows]
    phases = [tuple((s.letter, _PHASE_TONES[s]) for _, s in r.phases) for r in rows]
    return columns + [
        _Column("Consultant", consultants, shrink=True),
        _Column("P I C S", phases),
        _Column("Heures", [_hours_cell(r) for r in rows], right=True),
        _Column("Séance", [_one(_fr_date(r.derniere_seance)) for r in rows]),
        _Column("Remise", [_remise_cell(r) for r in rows]),
        _Column("Suivi", [_suivi_cell(r) for r in rows]),
        _Column("État", [_one(*_ETATS[r.etat]) for r in rows]),
        _Column("Err.", [_count_cell(r.erreurs, Tone.BAD) for r in rows], right=True),
        _Column("Avert.", [_count_cell(r.avertissements, Tone.TODO) for r in rows], right=True),
    ]


def _plain(cell: Cell) -> str:
    return " ".join(text for text, _ in cell)


def _widths(columns: list[_Column], width: int, gap: str) -> tuple[list[int], int]:
    """Column widths, the widest shrinkable column first giving way; and the excess left."""
    widths = [max([len(c.header), *(len(_plain(cell)) for cell in c.cells)]) for c in columns]
    excess = sum(widths) + len(gap) * (len(widths) - 1) - width
    shrinkable = [i for i, c in enumerate(columns) if c.shrink]
    while excess > 0 and shrinkable:
        widest = max(shrinkable, key=lambda i: widths[i])
        if widths[widest] <= len(columns[widest].header):
            break
        widths[widest] -= 1
        excess -= 1
    return widths, excess


def _layout(columns: list[_Column], width: int) -> tuple[list[int], str]:
    for gap in GAPS:
        widths, excess = _widths(columns, width, gap)
        if excess <= 0:
            break
    return widths, gap


def _render_cell(cell: Cell, width: int, right: bool, style: Styler | None) -> str:
    plain = _plain(cell)
    if len(plain) > width:  # only single-word cells shrink
        cell = _one(plain[: width - 1] + "…", cell[0][1])
        plain = _plain(cell)
    padding = " " * (width - len(plain))
    words = [style(t, tone) if style and tone else t for t, tone in cell]
    text = " ".join(words)
    return padding + text if right else text + padding


def format_table(
    rows: Sequence[StatusRow], noms: bool = False, style: Styler | None = None, width: int = WIDTH
) -> str:
    """The board as aligned text, at most ``width`` columns, with a legend and a summary.

    Args:
        rows: The rows, in display order.
        noms: Show the beneficiaries' names (a « Bénéficiaire » column).
        style: Colours a word by its :class:`Tone` (None: plain text).
        width: The terminal width to fit.
    """
    columns = _columns(rows, noms)
    widths, gap = _layout(columns, width)
    pairs = list(zip(columns, widths, strict=True))
    header = gap.join(c.header.rjust(w) if c.right else c.header.ljust(w) for c, w in pairs)
    lines = [header.rstrip()]
    for index in range(len(rows)):
        cells = [_render_cell(c.cells[index], w, c.right, style) for c, w in pairs]
        lines.append(gap.join(cells).rstrip())
    lines += ["", *LEGEND, _summary(rows)]
    return "\n".join(lines) + "\n"


LEGEND = (
    "P I C S : préliminaire, investigation, conclusions, synthèse ; "
    "F finalisé, B brouillon, - absent.",
    "Heures : séances / maximum ; Séance : la dernière ; Remise : de la synthèse ; "
    "Suivi : date prévue.",
    "État : en cours, grâce (le temps d'imprimer), conservé, à détruire (bilan purge).",
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _summary(rows: Sequence[StatusRow]) -> str:
    errors = sum(r.erreurs for r in rows)
    warnings = sum(r.avertissements for r in rows)
    delivered = sum(1 for r in rows if r.synthese_remise_le)
    to_destroy = sum(1 for r in rows if r.etat is Etat.A_DETRUIRE)
    destroy = f", {to_destroy} à détruire" if to_destroy else ""
    return (
        f"{_plural(len(rows), 'dossier')} dont {delivered} avec la synthèse remise{destroy} ; "
        f"{_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')}."
    )
