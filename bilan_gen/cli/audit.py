"""``bilan audit``: the evidence of every dossier, for the office and its auditor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bilan_gen.audit import build_audit
from bilan_gen.audit.output import format_audit_text, render_audit_csv, render_audit_html
from bilan_gen.cli import CONTEXT, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import display_path
from bilan_gen.printing.batch import published_dirs

RENDERERS = {".html": render_audit_html, ".csv": render_audit_csv}


def _output_path(output: Path, ctx: click.Context, options: Options) -> Path:
    """The report file; refused where it would be published, and if not .html or .csv."""
    if output.suffix.lower() not in RENDERERS:
        raise click.BadParameter("fichier .html ou .csv attendu", param_hint="-o")
    resolved = output.resolve()
    for folder in published_dirs(ctx.obj["config"], options):
        if resolved.is_relative_to(folder.resolve()):
            raise click.BadParameter(
                f"« {display_path(output)} » est dans {display_path(folder)}/ : le rapport "
                "d'audit ne doit jamais être publié",
                param_hint="-o",
            )
    return output


@click.command(context_settings=CONTEXT)
@click.option("--annee", type=click.IntRange(2000, 2999), help="Les bilans menés cette année.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrit le rapport dans ce fichier (.html : une page à imprimer ; .csv : un tableur).",
)
@click.pass_context
def audit(ctx: click.Context, annee: int | None, output: Path | None) -> None:
    """Rapport d'audit : les preuves de chaque dossier, pour l'organisme et son auditeur.

    Par dossier : identifiant (jamais le nom), dates, heures, phases finalisées, synthèse
    remise, suivi, satisfaction, conservation ; puis les totaux, chaque exception et les
    destructions du registre. Le rapport n'est jamais publié sur le site.

    \b
    Exemples :
      bilan audit                          résumé dans le terminal
      bilan audit --annee 2026 -o audit-2026.html
      bilan audit -o audit.csv
    """
    options, _ = load_context_options(ctx)
    target = _output_path(output, ctx, options) if output is not None else None
    report = build_audit(options, dt.date.today(), annee)
    if target is None:
        click.echo(format_audit_text(report), nl=False)
        return
    text = RENDERERS[target.suffix.lower()](report)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Rapport écrit : {display_path(target)} ({len(report.rows)} dossier(s)).")
