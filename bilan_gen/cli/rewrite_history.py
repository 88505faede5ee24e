"""``bilan rewrite-history``: encrypt the dossiers that old commits still hold in clear."""

from __future__ import annotations

import os
from pathlib import Path

import click

from bilan_gen.atrest import AtRestError
from bilan_gen.atrest.history import RewritePlan, plan_rewrite, rewrite
from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS

SHOWN = 10


@click.command("rewrite-history", context_settings=CONTEXT)
@click.option("--yes", "-y", is_flag=True, help="Ne demande pas de confirmation.")
@click.pass_context
def rewrite_history(ctx: click.Context, yes: bool) -> None:
    """Réécrit l'historique Git : chaque commit n'y garde les dossiers que chiffrés.

    Pour un dépôt qui contenait des dossiers en clair avant « bilan init ». Toutes les
    branches et étiquettes sont réécrites (avec git-filter-repo) ; un dossier qui n'a plus
    de clé (détruit) est retiré de tous les commits. Demande confirmation, puis affiche ce
    que vous et vos collègues devez faire (push forcé, nouveaux clones).
    """
    root = Path.cwd()
    try:
        plan = plan_rewrite(root, os.environ)
    except AtRestError as error:
        click.echo(f"Erreur : {error}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    if not plan.clear_paths:
        click.echo("Aucun dossier en clair dans l'historique : rien à réécrire.")
        ctx.exit(EXIT_OK)
    for line in _describe(plan):
        click.echo(line)
    if not yes and not _confirmed():
        click.echo("Rien n'a été réécrit.")
        ctx.exit(EXIT_OK)
    try:
        rewrite(root, os.environ, plan)
    except AtRestError as error:
        click.echo(f"Erreur : {error}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    for line in _next_steps(plan):
        click.echo(line)


def _describe(plan: RewritePlan) -> list[str]:
    lines = [
        f"{len(plan.clear_paths)} fichier(s) de dossier en clair dans l'historique "
        f"({plan.commits} commit(s), {len(plan.refs)} branche(s) et étiquette(s)) :"
    ]
    lines += [f"  {path}" for path in plan.clear_paths[:SHOWN]]
    if len(plan.clear_paths) > SHOWN:
        lines.append(f"  … et {len(plan.clear_paths) - SHOWN} autre(s)")
    if plan.encrypted_ids:
        lines.append(f"Chiffrés dans chaque commit : {', '.join(plan.encrypted_ids)}.")
    if plan.dropped_ids:
        lines.append(
            f"Sans clé (détruits) : {', '.join(plan.dropped_ids)} ; leurs fichiers seront "
            "retirés de tous les commits."
        )
    lines.append(
        "Chaque commit change d'identifiant : la forge et les clones de vos collègues gardent "
        "l'ancien historique tant qu'ils ne sont pas remplacés (voir la suite)."
    )
    return lines


def _confirmed() -> bool:
    """Ask before rewriting; only « o », « oui » (or « y », « yes ») go ahead."""
    answer = click.prompt(
        "Réécrire l'historique de ce dépôt ? [o/N]", default="n", show_default=False
    )
    return str(answer).strip().lower() in ("o", "oui", "y", "yes")


def _next_steps(plan: RewritePlan) -> list[str]:
    url = plan.remote_url or "ADRESSE-DU-DÉPÔT"
    return [
        "Historique réécrit : aucun commit de ce dépôt ne contient plus de dossier en clair.",
        "git-filter-repo a retiré le dépôt distant « origin » (contre un push par erreur). À "
        "faire maintenant :",
        f"  git remote add origin {url}",
        "  git push --force --all origin && git push --force --tags origin",
        "Puis, sur la forge : supprimez les anciennes branches et demandes de fusion qui "
        "pointent encore vers l'ancien historique, et demandez au support de purger ses "
        "caches (GitHub garde les commits des pull requests).",
        "Chaque collègue supprime son clone (il contient l'ancien historique en clair) et "
        "reclone :",
        f"  git clone {url} && cd <dossier> && copier le secret dans .bilan/secret && bilan init",
        "Détruisez aussi les sauvegardes et les archives de l'ancien dépôt.",
    ]
