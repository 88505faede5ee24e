"""The build's output folder: built aside, then published whole or not at all.

A build writes into a sibling of the site folder (the staging folder). Only once every
dossier is verified does the staging folder replace the site; a failed build discards it and
the published site is untouched (nothing is lost).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING_SUFFIX = ".bilan-staging"
OLD_SUFFIX = ".bilan-old"


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
