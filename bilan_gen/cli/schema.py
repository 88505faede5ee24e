"""``bilan schema``: the JSON Schemas that let an editor complete and check the fields."""

from __future__ import annotations

from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, load_context_options
from bilan_gen.diagnostics import display_path
from bilan_gen.json_schema import SCHEMA_DIR, write_schemas


@click.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Dossier où écrire les schémas.  [par défaut : {SCHEMA_DIR}/ à côté de mkdocs.yml]",
)
@click.pass_context
def schema(ctx: click.Context, output_dir: Path | None) -> None:
    """Écrit les schémas JSON de dossier.yml et de l'en-tête de chaque phase.

    Les fichiers créés par « bilan new » y font référence (première ligne
    « # yaml-language-server: $schema=... ») : avec l'extension YAML de VS Code,
    l'éditeur complète et vérifie les champs pendant la saisie. Relancez la commande
    après une mise à jour de bilan-gen.

    \b
    Exemples :
      bilan schema
      bilan schema -o ../modeles/schemas
    """
    options, _ = load_context_options(ctx)
    target = output_dir if output_dir is not None else options.project_dir / SCHEMA_DIR
    written = write_schemas(target)
    click.echo(f"{len(written)} schémas écrits dans {display_path(target)}/ :")
    for path in written:
        click.echo(f"  {path.name}")
