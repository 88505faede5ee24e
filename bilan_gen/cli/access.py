"""``bilan access``: each dossier's access code and link, for the consultant's eyes only."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import click

from bilan_gen.cli import CONTEXT
from bilan_gen.config import load_options
from bilan_gen.crypto import load_or_create_secret
from bilan_gen.errors import BilanError
from bilan_gen.loading import discover, load_dossier
from bilan_gen.publishing import Access, access_for


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
    """Affiche le code d'accès et le lien de chaque dossier (ou des ID donnés).

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
        secret, created = load_or_create_secret(
            options.project_dir,
            os.environ,
            env_name=options.secret_env,
            relative_path=Path(options.secret_file),
        )
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    if created:
        click.echo(f"Secret du site créé dans {options.secret_file}.", err=True)
    folders, _ = discover(options.dossiers_dir)
    known = {f.name: f for f in folders}
    missing = [i for i in ids if i not in known]
    if missing:
        raise click.BadParameter(f"dossier(s) introuvable(s) : {', '.join(missing)}")
    chosen = [known[i] for i in ids] if ids else folders
    rows = [access_for(load_dossier(folder)[0], secret) for folder in chosen]
    click.echo(format_accesses(rows, options.site_url, output_format), nl=False)


def format_accesses(rows: list[Access], site_url: str, output_format: str) -> str:
    """A table (or CSV) of id, code and link."""
    links = [a.link(site_url) if site_url else a.uri + "#code=" + a.formatted_code for a in rows]
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["dossier", "code", "lien"])
        for access, link in zip(rows, links, strict=True):
            writer.writerow([access.dossier_id, access.formatted_code, link])
        return buffer.getvalue()
    width = max([len("Dossier"), *(len(a.dossier_id) for a in rows)])
    lines = [f"{'Dossier':<{width}}  {'Code d’accès':<24}  Lien"]
    for access, link in zip(rows, links, strict=True):
        lines.append(f"{access.dossier_id:<{width}}  {access.formatted_code:<24}  {link}")
    return "\n".join(lines) + "\n"
