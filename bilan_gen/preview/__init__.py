"""``bilan preview``: one dossier, decrypted, on 127.0.0.1, reloaded on every save.

``mkdocs serve`` rebuilds the whole site on each save, which takes minutes with thousands of
dossiers. The preview renders only the dossier being written, with the core's renderer and
validator: every document (drafts marked « brouillon »), its diagnostics, and a banner
« Aperçu local — non publié ». The page polls the dossier's version (a digest of that one
folder's file times and sizes) and reloads itself when it changes.

The adapter (``bilan_gen.cli.preview``) finds the theme's stylesheets and the Markdown
extensions of ``mkdocs.yml``; this package imports neither MkDocs nor Material.
"""

from bilan_gen.preview.page import BANNER, PreviewTheme, dossier_version, render_preview
from bilan_gen.preview.server import LOOPBACK, VERSION_URI, DossierPreview, PreviewServer

__all__ = [
    "BANNER",
    "LOOPBACK",
    "VERSION_URI",
    "DossierPreview",
    "PreviewServer",
    "PreviewTheme",
    "dossier_version",
    "render_preview",
]
