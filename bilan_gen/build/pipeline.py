"""The build pipeline, independent of any site generator.

``check → render → encrypt → write → verify → publish``. The MkDocs plugin (or any other
adapter) calls :func:`prepare_dossiers` as the build starts: worker processes check, render
and encrypt the dossiers (or load them from the cache) while the site generator renders the
site's own pages and one generic shell page into a staging directory
(:func:`prepare_staging`). :func:`build_dossiers` then indexes that output and puts each
dossier into the site as soon as a worker hands it over; when it succeeds,
:func:`publish_site` swaps the site in. On failure, :func:`discard_staging` leaves the
published site as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.cache import BuildCache, CacheEntry
from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, sort_diagnostics
from bilan_gen.errors import BilanError
from bilan_gen.guard import DossierFiles, FolderChangedError, load_folder, refusal_diagnostic
from bilan_gen.loading import discover
from bilan_gen.model import Dossier
from bilan_gen.observations.site import with_observations
from bilan_gen.build.page_reuse import VerifiedPages
from bilan_gen.parallel import RunningMap, start_map, worker_context
from bilan_gen.publishing import (
    DOSSIER_URI_PREFIX,
    SHELL_URI,
    audiences_of,
    encrypt_dossier,
    page_uri,
    view_routes,
)
from bilan_gen.build.rebuild import RebuildRecord, now_ns, state_of
from bilan_gen.rendering import RenderedDossier, Renderer
from bilan_gen.build.site_dossiers import (
    DossierOutcome,
    PublishContext,
    Rendered,
    empty_shell,
    publish,
    publish_known,
    verification_digest,
)
from bilan_gen.validation import check_duplicate_ids, check_files
from bilan_gen.verify import Leak, baseline_of, fingerprint, index_output

__all__ = ["DossierOutcome", "Rendered", "empty_shell"]


class ValidationFailed(BilanError):
    """Some dossier has errors: nothing is published."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        errors = sum(1 for d in diagnostics if d.is_error)
        super().__init__(f"{errors} erreur(s) dans les dossiers : le site n'est pas publié")
        self.diagnostics = diagnostics


class LeakFound(BilanError):
    """The verification found dossier content in clear: nothing is published."""

    def __init__(self, leaks: list[Leak], site_dir: Path) -> None:
        lines = [leak.message(site_dir) for leak in leaks]
        super().__init__(
            "vérification de confidentialité échouée, le site n'est pas publié :\n  "
            + "\n  ".join(lines)
        )
        self.leaks = leaks


@dataclass(frozen=True)
class RenderContext:
    """What turning a dossier folder into a cache entry needs; workers receive it."""

    options: Options
    secret: bytes
    renderer: Renderer
    today: dt.date
    """The day of the build (the dossier home says until when it stays online)."""
    cache: BuildCache | None = None
    record: RebuildRecord | None = None
    """What the last build knew of each folder (a rebuild lists them, reads the changed)."""


@dataclass(frozen=True)
class BuildReport:
    """A successful build: every diagnostic (warnings only) and every dossier's outcome."""

    diagnostics: tuple[Diagnostic, ...]
    outcomes: tuple[DossierOutcome, ...]

    @property
    def cached(self) -> int:
        """How many dossiers came from the cache."""
        return sum(1 for o in self.outcomes if o.cached)


def _views(
    dossier: Dossier, rendered: RenderedDossier, secret: bytes
) -> Iterator[tuple[str, int, str]]:
    """(audience, rotation, payload) of each view: the beneficiary's whole dossier, and for
    each third party what the beneficiary agreed to share (L6313-4), by default the synthèse."""
    every = [page.route for page in rendered.pages]
    for audience in audiences_of(dossier, secret):
        routes = view_routes(audience.recipient, every)
        if not routes:  # nothing to share yet: the third party's code opens nothing
            continue
        view = rendered if len(routes) == len(every) else rendered.restricted_to(set(routes))
        access = audience.access
        yield access.audience, access.rotation, encrypt_dossier(view, access)


