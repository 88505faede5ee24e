"""``bilan pdf``: the document de synthèse of each dossier as an A4 PDF, for offices."""

from __future__ import annotations

from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, folders_by_id, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import display_path, format_diagnostic, sort_diagnostics
from bilan_gen.errors import BilanError
from bilan_gen.loading import discover
from bilan_gen.printing.batch import (
    DEFAULT_OUTPUT_DIR,
    PrintRequest,
    print_dossiers,
    print_problems,
    published_parent,
    synthese_pending,
)
from bilan_gen.validation import CheckedDossier, check_project


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


def _chosen_folders(ids: tuple[str, ...], all_: bool, options: Options) -> list[Path]:
    """The dossier folders to print; a usage error for a bad selection."""
    if bool(ids) == all_:
        raise click.UsageError("indiquez des identifiants de dossiers, ou --all (pas les deux)")
    folders, _ = discover(options.dossiers_dir)
    if all_:
        return folders
    return folders_by_id(folders, ids, options.dossiers_dir)


def _output_dir(output: Path | None, ctx: click.Context, options: Options) -> Path:
    """The output folder; refused inside the site's sources, the site or the dossiers."""
    target = output if output is not None else options.project_dir / DEFAULT_OUTPUT_DIR
    folder = published_parent(target, ctx.obj["config"], options)
    if folder is not None:
        raise click.BadParameter(
            f"« {display_path(target)} » est dans {display_path(folder)}/ : les PDF "
            "contiennent des données personnelles et ne doivent jamais être publiés",
            param_hint="-o",
        )
    return target


def _summary(written: int, refused: int, skipped: int, output_dir: Path) -> str:
    where = display_path(output_dir)
    parts = [
        f"{_plural(written, 'PDF écrit', 'PDF écrits')} dans {where}/"
        if written
        else "Aucun PDF écrit"
    ]
    if refused:
        parts.append(_plural(refused, "dossier non imprimé", "dossiers non imprimés"))
    if skipped:
        ignored = _plural(skipped, "dossier ignoré", "dossiers ignorés")
        parts.append(f"{ignored} (synthèse non finalisée)")
    return " ; ".join(parts) + "."


def _sort(
    checked: list[CheckedDossier], all_: bool
) -> tuple[list[CheckedDossier], list[CheckedDossier], int]:
    """(printable, refused, skipped): with --all, dossiers still in progress are skipped."""
    printable, refused, skipped = [], [], 0
    for item in checked:
        if all_ and synthese_pending(item):
            skipped += 1
        elif print_problems(item):
            refused.append(item)
        else:
            printable.append(item)
    return printable, refused, skipped


@click.command(context_settings=CONTEXT)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--all", "all_", is_flag=True, help="Tous les dossiers dont la synthèse est finalisée."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Dossier des PDF (par défaut : {DEFAULT_OUTPUT_DIR}/ du projet, ignoré par Git).",
)
@click.option("--complet", is_flag=True, help="Ajoute les phases finalisées en annexes.")
@click.option("--pdfa", is_flag=True, help="Produit des PDF/A-3b, pour l'archivage.")
@click.pass_context
def pdf(
    ctx: click.Context,
    ids: tuple[str, ...],
    all_: bool,
    output: Path | None,
    complet: bool,
    pdfa: bool,
) -> None:
    """Imprime le document de synthèse des dossiers donnés (ou de tous) en PDF A4.

    Seuls les dossiers sans erreur dont la synthèse est finalisée sont imprimés ; les autres
    affichent leurs diagnostics et le code de sortie vaut 1 (les PDF valides sont tout de
    même écrits). Avec --all, les dossiers dont la synthèse n'est pas finalisée sont
    ignorés. Un PDF existant est remplacé d'un coup, jamais à moitié écrit ; le même
    dossier donne toujours le même fichier.

    Les PDF contiennent des données personnelles : ils ne vont ni dans Git ni sur le site.

    \b
    Exemples :
      bilan pdf 2026-014
      bilan pdf --all -o impressions/
      bilan pdf 2026-014 --complet --pdfa
    """
    options, config_diags = load_context_options(ctx)
    for diag in config_diags:
        click.echo(format_diagnostic(diag))
    if any(d.is_error for d in config_diags):
        ctx.exit(EXIT_PROBLEMS)
    folders = _chosen_folders(ids, all_, options)
    request = PrintRequest(_output_dir(output, ctx, options), complet=complet, pdfa=pdfa)
    checked, _ = check_project(options, folders)
    printable, refused, skipped = _sort(checked, all_)
    for item in refused:
        for diag in sort_diagnostics(print_problems(item)):
            click.echo(format_diagnostic(diag))
    if printable and not options.organisme.raison_sociale:
        click.echo(
            "avertissement : organisme non renseigné (section « bilan » de mkdocs.yml) : "
            "les PDF ne nomment pas le prestataire",
            err=True,
        )
    dossiers = [item.dossier for item in printable]
    written: list[Path] = []
    if dossiers:
        stderr = click.get_text_stream("stderr")
        with click.progressbar(length=len(dossiers), label="Impression", file=stderr) as bar:
            try:
                written = print_dossiers(dossiers, options, request, lambda _: bar.update(1))
            except BilanError as exc:
                raise click.ClickException(str(exc)) from None
    click.echo(_summary(len(written), len(refused), skipped, request.output_dir))
    ctx.exit(EXIT_PROBLEMS if refused else EXIT_OK)
