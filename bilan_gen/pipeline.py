"""The build pipeline, independent of any site generator.

``check → render → encrypt → write → verify → publish``: the MkDocs plugin (or any other
adapter) renders the site's own pages and one generic shell page into a staging directory,
then calls :func:`write_dossiers`, :func:`verify_site` and :func:`publish_site`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.config import Options
from bilan_gen.diagnostics import Diagnostic, sort_diagnostics
from bilan_gen.errors import BilanError
from bilan_gen.parallel import parallel_map, worker_context
from bilan_gen.publishing import (
    PAYLOAD_PLACEHOLDER,
    Access,
    access_for,
    encrypt_dossier,
    fill_shell,
    unique_slugs,
    write_dossier_page,
)
from bilan_gen.rendering import Renderer
from bilan_gen.validation import CheckedDossier, check_project
from bilan_gen.verify import Leak, Needles, add_dossier, baseline_of, scan_site

STAGING_SUFFIX = ".bilan-staging"
OLD_SUFFIX = ".bilan-old"


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
class CheckedProject:
    """Every dossier of a project, checked; ``diagnostics`` lists all problems once."""

    dossiers: tuple[CheckedDossier, ...]
    diagnostics: tuple[Diagnostic, ...]


def check_for_build(options: Options) -> CheckedProject:
    """Check every dossier; raise :class:`ValidationFailed` when any has an error."""
    checked, tree = check_project(options)
    diags = sort_diagnostics([*tree, *(d for c in checked for d in c.diagnostics)])
    if any(d.is_error for d in diags):
        raise ValidationFailed(diags)
    return CheckedProject(tuple(checked), tuple(diags))


@dataclass(frozen=True)
class _PublishContext:
    site_dir: Path
    shell_html: str
    project: CheckedProject
    options: Options
    secret: bytes
    renderer: Renderer
    baseline: set[str]


def _publish_one(index: int) -> tuple[Access, Needles]:
    """Render, encrypt and write one dossier; collect what must never appear in clear."""
    ctx: _PublishContext = worker_context()
    dossier = ctx.project.dossiers[index].dossier
    access = access_for(dossier, ctx.secret)
    rendered = ctx.renderer.render_dossier(dossier, ctx.options)
    write_dossier_page(
        ctx.site_dir, access, fill_shell(ctx.shell_html, encrypt_dossier(rendered, access))
    )
    needles = Needles()
    add_dossier(needles, dossier, ctx.baseline)
    return access, needles


def publish_dossiers(
    site_dir: Path,
    shell_html: str,
    project: CheckedProject,
    options: Options,
    secret: bytes,
    renderer: Renderer,
    public_texts: Iterable[str],
) -> tuple[list[Access], Needles]:
    """Write one encrypted page per dossier, on every core.

    Returns the accesses (never logged) and the needles for :func:`verify_site`; phrases that
    the site's own public pages (``public_texts``) also say are not distinctive.
    """
    context = _PublishContext(
        site_dir, shell_html, project, options, secret, renderer, baseline_of(public_texts)
    )
    results = parallel_map(_publish_one, range(len(project.dossiers)), context)
    accesses = [access for access, _ in results]
    if not unique_slugs(accesses):
        raise BilanError("deux dossiers ont la même adresse : augmentez acces.rotation de l'un")
    needles = Needles()
    for _, found in results:
        needles.merge(found)
    return accesses, needles


def empty_shell(shell_html: str) -> str:
    """The shell page without a payload: the generic « open a dossier » page."""
    return shell_html.replace(PAYLOAD_PLACEHOLDER, "")


def trusted_hashes(dirs: Iterable[Path]) -> frozenset[str]:
    """SHA-256 of the theme's static files (scripts, styles, fonts): public by design."""
    digests: set[str] = set()
    for base in dirs:
        for path in base.rglob("*"):
            if path.is_file() and path.suffix in (".js", ".css", ".woff", ".woff2", ".svg", ".map"):
                digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return frozenset(digests)


def verify_site(site_dir: Path, needles: Needles, trusted: frozenset[str] = frozenset()) -> None:
    """Scan the built site for every dossier's sensitive strings; raise when any is found."""
    leaks = scan_site(site_dir, needles, trusted)
    if leaks:
        raise LeakFound(leaks, site_dir)


def staging_dir_for(site_dir: Path) -> Path:
    """The sibling directory a build writes to before it is published."""
    return site_dir.with_name(site_dir.name + STAGING_SUFFIX)


def publish_site(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``staging``: the old site stays until the new one is complete."""
    old = site_dir.with_name(site_dir.name + OLD_SUFFIX)
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def discard_staging(staging: Path) -> None:
    """Remove a failed build's staging directory; the published site is untouched."""
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