def _entry_for(
    files: DossierFiles, ctx: RenderContext
) -> tuple[CacheEntry | None, tuple[Diagnostic, ...]]:
    """Validate, render and encrypt one dossier; None (with the errors) when it is invalid."""
    checked = check_files(files, ctx.options)
    if checked.has_errors:
        return None, checked.diagnostics
    dossier = checked.dossier
    try:
        rendered = ctx.renderer.render_dossier(dossier, ctx.options, files, today=ctx.today)
    except FolderChangedError as exc:  # an annex changed since it was checked
        return None, (refusal_diagnostic(files.folder, exc, files.limits),)
    rendered = with_observations(rendered, dossier, ctx.options, ctx.secret)
    entry = CacheEntry(
        dossier.id,
        checked.diagnostics,
        tuple(_views(dossier, rendered, ctx.secret)),
        fingerprint(dossier, files),
        dossier.admin,
        dossier.lines,
    )
    return entry, checked.diagnostics


def _render_one(folder: Path) -> Rendered:
    """One dossier: its folder as the rebuild record knows it when unchanged (nothing read),
    else :func:`render_folder`."""
    ctx: RenderContext = worker_context()
    known = ctx.record.unchanged(folder) if ctx.record is not None else None
    if known is not None:
        return Rendered(folder, None, known.diagnostics, known.key, cached=True, known=known)
    return render_folder(folder, ctx)


def render_folder(folder: Path, ctx: RenderContext) -> Rendered:
    """One dossier, from the cache or validated, rendered and encrypted (then cached).

    The folder is read once, through the guarded path: the cache key, the check, the pages
    and the fingerprint all come from the same bytes.
    """
    read_ns = now_ns()
    files = load_folder(folder, ctx.options.limits)
    state = state_of(files, read_ns) if ctx.record is not None else None
    key = ctx.cache.key_for(files) if ctx.cache else None
    entry = ctx.cache.load(key, folder) if ctx.cache and key else None
    if entry is not None:
        return Rendered(folder, entry, entry.diagnostics, key, cached=True, state=state)
    entry, diagnostics = _entry_for(files, ctx)
    if entry is not None and ctx.cache and key:
        ctx.cache.store(key, entry, folder)
    return Rendered(folder, entry, diagnostics, key, state=state)


def _publish(rendered: Rendered, ctx: PublishContext, render: RenderContext) -> DossierOutcome:
    """One dossier into the site: an unchanged folder's verified pages linked, else its
    entry's pages (an unchanged folder's entry loaded from the cache, or made again here)."""
    known = rendered.known
    if known is None:
        return publish(rendered, ctx)
    outcome = publish_known(known, ctx)
    if outcome is not None:
        return outcome
    entry = render.cache.load(known.key, rendered.folder) if render.cache else None
    if entry is None:
        return publish(render_folder(rendered.folder, render), ctx)
    full = Rendered(rendered.folder, entry, entry.diagnostics, known.key, True, known.state)
    return publish(full, ctx)


class Prepared:
    """The project's dossiers, rendering on every core from the moment it is made."""

    def __init__(
        self,
        options: Options,
        secret: bytes,
        renderer: Renderer,
        cache: BuildCache | None,
        today: dt.date,
    ) -> None:
        self.options, self.secret, self.cache, self.today = options, secret, cache, today
        self.folders, self.tree = discover(options.dossiers_dir)
        record = RebuildRecord.load(cache, options.dossiers_dir) if cache is not None else None
        self.context = RenderContext(options, secret, renderer, today, cache, record)
        self._running: RunningMap[Path, Rendered] | None = start_map(
            _render_one, self.folders, self.context
        )

    def results(self) -> Iterator[Rendered]:
        """Each dossier in order, as soon as it is ready."""
        running, self._running = self._running, None
        if running is None:
            raise BilanError("dossiers déjà publiés par ce build")
        return running.results()

    def cancel(self) -> None:
        """Stop the work (the build failed); cache entries already stored stay valid."""
        running, self._running = self._running, None
        if running is not None:
            running.cancel()


