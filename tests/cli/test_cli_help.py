"""The ``bilan`` command speaks French, help included."""

from __future__ import annotations

from importlib.metadata import version

from click.testing import CliRunner

from bilan_gen.cli import main


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="bilan")
    assert result.exit_code == 0
    return result.output


def test_main_help_is_french() -> None:
    output = _help()
    assert output.startswith("Utilisation : bilan [OPTIONS] COMMAND [ARGS]...\n")
    assert "Écrire, vérifier, publier et imprimer des bilans de compétences." in output
    assert "Affiche cette aide et quitte." in output
    assert "Affiche la version et quitte." in output
    assert "Commandes" in output
    assert "Show this message" not in output


def test_check_help_is_french() -> None:
    output = _help("check")
    assert output.startswith("Utilisation : bilan check [OPTIONS] [PATH]...\n")
    assert "Échoue aussi sur les avertissements." in output
    assert "0 sans erreur, 1 avec erreurs" in output
    assert "[par défaut : texte]" in output


def test_new_help_is_french() -> None:
    output = _help("new")
    assert output.startswith("Utilisation : bilan new [OPTIONS] ID\n")
    assert "Crée un dossier complet en brouillon, sans jamais rien écraser." in output


def test_unknown_command_is_french() -> None:
    result = CliRunner().invoke(main, ["verifier"], prog_name="bilan")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Erreur : commande inconnue « verifier »."


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"], prog_name="bilan")
    assert (result.exit_code, result.output) == (0, f"bilan-gen {version('bilan-gen')}\n")


def test_every_command_module_is_registered() -> None:
    # Commands are imported lazily from a table: a module missing from it is a command that
    # exists but cannot be run.
    import pkgutil

    import click

    import bilan_gen.cli as package
    from bilan_gen.cli import COMMANDS

    commands = set()
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):  # __main__ runs the command line when imported
            continue
        module = __import__(f"bilan_gen.cli.{info.name}", fromlist=[info.name])
        if isinstance(getattr(module, info.name, None), click.Command):
            commands.add(info.name)
    assert commands == set(COMMANDS.values())
    for name in COMMANDS:
        assert _help(name).startswith(f"Utilisation : bilan {name} ")
