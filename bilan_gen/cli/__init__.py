"""The ``bilan`` command: a thin click adapter over the core. Messages are French.

Each command lives in its own module of this package and is registered on :data:`main`.
"""

from __future__ import annotations

from pathlib import Path

import click

from bilan_gen.cli import click_fr
from bilan_gen.config import CONFIG_FILE, Options, load_options
from bilan_gen.diagnostics import Diagnostic

click_fr.install()

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def load_context_options(ctx: click.Context) -> tuple[Options, list[Diagnostic]]:
    config_path: Path = ctx.obj["config"]
    return load_options(config_path)


@click.group(context_settings=CONTEXT)
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=CONFIG_FILE,
    show_default=True,
    help="Le mkdocs.yml du projet (section « bilan » des plugins).",
)
@click.version_option(package_name="bilan-gen", message="bilan-gen %(version)s")
@click.pass_context
def main(ctx: click.Context, config_file: Path) -> None:
    """Écrire, vérifier, publier et imprimer des bilans de compétences.

    \b
    Exemples :
      bilan check                  vérifie tous les dossiers
      bilan check dossiers/2026-014
      bilan new 2026-042 --consultant "Claire Mercier"
      bilan preview 2026-042       aperçu local, rechargé à chaque enregistrement
      bilan status                 tableau de bord de tous les dossiers
      bilan purge --expired        détruit les dossiers arrivés à échéance (R6313-7)
      bilan audit -o audit.html    rapport pour l'organisme et son auditeur
      bilan init                   chiffre les dossiers dans Git (une fois par poste)
      bilan observations 2026-014 observations.txt
                                   ajoute les observations du bénéficiaire à sa synthèse
      bilan guide                  le guide du consultant, sur http://127.0.0.1
    """
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_file


def folders_by_id(folders: list[Path], ids: tuple[str, ...], dossiers_dir: Path) -> list[Path]:
    """The folders of ``ids`` (each once, in the order given); a usage error for unknown ids
    (a symbolic link in ``dossiers_dir`` is never taken for a dossier, and says so)."""
    known = {f.name: f for f in folders}
    missing = [i for i in ids if i not in known]
    links = [i for i in missing if (dossiers_dir / i).is_symlink()]
    if links:
        raise click.BadParameter(
            f"{', '.join(links)} : lien symbolique dans {dossiers_dir.name}/, jamais suivi ; "
            "remplacez-le par le dossier lui-même (ou supprimez le lien)",
            param_hint="ID",
        )
    if missing:
        raise click.BadParameter(
            f"dossier(s) introuvable(s) : {', '.join(missing)}", param_hint="ID"
        )
    return [known[i] for i in dict.fromkeys(ids)]


def _register_commands() -> None:
    from bilan_gen.cli.access import access
    from bilan_gen.cli.audit import audit
    from bilan_gen.cli.check import check
    from bilan_gen.cli.guide import guide
    from bilan_gen.cli.init import init
    from bilan_gen.cli.new import new
    from bilan_gen.cli.observations import observations
    from bilan_gen.cli.pdf import pdf
    from bilan_gen.cli.preview import preview
    from bilan_gen.cli.purge import purge
    from bilan_gen.cli.rewrite_history import rewrite_history
    from bilan_gen.cli.schema import schema
    from bilan_gen.cli.status import status

    for command in (
        check,
        new,
        access,
        pdf,
        status,
        preview,
        schema,
        purge,
        audit,
        init,
        rewrite_history,
        guide,
        observations,
    ):
        main.add_command(command)


_register_commands()
