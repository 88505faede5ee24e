"""Render a dossier's documents to HTML fragments, in plain Python (no MkDocs).

One :class:`Renderer` holds one Markdown instance and reuses it (``md.reset()``): MkDocs builds
a new instance per page, which costs milliseconds with pymdownx extensions. Links between the
documents of a dossier become in-page routes (``#/synthese``); links and images into
``annexes/`` are collected so they travel inside the encrypted payload, never as files.
"""

from __future__ import annotations

import base64
import datetime as dt
import html as html_module
import mimetypes
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from bilan_gen.config import Options
from bilan_gen.folding import fold_words
from bilan_gen.guard import DossierFiles, load_folder
from bilan_gen.model import ANNEXES_DIR, PHASE_FILES, Document, Dossier, Phase, sorted_documents
from bilan_gen.printing.document import render_print_view
from bilan_gen.rendering.plain_text import PlainTextExtension
from bilan_gen.retention import Motif, retention_state
from bilan_gen.templating import TEMPLATES
from bilan_gen.validation.markdown import headings

DEFAULT_EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code", "attr_list", "md_in_html")
ROUTE_PREFIX = "#/"
HOME_ROUTE = "accueil"
SYNTHESE_ROUTE = Phase.SYNTHESE.value
PRINT_ROUTE = "impression"
"""The print view of the synthèse: in the payload, not a tab (``bilan-site.js``)."""
PRINT_TITLE = "Impression du document de synthèse"
_FILE_ROUTES = {name: phase.value for phase, name in PHASE_FILES.items()}
_SPLIT = "<!--bilan-section-split-->"
_HEADING = re.compile(r"^\s*<h2\b.*?</h2>", re.S)
_H12 = re.compile(r"<h([12])\b[^>]*>(.*?)</h\1>", re.S)
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class _LinkState:
    """Per-document state of the link rewriter."""

    assets: set[str] = field(default_factory=set)


class _LinkRewriter(Treeprocessor):
    def __init__(self, md: markdown.Markdown, state: _LinkState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self._rewrite(value))

    def _rewrite(self, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or target.startswith(("//", "#")) or not parts.path:
            return target
        path = PurePosixPath(unquote(parts.path)).as_posix()
        if path in _FILE_ROUTES:
            return ROUTE_PREFIX + _FILE_ROUTES[path]
        if path.startswith(ANNEXES_DIR + "/"):
            self.state.assets.add(path)
        return path


class _LinkExtension(Extension):
    def __init__(self, state: _LinkState) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_LinkRewriter(md, self.state), "bilan_links", 0)


@dataclass(frozen=True)
class RenderedPage:
    """One page of a published dossier."""

    route: str
    title: str
    html: str


