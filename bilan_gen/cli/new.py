"""``bilan new``: scaffold a complete draft dossier, never overwriting anything."""

from __future__ import annotations

import os

import click

from bilan_gen.atrest import KEYRING_DIR, AtRestError
from bilan_gen.atrest.setup import ensure_key
from bilan_gen.cli import CONTEXT, EXIT_PROBLEMS, load_context_options
from bilan_gen.diagnostics import display_path
from bilan_gen.errors import BilanError, InvalidIdError
from bilan_gen.json_schema import SCHEMA_DIR, schema_name
from bilan_gen.scaffold import create_dossier


@click.command(context_settings=CONTEXT)
@click.argument("dossier_id", metavar="ID")
@click.option(
    "--consultant",
    default="À compléter",
    help="Le consultant qui conduit le bilan.",
)
@click.pass_context
def new(ctx: click.Context, dossier_id: str, consultant: str) -> None:
    """Crée un dossier complet en brouillon, sans jamais rien écraser.

    \b
    Exemple :
      bilan new 2026-042 --consultant "Claire Mercier"
    """
    options, _ = load_context_options(ctx)
    try:
        folder = create_dossier(dossier_id, consultant, options)
    except InvalidIdError as exc:
        raise click.BadParameter(str(exc), param_hint="ID") from None
    except BilanError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    click.echo(f"Dossier créé : {display_path(folder)}")
    try:
        if ensure_key(options.project_dir, dossier_id, os.environ):
            click.echo(
                f"Clé de chiffrement créée dans {KEYRING_DIR}/ : committez-la avec le dossier."
            )
    except AtRestError as exc:
        click.echo(f"Attention : {exc}", err=True)
    click.echo("Complétez dossier.yml puis chaque phase ; « bilan check » dit ce qui manque.")
    if not (options.project_dir / SCHEMA_DIR / schema_name(None)).is_file():
        click.echo("Pour que l'éditeur complète et vérifie les champs : « bilan schema ».")
