"""The sample site builds, with and without ``--strict``; logs stay silent about people.

A second build of the same project encrypts every dossier afresh (new random nonce) to the
same plaintext.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitebuild import BuildResult, accesses, build, copy_project
from siteread import dossier_page, identities, open_payload, payloads

from bilan_gen.crypto import NONCE_BYTES


def secrets_in_log(output: str, project_dir: Path) -> list[str]:
    """Names, e-mails and access codes (both forms) found in a build's output."""
    found = []
    for did, ident in identities(project_dir).items():
        for value in (ident.prenom, ident.nom, ident.full_name, ident.email):
            if value.lower() in output.lower():
                found.append(f"{did}: {value!r}")
    for did, access in accesses(project_dir).items():
        for value in (access.code, access.formatted_code):
            if value in output:
                found.append(f"{did}: code d'accès")
    return found


def test_sample_site_builds(sample: BuildResult) -> None:
    assert sample.returncode == 0, sample.output
    assert (sample.site_dir / "index.html").is_file()
    assert "3 dossier(s) chiffré(s) et vérifié(s)" in sample.output


def test_build_log_names_nobody(sample: BuildResult) -> None:
    assert secrets_in_log(sample.output, sample.project_dir) == []


@dataclass(frozen=True)
class TwoBuilds:
    """The same project built twice: plain, then ``--strict``."""

    first: BuildResult
    first_pages: dict[str, str]
    second: BuildResult


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    project = copy_project(tmp_path_factory.mktemp("twice") / "project")
    first = build(project)
    assert first.returncode == 0, first.output
    pages = {
        did: dossier_page(first.site_dir, access).read_text(encoding="utf-8")
        for did, access in accesses(project).items()
    }
    return TwoBuilds(first, pages, build(project, "--strict"))


def test_strict_build_succeeds(two_builds: TwoBuilds) -> None:
    assert two_builds.second.returncode == 0, two_builds.second.output
    assert "WARNING" not in two_builds.second.output


def test_strict_build_log_names_nobody(two_builds: TwoBuilds) -> None:
    second = two_builds.second
    assert secrets_in_log(second.output, second.project_dir) == []


def test_each_encryption_draws_a_fresh_nonce(built_copy: Path) -> None:
    # An unchanged dossier keeps its ciphertext from the build cache (the same plaintext under
    # the same key: no nonce is reused for another message); once re-encrypted, it gets a new
    # nonce.
    before = {
        did: dossier_page(built_copy / "site", access).read_text(encoding="utf-8")
        for did, access in accesses(built_copy).items()
    }
    shutil.rmtree(built_copy / ".bilan" / "cache")
    result = build(built_copy)
    assert result.returncode == 0, result.output
    for did, access in accesses(built_copy).items():
        after = dossier_page(result.site_dir, access).read_text(encoding="utf-8")
        (old,), (new,) = payloads(before[did]), payloads(after)
        assert old[: NONCE_BYTES * 4 // 3] != new[: NONCE_BYTES * 4 // 3], did
        assert open_payload(before[did], access) == open_payload(after, access), did
