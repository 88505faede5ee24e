"""The short report of many diagnostics: errors in full, warnings counted per code."""

from __future__ import annotations

from pathlib import Path

from bilan_gen.diagnostics import Diagnostic, error, format_diagnostic, warning
from bilan_gen.summary import HANDFUL, count_by_code, format_report, format_warning_summary

ROOT = Path("/bureau")
DOSSIERS = ROOT / "dossiers"


def _warn(dossier: str, code: str, line: int = 3) -> Diagnostic:
    return warning(DOSSIERS / dossier / "dossier.yml", line, code, f"message {code}")


def _office(dossiers: int) -> list[Diagnostic]:
    """Each dossier: two missing attendance proofs, one missing satisfaction date; the first
    five dossiers also one missing ethics date each."""
    diags = []
    for index in range(dossiers):
        dossier = f"2026-{index:03d}"
        diags += [_warn(dossier, "emargement-manquant"), _warn(dossier, "emargement-manquant", 9)]
        diags.append(_warn(dossier, "satisfaction-manquante"))
        if index < 5:
            diags.append(_warn(dossier, "information-ethique-manquante"))
    return diags


def test_counts_per_code_most_frequent_first() -> None:
    diags = _office(40) + [_warn("2026-007", "emargement-manquant", 12)]
    counts = count_by_code(diags, DOSSIERS)
    assert [(c.code, c.count, c.dossiers) for c in counts] == [
        ("emargement-manquant", 81, 40),
        ("satisfaction-manquante", 40, 40),
        ("information-ethique-manquante", 5, 5),
    ]
    # The dossier with the most comes first, then ties in id order.
    assert counts[0].most == (("2026-007", 3), ("2026-000", 2), ("2026-001", 2))
    assert counts[2].most == (("2026-000", 1), ("2026-001", 1), ("2026-002", 1))


def test_summary_lines_name_the_dossiers_and_the_command() -> None:
    lines = format_warning_summary(_office(40), DOSSIERS)
    assert lines == [
        "125 avertissements dans 40 dossiers, par code (bilan check les affiche tous) :",
        "  emargement-manquant : 80 dans 40 dossiers, surtout 2026-000 (2), 2026-001 (2), "
        "2026-002 (2)… ; liste : bilan check --code emargement-manquant",
        "  satisfaction-manquante : 40 dans 40 dossiers, dont 2026-000, 2026-001, 2026-002… ; "
        "liste : bilan check --code satisfaction-manquante",
        "  information-ethique-manquante : 5 dans 5 dossiers, dont 2026-000, 2026-001, "
        "2026-002… ; liste : bilan check --code information-ethique-manquante",
    ]


def test_a_handful_of_warnings_are_printed_in_full() -> None:
    diags = [_warn("2026-001", "emargement-manquant", line) for line in range(HANDFUL)]
    report = format_report(diags, DOSSIERS, ROOT)
    assert report.warnings == [format_diagnostic(d, ROOT) for d in diags]
    assert report.summary == []


def test_past_a_handful_errors_stay_in_full_and_warnings_are_counted() -> None:
    errors = [
        error(DOSSIERS / "2026-003/synthese.md", 14, "section-manquante", "section absente"),
        error(DOSSIERS / "2026-009/dossier.yml", 2, "champ-obligatoire", "champ absent"),
    ]
    report = format_report(_office(1000) + errors, DOSSIERS, ROOT)
    assert report.errors == [format_diagnostic(d, ROOT) for d in errors]
    assert report.warnings == []
    assert report.summary[0].startswith("3005 avertissements dans 1000 dossiers")
    assert len(report.summary) == 4  # the office's log: header and one line per code


def test_a_path_outside_the_dossiers_counts_as_itself() -> None:
    diags = [warning(Path("/ailleurs/mkdocs.yml"), 1, "option-inconnue", "x")] * (HANDFUL + 1)
    (count,) = count_by_code(diags, DOSSIERS)
    assert count.most == (("/ailleurs/mkdocs.yml", HANDFUL + 1),)
