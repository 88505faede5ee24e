"""The ``bilan`` MkDocs plugin: hooks of a dozen lines over :mod:`bilan_gen.build.pipeline`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from bilan_gen import parallel
from bilan_gen.build import pipeline, shell, staging
from bilan_gen.cache import CACHE_DIR, BuildCache, configuration_of
from bilan_gen.config import Options, options_from_mapping, project_secret
from bilan_gen.crypto import make_private_dir
from bilan_gen.diagnostics import Diagnostic
from bilan_gen.errors import BilanError
from bilan_gen.mkdocs_plugin import site_pages
from bilan_gen.mkdocs_plugin.config import BilanConfig
from bilan_gen.rendering import Renderer
from bilan_gen.summary import format_report

log = get_plugin_logger(__name__)


class BilanPlugin(BasePlugin[BilanConfig]):
    """Validate, encrypt and verify dossiers while MkDocs builds the site."""

    def __init__(self) -> None:
        self.dirty = False
        self._reset()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def _reset(self) -> None:
        # Plugins live across rebuilds under `mkdocs serve`: every build starts afresh.
        self.options: Options | None = None
        self.secret = b""
        self.site_dir = Path()
        self.staging = Path()
        self.shell_html: str | None = None
        self.prepared: pipeline.Prepared | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.prepared is not None:  # an earlier build under `mkdocs serve` that failed
            self.prepared.cancel()
        self._reset()
        project_dir = Path(config.config_file_path or ".").resolve().parent
        options, diags = options_from_mapping(dict(self.config), project_dir)
        _fail_on_errors(diags, project_dir, "option(s) invalide(s) du plugin bilan")
        self.options = options
        self.secret = self._load_secret(options)
        renderer = Renderer(config.markdown_extensions, config.mdx_configs)
        self.site_dir = Path(config.site_dir)
        self.staging = staging.prepare_staging(self.site_dir, keep_previous=self.dirty)
        config.site_dir = str(self.staging)  # atomic publish: build aside, swap at the end
        # Dossiers render on every core while MkDocs builds the site's own pages.
        self.prepared = pipeline.prepare_dossiers(
            options, self.secret, renderer, self._cache(options, config), dt.date.today()
        )
        site_pages.register_assets(config)
        # Material's footer links every page, dossier pages included, to its author's site:
        # no third-party URL unless the author asks for it (`extra: generator: true`).
        config.extra.setdefault("generator", False)
        return config

    def _load_secret(self, options: Options) -> bytes:
        try:
            secret, created = project_secret(options, os.environ)
        except BilanError as exc:
            raise PluginError(str(exc)) from None
        if created:
            log.warning(
                "secret du site créé dans %s : gardez-le hors de Git, sauvegardez-le "
                "(les codes d'accès en dépendent)",
                options.secret_file,
            )
        return secret

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for file in site_pages.generated_files(config):
            files.append(file)
        return files

    def on_page_markdown(self, markdown: str, page: Page, **kwargs: Any) -> str:
        return shell.insert_access_form(markdown)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        output = shell.add_security_policy(output)
        if page.file.src_uri == site_pages.SHELL_SRC_URI:
            self.shell_html = output
            return pipeline.empty_shell(output)
        return output

    @event_priority(-100)  # after every other plugin (search writes its index then)
    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.options is not None and self.prepared is not None
        if self.shell_html is None:
            raise PluginError("page d'accès aux dossiers non générée (thème incompatible ?)")
        root = self.options.project_dir
        try:
            report = pipeline.build_dossiers(
                self.staging,
                self.shell_html,
                self.prepared,
                site_pages.generic_texts(self.shell_html, self.options, config),
                [Path(d) for d in config.theme.dirs],
                previous_site=self.site_dir,
            )
        except pipeline.ValidationFailed as exc:
            _fail_on_errors(exc.diagnostics, root, str(exc), self.options.dossiers_dir)
            raise  # pragma: no cover - _fail_on_errors always raises here
        except BilanError as exc:
            raise PluginError(str(exc)) from None
        _log_diagnostics(report.diagnostics, root, self.options.dossiers_dir)
        staging.publish_site(self.staging, self.site_dir)
        config.site_dir = str(self.site_dir)
        count, cached = len(report.outcomes), report.cached
        log.info("%d dossier(s) chiffré(s) et vérifié(s), dont %d du cache", count, cached)

    def _cache(self, options: Options, config: MkDocsConfig) -> BuildCache | None:
        if not options.cache:
            return None
        configuration = configuration_of(options, config.markdown_extensions, config.mdx_configs)
        return BuildCache(options.project_dir / CACHE_DIR, self.secret, configuration)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        # Material's templates compile anew at every build (a third of a rebuild): keep their
        # bytecode beside the build cache. Jinja checks each template's source checksum.
        assert self.options is not None
        if self.options.cache and env.bytecode_cache is None:
            folder = self.options.project_dir / CACHE_DIR / "jinja"
            make_private_dir(folder)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    def on_post_template(
        self, output_content: str, template_name: str, config: MkDocsConfig
    ) -> str:
        return shell.add_security_policy(output_content)

    def on_build_error(self, error: Exception) -> None:
        if self.prepared is not None:
            self.prepared.cancel()
        staging.discard_staging(self.staging)

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        if self.options is not None:
            server.watch(str(self.options.dossiers_dir))
        # Rebuilds run beside the server's threads: their workers come from a fork server,
        # started now so that the first save does not wait for it.
        parallel.start_fork_server(pipeline.__name__)
        return server


def _log_diagnostics(
    diags: tuple[Diagnostic, ...] | list[Diagnostic], root: Path, dossiers_dir: Path
) -> None:
    """Every error, then every warning or, past a handful, the warnings counted per code
    (their header is a warning, so that ``--strict`` still fails on any)."""
    report = format_report(diags, dossiers_dir, root)
    for line in report.errors:
        log.error(line)
    for line in report.warnings + report.summary[:1]:
        log.warning(line)
    for line in report.summary[1:]:
        log.info(line)


def _fail_on_errors(
    diags: list[Diagnostic], root: Path, summary: str, dossiers_dir: Path | None = None
) -> None:
    _log_diagnostics(diags, root, dossiers_dir or root)
    if any(d.is_error for d in diags):
        raise PluginError(summary)