@dataclass(frozen=True)
class RenderedDossier:
    """Everything a beneficiary can read of a dossier, ready to encrypt."""

    title: str
    pages: tuple[RenderedPage, ...]
    assets: Mapping[str, tuple[str, bytes]]
    """``annexes/...`` path → (media type, bytes)."""
    print_view: RenderedPage | None = None
    """The printable document de synthèse, once the synthèse is finalised."""
    observations: Mapping[str, Any] | None = None
    """The « Mes observations » form's settings (:mod:`bilan_gen.observations.site`): the
    beneficiary's view only."""

    def restricted_to(self, routes: set[str]) -> RenderedDossier:
        """Only the pages of ``routes`` (and the annexes they show): a third party's view."""
        pages = tuple(p for p in self.pages if p.route in routes)
        view = self.print_view if SYNTHESE_ROUTE in routes else None
        shown = " ".join([*(p.html for p in pages), view.html if view else ""])
        assets = {name: item for name, item in self.assets.items() if name in shown}
        return replace(self, pages=pages, assets=assets, print_view=view, observations=None)

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready payload that the browser decrypts and shows."""
        view = self.print_view
        printable = {"route": view.route, "titre": view.title, "html": view.html} if view else None
        return {
            "v": 1,
            **({"impression": printable} if printable else {}),
            "titre": self.title,
            "pages": [{"route": p.route, "titre": p.title, "html": p.html} for p in self.pages],
            "annexes": {
                name: {"type": kind, "b64": base64.b64encode(data).decode("ascii")}
                for name, (kind, data) in sorted(self.assets.items())
            },
            **({"observations": dict(self.observations)} if self.observations else {}),
        }


class Renderer:
    """Markdown to HTML for dossier documents, with one reusable Markdown instance.

    A renderer pickles as its configuration: a worker process builds its own instance.
    """

    def __init__(
        self,
        extensions: Sequence[Any] = (),
        extension_configs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self._config = (tuple(extensions), dict(extension_configs or {}))
        self._state = _LinkState()
        chosen = list(extensions) or list(DEFAULT_EXTENSIONS)
        names = {e for e in chosen if isinstance(e, str)}
        chosen += [e for e in ("toc", "tables") if e not in names]
        self._md = markdown.Markdown(
            extensions=[*chosen, _LinkExtension(self._state), PlainTextExtension()],
            extension_configs=dict(extension_configs or {}),
        )

    def __reduce__(self) -> tuple[type[Renderer], tuple[Any, ...]]:
        return Renderer, self._config

    def render_markdown(self, text: str) -> tuple[str, set[str]]:
        """Render Markdown; return the HTML and the ``annexes/`` files it refers to."""
        self._md.reset()
        self._state.assets = set()
        html = self._md.convert(text)
        return html, set(self._state.assets)

    def render_sections(self, body: str, body_line: int) -> tuple[str, set[str], dict[int, str]]:
        """Render a body once, and also cut it into its ``##`` sections (without headings).

        Returns the page HTML, the annexes it shows, and each ``##`` section's HTML by its
        heading's file line (empty when the cut fails, say inside raw HTML).

        The page is cut at its ``<h1>`` and ``<h2>`` when they are the source's headings, in
        order and by their words; otherwise (raw HTML, setext headings) markers placed in the
        source before each heading show where the cuts go.
        """
        heads = [
            (line, level, title) for line, level, title in headings(body, body_line) if level <= 2
        ]
        html, used = self.render_markdown(body)
        cut = _cut_at_headings(html, heads)
        if cut is not None:
            return html, used, cut
        marks = {line - body_line for line, _, _ in heads}
        lines: list[str] = []
        for index, line in enumerate(body.split("\n")):
            if index in marks:
                lines += ["", _SPLIT, ""]
            lines.append(line)
        marked, used = self.render_markdown("\n".join(lines))
        parts = marked.split(_SPLIT)
        if len(parts) != len(heads) + 1:
            return html, used, {}
        cut = {
            line: _HEADING.sub("", part, count=1).strip()
            for (line, level, _), part in zip(heads, parts[1:], strict=True)
            if level == 2
        }
        return "".join(parts), used, cut

    def render_dossier(
        self,
        dossier: Dossier,
        options: Options,
        files: DossierFiles | None = None,
        *,
        today: dt.date,
    ) -> RenderedDossier:
        """Render the dossier home and every finalised document (drafts never leave).

        ``files`` is the folder as read for the check (read again when not given);
        ``today`` is the day of the build.

        Raises:
            FolderChangedError: An annex changed since the folder was read.
        """
        pages: list[RenderedPage] = []
        assets: set[str] = set()
        sections: dict[int, str] | None = None
        for phase, doc in published_documents(dossier):
            if phase is Phase.SYNTHESE:
                html, used, sections = self.render_sections(doc.body, doc.body_line)
            else:
                html, used = self.render_markdown(doc.body)
            assets |= used
            pages.append(RenderedPage(phase.value, phase.label, html))
        home = render_home(dossier, options, [p.route for p in pages], today)
        title = "Votre bilan de compétences"
        view = render_print_view(dossier, options, self.render_markdown, sections)
        printable = RenderedPage(PRINT_ROUTE, PRINT_TITLE, view[0]) if view else None
        assets |= view[1] if view else set()
        if files is None:
            files = load_folder(dossier.path, options.limits)
        return RenderedDossier(title, (home, *pages), load_assets(files, assets), printable)


def published_documents(dossier: Dossier) -> list[tuple[Phase, Document]]:
    """The documents a dossier publishes, in reading order: the finalised ones (drafts never
    leave)."""
    return [(phase, doc) for phase, doc in sorted_documents(dossier.documents) if doc.finalised]


def published_routes(dossier: Dossier) -> tuple[str, ...]:
    """The routes of the pages :meth:`Renderer.render_dossier` makes of ``dossier``, in order:
    its home, then one per published document (no rendering needed to know them)."""
    return (HOME_ROUTE, *(phase.value for phase, _ in published_documents(dossier)))


def _cut_at_headings(html: str, heads: list[tuple[int, int, str]]) -> dict[int, str] | None:
    """Each ``##`` section's HTML by heading line, if the page's ``<h1>``/``<h2>`` are exactly
    ``heads`` (same levels, same words, same order); None otherwise."""
    found = list(_H12.finditer(html))
    if len(found) != len(heads):
        return None
    for match, (_, level, title) in zip(found, heads, strict=True):
        shown = html_module.unescape(_TAGS.sub("", match.group(2)))
        if int(match.group(1)) != level or fold_words(shown) != fold_words(title):
            return None
    ends = [m.start() for m in found[1:]] + [len(html)]
    return {
        line: html[match.end() : end].strip()
        for match, end, (line, level, _) in zip(found, ends, heads, strict=True)
        if level == 2
    }


def load_assets(files: DossierFiles, names: set[str]) -> dict[str, tuple[str, bytes]]:
    """The ``annexes/`` files that the published documents refer to, as the guarded read
    checked them (a name that is not a regular file read there is left out).

    Raises:
        FolderChangedError: An annex changed since the folder was read.
    """
    assets: dict[str, tuple[str, bytes]] = {}
    for name in sorted(names):
        data = files.read(name)
        if data is not None:
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            assets[name] = (kind, data)
    return assets


def _fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    whole, minutes = int(value), round((value - int(value)) * 60)
    return f"{whole} h {minutes:02d}" if minutes else f"{whole} h"


SEANCE_TYPES = {
    "entretien_individuel": "Entretien individuel",
    "atelier_collectif": "Atelier collectif",
    "passation_test": "Passation de test",
    "travail_personnel_encadre": "Travail personnel encadré",
}
MODALITES = {"presentiel": "Présentiel", "distanciel": "Distanciel", "telephone": "Téléphone"}
REMISES = {
    "en_main_propre": "en main propre",
    "espace_prive": "dans votre espace privé",
    "courrier": "par courrier",
}


def next_step(dossier: Dossier) -> str:
    """What comes next, in one French sentence for the beneficiary."""
    docs = dossier.documents
    synthese = docs.get(Phase.SYNTHESE)
    if synthese is not None and synthese.finalised:
        if dossier.get("suivi.propose") and dossier.get("suivi.date_prevue"):
            return f"Entretien de suivi prévu le {_fr_date(dossier.get('suivi.date_prevue'))}."
        return "Votre bilan est terminé : le document de synthèse vous a été remis."
    for phase in (Phase.PRELIMINAIRE, Phase.INVESTIGATION, Phase.CONCLUSIONS):
        doc = docs.get(phase)
        if doc is None or not doc.finalised:
            return f"En cours : {phase.label.lower()}."
    return "En cours : rédaction du document de synthèse."


def online_until(dossier: Dossier, options: Options, today: dt.date) -> str:
    """Until when the dossier stays online, in French, for the beneficiary (R6313-7).

    The last day of the grace period or of a valid retention; while the bilan goes on, the
    grace period after its end, or a retention already agreed if it ends later. It depends
    on the dossier and the options, never on ``today`` (``limite`` does not), so a cached
    page stays true on later days.
    """
    state = retention_state(dossier, today, options.delai_grace_jours)
    keep = "Pensez à l'imprimer ou à en garder une copie."
    if state.limite is not None:
        return f"Ce dossier reste en ligne jusqu'au {_fr_date(state.limite)}. {keep}"
    days = options.delai_grace_jours
    after = "la fin du bilan"
    if days > 0:
        after = f"{days} jour{'s' if days > 1 else ''} après la fin du bilan"
    if state.motif is not Motif.AUCUN:  # kept until jusqu_au, unless the grace ends later
        until = _fr_date(dossier.get("conservation.jusqu_au"))
        return (
            f"Ce dossier reste en ligne jusqu'au {until}, ou jusqu'à {after} "
            f"si cette date est plus tardive. {keep}"
        )
    return f"Ce dossier reste en ligne jusqu'à {after}. {keep}"


def render_home(
    dossier: Dossier, options: Options, routes: list[str], today: dt.date
) -> RenderedPage:
    """The dossier home: phases and their state, sessions, hours against the limit, and
    until when it stays online."""
    phases = []
    for phase in Phase:
        doc = dossier.documents.get(phase)
        if doc is None and phase is Phase.SUIVI:
            continue
        state = "finalisé" if doc and doc.finalised else ("en cours" if doc else "à venir")
        route = phase.value if phase.value in routes else None
        phases.append({"label": phase.label, "state": state, "route": route})
    seances = [
        {
            "date": _fr_date(s.date),
            "phase": phase.label,
            "duree": _hours(s.duree_h),
            "type": SEANCE_TYPES.get(s.type or "", "—"),
            "modalite": MODALITES.get(s.modalite or "", "—"),
        }
        for phase, s in sorted(dossier.seances, key=lambda ps: ps[1].date or dt.date.min)
    ]
    html = TEMPLATES.get_template("dossier_home.html").render(
        prenom=dossier.beneficiaire.prenom or "",
        phases=phases,
        seances=seances,
        total=_hours(dossier.total_hours),
        limite=_hours(options.duree_max_h),
        next_step=next_step(dossier),
        online_until=online_until(dossier, options, today),
        route_prefix=ROUTE_PREFIX,
    )
    return RenderedPage(HOME_ROUTE, "Votre dossier", html)
