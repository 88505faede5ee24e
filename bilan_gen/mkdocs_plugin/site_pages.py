"""MkDocs glue for the generic pages: generated files, assets, the site's public texts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from bilan_gen.build.shell import ASSET_NAMES, asset_bytes, generic_vocabulary, shell_markdown
from bilan_gen.config import Options
from bilan_gen.publishing import SHELL_URI

SHELL_SRC_URI = "_bilan/acces.md"
ASSET_DIR_URI = "assets/bilan"


def register_assets(config: MkDocsConfig) -> None:
    """Load the plugin's scripts and stylesheet on every page."""
    for name in ASSET_NAMES:
        uri = f"{ASSET_DIR_URI}/{name}"
        target = config.extra_css if name.endswith(".css") else config.extra_javascript
        if uri not in [str(item) for item in target]:
            target.append(uri)


def generated_files(config: MkDocsConfig) -> Iterator[File]:
    """The shell page and the browser assets, as files MkDocs builds like its own."""
    shell = File.generated(
        config, SHELL_SRC_URI, content=shell_markdown(), inclusion=InclusionLevel.NOT_IN_NAV
    )
    shell.dest_uri = SHELL_URI
    yield shell
    for name in ASSET_NAMES:
        yield File.generated(config, f"{ASSET_DIR_URI}/{name}", content=asset_bytes(name))


def generic_texts(shell_html: str, options: Options, config: MkDocsConfig) -> list[str]:
    """Text the site shows by design: the shell, the standard titles, ``content/`` sources.

    They only excuse short, weak needles (a lone first name, a standard heading): a surname,
    an e-mail or a run of a dossier's prose pasted into ``content/`` still fails the build.
    """
    sources = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(Path(config.docs_dir).rglob("*.md"))
    ]
    return [shell_html, *generic_vocabulary(options), *sources]
