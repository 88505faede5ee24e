"""``bilan status``, ``bilan preview`` and ``bilan schema`` explain themselves in French, with
an example; the main help lists them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bilan_gen.cli import main


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="bilan")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("command", "usage", "summary", "example"),
    [
        (
            "status",
            "bilan status [OPTIONS]",
            "Tableau de bord de tous les dossiers : phases, heures, séances, remise, suivi.",
            'bilan status --consultant "Claire Mercier"',
        ),
        (
            "preview",
            "bilan preview [OPTIONS] ID",
            "Aperçu local d'un dossier, rechargé à chaque enregistrement.",
            "bilan preview 2026-042",
        ),
        (
            "schema",
            "bilan schema [OPTIONS]",
            "Écrit les schémas JSON de dossier.yml et de l'en-tête de chaque phase.",
            "bilan schema -o ../modeles/schemas",
        ),
    ],
)
def test_help_is_french_with_an_example(
    command: str, usage: str, summary: str, example: str
) -> None:
    output = _help(command)
    assert output.startswith(f"Utilisation : {usage}\n")
    assert summary in output
    assert "Exemples :\n" in output and example in output
    assert "Affiche cette aide et quitte." in output
    assert "Show this message" not in output


def test_status_options() -> None:
    output = " ".join(_help("status").split())  # whatever the wrapping
    assert "Affiche le nom des bénéficiaires (jamais par défaut)." in output
    assert "[par défaut : texte]" in output


def test_preview_says_it_stays_local() -> None:
    output = " ".join(_help("preview").split())
    assert "sur http://127.0.0.1 seulement" in output
    assert "[par défaut : 8001]" in output


def test_main_help_lists_and_shows_the_workflow_commands() -> None:
    output = _help()
    for command in ("status", "preview", "schema"):
        assert f"\n  {command} " in output
    assert "bilan preview 2026-042" in output and "bilan status" in output
