"""``bilan init``: dossiers encrypted in Git, set up once per repository and per clone."""

from __future__ import annotations

import os
from pathlib import Path

import click

from bilan_gen.atrest import KEYRING_DIR, AtRestError
from bilan_gen.atrest.setup import init_repository
from bilan_gen.cli import CONTEXT, EXIT_PROBLEMS

SHOWN = 10


@click.command(context_settings=CONTEXT)
@click.pass_context
def init(ctx: click.Context) -> None:
    """Chiffre les dossiers dans Git : une clé par dossier, destruction par clé.

    À lancer une fois par dépôt, puis une fois sur chaque poste après « git clone ». Les
    fichiers de travail restent en clair ; Git, la forge et le CI ne voient que du chiffré.
    Relancer la commande ne change rien.
    """
    try:
        report = init_repository(Path.cwd(), os.environ)
    except AtRestError as error:
        click.echo(f"Erreur : {error}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    if report.secret_written:
        click.echo(
            "Secret écrit dans .bilan/secret (le secret du site y est conservé : les codes "
            "d'accès ne changent pas). Sauvegardez-le hors du dépôt et donnez-le au CI comme "
            "BILAN_SECRET."
        )
    if report.keyring_created:
        click.echo(
            f"Trousseau créé dans {KEYRING_DIR}/ : à committer (il ne contient que "
            "des clés chiffrées)."
        )
    if report.keys_created:
        click.echo(
            f"Clé créée pour {len(report.keys_created)} dossier(s) dans {KEYRING_DIR}/ : "
            "à committer avec les dossiers."
        )
    if report.attributes_added:
        click.echo("Ligne ajoutée à .gitattributes : à committer.")
    if report.decrypted:
        click.echo(f"{len(report.decrypted)} fichier(s) de dossier déchiffré(s) sur ce poste.")
    if report.still_encrypted:
        _listed(report.still_encrypted, "fichier(s) restent chiffrés (clé détruite ou absente)")
    if report.clear_in_history:
        _listed(
            report.clear_in_history,
            "fichier(s) de dossier en clair dans l'historique (chiffrés à partir du prochain "
            "commit seulement ; voir « Dossiers chiffrés dans Git » du guide, bilan guide, "
            "pour les effacer)",
        )
    click.echo("Chiffrement des dossiers actif dans ce dépôt.")


def _listed(names: list[str], what: str) -> None:
    """A count, then the first names, on standard error."""
    click.echo(f"Attention : {len(names)} {what} :", err=True)
    for name in names[:SHOWN]:
        click.echo(f"  {name}", err=True)
    if len(names) > SHOWN:
        click.echo(f"  … et {len(names) - SHOWN} autre(s)", err=True)
