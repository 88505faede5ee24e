"""``mkdocs serve`` watches the dossiers: a revoked code moves the page, a change shows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sitebuild import REPO, TEST_SECRET, accesses, copy_project, free_port
from siteread import bump_rotation, open_payload

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus  # noqa: E402

TIMEOUT = 30.0


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
    with serving(copy_project(tmp_path / "project"), tmp_path) as running:
        yield running


@contextmanager
def serving(
    project: Path, tmp_path: Path
) -> Iterator[tuple[Path, str, subprocess.Popen[str], Path]]:
    """``mkdocs serve`` on ``project``: (project, base URL, server, log file)."""
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


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
        return body.decode("utf-8")


def children(pid: int) -> list[str]:
    """The command lines of the processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_serve_rebuilds_on_every_core_beside_its_threads(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "dossiers")
    write_corpus(project / "dossiers", 70)  # enough for two workers
    with serving(project, tmp_path) as (_, base, server, log):
        access = accesses(project)["2026-00000"]
        wait_for(f"{base}{access.uri}", server, log)
        # The rebuilds' workers come from a fork server, started with the server's threads.
        assert any("forkserver" in line for line in children(server.pid)), children(server.pid)

        synthese = project / "dossiers" / "2026-00000" / "synthese.md"
        synthese.write_text(synthese.read_text("utf-8") + "\nPhrase ajoutée en direct.\n")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if "Phrase ajoutée en direct." in str(
                open_payload(fetch(f"{base}{access.uri}"), access)
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"change not served within {TIMEOUT} s:\n{log.read_text(errors='replace')}")
        assert server.poll() is None
        assert "dont 69 du cache" in log.read_text(errors="replace")
