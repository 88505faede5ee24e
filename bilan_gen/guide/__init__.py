"""The consultant guide: a site of its own, never part of the beneficiaries' site.

The beneficiaries' site (``mkdocs.yml``, ``content/``) shows them only what is meant for them:
welcome and code form, what a bilan is, confidentiality, and their dossier. The guide lives in
``guide/`` with its own MkDocs configuration, ``guide.yml``, which inherits the look of
``mkdocs.yml`` (``INHERIT``) and replaces its nav and plugins, so no dossier is read for it.

This module is the core side of ``bilan guide``: where the configuration is, whether a folder
may receive a build (a build empties its folder first: never a consultant's folder), and a
static server on 127.0.0.1. Building is the adapter's part (MkDocs).
"""

from __future__ import annotations

import functools
import http.server
import os
from pathlib import Path

from bilan_gen.errors import BilanError

GUIDE_CONFIG = "guide.yml"
"""The guide's MkDocs configuration, next to ``mkdocs.yml``."""
BUILD_MARK = ".bilan-guide"
"""Written into every folder the guide is built to: such a folder may be built to again."""
LOOPBACK = "127.0.0.1"
"""The only address the guide is served on."""


class GuideError(BilanError):
    """The guide cannot be found, built to the folder asked for, or served."""


def guide_config_path(site_config: Path) -> Path:
    """``guide.yml`` next to the site's ``mkdocs.yml``.

    Raises:
        GuideError: There is none.
    """
    path = site_config.parent / GUIDE_CONFIG
    if not path.is_file():
        raise GuideError(
            f"{path} introuvable : lancez la commande à la racine du projet, "
            f"où se trouvent {site_config.name} et {GUIDE_CONFIG}"
        )
    return path


def _within(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def check_build_dir(target: Path, protected: dict[str, Path]) -> None:
    """Refuse a folder that a build could not empty without loss.

    MkDocs empties its output folder before it writes the guide: ``target`` must be new,
    empty, or a folder the guide was built to (:data:`BUILD_MARK`), and it must lie outside
    every folder of ``protected`` (label → folder: the dossiers, the sites' sources).

    Raises:
        GuideError: ``target`` is not such a folder.
    """
    resolved = target.resolve()
    for label, folder in protected.items():
        if _within(resolved, folder.resolve()):
            raise GuideError(f"{target} : dans {label} ({folder}), choisissez un dossier ailleurs")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise GuideError(f"{target} existe et n'est pas un dossier")
    if target.is_dir() and any(target.iterdir()) and not (target / BUILD_MARK).is_file():
        raise GuideError(
            f"{target} n'est pas vide et ne contient pas un guide déjà construit : "
            "choisissez un dossier vide ou nouveau (rien n'y est effacé)"
        )


def mark_build_dir(target: Path) -> None:
    """Mark ``target`` as a folder the guide was built to."""
    (target / BUILD_MARK).write_text(
        "Construit par « bilan guide » : ce dossier est vidé à chaque construction.\n",
        encoding="utf-8",
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class GuideServer(http.server.ThreadingHTTPServer):
    """The built guide, served from ``site_dir`` on 127.0.0.1 only (0: a free port)."""

    daemon_threads = True

    def __init__(self, site_dir: Path, port: int) -> None:
        handler = functools.partial(_Quiet, directory=os.fspath(site_dir))
        super().__init__((LOOPBACK, port), handler)

    @property
    def url(self) -> str:
        """The guide's address."""
        return f"http://{LOOPBACK}:{self.server_address[1]}/"
