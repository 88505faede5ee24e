"""``bilan purge``: destroy dossiers at the end of their retention (R6313-7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bilan_gen.atrest import KEYRING_DIR
from bilan_gen.atrest.shred import Rotation
from bilan_gen.cache import CACHE_DIR, CHECK_MEMO_DIR
from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, folders_by_id, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import display_path
from bilan_gen.errors import BilanError
from bilan_gen.loading import discover
from bilan_gen.purge import (
    REGISTER_FILE,
    PurgeTarget,
    execute_purge,
    expired_folders,
    format_history_commands,
    plan_purge,
    unattributed_cache,
)


def _chosen_folders(ids: tuple[str, ...], expired: bool, options: Options) -> list[Path]:
    """The folders to destroy; a usage error for a bad selection."""
    if bool(ids) == expired:
        raise click.UsageError("indiquez des identifiants de dossiers, ou --expired (pas les deux)")
    folders, _ = discover(options.dossiers_dir)
    if expired:
        chosen, doubtful = expired_folders(options, folders, dt.date.today())
        for folder in doubtful:
            click.echo(
                f"{folder.name} ignoré : sa conservation est invalide ; corrigez-la "
                "(bilan check) ou détruisez-le par son identifiant",
                err=True,
            )
        return chosen
    return folders_by_id(folders, ids, options.dossiers_dir)


def _confirmed(count: int) -> bool:
    """Ask before destroying; only « o », « oui » (or « y », « yes ») go ahead."""
    answer = click.prompt(
        f"Détruire définitivement {count} dossier(s) ? [o/N]",
        default="n",
        show_default=False,
    )
    return str(answer).strip().lower() in ("o", "oui", "y", "yes")


def _describe(target: PurgeTarget) -> list[str]:
    lines = [f"{target.dossier_id} — {target.ground}"]
    lines += [f"  {display_path(path)}" for path in target.paths]
    if target.cache_entries:
        count = len(target.cache_entries)
        lines.append(f"  {CACHE_DIR.as_posix()}/ : {count} entrée(s) du cache de construction")
    if target.memo_entries:
        count = len(target.memo_entries)
        lines.append(f"  {CHECK_MEMO_DIR.as_posix()}/ : {count} entrée(s) de bilan check")
    return lines


def _rotation_lines(rotation: Rotation) -> list[str]:
    """What to update once keys are destroyed: the new secret, everywhere it lives."""
    generation = rotation.new_generation
    return [
        f"Clé de chiffrement détruite : aucune version de {', '.join(rotation.destroyed)} ne "
        "peut plus être déchiffrée, dans aucun clone ni aucune sauvegarde de l'historique.",
        f"Nouveau secret (génération {generation}) écrit dans .bilan/secret ; l'ancien "
        "n'ouvre plus rien. Les codes d'accès des autres dossiers ne changent pas. À faire :",
        f"  git add -A {KEYRING_DIR} {REGISTER_FILE} && git rm -r -q --cached --ignore-unmatch "
        + " ".join(f"dossiers/{i}" for i in rotation.destroyed),
        f'  git commit -m "Destruction R6313-7 : {", ".join(rotation.destroyed)}" && git push',
        "  remplacez le secret BILAN_SECRET du CI par le contenu de .bilan/secret",
        "  donnez ce nouveau secret à chaque poste (.bilan/secret), et détruisez l'ancien "
        "partout où il a été sauvegardé",
    ]


@click.command(context_settings=CONTEXT)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--expired", is_flag=True, help="Tous les dossiers « à détruire » aujourd'hui.")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait détruit, sans rien toucher.")
@click.option("--yes", "-y", is_flag=True, help="Ne demande pas de confirmation.")
@click.pass_context
def purge(
    ctx: click.Context, ids: tuple[str, ...], expired: bool, dry_run: bool, yes: bool
) -> None:
    """Détruit des dossiers : leur dossier, leurs PDF, leurs lettres d'accès et leur cache
    (R6313-7).

    Chaque destruction est inscrite au registre registre-destructions.csv (identifiant, date,
    éléments détruits, motif ; aucune donnée personnelle). Rien d'autre n'est touché ; les
    commandes pour effacer aussi l'historique Git sont affichées.

    \b
    Exemples :
      bilan purge --expired --dry-run    ce qui est à détruire aujourd'hui
      bilan purge --expired              détruit, après confirmation
      bilan purge 2026-014 --yes         détruit ce dossier sans confirmation
    """
    options, _ = load_context_options(ctx)
    folders = _chosen_folders(ids, expired, options)
    if not folders:
        click.echo("Aucun dossier à détruire.")
        ctx.exit(EXIT_OK)
    try:
        targets = plan_purge(options, folders, dt.date.today())
    except BilanError as exc:  # its cache cannot be read: nothing is destroyed
        raise click.ClickException(str(exc)) from None
    click.echo("À détruire :" if not dry_run else "Seraient détruits (--dry-run) :")
    for target in targets:
        for line in _describe(target):
            click.echo(line)
    if dry_run:
        ctx.exit(EXIT_OK)
    if not yes and not _confirmed(len(targets)):
        click.echo("Abandon : rien n'a été détruit.", err=True)
        ctx.exit(EXIT_PROBLEMS)
    try:
        _, rotation = execute_purge(targets, options, dt.date.today())
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    if unattributed_cache(options):
        click.echo(
            f"Cache de construction : sans le secret du site, ses entrées ne peuvent être "
            f"attribuées ; supprimez {CACHE_DIR.as_posix()}/ (il se reconstruit).",
            err=True,
        )
    click.echo(f"Détruit : {', '.join(t.dossier_id for t in targets)} ; inscrit à {REGISTER_FILE}.")
    if rotation is not None:
        for line in _rotation_lines(rotation):
            click.echo(line)
        return
    click.echo("Pour l'effacer aussi de l'historique Git, depuis la racine du projet :")
    for command in format_history_commands(targets, options):
        click.echo(f"  {command}")
