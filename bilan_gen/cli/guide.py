"""``bilan guide``: the consultant guide, served on 127.0.0.1 or built to a folder.

The guide is not part of the beneficiaries' site (:mod:`bilan_gen.guide`). This adapter
builds ``guide.yml`` with MkDocs' own API, then serves the result or leaves it in a folder
for an office intranet.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import webbrowser
from pathlib import Path

import click

from bilan_gen.cli import CONTEXT, load_context_options
from bilan_gen.diagnostics import display_path
from bilan_gen.errors import BilanError
from bilan_gen.guide import (
    GuideServer,
    check_build_dir,
    guide_config_path,
    mark_build_dir,
)
from bilan_gen.yaml_source import load_lenient

DEFAULT_PORT = 8002
"""Next to ``mkdocs serve``'s 8000 and ``bilan preview``'s 8001, so all three can run."""


def build_guide(config_path: Path, site_dir: Path) -> Path:
    """Build the guide of ``config_path`` into ``site_dir`` with MkDocs; return its docs dir."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(config_file=str(config_path), site_dir=str(site_dir))
        build(config)
    except MkDocsException as exc:
        raise click.ClickException(
            f"le guide n'a pas pu être construit ({display_path(config_path)}) : {exc}"
        ) from None
    return Path(config.docs_dir)


def _protected(ctx: click.Context, config_path: Path) -> dict[str, Path]:
    """The folders a guide build must stay out of: the dossiers and both sites' sources."""
    options, _ = load_context_options(ctx)
    site_config: Path = ctx.obj["config"]
    found = {"les dossiers": options.dossiers_dir}
    for label, path in (("les pages du site", site_config), ("les pages du guide", config_path)):
        data = load_lenient(path.read_text(encoding="utf-8")) if path.is_file() else None
        docs_dir = data.get("docs_dir") if isinstance(data, dict) else None
        found[label] = path.parent / str(docs_dir or "docs")  # MkDocs' default
    return found


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(config_path: Path, port: int, ouvrir: bool) -> None:
    """Build the guide into a temporary folder, serve it until Ctrl+C, then remove it."""
    if threading.current_thread() is threading.main_thread():
        # A service manager stops with SIGTERM: leave no temporary folder behind either.
        signal.signal(signal.SIGTERM, _interrupt)
    site_dir = Path(tempfile.mkdtemp(prefix="bilan-guide-"))
    try:
        build_guide(config_path, site_dir)
        try:
            server = GuideServer(site_dir, port)
        except OSError as exc:
            raise click.ClickException(
                f"port {port} indisponible ({exc.strerror}) : essayez --port {port + 1}"
            ) from None
        click.echo(f"Guide du consultant : {server.url}")
        click.echo("Ctrl+C pour arrêter.")
        if ouvrir:
            webbrowser.open(server.url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("\nGuide arrêté.")
        finally:
            server.server_close()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


@click.command(context_settings=CONTEXT)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Construit le guide dans DOSSIER (nouveau, vide, ou un guide déjà construit) "
    "au lieu de le servir.",
)
@click.option(
    "-p",
    "--port",
    type=int,
    metavar="PORT",
    default=DEFAULT_PORT,
    show_default=True,
    help="Port local (0 : un port libre).",
)
@click.option("--ouvrir", is_flag=True, help="Ouvre le guide dans le navigateur.")
@click.pass_context
def guide(ctx: click.Context, build_dir: Path | None, port: int, ouvrir: bool) -> None:
    """Le guide du consultant, sur http://127.0.0.1 ou dans un dossier.

    Le guide (guide/, configuré par guide.yml) n'est pas publié sur le site des
    bénéficiaires. Sans option, il est construit puis servi sur http://127.0.0.1
    seulement ; Ctrl+C pour arrêter. Avec --build, il est construit dans DOSSIER,
    à publier par exemple sur l'intranet de l'organisme.

    \b
    Exemples :
      bilan guide
      bilan guide --port 8003 --ouvrir
      bilan guide --build intranet/guide
    """
    if not 0 <= port <= 65535:
        raise click.BadParameter("de 0 à 65535", param_hint="'--port'")
    try:
        config_path = guide_config_path(ctx.obj["config"])
        if build_dir is None:
            _serve(config_path, port, ouvrir)
            return
        check_build_dir(build_dir, _protected(ctx, config_path))
        build_guide(config_path, build_dir)
        mark_build_dir(build_dir)
    except BilanError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Guide du consultant construit dans {display_path(build_dir)}/")
    click.echo(f"Ouvrez {display_path(build_dir / 'index.html')} ou publiez ce dossier.")