def prepare_dossiers(
    options: Options,
    secret: bytes,
    renderer: Renderer,
    cache: BuildCache | None = None,
    today: dt.date | None = None,
) -> Prepared:
    """Start checking, rendering and encrypting every dossier (or loading it from ``cache``)
    on every core, now: the site generator builds its own pages meanwhile, and
    :func:`build_dossiers` publishes each dossier as soon as it is ready. ``today`` is the
    day of the build (by default, the day this is called)."""
    return Prepared(options, secret, renderer, cache, today or dt.date.today())


def build_dossiers(
    site_dir: Path,
    shell_html: str,
    prepared: Prepared,
    generic_texts: Iterable[str],
    theme_dirs: Iterable[Path] = (),
    today: dt.date | None = None,
    previous_site: Path | None = None,
) -> BuildReport:
    """Publish every dossier of ``prepared`` into ``site_dir``, then verify the site.

    Everything else the site generator wrote is indexed first; each dossier's sensitive
    strings are looked up in it, and each dossier page is read back. Phrases of
    ``generic_texts`` (the shell, the standard titles) are not distinctive.

    A dossier past its grace period or retention (R6313-7) is left out, with a warning; its
    pages from an earlier build are removed. ``today`` is the day of the build;
    ``previous_site`` is the published site, whose unchanged dossier pages are reused (those
    the last build verified, from the same cache entry and shell, are not even read). By
    default ``today`` is the day the dossiers were prepared: one day for the whole build.

    Raises:
        ValidationFailed: A dossier has errors (every diagnostic is attached).
        LeakFound: A dossier's content appears in clear somewhere in ``site_dir``.
    """
    cache = prepared.cache
    tree = [*prepared.tree, *check_duplicate_ids(prepared.folders)]
    grams = cache.gram_cache() if cache is not None else None
    texts = list(generic_texts)
    index = index_output(site_dir, theme_dirs, grams)
    context = PublishContext(
        prepared.options,
        prepared.secret,
        site_dir,
        shell_html,
        index,
        baseline_of(texts, grams),
        today or prepared.today,
        previous_site if previous_site is not None and previous_site.is_dir() else None,
        VerifiedPages.load(cache.cache_dir, shell_html) if cache is not None else None,
        prepared.context.record,
        verification_digest(index, texts),
    )
    render = prepared.context
    outcomes = [_publish(rendered, context, render) for rendered in prepared.results()]
    diagnostics = sort_diagnostics([*tree, *(d for o in outcomes for d in o.diagnostics)])
    if any(d.is_error for d in diagnostics):
        raise ValidationFailed(diagnostics)
    slugs = [slug for o in outcomes for slug in o.slugs]
    if len(slugs) != len(set(slugs)):
        raise BilanError("deux dossiers ont la même adresse : augmentez acces.rotation de l'un")
    prune_dossier_pages(site_dir, slugs)
    leaks = [leak for o in outcomes for leak in o.leaks]
    if leaks:
        raise LeakFound(leaks, site_dir)
    if cache is not None and grams is not None:
        cache.prune([*(o.cache_key for o in outcomes if o.cache_key), cache.record_key])
        grams.prune()
        known = {o.dossier_id: o.known for o in outcomes if o.known is not None}
        RebuildRecord.save(cache, prepared.options.dossiers_dir, known, context.verified)
    if context.pages is not None:
        context.pages.save(site_dir)
    return BuildReport(tuple(diagnostics), tuple(outcomes))


def prune_dossier_pages(site_dir: Path, slugs: Iterable[str]) -> None:
    """Remove dossier pages that no access opens any more (revoked, removed dossiers)."""
    keep = {Path(page_uri(slug)).name for slug in slugs} | {Path(SHELL_URI).name}
    root = site_dir / DOSSIER_URI_PREFIX
    if root.is_dir():
        for entry in root.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
