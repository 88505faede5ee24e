"""Diagnostics: what the core tells a consultant about a dossier.

The core never prints or logs: it returns diagnostics, and the adapters (CLI, MkDocs
plugin) format them one per line, compiler style, so editors and CI link to them:
``dossiers/2026-014/synthese.md:12: erreur: section obligatoire absente « Plan d'action »
[section-manquante]``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    """How bad a problem is: errors block publication, warnings do not."""

    ERREUR = "erreur"
    AVERTISSEMENT = "avertissement"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file."""

    path: Path
    """The file concerned (absolute or relative to the project)."""
    line: int
    """1-based line in that file; 0 when the problem concerns the file as a whole."""
    severity: Severity
    """Whether the problem blocks publication."""
    code: str
    """Stable ASCII code, documented in the consultant guide."""
    message: str
    """French, one line, never a beneficiary's name or email."""

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic blocks publication."""
        return self.severity is Severity.ERREUR


def error(path: Path, line: int, code: str, message: str) -> Diagnostic:
    """Build an error diagnostic."""
    return Diagnostic(path, line, Severity.ERREUR, code, message)


def warning(path: Path, line: int, code: str, message: str) -> Diagnostic:
    """Build a warning diagnostic."""
    return Diagnostic(path, line, Severity.AVERTISSEMENT, code, message)


def display_path(path: Path, root: Path | None = None) -> str:
    """Return ``path`` relative to ``root`` (or the working directory) when it lies below."""
    base = root if root is not None else Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_diagnostic(diag: Diagnostic, root: Path | None = None) -> str:
    """Format one diagnostic on one line, compiler style."""
    where = display_path(diag.path, root)
    if diag.line > 0:
        where = f"{where}:{diag.line}"
    return f"{where}: {diag.severity.value}: {diag.message} [{diag.code}]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def format_summary(diags: Sequence[Diagnostic], dossier_count: int) -> str:
    """Format the closing summary line in French."""
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    checked = _plural(dossier_count, "dossier") + (" vérifiés" if dossier_count > 1 else " vérifié")
    if not diags:
        return f"Aucun problème : {checked}."
    return f"{_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')} ; {checked}."


def format_json(diags: Iterable[Diagnostic], root: Path | None = None) -> str:
    """Format diagnostics as a JSON array for tools."""
    rows = [
        {
            "path": display_path(d.path, root),
            "line": d.line,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
        }
        for d in diags
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, then line, then code; drop exact duplicates."""
    return sorted(set(diags), key=lambda d: (d.path.as_posix(), d.line, d.code, d.message))


def redact(diags: Iterable[Diagnostic], secrets: Iterable[str]) -> list[Diagnostic]:
    """Mask identity strings in messages: build logs may be public (never echo a name).

    This is a second line of defence: messages are written not to include identity values.
    """
    needles = sorted({s for s in secrets if len(s) >= 2}, key=len, reverse=True)
    out: list[Diagnostic] = []
    for d in diags:
        message = d.message
        for needle in needles:
            if needle.casefold() in message.casefold():
                message = _replace_casefold(message, needle, "…")
        out.append(
            d if message == d.message else Diagnostic(d.path, d.line, d.severity, d.code, message)
        )
    return out


def _replace_casefold(text: str, needle: str, replacement: str) -> str:
    lowered, target = text.casefold(), needle.casefold()
    if len(lowered) != len(text):  # casefold changed lengths (ß…): fall back to exact match
        return text.replace(needle, replacement)
    pieces, start = [], 0
    while (index := lowered.find(target, start)) >= 0:
        pieces.append(text[start:index])
        pieces.append(replacement)
        start = index + len(target)
    pieces.append(text[start:])
    return "".join(pieces)
