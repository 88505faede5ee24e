"""``bilan access``: each dossier's access code and link, for the consultant's eyes only."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, folders_by_id
from bilan_gen.config import load_options, project_secret
from bilan_gen.errors import BilanError
from bilan_gen.loading import discover, load_dossier
from bilan_gen.publishing import Audience, audiences_of


@click.command(context_settings=CONTEXT)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="« csv » pour un publipostage.",
)
@click.pass_context
def access(ctx: click.Context, ids: tuple[str, ...], output_format: str) -> None:
    """Affiche les codes d'accès et les liens de chaque dossier (ou des ID donnés).

    Un code pour le bénéficiaire, puis un par destinataire de « diffusion » : il n'ouvre que
    ce que le bénéficiaire a accepté de transmettre (par défaut, la synthèse seule).

    Les codes ne sont jamais écrits dans le site ni dans les journaux de construction :
    transmettez-les au bénéficiaire par un canal sûr.

    \b
    Exemples :
      bilan access
      bilan access 2026-014 --format csv > codes.csv
    """
    config_path: Path = ctx.obj["config"]
    options, _ = load_options(config_path)
    try:
        secret, created = project_secret(options, os.environ)
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    if created:
        click.echo(f"Secret du site créé dans {options.secret_file}.", err=True)
    folders, _ = discover(options.dossiers_dir)
    chosen = folders_by_id(folders, ids, options.dossiers_dir) if ids else folders
    dossiers = [load_dossier(folder, options.limits)[0] for folder in chosen]
    rows = [row for dossier in dossiers for row in audiences_of(dossier, secret)]
    click.echo(format_accesses(rows, options.site_url, output_format), nl=False)


def format_accesses(rows: list[Audience], site_url: str, output_format: str) -> str:
    """A table (or CSV) of id, who, code and link: the beneficiary's, then third parties'."""
    table = [
        (
            row.access.dossier_id,
            row.label,
            row.access.formatted_code,
            row.access.link(site_url)
            if site_url
            else f"{row.access.uri}#code={row.access.formatted_code}",
        )
        for row in rows
    ]
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["dossier", "pour", "code", "lien"])
        writer.writerows(table)
        return buffer.getvalue()
    header = ("Dossier", "Pour", "Code d’accès", "Lien")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(r[:3], widths, strict=True))
        + f"  {r[3]}"
        for r in [header, *table]
    ]
    return "\n".join(lines) + "\n"
