"""Real MkDocs builds of a copy of this repository's site, for integration and browser tests."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from socketserver import BaseRequestHandler

from bilan_gen.loading import load_dossier
from bilan_gen.publishing import Access, access_for, audiences_of

REPO = Path(__file__).resolve().parents[1]
TEST_SECRET = "5e" * 32
"""A fixed site secret (64 hex chars): codes and slugs are the same in every run."""
PROJECT_PARTS = ("mkdocs.yml", "guide.yml", "content", "guide", "theme", "dossiers")


@dataclass(frozen=True)
class BuildResult:
    """The outcome of one ``mkdocs build``."""

    returncode: int
    output: str
    project_dir: Path

    @property
    def site_dir(self) -> Path:
        """The site directory of the project."""
        return self.project_dir / "site"


def copy_project(target: Path) -> Path:
    """Copy the sources of both sites (the beneficiaries' and the guide) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def build(
    project_dir: Path,
    *args: str,
    secret: str | None = TEST_SECRET,
    extra_env: dict[str, str] | None = None,
) -> BuildResult:
    """Run ``mkdocs build`` in a subprocess, as a consultant would (``extra_env``: more
    environment variables for the build)."""
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"} | (extra_env or {})
    if secret is not None:
        env["BILAN_SECRET"] = secret
    env["NO_MKDOCS_2_WARNING"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project_dir / "mkdocs.yml"), *args],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return BuildResult(result.returncode, result.stdout + result.stderr, project_dir)


def accesses(project_dir: Path, secret: str = TEST_SECRET) -> dict[str, Access]:
    """Each dossier's access, derived like ``bilan access`` does."""
    key = bytes.fromhex(secret)
    folders = sorted(p for p in (project_dir / "dossiers").iterdir() if p.is_dir())
    return {f.name: access_for(load_dossier(f)[0], key) for f in folders}


def all_slugs(project_dir: Path, secret: str = TEST_SECRET) -> set[str]:
    """Every dossier page a build writes: each beneficiary's, and each third party's."""
    key = bytes.fromhex(secret)
    folders = sorted(p for p in (project_dir / "dossiers").iterdir() if p.is_dir())
    return {a.access.slug for f in folders for a in audiences_of(load_dossier(f)[0], key)}


def tree_digest(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, to prove a site did not change."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def http_server(handler: Callable[..., BaseRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1, in a thread; yield the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve(site_dir: Path, pretty_urls: bool = False) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (a secure context for WebCrypto); yield the base URL.

    With ``pretty_urls``, ``/x`` serves ``x.html`` as many static hosts do (Cloudflare Pages,
    Netlify, GitHub Pages).
    """

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def translate_path(self, path: str) -> str:
            local = super().translate_path(path)
            if pretty_urls and not Path(local).exists() and Path(local + ".html").is_file():
                return local + ".html"
            return local

    with http_server(functools.partial(Quiet, directory=str(site_dir))) as base_url:
        yield base_url
