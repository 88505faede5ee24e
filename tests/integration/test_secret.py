"""The site secret: created once (mode 0600, with a French warning), reused, never published."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitebuild import BuildResult, all_slugs, build, copy_project
from siteread import dossier_slugs, read_site


@dataclass(frozen=True)
class SecretBuilds:
    """A project without BILAN_SECRET, built twice."""

    first: BuildResult
    first_slugs: set[str]
    second: BuildResult

    @property
    def secret_path(self) -> Path:
        return self.first.project_dir / ".bilan" / "secret"


@pytest.fixture(scope="module")
def secret_builds(tmp_path_factory: pytest.TempPathFactory) -> SecretBuilds:
    project = copy_project(tmp_path_factory.mktemp("secret") / "project")
    assert not (project / ".bilan").exists()
    first = build(project, secret=None)
    assert first.returncode == 0, first.output
    slugs = dossier_slugs(first.site_dir)
    return SecretBuilds(first, slugs, build(project, secret=None))


def test_first_build_creates_a_private_secret(secret_builds: SecretBuilds) -> None:
    path = secret_builds.secret_path
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text(encoding="ascii").strip())) >= 32


def test_first_build_warns_in_french(secret_builds: SecretBuilds) -> None:
    output = secret_builds.first.output
    assert "WARNING" in output
    assert "secret du site créé dans .bilan/secret" in output
    assert "secret du site créé" not in secret_builds.second.output


def test_secret_is_in_no_site_file_nor_log(secret_builds: SecretBuilds) -> None:
    text = secret_builds.secret_path.read_text(encoding="ascii").strip()
    raw = bytes.fromhex(text)
    for rel, data in read_site(secret_builds.second.site_dir).items():
        assert text.encode() not in data and text.upper().encode() not in data, rel
        assert raw not in data, rel
    for build_result in (secret_builds.first, secret_builds.second):
        assert text not in build_result.output


def test_second_build_reuses_the_secret(secret_builds: SecretBuilds) -> None:
    second = secret_builds.second
    assert second.returncode == 0, second.output
    assert dossier_slugs(second.site_dir) == secret_builds.first_slugs
    secret = secret_builds.secret_path.read_text(encoding="ascii").strip()
    expected = all_slugs(second.project_dir, secret)
    assert secret_builds.first_slugs == expected


def test_too_short_secret_fails_in_french(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = build(project, secret="court-xq7")
    assert result.returncode != 0
    assert "secret du site trop court" in result.output
    assert "court-xq7" not in result.output
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == []
    assert not (project / ".bilan").exists()
