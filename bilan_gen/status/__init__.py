"""The status board (``bilan status``): one row per dossier, for the consultant's day.

:mod:`~bilan_gen.status.rows` computes the rows from checked dossiers
(:class:`~bilan_gen.validation.CheckedDossier`); :mod:`~bilan_gen.status.table` lays them out
as text; :mod:`~bilan_gen.status.export` writes CSV and JSON. The beneficiary's name is never
shown unless the caller asks for it.
"""

from bilan_gen.status.export import csv_header, format_csv, format_json, row_record
from bilan_gen.status.rows import BOARD_PHASES, PhaseState, StatusRow, status_row, status_rows
from bilan_gen.status.table import LEGEND, WIDTH, Styler, Tone, format_table

__all__ = [
    "BOARD_PHASES",
    "LEGEND",
    "WIDTH",
    "PhaseState",
    "StatusRow",
    "Styler",
    "Tone",
    "csv_header",
    "format_csv",
    "format_json",
    "format_table",
    "row_record",
    "status_row",
    "status_rows",
]
