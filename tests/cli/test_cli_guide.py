"""``bilan guide``: the consultant guide served on 127.0.0.1, or built to a folder, for real."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from helpers import run_cli as run
from sitebuild import REPO, copy_project, tree_digest

from bilan_gen.guide import BUILD_MARK

GUIDE_PAGES = sorted(p.stem for p in (REPO / "guide").glob("*.md"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's project (both sites' sources), as the working directory."""
    project = copy_project(tmp_path / "projet")
    monkeypatch.chdir(project)
    return project


def built_pages(site: Path) -> list[str]:
    """The guide pages of a built guide, by source name."""
    pages = [p.parent.name for p in site.glob("*/index.html")]
    return sorted(["index"] * (site / "index.html").is_file() + pages)


def test_build_writes_the_whole_guide_to_a_new_folder(here: Path) -> None:
    assert run("guide", "--build", "intranet/guide") == (
        0,
        "Guide du consultant construit dans intranet/guide/\n"
        "Ouvrez intranet/guide/index.html ou publiez ce dossier.\n",
    )
    site = here / "intranet" / "guide"
    assert built_pages(site) == GUIDE_PAGES
    assert (site / BUILD_MARK).is_file()
    for name in ("accueil.png", "dossier.png", "apercu.png"):
        assert (site / "captures" / name).read_bytes() == (
            here / "guide/captures" / name
        ).read_bytes()
    page = (site / "code-acces" / "index.html").read_text(encoding="utf-8")
    assert 'src="../captures/accueil.png"' in page
    # The guide is no dossier site: no dossier page, no dossier script, no secret made.
    assert not (site / "d").exists() and not (site / "assets" / "bilan").exists()
    assert not (here / ".bilan").exists()


def test_build_again_into_a_built_guide(here: Path) -> None:
    assert run("guide", "--build", "sortie")[0] == 0
    (here / "sortie" / "ancienne-page.html").write_text("x", encoding="utf-8")
    assert run("guide", "--build", "sortie")[0] == 0
    assert not (here / "sortie" / "ancienne-page.html").exists()
    assert built_pages(here / "sortie") == GUIDE_PAGES


def test_build_never_empties_a_folder_that_is_not_a_built_guide(here: Path) -> None:
    notes = here / "mes-notes"
    notes.mkdir()
    (notes / "a-garder.txt").write_text("rien ne se perd", encoding="utf-8")
    before = tree_digest(here)
    assert run("guide", "--build", "mes-notes") == (
        1,
        "Erreur : mes-notes n'est pas vide et ne contient pas un guide déjà construit : "
        "choisissez un dossier vide ou nouveau (rien n'y est effacé)\n",
    )
    assert tree_digest(here) == before


@pytest.mark.parametrize(
    ("target", "where"),
    [
        ("dossiers/guide", "les dossiers (dossiers)"),
        ("content/guide", "les pages du site (content)"),
        ("guide/sortie", "les pages du guide (guide)"),
    ],
)
def test_build_stays_out_of_the_dossiers_and_the_sources(
    here: Path, target: str, where: str
) -> None:
    # content/guide would publish the guide on the beneficiaries' site again.
    assert run("guide", "--build", target) == (
        1,
        f"Erreur : {target} : dans {where}, choisissez un dossier ailleurs\n",
    )
    assert not (here / target).exists()


def test_without_guide_yml_the_command_says_where_to_run_it(here: Path) -> None:
    (here / "guide.yml").unlink()
    code, output = run("guide", "--build", "sortie")
    assert code == 1
    assert output == (
        "Erreur : guide.yml introuvable : lancez la commande à la racine du projet, "
        "où se trouvent mkdocs.yml et guide.yml\n"
    )
    assert not (here / "sortie").exists()


def test_a_bad_port_is_a_usage_error(here: Path) -> None:
    code, output = run("guide", "--port", "70000")
    assert code == 2 and "Valeur invalide pour '--port' : de 0 à 65535" in output


def test_serve_prints_the_address_serves_the_guide_and_cleans_up(here: Path) -> None:
    temp = here.parent / "tmp"
    temp.mkdir()
    env = os.environ | {"TMPDIR": str(temp), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bilan_gen.cli", "guide", "--port", "0"],
        cwd=here,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"Guide du consultant : (http://127\.0\.0\.1:\d+/)\n", first)
        assert match, first
        assert process.stdout.readline() == "Ctrl+C pour arrêter.\n"
        assert len(list(temp.iterdir())) == 1  # the built guide, while it is served
        with urllib.request.urlopen(match.group(1) + "format/", timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "<title>Format d'un dossier - Guide du consultant</title>" in page
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert rest == "\nGuide arrêté.\n"
    assert list(temp.iterdir()) == []
