"""A small HTTP server for the preview of one dossier, on 127.0.0.1 only.

The dossier is shown decrypted, drafts included: the server listens on the loopback address
and nothing else, refuses requests whose ``Host`` is not that address (a web page elsewhere
cannot reach it through a rebound domain name), serves no file outside the dossier's
``annexes/``, and sends a Content-Security-Policy allowing ``'self'`` only.

Routes: ``/`` the page; ``/_bilan/version`` the dossier's version (polled by the page);
``/_bilan/<asset>`` the preview's script and stylesheets; ``/annexes/...`` the annexes.
"""

from __future__ import annotations

import datetime as dt
import http.server
import mimetypes
import threading
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bilan_gen.config import Options
from bilan_gen.guard import EntryRefused, read_file, split_rel
from bilan_gen.model import ANNEXES_DIR
from bilan_gen.preview.page import PreviewTheme, dossier_version, render_failure, render_preview
from bilan_gen.rendering import Renderer
from bilan_gen.validation import check_dossier

LOOPBACK = "127.0.0.1"
"""The only address the preview listens on: never the network."""
VERSION_URI = "/_bilan/version"
ASSET_URI = "/_bilan/"
THEME_URI = "/_bilan/theme/"
OWN_ASSETS = ("bilan-site.css", "bilan-preview.css", "bilan-preview.js")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STATIC_CACHE = "max-age=600"
"""Stylesheets and script do not change while the preview runs: a reload fetches the page
and the version alone, which are never stored (``no-store``)."""


class DossierPreview:
    """One dossier, rendered again only when its version changes."""

    def __init__(
        self,
        folder: Path,
        options: Options,
        renderer: Renderer | None = None,
        theme: PreviewTheme | None = None,
        theme_css: Sequence[Path] = (),
    ) -> None:
        self.folder = folder
        self.options = options
        self.renderer = renderer or Renderer()
        self.theme_files = {f"{THEME_URI}{i}-{p.name}": p for i, p in enumerate(theme_css)}
        own = tuple(f"{ASSET_URI}{name}" for name in OWN_ASSETS if name.endswith(".css"))
        self.theme = replace(theme or PreviewTheme(), stylesheets=(*self.theme_files, *own))
        self._lock = threading.Lock()
        self._cache: tuple[str, str] | None = None

    def version(self) -> str:
        """The dossier's current version token."""
        return dossier_version(self.folder)

    def page(self) -> tuple[str, str]:
        """``(version, html)`` of the page; rendered again only after a change."""
        with self._lock:  # one Markdown instance: one render at a time
            version = self.version()  # before reading: a save during the render shows next
            if self._cache is None or self._cache[0] != version:
                self._cache = (version, self._render(version))
            return self._cache

    def _render(self, version: str) -> str:
        if not self.folder.is_dir():
            reason = f"le dossier {self.folder.name} n'existe plus"
            return render_failure(self.folder.name, self.theme, version, reason)
        try:
            checked = check_dossier(self.folder, self.options)
            today = dt.date.today()
            return render_preview(checked, self.options, self.renderer, self.theme, version, today)
        except Exception as exc:  # noqa: BLE001 - the preview must survive a half-saved file
            reason = f"erreur inattendue ({exc.__class__.__name__}) : enregistrez à nouveau"
            return render_failure(self.folder.name, self.theme, version, reason)

    def annex(self, uri_path: str) -> tuple[str, bytes] | None:
        """(media type, bytes) of the regular file of the dossier's ``annexes/`` at
        ``uri_path``, read through the guarded path; None for anything else (a link, a
        special file, a path that leaves ``annexes/``, a file over the size limit)."""
        rel = unquote(uri_path).removeprefix("/")
        parts = split_rel(rel)
        if parts is None or len(parts) < 2 or parts[0] != ANNEXES_DIR:
            return None
        try:
            content = read_file(self.folder, rel, self.options.limits.file_bytes)
        except EntryRefused:
            return None
        kind = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
        return kind, content.data or b""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "bilan-preview"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's API
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page polls several times a second: no log line per request

    def _respond(self, send_body: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            refused = "adresse refusée : l'aperçu ne répond qu'à 127.0.0.1\n".encode()
            self._send(403, "text/plain; charset=utf-8", refused, send_body, "no-store")
            return
        path = urlsplit(self.path).path
        status, kind, body = self._route(path)
        static = status == 200 and path.startswith(ASSET_URI) and path != VERSION_URI
        self._send(status, kind, body, send_body, STATIC_CACHE if static else "no-store")

    def _route(self, path: str) -> tuple[int, str, bytes]:
        preview = self.server.preview
        if path in ("/", "/index.html"):
            return 200, "text/html; charset=utf-8", preview.page()[1].encode("utf-8")
        if path == "/favicon.ico":
            return 204, "image/x-icon", b""  # none: no console error for the browser's request
        if path == VERSION_URI:
            return 200, "text/plain; charset=utf-8", preview.version().encode("ascii")
        if path in preview.theme_files:
            return 200, "text/css; charset=utf-8", preview.theme_files[path].read_bytes()
        name = path.removeprefix(ASSET_URI)
        if path.startswith(ASSET_URI) and name in OWN_ASSETS:
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            data = (resources.files("bilan_gen") / "assets" / name).read_bytes()
            return 200, f"{kind}; charset=utf-8", data
        annex = preview.annex(path)
        if annex is not None:
            return 200, *annex
        return 404, "text/plain; charset=utf-8", b"introuvable\n"

    def _send(self, status: int, kind: str, body: bytes, send_body: bool, cache: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        for header, value in SECURITY_HEADERS.items():
            self.send_header(header, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serves one :class:`DossierPreview` on ``127.0.0.1:port`` (0: any free port)."""

    daemon_threads = True

    def __init__(self, preview: DossierPreview, port: int = 0) -> None:
        super().__init__((LOOPBACK, port), _Handler)
        self.preview = preview

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The preview's address."""
        return f"http://{LOOPBACK}:{self.port}/"

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request's ``Host`` names this server (DNS rebinding defence)."""
        if host is None:
            return True  # not a browser: browsers always send it
        return host in (f"{LOOPBACK}:{self.port}", f"localhost:{self.port}")

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests, benchmarks); stop with :meth:`stop`."""
        thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="bilan-preview", daemon=True
        )
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.shutdown()
        self.server_close()
