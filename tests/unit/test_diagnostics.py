"""Formatting, sorting and masking of diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilan_gen.diagnostics import (
    error,
    format_diagnostic,
    format_json,
    format_summary,
    redact,
    sort_diagnostics,
    warning,
)

ROOT = Path("/projet")
SYNTHESE = ROOT / "dossiers/2026-001/synthese.md"


def test_format_compiler_style() -> None:
    diag = error(SYNTHESE, 12, "section-manquante", "section obligatoire absente « Plan d'action »")
    assert format_diagnostic(diag, ROOT) == (
        "dossiers/2026-001/synthese.md:12: erreur: section obligatoire absente « Plan d'action » "
        "[section-manquante]"
    )


def test_format_without_line_and_outside_root() -> None:
    diag = warning(Path("/ailleurs/x.md"), 0, "fichier-inattendu", "fichier « x.md » inattendu")
    assert format_diagnostic(diag, ROOT) == (
        "/ailleurs/x.md: avertissement: fichier « x.md » inattendu [fichier-inattendu]"
    )


@pytest.mark.parametrize(
    ("errors", "warnings", "dossiers", "expected"),
    [
        (0, 0, 1, "Aucun problème : 1 dossier vérifié."),
        (0, 0, 3, "Aucun problème : 3 dossiers vérifiés."),
        (0, 0, 0, "Aucun problème : 0 dossier vérifié."),
        (1, 0, 1, "1 erreur, 0 avertissement ; 1 dossier vérifié."),
        (2, 3, 2, "2 erreurs, 3 avertissements ; 2 dossiers vérifiés."),
    ],
)
def test_summary(errors: int, warnings: int, dossiers: int, expected: str) -> None:
    diags = [error(SYNTHESE, i, "yaml-invalide", "m") for i in range(errors)]
    diags += [warning(SYNTHESE, i, "champ-inconnu", "m") for i in range(warnings)]
    assert format_summary(diags, dossiers) == expected


def test_sort_by_file_line_code_and_drop_duplicates() -> None:
    a = error(ROOT / "b.md", 3, "type-invalide", "m")
    b = error(ROOT / "a.md", 9, "yaml-invalide", "m")
    c = warning(ROOT / "b.md", 3, "champ-inconnu", "m")
    assert sort_diagnostics([a, b, c, a]) == [b, c, a]


def test_json_is_one_object_per_diagnostic() -> None:
    diag = error(SYNTHESE, 7, "remise-anticipee", "synthèse remise le 19/04/2026")
    assert json.loads(format_json([diag], ROOT)) == [
        {
            "path": "dossiers/2026-001/synthese.md",
            "line": 7,
            "severity": "erreur",
            "code": "remise-anticipee",
            "message": "synthèse remise le 19/04/2026",
        }
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("« Zéphyrine Quillebeuf »", "« … … »"),
        ("« ZEPHYRINE »", "« … »"),
        ("« zephyrine.quillebeuf@example.org »", "« … »"),
        ("« Ze\u0301phyrine »", "« … »"),  # decomposed accent
        ("rien à masquer", "rien à masquer"),
        ("« Straße »", "« … »"),
    ],
)
def test_redact_ignores_case_and_accents(message: str, expected: str) -> None:
    secrets = ["Zéphyrine", "Quillebeuf", "zephyrine.quillebeuf@example.org", "Strasse", "x"]
    [masked] = redact([error(SYNTHESE, 1, "valeur-invalide", message)], secrets)
    assert masked.message == expected
    assert (masked.path, masked.line, masked.code) == (SYNTHESE, 1, "valeur-invalide")


def test_redact_keeps_untouched_diagnostics() -> None:
    diag = warning(SYNTHESE, 2, "champ-inconnu", "champ inconnu « x »")
    assert redact([diag], ["Quillebeuf"])[0] is diag
