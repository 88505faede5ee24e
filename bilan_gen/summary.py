"""A short report of many diagnostics: every error in full, warnings counted per code.

An office of a thousand dossiers has thousands of ordinary warnings (Qualiopi evidence not
recorded yet): a build log that lists them all is not read. When there are more than
:data:`HANDFUL` warnings, the build (and ``bilan check --summary``) prints every error, then
one line per warning code: how many, in how many dossiers, the three dossiers that have the
most, and the command that lists them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.diagnostics import Diagnostic, PathDisplay, format_diagnostics, plural

HANDFUL = 10
"""Up to this many warnings, a build log prints each of them."""
SHOWN_DOSSIERS = 3


@dataclass(frozen=True)
class CodeCount:
    """How often one warning code occurs, and where most."""

    code: str
    count: int
    dossiers: int
    """How many dossiers have it."""
    most: tuple[tuple[str, int], ...]
    """The dossiers that have it most, with their count (at most :data:`SHOWN_DOSSIERS`)."""


def _dossier(shown: str) -> str:
    """The dossier id of a path shown relative to the dossiers' folder (the path itself
    when it lies elsewhere)."""
    return shown if shown.startswith(("/", "..")) else shown.split("/", 1)[0]


def count_by_code(diags: Iterable[Diagnostic], dossiers_dir: Path) -> list[CodeCount]:
    """Per code, the count and the dossiers that have it most; most frequent code first."""
    display = PathDisplay(dossiers_dir)
    per_code: dict[str, Counter[str]] = {}
    for diag in diags:
        per_code.setdefault(diag.code, Counter())[_dossier(display.show(diag.path))] += 1
    counts = [
        CodeCount(
            code,
            sum(found.values()),
            len(found),
            tuple(sorted(found.items(), key=lambda item: (-item[1], item[0]))[:SHOWN_DOSSIERS]),
        )
        for code, found in per_code.items()
    ]
    return sorted(counts, key=lambda c: (-c.count, c.code))


def format_warning_summary(warnings: Sequence[Diagnostic], dossiers_dir: Path) -> list[str]:
    """The lines that stand for many warnings: a header, then one line per code."""
    display = PathDisplay(dossiers_dir)
    involved = len({_dossier(display.show(d.path)) for d in warnings})
    lines = [
        f"{plural(len(warnings), 'avertissement')} dans {plural(involved, 'dossier')}, "
        "par code (bilan check les affiche tous) :"
    ]
    for count in count_by_code(warnings, dossiers_dir):
        if count.most[0][1] > 1:
            where = "surtout " + ", ".join(f"{dossier} ({n})" for dossier, n in count.most)
        else:
            where = "dont " + ", ".join(dossier for dossier, _ in count.most)
        etc = "…" if count.dossiers > len(count.most) else ""
        lines.append(
            f"  {count.code} : {count.count} dans {plural(count.dossiers, 'dossier')}, "
            f"{where}{etc} ; liste : bilan check --code {count.code}"
        )
    return lines


@dataclass(frozen=True)
class Report:
    """What a build log or ``bilan check --summary`` prints, in that order."""

    errors: list[str]
    """Every error, in full."""
    warnings: list[str]
    """Every warning in full, when they are a handful (else empty)."""
    summary: list[str]
    """Past a handful, the warnings counted per code: a header, then a line per code."""


def format_report(
    diags: Sequence[Diagnostic], dossiers_dir: Path, root: Path | None = None
) -> Report:
    """Every error; every warning when they are a handful, else their summary per code."""
    warnings = [d for d in diags if not d.is_error]
    errors = format_diagnostics([d for d in diags if d.is_error], root)
    if len(warnings) <= HANDFUL:
        return Report(errors, format_diagnostics(warnings, root), [])
    return Report(errors, [], format_warning_summary(warnings, dossiers_dir))
