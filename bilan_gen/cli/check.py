"""``bilan check``: every diagnostic of the dossiers, compiler style."""

from __future__ import annotations

import os
from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import format_diagnostic, format_json, format_summary, sort_diagnostics
from bilan_gen.model import DOSSIER_FILE
from bilan_gen.validation import check_diagnostics


def _dossier_folder(path: Path, options: Options) -> Path | None:
    """The dossier folder that holds ``path`` (a folder or one of its files).

    The last part of ``path`` is not resolved: a dossier that is a link is checked as the
    link (and refused), never as its target.
    """
    absolute = Path(os.path.normpath(path.absolute()))
    path = absolute.parent.resolve() / absolute.name
    dossiers_dir = options.dossiers_dir.resolve()
    for candidate in (path, *path.parents):
        is_dossier = candidate.parent == dossiers_dir or (candidate / DOSSIER_FILE).is_file()
        if is_dossier and candidate.is_dir():
            return candidate
        if candidate == dossiers_dir:
            break
    return None


def _selection(
    paths: tuple[Path, ...], options: Options
) -> tuple[list[Path] | None, set[Path] | None]:
    """The dossier folders to check and the files to report on (None: everything)."""
    if not paths:
        return None, None
    folders: list[Path] = []
    files: set[Path] | None = set()
    for raw in paths:
        if not raw.exists():
            raise click.BadParameter(f"« {raw} » introuvable", param_hint="PATH")
        if options.dossiers_dir.resolve().is_relative_to(raw.resolve()):
            return None, None  # ``dossiers/`` itself or a folder above it, such as "."
        folder = _dossier_folder(raw, options)
        if folder is None:
            raise click.BadParameter(f"« {raw} » n'est pas dans un dossier", param_hint="PATH")
        if folder not in folders:
            folders.append(folder)
        if raw.is_file() and files is not None:
            files.add(raw.resolve())
        else:
            files = None
    return folders, files


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("--strict", is_flag=True, help="Échoue aussi sur les avertissements.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["texte", "json"]),
    default="texte",
    show_default=True,
    help="Format de sortie.",
)
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], strict: bool, output_format: str) -> None:
    """Vérifie les dossiers (tous, ou les dossiers et fichiers donnés).

    Code de sortie : 0 sans erreur, 1 avec erreurs (ou avertissements avec --strict),
    2 en cas de mauvaise utilisation.

    \b
    Exemples :
      bilan check
      bilan check dossiers/2026-014/synthese.md --format json
    """
    options, diags = load_context_options(ctx)
    folders, files = _selection(paths, options)
    count, found = check_diagnostics(options, folders)
    diags += found
    if files is not None:
        diags = [d for d in diags if d.path.resolve() in files]
    diags = sort_diagnostics(diags)
    if output_format == "json":
        click.echo(format_json(diags))
    else:
        for diag in diags:
            click.echo(format_diagnostic(diag))
        click.echo(format_summary(diags, count))
    failed = any(d.is_error for d in diags) or (strict and bool(diags))
    ctx.exit(EXIT_PROBLEMS if failed else EXIT_OK)
