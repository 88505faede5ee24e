"""The ``bilan`` command: a thin click adapter over the core. Messages are French.

Each command lives in its own module of this package and is registered on :data:`main`.
"""

from __future__ import annotations

import importlib
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


COMMANDS = {
    "check": "check",
    "new": "new",
    "access": "access",
    "pdf": "pdf",
    "status": "status",
    "preview": "preview",
    "schema": "schema",
    "purge": "purge",
    "audit": "audit",
    "init": "init",
    "rewrite-history": "rewrite_history",
    "guide": "guide",
    "observations": "observations",
}
"""Each command's name and its module in this package (``--help`` sorts them)."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs (or help is
    asked): ``bilan check`` does not pay for the renderer, the PDF batch or the server."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(f"bilan_gen.cli.{module}"), module)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings=CONTEXT)
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
