"""``bilan access``: each dossier's access codes and links, or their printed letters.

For the consultant's eyes only: codes are never written to the site or to a log. The table
and the letters come from the core (:mod:`bilan_gen.access.listing`,
:mod:`bilan_gen.printing.letter`), which judge publication as the build does
(:mod:`bilan_gen.access.publication`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import click

from bilan_gen.access.listing import WIDTH, format_csv, format_table
from bilan_gen.access.publication import project_publications
from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, folders_by_id, load_context_options
from bilan_gen.config import Options, project_secret
from bilan_gen.diagnostics import display_path, format_diagnostic
from bilan_gen.errors import BilanError
from bilan_gen.loading import discover
from bilan_gen.printing.batch import DEFAULT_OUTPUT_DIR, committable, published_parent
from bilan_gen.printing.letter import (
    Letter,
    LetterPrinter,
    Refusal,
    plan_letters,
    site_url_problem,
)

HANDLE_WITH_CARE = (
    "Ces lettres contiennent des noms et des codes d'accès : remettez chacune à son destinataire",
    "en main propre ou sous pli fermé, puis détruisez-les (fichiers et exemplaires en trop) ;",
    "« bilan purge ID » les supprime aussi avec le dossier.",
)


def _secret(options: Options) -> bytes:
    try:
        secret, created = project_secret(options, os.environ)
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    if created:
        click.echo(f"Secret du site créé dans {options.secret_file}.", err=True)
    return secret


def _table_width() -> int:
    """:data:`WIDTH` columns, fewer on a narrower terminal."""
    if not sys.stdout.isatty():
        return WIDTH
    return max(60, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns))


@click.command(context_settings=CONTEXT)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv"]),
    default=None,
    help="« csv » pour un publipostage (une ligne par code, colonnes publie et motif). "
    "[par défaut : table]",
)
@click.option(
    "--lettre",
    "letters",
    is_flag=True,
    help="Imprime, pour chaque ID, une lettre d'accès (PDF A4) par destinataire : le "
    "bénéficiaire, puis chaque tiers de diffusion.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Avec --lettre : dossier des lettres (par défaut : {DEFAULT_OUTPUT_DIR}/ du projet, "
    "ignoré par Git).",
)
@click.pass_context
def access(
    ctx: click.Context,
    ids: tuple[str, ...],
    output_format: str | None,
    letters: bool,
    output: Path | None,
) -> None:
    """Affiche les codes d'accès et les liens de chaque dossier (ou des ID donnés).

    Un code pour le bénéficiaire, puis un par destinataire de « diffusion » : il n'ouvre que
    ce que le bénéficiaire a accepté de transmettre (par défaut, la synthèse seule). La
    colonne « Publié » dit si la page de chaque code est en ligne et, sinon, pourquoi
    (erreurs, brouillon, délai de grâce dépassé, conservation échue), comme la construction
    du site en décide aujourd'hui.

    Avec --lettre, écrit dans impressions/ une lettre A4 par destinataire : l'adresse du site
    (site_url de mkdocs.yml), le code en grands caractères, un code QR du lien direct,
    jusqu'à quand le dossier reste en ligne, que faire si le code est perdu. Un dossier non
    publié ou introuvable n'a pas de lettre (code de sortie 1) ; les autres sont imprimés.
    Publiez le site avant de remettre une lettre si dossier.yml a changé.

    Les codes ne sont jamais écrits dans le site ni dans les journaux de construction :
    transmettez-les par un canal sûr, et détruisez les lettres une fois remises.

    \b
    Exemples :
      bilan access
      bilan access 2026-014 --format csv > codes.csv
      bilan access --lettre 2026-014 2026-021
    """
    options, config_diags = load_context_options(ctx)
    if letters:
        if output_format is not None:
            raise click.UsageError("--lettre imprime des PDF : --format ne s'y applique pas")
        for diag in config_diags:  # the letter's header comes from these options
            click.echo(format_diagnostic(diag))
        if any(d.is_error for d in config_diags):
            ctx.exit(EXIT_PROBLEMS)
        _print_letters(ctx, options, ids, output)
        return
    if output is not None:
        raise click.UsageError("-o ne sert qu'avec --lettre")
    secret = _secret(options)
    folders, _ = discover(options.dossiers_dir)
    chosen = folders_by_id(folders, ids, options.dossiers_dir) if ids else folders
    _, rows = project_publications(options, secret, dt.date.today(), chosen)
    if output_format == "csv":
        click.echo(format_csv(rows, options.site_url), nl=False)
    else:
        click.echo(format_table(rows, options.site_url, _table_width()), nl=False)


def _letters_dir(output: Path | None, ctx: click.Context, options: Options) -> Path:
    """The letters' folder; refused inside the site's sources, the site or the dossiers."""
    target = output if output is not None else options.project_dir / DEFAULT_OUTPUT_DIR
    folder = published_parent(target, ctx.obj["config"], options)
    if folder is not None:
        raise click.BadParameter(
            f"« {display_path(target)} » est dans {display_path(folder)}/ : les lettres "
            "contiennent des noms et des codes d'accès et ne doivent jamais être publiées",
            param_hint="-o",
        )
    return target


def _known_folders(ids: tuple[str, ...], options: Options) -> tuple[list[Path], list[Refusal]]:
    """The folders of ``ids``, and a refusal for each id that names no dossier."""
    folders, _ = discover(options.dossiers_dir)
    known = {folder.name: folder for folder in folders}
    found, refusals = [], []
    where = f"{options.dossiers_dir.name}/"
    for ident in dict.fromkeys(ids):
        if ident in known:
            found.append(known[ident])
        elif (options.dossiers_dir / ident).is_symlink():
            reason = f"lien symbolique dans {where}, jamais suivi"
            refusals.append(Refusal(ident, "", reason))
        else:
            refusals.append(Refusal(ident, "", f"dossier introuvable dans {where}"))
    return found, refusals


def _print_letters(
    ctx: click.Context, options: Options, ids: tuple[str, ...], output: Path | None
) -> None:
    if not ids:
        raise click.UsageError("indiquez les identifiants des dossiers dont imprimer les lettres")
    problem = site_url_problem(options.site_url)
    if problem is not None:
        raise click.ClickException(f"{problem}. Aucune lettre écrite.")
    output_dir = _letters_dir(output, ctx, options)
    secret = _secret(options)
    folders, refusals = _known_folders(ids, options)
    checked, rows = project_publications(options, secret, dt.date.today(), folders)
    errors = [d for item in checked for d in item.diagnostics if d.is_error]
    for diag in errors:  # why a dossier is not published: say it all at once
        click.echo(format_diagnostic(diag))
    letters, not_published = plan_letters(
        [c.dossier for c in checked], rows, options, dt.date.today()
    )
    for refusal in [*refusals, *not_published]:
        click.echo(refusal.format())
    written = _write(letters, output_dir, options)
    _summary(written, output_dir, options)
    ctx.exit(EXIT_PROBLEMS if refusals or not_published else EXIT_OK)


def _write(letters: list[Letter], output_dir: Path, options: Options) -> list[Path]:
    if not letters:
        return []
    if not options.organisme.raison_sociale:
        click.echo(
            "avertissement : organisme non renseigné (section « bilan » de mkdocs.yml) : "
            "les lettres ne nomment pas le prestataire",
            err=True,
        )
    try:
        printer = LetterPrinter()
        return [printer.write(letter, output_dir) for letter in letters]
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None


def _summary(written: list[Path], output_dir: Path, options: Options) -> None:
    if not written:
        click.echo("Aucune lettre écrite.")
        return
    count = len(written)
    plural = "lettre écrite" if count == 1 else "lettres écrites"
    click.echo(f"{count} {plural} dans {display_path(output_dir)}/ :")
    for path in written:
        click.echo(f"  {display_path(path)}")
    for line in HANDLE_WITH_CARE:
        click.echo(line)
    if committable(written[0], options.project_dir):
        click.echo(
            f"avertissement : {display_path(output_dir)}/ n'est pas ignoré par Git : "
            "ajoutez-le à .gitignore avant tout commit",
            err=True,
        )
