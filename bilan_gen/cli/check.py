"""``bilan check``: every diagnostic of the dossiers, compiler style."""

from __future__ import annotations

import os
from pathlib import Path

import click

from bilan_gen.cache import check_memo
from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import (
    CODES,
    Diagnostic,
    Severity,
    format_diagnostics,
    format_json,
    format_summary,
    sort_diagnostics,
)
from bilan_gen.field_check import suggest
from bilan_gen.model import DOSSIER_FILE
from bilan_gen.summary import format_report
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
    "--code",
    "codes",
    multiple=True,
    metavar="CODE",
    help="N'affiche que ce code (répétable), par exemple --code emargement-manquant.",
)
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity]),
    help="N'affiche que les erreurs, ou que les avertissements.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Toutes les erreurs, puis les avertissements comptés par code (comme le build).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["texte", "json"]),
    default="texte",
    show_default=True,
    help="Format de sortie.",
)
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[Path, ...],
    strict: bool,
    codes: tuple[str, ...],
    severity: str | None,
    summary: bool,
    output_format: str,
) -> None:
    """Vérifie les dossiers (tous, ou les dossiers et fichiers donnés).

    Code de sortie : 0 sans erreur, 1 avec erreurs (ou avertissements avec --strict),
    2 en cas de mauvaise utilisation. Les filtres --code et --severity ne changent que ce qui
    est affiché, jamais le code de sortie.

    \b
    Exemples :
      bilan check
      bilan check dossiers/2026-014/synthese.md --format json
      bilan check --summary
      bilan check --code emargement-manquant
    """
    unknown = [code for code in codes if code not in CODES]
    if unknown:
        hint = suggest(unknown[0], list(CODES))
        raise click.BadParameter(f"code inconnu « {unknown[0]} »{hint}", param_hint="--code")
    options, diags = load_context_options(ctx)
    folders, files = _selection(paths, options)
    count, found = check_diagnostics(options, folders, check_memo(options, os.environ))
    diags += found
    if files is not None:
        diags = [d for d in diags if d.path.resolve() in files]
    diags = sort_diagnostics(diags)
    failed = any(d.is_error for d in diags) or (strict and bool(diags))
    shown = [
        d
        for d in diags
        if (not codes or d.code in codes) and (severity is None or d.severity.value == severity)
    ]
    if output_format == "json":
        click.echo(format_json(shown))
    else:
        for line in _text_lines(shown, options, summary):
            click.echo(line)
        filtered = f" ({len(shown)} affiché(s))" if len(shown) != len(diags) else ""
        click.echo(format_summary(diags, count).removesuffix(".") + filtered + ".")
    ctx.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _text_lines(diags: list[Diagnostic], options: Options, summary: bool) -> list[str]:
    """Every line, or with ``summary`` the errors then the warnings counted per code."""
    if not summary:
        return format_diagnostics(diags)
    report = format_report(diags, options.dossiers_dir)
    return report.errors + report.warnings + report.summary
