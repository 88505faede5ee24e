"""The preview page of one dossier: every document (drafts marked), its diagnostics, a banner.

Also the dossier's *version*: a digest of the names, sizes and modification times of that one
dossier's files, which changes on every save. Computing it stats a dozen files, whatever the
number of other dossiers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, display_path, format_summary
from bilan_gen.guard import Entry, EntryRefused, walk
from bilan_gen.model import PRIVATE_DIRS, sorted_documents
from bilan_gen.rendering import RenderedPage, Renderer, render_home
from bilan_gen.templating import TEMPLATES
from bilan_gen.validation import CheckedDossier

BANNER = "Aperçu local — non publié"
"""Shown at the top of every preview page: this is not the published site."""
DRAFT_MARK = "brouillon"


@dataclass(frozen=True)
class PreviewTheme:
    """What the preview borrows from the site's look (the adapter finds it)."""

    site_name: str = "Bilans de compétences"
    stylesheets: tuple[str, ...] = ()
    """Addresses of the theme's stylesheets on the preview server, in order."""
    primary: str = "indigo"
    accent: str = "indigo"
    scheme: str = "default"


@dataclass(frozen=True)
class PreviewPage:
    """One document of the dossier, as the preview shows it."""

    route: str
    title: str
    html: str
    draft: bool


def _watched(entry: Entry) -> bool:
    """Whether a change to ``entry`` shows in the preview: not the private notes, not an
    editor's swap or backup file."""
    name = entry.rel.rpartition("/")[2]
    top = entry.rel.partition("/")[0]
    return top not in PRIVATE_DIRS and not name.startswith(".") and not name.endswith("~")


def dossier_version(folder: Path) -> str:
    """A token that changes whenever a file of the dossier is saved, added or removed.

    The folder is listed through the guarded path: no link is followed, no file opened.
    """
    digest = hashlib.sha256()
    try:
        entries = walk(folder, None, lambda refused: None)
    except EntryRefused:
        return "absent"
    for entry in filter(_watched, entries):
        digest.update(f"{entry.rel}\0{entry.kind.name}\0{entry.mtime_ns}\0{entry.size}\n".encode())
    return digest.hexdigest()[:20]


def preview_pages(
    checked: CheckedDossier, options: Options, renderer: Renderer, today: dt.date
) -> list[PreviewPage]:
    """The dossier home and every document, drafts included (marked)."""
    dossier = checked.dossier
    pages: list[PreviewPage] = []
    for phase, doc in sorted_documents(dossier.documents):
        html, _ = renderer.render_markdown(doc.body)
        pages.append(PreviewPage(phase.value, phase.label, html, draft=not doc.finalised))
    home: RenderedPage = render_home(dossier, options, [p.route for p in pages], today)
    return [PreviewPage(home.route, home.title, home.html, draft=False), *pages]


def _diagnostics(diags: Sequence[Diagnostic], folder: Path) -> dict[str, Any]:
    errors = sum(1 for d in diags if d.is_error)
    kind = "failure" if errors else ("warning" if diags else "success")
    lines = [
        {
            "where": display_path(d.path, folder) + (f":{d.line}" if d.line > 0 else ""),
            "severity": d.severity.value,
            "message": d.message,
            "code": d.code,
        }
        for d in diags
    ]
    summary = "Diagnostics : " + format_summary(diags, 1).split(" ; ")[0].rstrip(".")
    if not diags:
        summary = "Diagnostics : aucun problème"
    return {"kind": kind, "summary": summary, "lines": lines}


def _render(dossier_id: str, theme: PreviewTheme, version: str, **parts: Any) -> str:
    return TEMPLATES.get_template("preview.html").render(
        version=version,
        dossier_id=dossier_id,
        banner=BANNER,
        site_name=theme.site_name,
        stylesheets=theme.stylesheets,
        primary=theme.primary,
        accent=theme.accent,
        scheme=theme.scheme,
        **parts,
    )


def render_preview(
    checked: CheckedDossier,
    options: Options,
    renderer: Renderer,
    theme: PreviewTheme,
    version: str,
    today: dt.date,
) -> str:
    """The whole preview page of one dossier, as HTML, on ``today``."""
    return _render(
        checked.dossier.id,
        theme,
        version,
        diagnostics=_diagnostics(checked.diagnostics, checked.dossier.path),
        pages=preview_pages(checked, options, renderer, today),
    )


def render_failure(dossier_id: str, theme: PreviewTheme, version: str, reason: str) -> str:
    """A page that says the dossier cannot be shown, and still reloads on the next save."""
    page = PreviewPage("accueil", "Aperçu impossible", f"<p>{escape(reason)}</p>", False)
    failure = {"kind": "failure", "summary": "Aperçu impossible", "lines": []}
    return _render(dossier_id, theme, version, diagnostics=failure, pages=[page])
