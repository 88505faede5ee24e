"""``bilan preview`` as a consultant runs it: a subprocess on a copy of the sample project.

The adapter reads ``mkdocs.yml`` with MkDocs' loader: the page uses Material's compiled
stylesheets from disk and the site's Markdown extensions (here ``toc`` and its heading ids).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import copy_project, free_port

TIMEOUT = 30.0


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def bilan(project: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    return subprocess.Popen(
        [sys.executable, "-m", "bilan_gen.cli", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def running(project: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = bilan(project, "preview", "2026-037", "--port", str(port))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if fetch(url + "_bilan/version")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"bilan preview did not start:\n{output}")
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl+C, as a consultant stops it
            process.wait(timeout=TIMEOUT)


def test_serves_the_dossier_with_the_site_look(
    running: tuple[str, subprocess.Popen[str]],
) -> None:
    url, process = running
    status, page = fetch(url)
    assert status == 200
    assert "Aperçu local — non publié" in page
    assert "<title>Aperçu local — 2026-037</title>" in page
    assert 'data-md-color-primary="indigo"' in page  # mkdocs.yml's palette
    assert "Bilans de compétences</span>" in page  # its site_name
    assert '<h1 id="phase-preliminaire">' in page  # its Markdown extensions: toc's ids
    sheets = [line.split('"')[3] for line in page.splitlines() if 'rel="stylesheet"' in line]
    assert [s.rsplit("/", 1)[-1].split(".")[0] for s in sheets] == [
        "0-main",
        "1-palette",
        "bilan-site",
        "bilan-preview",
    ]
    status, css = fetch(url + sheets[0].lstrip("/"))
    assert status == 200 and ".md-typeset" in css  # Material's own compiled stylesheet
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert output == (
        f"Aperçu de dossiers/2026-037 : {url}\n"
        "La page se recharge à chaque enregistrement. Ctrl+C pour arrêter.\n"
        "\nAperçu arrêté.\n"
    )


def test_an_unknown_dossier_is_a_usage_error(project: Path) -> None:
    process = bilan(project, "preview", "2099-999")
    output, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 2
    assert (
        output.splitlines()[-1]
        == "Erreur : Valeur invalide pour ID : dossier « 2099-999 » introuvable"
    )


def test_a_busy_port_is_reported(project: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = bilan(project, "preview", "2026-037", "--port", str(port))
        output, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert output.splitlines()[-1] == (
        f"Erreur : port {port} indisponible (Address already in use) : essayez --port {port + 1}"
    )
