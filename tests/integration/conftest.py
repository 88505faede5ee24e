"""Fixtures of the integration tests: the sample site, built once per test process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitebuild import BuildResult, accesses, build, copy_project

from bilan_gen.publishing import Access


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """This repository's site, copied and built once (read-only for the tests)."""
    project = copy_project(tmp_path_factory.mktemp("sample") / "project")
    result = build(project)
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def sample_accesses(sample: BuildResult) -> dict[str, Access]:
    """Each sample dossier's access (code, slug, key), derived with the test secret."""
    return accesses(sample.project_dir)


@pytest.fixture
def built_copy(sample: BuildResult, tmp_path: Path) -> Path:
    """A private copy of the built sample project, site included, to change and rebuild."""
    target = tmp_path / "project"
    shutil.copytree(sample.project_dir, target)
    return target
