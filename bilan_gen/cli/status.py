"""``bilan status``: the board of every dossier, for the consultant's day."""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from bilan_gen.cli import CONTEXT, load_context_options
from bilan_gen.status import Tone, format_csv, format_json, format_table, status_rows
from bilan_gen.validation import check_project

_COLOURS = {
    Tone.OK: {"fg": "green"},
    Tone.TODO: {"fg": "yellow"},
    Tone.BAD: {"fg": "red", "bold": True},
    Tone.DIM: {"dim": True},
}


def _style(text: str, tone: Tone) -> str:
    return click.style(text, **_COLOURS[tone])  # type: ignore[arg-type]


def _use_colours() -> bool:
    """Colours on a terminal only, unless ``NO_COLOR`` is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command(context_settings=CONTEXT)
@click.option(
    "--consultant",
    metavar="NOM",
    help="Seulement les dossiers de ce consultant (majuscules et accents indifférents).",
)
@click.option(
    "--noms",
    is_flag=True,
    help="Affiche le nom des bénéficiaires (jamais par défaut).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["texte", "csv", "json"]),
    default="texte",
    show_default=True,
    help="« csv » pour un tableur, « json » pour d'autres outils.",
)
@click.pass_context
def status(ctx: click.Context, consultant: str | None, noms: bool, output_format: str) -> None:
    """Tableau de bord de tous les dossiers : phases, heures, séances, remise, suivi.

    Pour chaque dossier : l'état de chaque phase (finalisé, brouillon, absent), les heures
    de séance sur le maximum légal, la date de la dernière séance, la remise de la synthèse,
    l'entretien de suivi prévu, l'état du dossier (en cours, délai de grâce, conservé, à
    détruire : R6313-7) et le nombre d'erreurs et d'avertissements de « bilan check ».
    Le nom des bénéficiaires n'apparaît qu'avec --noms.

    \b
    Exemples :
      bilan status
      bilan status --consultant "Claire Mercier"
      bilan status --format csv > tableau.csv
    """
    options, _ = load_context_options(ctx)
    checked, _ = check_project(options)
    rows = status_rows(checked, options, dt.date.today(), consultant=consultant, noms=noms)
    if output_format == "csv":
        click.echo(format_csv(rows, noms), nl=False)
    elif output_format == "json":
        click.echo(format_json(rows, noms), nl=False)
    else:
        style = _style if _use_colours() else None
        click.echo(format_table(rows, noms, style), nl=False)
