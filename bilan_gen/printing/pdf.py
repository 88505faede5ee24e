"""PDF bytes from the printable document, with WeasyPrint, and atomic file writes.

WeasyPrint costs about 0.7 s to import and a few hundredths of a second to load its fonts,
then about 0.1 s per two-page PDF: :class:`PdfEngine` pays the start-up once, and a batch
forks its workers from a warm engine. It is imported here, lazily, so that ``bilan check``
and the site build never load it.

Output is reproducible: the page fixes ``dcterms.created`` and ``dcterms.modified`` (from
``remise_le``) and the PDF's permanent identifier derives from the dossier id, so the same
dossier gives the same bytes; the second identifier is WeasyPrint's hash of the content, so
a reprint that changed is a file that changed.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bilan_gen.build.shell import asset_bytes
from bilan_gen.errors import BilanError
from bilan_gen.guard import EntryRefused, Limits, read_file
from bilan_gen.model import ANNEXES_DIR
from bilan_gen.printing.document import PrintDocument, render_print_html, render_print_page

STYLESHEET = "bilan-print.css"
PDFA_VARIANT = "pdf/a-3b"
"""PDF/A-3b: archival PDF with every font embedded, WeasyPrint's widest-supported level."""
_ANNEX_SRC = re.compile(r'(\ssrc=")(' + ANNEXES_DIR + r'/[^"]+)(")')
_WARM_UP = (
    '<html lang="fr"><body><article class="bilan-print"><h1>Synthèse</h1>'
    "<p><strong>« Été »</strong> <em>cœur</em> — fi fl ’</p></article></body></html>"
)


class PrintError(BilanError):
    """WeasyPrint cannot start (missing Pango or fonts): no PDF can be made."""


def pdf_identifier(dossier_id: str) -> bytes:
    """The PDF's permanent identifier: the same for every print of one dossier."""
    return hashlib.sha256(f"bilan-gen:{dossier_id}".encode()).hexdigest()[:32].encode("ascii")


def inline_annexes(html: str, dossier_path: Path, max_bytes: int = Limits().file_bytes) -> str:
    """Images of ``annexes/`` as ``data:`` URIs, so that WeasyPrint fetches no file at all.

    Each is read through the guarded path; one that is not a regular file of the dossier
    (a link swapped in since the check) stays a reference that WeasyPrint may not fetch.
    """

    def replace(match: re.Match[str]) -> str:
        rel = unquote(match.group(2).replace("&amp;", "&"))
        try:
            content = read_file(dossier_path, rel, max_bytes)
        except EntryRefused:
            return match.group(0)
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        data = base64.b64encode(content.data or b"").decode("ascii")
        return f"{match.group(1)}data:{kind};base64,{data}{match.group(3)}"

    return _ANNEX_SRC.sub(replace, html)


class PdfEngine:
    """WeasyPrint with the print stylesheet parsed and the fonts loaded, ready to reuse."""

    def __init__(self, pdfa: bool = False, stylesheet: str = STYLESHEET) -> None:
        """Import WeasyPrint (lazily: 0.7 s) and warm it up.

        Args:
            pdfa: Produce PDF/A (archival) files.
            stylesheet: The package asset that styles the pages (the synthèse's by default).

        Raises:
            PrintError: WeasyPrint or the system libraries it needs are missing.
        """
        try:
            import weasyprint
        except (ImportError, OSError) as exc:
            raise PrintError(
                f"WeasyPrint ne peut pas démarrer ({exc}) : installez Pango "
                "(apt-get install libpangoft2-1.0-0) et les polices DejaVu"
            ) from None

        self._weasyprint: Any = weasyprint
        self._fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
        self._stylesheet = weasyprint.CSS(
            string=asset_bytes(stylesheet).decode("utf-8"), url_fetcher=self._fetcher
        )
        self.variant = PDFA_VARIANT if pdfa else None
        self.render_page(_WARM_UP, b"0" * 32)

    def render_page(self, page_html: str, identifier: bytes) -> bytes:
        """PDF bytes of a standalone print page."""
        document = self._weasyprint.HTML(string=page_html, url_fetcher=self._fetcher)
        pdf: bytes = document.write_pdf(
            stylesheets=[self._stylesheet],
            pdf_identifier=identifier,
            pdf_variant=self.variant,
        )
        return pdf

    def render(
        self, document: PrintDocument, dossier_path: Path, max_bytes: int = Limits().file_bytes
    ) -> bytes:
        """PDF bytes of a prepared document; its annex images read from ``dossier_path``
        (each at most ``max_bytes``)."""
        body = inline_annexes(render_print_html(document), dossier_path, max_bytes)
        return self.render_page(
            render_print_page(document, body), pdf_identifier(document.dossier_id)
        )


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename.

    A reader sees the old file or the new one, never half of one; a crash leaves at most a
    hidden ``.tmp`` file next to it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
