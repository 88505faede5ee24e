"""The preview server of one dossier, started in this process as ``bilan preview`` would."""

from __future__ import annotations

from pathlib import Path

from bilan_gen.cli.preview import load_site_look
from bilan_gen.config import load_options
from bilan_gen.preview import DossierPreview, PreviewServer
from bilan_gen.rendering import Renderer


def start_preview(project_dir: Path, dossier_id: str) -> PreviewServer:
    """Serve ``dossier_id`` on a free port, with the look of the project's ``mkdocs.yml``.

    Stop it with :meth:`PreviewServer.stop`.
    """
    config = project_dir / "mkdocs.yml"
    options, _ = load_options(config)
    look, warning = load_site_look(config)
    assert warning is None and len(look.stylesheets) == 2, (warning, look.stylesheets)
    renderer = Renderer(look.extensions, look.extension_configs)
    state = DossierPreview(
        options.dossiers_dir / dossier_id, options, renderer, look.theme, look.stylesheets
    )
    server = PreviewServer(state, port=0)
    server.start()
    return server
