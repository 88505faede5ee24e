"""``bilan preview ID``: the dossier being written, on 127.0.0.1, reloaded on every save.

The adapter part of the preview: it reads ``mkdocs.yml`` with MkDocs' own loader (the
Markdown extensions and the theme, as the build uses them), finds the theme's compiled
stylesheets on disk, then hands everything to :mod:`bilan_gen.preview`.
"""

from __future__ import annotations

import importlib.util
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from bilan_gen.cli import CONTEXT, load_context_options
from bilan_gen.config import Options
from bilan_gen.diagnostics import display_path
from bilan_gen.model import DOSSIER_FILE
from bilan_gen.preview import DossierPreview, PreviewServer, PreviewTheme
from bilan_gen.rendering import Renderer

DEFAULT_PORT = 8001
"""Next to ``mkdocs serve``'s 8000, so both can run."""
STYLESHEET_GLOBS = ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css")


@dataclass
class SiteLook:
    """What the preview borrows from ``mkdocs.yml``."""

    theme: PreviewTheme = field(default_factory=PreviewTheme)
    stylesheets: list[Path] = field(default_factory=list)
    extensions: list[Any] = field(default_factory=list)
    extension_configs: dict[str, Any] = field(default_factory=dict)


def material_dir() -> Path | None:
    """mkdocs-material's ``templates/`` folder, found without importing the package."""
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


def find_stylesheets(theme_dirs: list[Path]) -> list[Path]:
    """Material's compiled main and palette stylesheets, from the first theme dir that has them."""
    found: list[Path] = []
    for pattern in STYLESHEET_GLOBS:
        for theme_dir in theme_dirs:
            matches = sorted(theme_dir.glob(pattern))
            if matches:
                found.append(matches[0])
                break
    return found


def _theme(site_name: str, theme: Any) -> PreviewTheme:
    """The name and the first palette of the site (Material's defaults otherwise)."""
    palette = theme.get("palette") or {}
    if isinstance(palette, list):
        palette = palette[0] if palette else {}
    default = PreviewTheme()
    return PreviewTheme(
        site_name=site_name,
        primary=str(palette.get("primary") or default.primary),
        accent=str(palette.get("accent") or default.accent),
        scheme=str(palette.get("scheme") or default.scheme),
    )


def load_site_look(config_path: Path) -> tuple[SiteLook, str | None]:
    """The site's look from ``mkdocs.yml``; Material's defaults (and a warning) otherwise."""
    fallback = [d for d in (material_dir(),) if d is not None]
    if not config_path.is_file():
        return SiteLook(stylesheets=find_stylesheets(fallback)), None
    try:
        from mkdocs.config import load_config

        config = load_config(config_file=str(config_path))
    except Exception as exc:  # noqa: BLE001 - the preview still works with the defaults
        warning = (
            f"{config_path.name} illisible par MkDocs ({exc}) : aperçu avec le thème par défaut"
        )
        return SiteLook(stylesheets=find_stylesheets(fallback)), warning
    theme = _theme(config.site_name, config.theme)
    dirs = [Path(d) for d in config.theme.dirs] + fallback
    look = SiteLook(theme, find_stylesheets(dirs), config.markdown_extensions, config.mdx_configs)
    return look, None


def dossier_folder(dossier: str, options: Options) -> Path:
    """The folder of ``dossier``: an id under ``dossiers/``, or a path to the folder."""
    by_id = options.dossiers_dir / dossier
    for folder in (by_id, Path(dossier)):
        if (folder / DOSSIER_FILE).is_file():
            return folder
    if by_id.is_dir():  # no dossier.yml yet: the diagnostics will say so
        return by_id
    raise click.BadParameter(f"dossier « {dossier} » introuvable", param_hint="ID")


@click.command(context_settings=CONTEXT)
@click.argument("dossier", metavar="ID")
@click.option(
    "-p",
    "--port",
    type=int,
    metavar="PORT",
    default=DEFAULT_PORT,
    show_default=True,
    help="Port local (0 : un port libre).",
)
@click.option("--ouvrir", is_flag=True, help="Ouvre l'aperçu dans le navigateur.")
@click.pass_context
def preview(ctx: click.Context, dossier: str, port: int, ouvrir: bool) -> None:
    """Aperçu local d'un dossier, rechargé à chaque enregistrement.

    Affiche le dossier ID déchiffré, brouillons compris (marqués « brouillon »), avec ses
    diagnostics et l'apparence du site, sur http://127.0.0.1 seulement. Rien n'est publié,
    rien n'est accessible depuis le réseau. La page se recharge d'elle-même dès qu'un
    fichier du dossier est enregistré. Ctrl+C pour arrêter.

    \b
    Exemples :
      bilan preview 2026-042
      bilan preview 2026-042 --port 8002 --ouvrir
    """
    if not 0 <= port <= 65535:
        raise click.BadParameter("de 0 à 65535", param_hint="'--port'")
    options, _ = load_context_options(ctx)
    folder = dossier_folder(dossier, options)
    look, warning = load_site_look(ctx.obj["config"])
    if warning:
        click.echo(f"Avertissement : {warning}", err=True)
    renderer = Renderer(look.extensions, look.extension_configs)
    state = DossierPreview(folder, options, renderer, look.theme, look.stylesheets)
    try:
        server = PreviewServer(state, port)
    except OSError as exc:
        raise click.ClickException(
            f"port {port} indisponible ({exc.strerror}) : essayez --port {port + 1}"
        ) from None
    click.echo(f"Aperçu de {display_path(folder)} : {server.url}")
    click.echo("La page se recharge à chaque enregistrement. Ctrl+C pour arrêter.")
    if ouvrir:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nAperçu arrêté.")
    finally:
        server.server_close()
