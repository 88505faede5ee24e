"""Putting each prepared dossier into the site, in the build's own process.

A dossier comes from a worker (:mod:`bilan_gen.build.pipeline`) either as a cache entry (read,
checked, rendered and encrypted, or loaded from the build cache) or as a folder the rebuild
record knows unchanged (:mod:`bilan_gen.build.rebuild`). An entry's pages are written, or linked
from the published site when they are the same bytes, and read back; its needles are looked
up in the index of the site's other files. A known folder's pages are linked when the last
build verified them and nothing they were verified against changed; otherwise it takes the
entry's way (:func:`publish_known` says so by returning None).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bilan_gen.cache import CacheEntry
from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic
from bilan_gen.model import Beneficiaire, Dossier
from bilan_gen.build.page_reuse import VerifiedPages
from bilan_gen.publishing import (
    PAYLOAD_PLACEHOLDER,
    access_from,
    fill_shell,
    write_dossier_page,
)
from bilan_gen.build.rebuild import Known, RebuildRecord
from bilan_gen.retention import retention_diagnostic, retention_state
from bilan_gen.verify import Leak, OutputIndex, check_dossier_page, find_leaks


def empty_shell(shell_html: str) -> str:
    """The shell page without a payload: the generic « open a dossier » page."""
    return shell_html.replace(PAYLOAD_PLACEHOLDER, "")


def verification_digest(index: OutputIndex, generic_texts: Iterable[str]) -> str:
    """What a dossier's needles are compared with: the site's other files (as indexed) and
    the generic texts that may excuse a weak needle."""
    hasher = hashlib.sha256(index.digest.encode())
    for text in generic_texts:
        hasher.update(hashlib.sha256(text.encode("utf-8")).digest())
    return hasher.hexdigest()


@dataclass(frozen=True)
class Rendered:
    """One dossier as a worker hands it over: its entry, or the errors that keep it out, or
    what the rebuild record knows of its unchanged folder."""

    folder: Path
    entry: CacheEntry | None
    diagnostics: tuple[Diagnostic, ...]
    key: str | None = None
    cached: bool = False
    state: str | None = None
    """:func:`bilan_gen.build.rebuild.state_of` the folder as it was read (None: not recordable)."""
    known: Known | None = None
    """The record's knowledge of the folder, found unchanged (then ``entry`` is None)."""


@dataclass(frozen=True)
class PublishContext:
    """What putting entries into the site needs, in the build's own process."""

    options: Options
    secret: bytes
    site_dir: Path
    shell_html: str
    index: OutputIndex
    baseline: set[int]
    today: dt.date
    """The day of the build, for retention (R6313-7)."""
    previous_site: Path | None = None
    """The published site: its pages that stay the same are linked, not written again."""
    pages: VerifiedPages | None = None
    """The pages the last build verified, linked without reading them again."""
    record: RebuildRecord | None = None
    """What the last build knew of each folder."""
    verified: str = ""
    """:func:`verification_digest` of this build."""

    @cached_property
    def empty_shell(self) -> str:
        """The shell page without a payload."""
        return empty_shell(self.shell_html)


@dataclass(frozen=True)
class DossierOutcome:
    """What became of one dossier in a build."""

    dossier_id: str
    diagnostics: tuple[Diagnostic, ...]
    slugs: tuple[str, ...] = ()
    """The pages written: the beneficiary's, then each third party's."""
    cache_key: str | None = None
    cached: bool = False
    leaks: tuple[Leak, ...] = ()
    known: Known | None = None
    """What the next build may know of its folder without reading it (None: nothing)."""


def _retention(
    entry: CacheEntry, folder: Path, ctx: PublishContext
) -> tuple[Diagnostic | None, dt.date | None]:
    """R6313-7: the warning that drops a dossier past its grace period or retention (else
    None), and the last day it may be published (None while the bilan goes on)."""
    ident = entry.admin.get("beneficiaire") or {}
    names = Beneficiaire(ident.get("prenom"), ident.get("nom"), ident.get("email"))
    dossier = Dossier(entry.dossier_id, folder, names, entry.admin, entry.lines, {})
    state = retention_state(dossier, ctx.today, ctx.options.delai_grace_jours)
    return retention_diagnostic(dossier, state), state.limite


def publish(rendered: Rendered, ctx: PublishContext) -> DossierOutcome:
    """One dossier's pages: written (or linked), read back, its needles looked up."""
    entry, key, cached = rendered.entry, rendered.key, rendered.cached
    if entry is None:
        return DossierOutcome(rendered.folder.name, rendered.diagnostics)
    dropped, limite = _retention(entry, rendered.folder, ctx)
    if dropped is not None:  # not published; its pages are pruned
        return DossierOutcome(entry.dossier_id, (*entry.diagnostics, dropped), (), key, cached)
    leaks = find_leaks(entry.fingerprint, ctx.index, ctx.baseline)
    slugs: list[str] = []
    reuse = ctx.pages if key is not None and ctx.previous_site is not None else None
    for audience, rotation, payload in entry.pages:
        access = access_from(entry.dossier_id, rotation, ctx.secret, audience)
        slugs.append(access.slug)
        mark = f"{key}:{audience}:{rotation}"
        previous = ctx.previous_site
        if reuse and previous and reuse.link_unchanged(ctx.site_dir, previous, access.slug, mark):
            continue
        page = fill_shell(ctx.shell_html, payload)
        written = write_dossier_page(ctx.site_dir, access, page, ctx.previous_site)
        bad_page = check_dossier_page(written, ctx.empty_shell, entry.dossier_id)
        if bad_page:
            leaks.append(bad_page)
        elif reuse:
            reuse.record(access.slug, mark)
    known = None
    if rendered.state is not None and key is not None and not leaks:
        views = tuple(
            (audience, rotation, slug)
            for (audience, rotation, _), slug in zip(entry.pages, slugs, strict=True)
        )
        known = Known(rendered.state, key, entry.dossier_id, entry.diagnostics, views, limite)
    return DossierOutcome(
        entry.dossier_id, entry.diagnostics, tuple(slugs), key, cached, tuple(leaks), known
    )


def publish_known(known: Known, ctx: PublishContext) -> DossierOutcome | None:
    """An unchanged folder's pages, linked as the last build verified them; None when that
    cannot be (its retention may end, what it was verified against changed, a page is not
    in the published site as verified): its entry must then be published."""
    if known.limite is not None and ctx.today > known.limite:
        return None
    previous, reuse, record = ctx.previous_site, ctx.pages, ctx.record
    if previous is None or reuse is None or record is None or record.verified != ctx.verified:
        return None
    slugs = []
    for audience, rotation, slug in known.pages:
        mark = f"{known.key}:{audience}:{rotation}"
        if not reuse.link_unchanged(ctx.site_dir, previous, slug, mark):
            return None
        slugs.append(slug)
    return DossierOutcome(
        known.dossier_id, known.diagnostics, tuple(slugs), known.key, cached=True, known=known
    )
