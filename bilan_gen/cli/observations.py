"""``bilan observations``: import a beneficiary's sealed observations into their synthèse."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, EXIT_OK, EXIT_PROBLEMS, folders_by_id, load_context_options
from bilan_gen.diagnostics import display_path, error, format_diagnostic
from bilan_gen.errors import BilanError
from bilan_gen.guard.entries import unreadable
from bilan_gen.loading import discover
from bilan_gen.observations import ObservationError, import_observation
from bilan_gen.observations.envelope import MAX_INPUT_BYTES
from bilan_gen.observations.importing import existing_secret
from bilan_gen.observations.synthese import format_written

STDIN = Path("(entrée standard)")


@click.command(context_settings=CONTEXT)
@click.argument("dossier_id", metavar="ID")
@click.argument(
    "source",
    metavar="[FICHIER]",
    required=False,
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
)
@click.pass_context
def observations(ctx: click.Context, dossier_id: str, source: Path) -> None:
    """Ajoute à la synthèse du dossier ID les observations chiffrées de son bénéficiaire.

    FICHIER est le fichier téléchargé par le bénéficiaire depuis son dossier, ou l'e-mail
    qu'il a envoyé (enregistré ou copié tel quel) ; sans FICHIER ou avec « - », le message est
    lu sur l'entrée standard. Le message est déchiffré avec la clé de l'organisme, tirée du
    secret du site, et n'est accepté que s'il a été écrit avec le code d'accès actuel du
    bénéficiaire de ce dossier. Il est ajouté, daté, à la section « Observations du
    bénéficiaire » de synthese.md, sans rien changer d'autre au fichier. Un message déjà
    ajouté, altéré, ou destiné à un autre dossier est refusé (code de sortie 1).

    \b
    Exemples :
      bilan observations 2026-014 ~/Téléchargements/observations-2026-12-11.txt
      bilan observations 2026-014 < message.eml
    """
    options, config_diags = load_context_options(ctx)
    for diag in config_diags:
        click.echo(format_diagnostic(diag))
    if any(d.is_error for d in config_diags):
        ctx.exit(EXIT_PROBLEMS)
    folders, _ = discover(options.dossiers_dir)
    folder = folders_by_id(folders, (dossier_id,), options.dossiers_dir)[0]
    try:
        secret = existing_secret(options, os.environ)
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    origin = STDIN if str(source) == "-" else source
    text = _read_source(source)
    try:
        imported = import_observation(folder, text, options, secret, dt.date.today(), origin)
    except ObservationError as refused:
        where = refused.path or origin
        click.echo(format_diagnostic(error(where, refused.line, refused.code, refused.message)))
        ctx.exit(EXIT_PROBLEMS)
    written = format_written(imported.observation.cree_le)
    click.echo(
        f"{display_path(imported.path)}:{imported.line}: observations du bénéficiaire écrites "
        f"le {written}, ajoutées à la synthèse."
    )
    click.echo(
        "Relisez-les, puis publiez le site (et imprimez de nouveau la synthèse avec bilan pdf) "
        "pour qu'elles y figurent."
    )
    ctx.exit(EXIT_OK)


def _read_source(source: Path) -> str:
    """The message's text (at most MAX_INPUT_BYTES; the armour itself is ASCII)."""
    try:
        if str(source) == "-":
            if sys.stdin.isatty():
                click.echo("Collez le message (de -----BEGIN à -----END), puis Ctrl+D :", err=True)
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with source.open("rb") as stream:
                raw = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"{source} : {unreadable(exc)}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise click.ClickException(f"{source} : plus de 1 Mo, ce n'est pas un message")
    return raw.decode("utf-8", errors="replace")
