"""The status board for spreadsheets and tools: CSV and JSON, stable ASCII keys, ISO dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from bilan_gen.status.rows import BOARD_PHASES, StatusRow


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def row_record(row: StatusRow, noms: bool = False) -> dict[str, Any]:
    """The row as a JSON-ready mapping (stable ASCII keys, ISO dates)."""
    record: dict[str, Any] = {"dossier": row.dossier_id}
    if noms:
        record["beneficiaire"] = row.beneficiaire
    record |= {
        "consultants": list(row.consultants),
        "phases": {phase.value: state.value for phase, state in row.phases},
        "heures": row.heures,
        "heures_max": row.heures_max,
        "derniere_seance": _iso(row.derniere_seance),
        "synthese_remise": row.synthese_remise_le is not None,
        "synthese_remise_le": _iso(row.synthese_remise_le),
        "suivi_propose": row.suivi_propose,
        "suivi_date": _iso(row.suivi_date),
        "etat": row.etat.name.lower(),
        "erreurs": row.erreurs,
        "avertissements": row.avertissements,
    }
    return record


def format_json(rows: Sequence[StatusRow], noms: bool = False) -> str:
    """The board as a JSON array, one object per dossier."""
    return json.dumps([row_record(r, noms) for r in rows], ensure_ascii=False, indent=2) + "\n"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def format_csv(rows: Sequence[StatusRow], noms: bool = False) -> str:
    """The board as CSV for spreadsheets: one column per phase, ISO dates, « oui »/« non »."""
    keys = csv_header(noms)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        record = row_record(row, noms)
        record |= record.pop("phases")
        writer.writerow([_csv_value(record[k]) for k in keys])
    return buffer.getvalue()


def csv_header(noms: bool = False) -> list[str]:
    """The CSV columns."""
    names = ["beneficiaire"] if noms else []
    phases = [p.value for p in BOARD_PHASES]
    return ["dossier", *names, "consultants", *phases, *_RECORD_TAIL]


_RECORD_TAIL = (
    "heures",
    "heures_max",
    "derniere_seance",
    "synthese_remise",
    "synthese_remise_le",
    "suivi_propose",
    "suivi_date",
    "etat",
    "erreurs",
    "avertissements",
)
