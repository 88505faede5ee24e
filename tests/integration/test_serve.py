"""``mkdocs serve`` watches the dossiers: a revoked code moves the page while it runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import TEST_SECRET, accesses, copy_project
from siteread import bump_rotation

TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            code: int = response.status
            return code
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, server: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if status(url) == 200:
            return
        if server.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"{url} not served within {TIMEOUT} s:\n{log.read_text(errors='replace')}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str], Path]]:
    project = copy_project(tmp_path / "project")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    env |= {"BILAN_SECRET": TEST_SECRET, "NO_MKDOCS_2_WARNING": "1"}
    log = tmp_path / "serve.log"
    # --livereload explicitly: MkDocs 1.6.1 loses it with click releases after 8.2.1.
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload"]
    command += ["-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")]
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
    try:
        yield project, f"http://127.0.0.1:{port}/", server, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_serve_rebuilds_when_a_dossier_changes(
    served: tuple[Path, str, subprocess.Popen[str], Path],
) -> None:
    project, base, server, log = served
    wait_for(base, server, log)
    old = accesses(project)["2026-021"]
    assert status(f"{base}{old.uri}") == 200

    bump_rotation(project, "2026-021")
    new = accesses(project)["2026-021"]
    wait_for(f"{base}{new.uri}", server, log)
    assert status(f"{base}{old.uri}") == 404
    assert server.poll() is None
