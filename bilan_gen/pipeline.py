"""The build pipeline, independent of any site generator.

``check → render → encrypt → write → verify → publish``: the MkDocs plugin (or any other
adapter) renders the site's own pages and one generic shell page into a staging directory,
then calls :func:`write_dossiers`, :func:`verify_site` and :func:`publish_site`.
"""

from __future__ import annotations

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
    DOSSIER_URI_PREFIX,
    PAYLOAD_PLACEHOLDER,
    SHELL_URI,
    Access,
    access_for,
    encrypt_dossier,
    fill_shell,
    unique_slugs,
    write_dossier_page,
)
from bilan_gen.rendering import Renderer
from bilan_gen.validation import CheckedDossier, check_project
from bilan_gen.verify import (
    Leak,
    OutputIndex,
    baseline_of,
    check_dossier_page,
    dossier_leaks,
    index_output,
)

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
    empty_shell: str
    project: CheckedProject
    options: Options
    renderer: Renderer
    accesses: list[Access]
    index: OutputIndex
    baseline: set[str]


def _publish_one(position: int) -> list[Leak]:
    """Render, encrypt, write and read back one dossier page; look its needles up."""
    ctx: _PublishContext = worker_context()
    dossier = ctx.project.dossiers[position].dossier
    access = ctx.accesses[position]
    rendered = ctx.renderer.render_dossier(dossier, ctx.options)
    page = fill_shell(ctx.shell_html, encrypt_dossier(rendered, access))
    written = write_dossier_page(ctx.site_dir, access, page)
    leaks = dossier_leaks(dossier, ctx.index, ctx.baseline)
    bad_page = check_dossier_page(written, ctx.empty_shell, dossier.id)
    return leaks + ([bad_page] if bad_page else [])


def publish_dossiers(
    site_dir: Path,
    shell_html: str,
    project: CheckedProject,
    options: Options,
    secret: bytes,
    renderer: Renderer,
    generic_texts: Iterable[str],
    theme_dirs: Iterable[Path] = (),
) -> list[Access]:
    """Write one encrypted page per dossier, on every core, and verify the whole site.

    Everything else the site generator wrote is indexed first, then each dossier's sensitive
    strings are looked up in it, and each dossier page is read back. Phrases of
    ``generic_texts`` (the shell, the standard titles) are not distinctive.

    Returns:
        The accesses (never logged).

    Raises:
        LeakFound: A dossier's content appears in clear somewhere in ``site_dir``.
    """
    accesses = [access_for(item.dossier, secret) for item in project.dossiers]
    if not unique_slugs(accesses):
        raise BilanError("deux dossiers ont la même adresse : augmentez acces.rotation de l'un")
    prune_dossier_pages(site_dir, accesses)
    context = _PublishContext(
        site_dir=site_dir,
        shell_html=shell_html,
        empty_shell=empty_shell(shell_html),
        project=project,
        options=options,
        renderer=renderer,
        accesses=accesses,
        index=index_output(site_dir, theme_dirs),
        baseline=baseline_of(generic_texts),
    )
    found = parallel_map(_publish_one, range(len(accesses)), context)
    leaks = [leak for group in found for leak in group]
    if leaks:
        raise LeakFound(leaks, site_dir)
    return accesses


def empty_shell(shell_html: str) -> str:
    """The shell page without a payload: the generic « open a dossier » page."""
    return shell_html.replace(PAYLOAD_PLACEHOLDER, "")


def staging_dir_for(site_dir: Path) -> Path:
    """The sibling directory a build writes to before it is published."""
    return site_dir.with_name(site_dir.name + STAGING_SUFFIX)


def prepare_staging(site_dir: Path, keep_previous: bool = False) -> Path:
    """A fresh staging directory (a killed build's leftovers removed).

    With ``keep_previous`` (``--dirty`` builds, which only rewrite changed pages) it starts
    as a copy of the published site.
    """
    staging = staging_dir_for(site_dir)
    discard_staging(staging)
    if keep_previous and site_dir.is_dir():
        shutil.copytree(site_dir, staging)
    return staging


def prune_dossier_pages(site_dir: Path, accesses: Iterable[Access]) -> None:
    """Remove dossier pages that no access opens any more (revoked, removed dossiers)."""
    keep = {a.slug for a in accesses} | {Path(SHELL_URI).parent.name}
    root = site_dir / DOSSIER_URI_PREFIX
    if root.is_dir():
        for entry in root.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


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
