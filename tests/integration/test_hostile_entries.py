"""A real ``mkdocs build`` refuses every hostile entry of a dossier folder, naming it.

One build holds one dossier per case of ``tests/entrycases.py``: it must fail, name every
entry, leave the published site byte for byte as it was, and write no byte that a link
points to, the build's own environment included.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from entrycases import (
    CASE_IDS,
    CASES,
    ENV_MARKER,
    ENV_MARKER_NAME,
    OUTSIDE_MARKER,
    EntryCase,
    apply_case,
    has_line,
)
from sitebuild import TEST_SECRET, BuildResult, build, copy_project, tree_digest

TEMPLATE = "2026-021"
"""A sample dossier with every document finalised: each case starts from a copy of it."""
CASE_BY_ID = {case.id: case for case in CASES}


def dossier_id(case: EntryCase) -> str:
    return f"2026-9{CASE_IDS.index(case.id):02d}"


def add_case(project: Path, case: EntryCase, outside: Path) -> Path:
    """A copy of the template dossier under its own id, with the case's entry in it."""
    ident = dossier_id(case)
    folder = project / "dossiers" / ident
    shutil.copytree(project / "dossiers" / TEMPLATE, folder)
    for path in folder.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f'"{TEMPLATE}"', f'"{ident}"'), encoding="utf-8")
    apply_case(case, folder, outside / ident)
    return folder


def bytes_under(root: Path, needle: bytes) -> list[str]:
    """Files under ``root`` (links not followed) that hold ``needle``."""
    found = []
    for base, _, names in os.walk(root):
        for name in names:
            path = Path(base, name)
            if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
                found.append(path.relative_to(root).as_posix())
    return found


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, bool, Path]:
    """The sample built, then every case added and the site built again (it must fail)."""
    root = tmp_path_factory.mktemp("hostile")
    project = copy_project(root / "project")
    first = build(project)
    assert first.returncode == 0, first.output
    before = tree_digest(project / "site")
    for case in CASES:
        add_case(project, case, root / "outside")
    result = build(project, extra_env={ENV_MARKER_NAME: ENV_MARKER})
    return result, tree_digest(project / "site") == before, root


def test_the_build_fails_and_the_site_stays(hostile_build: tuple[BuildResult, bool, Path]) -> None:
    result, site_unchanged, _ = hostile_build
    assert result.returncode != 0 and site_unchanged
    assert "Traceback" not in result.output
    assert "le site n'est pas publié" in result.output


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_build_names_each_entry(
    hostile_build: tuple[BuildResult, bool, Path], case_id: str
) -> None:
    result, _, _ = hostile_build
    case = CASE_BY_ID[case_id]
    assert has_line(result.output, case, f"dossiers/{dossier_id(case)}"), result.output


def test_nothing_a_link_points_to_is_written(
    hostile_build: tuple[BuildResult, bool, Path],
) -> None:
    result, _, root = hostile_build
    project = result.project_dir
    for needle in (OUTSIDE_MARKER, ENV_MARKER, TEST_SECRET):
        assert needle not in result.output
        for part in ("site", ".bilan"):
            assert bytes_under(project / part, needle.encode()) == [], (part, needle)
    assert not (project / "site.bilan-staging").exists()


def test_an_environ_link_alone_fails_the_build(tmp_path: Path) -> None:
    """The issue's exploit, alone: an annex linked to /proc/self/environ, cited by the
    synthèse, built with a marker in the environment."""
    project = copy_project(tmp_path / "project")
    folder = add_case(project, CASE_BY_ID["lien-vers-environ"], tmp_path / "outside")
    result = build(project, extra_env={ENV_MARKER_NAME: ENV_MARKER})
    assert result.returncode != 0, result.output
    assert f"dossiers/{folder.name}/annexes/piece.png: erreur: lien symbolique" in result.output
    assert not (project / "site").exists()
    assert bytes_under(project, ENV_MARKER.encode()) == []
