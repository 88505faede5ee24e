"""An office's build log stays readable: errors in full, many warnings counted per code."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

from sitebuild import REPO, build, copy_project

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus, write_dossier  # noqa: E402

OFFICE = 60
"""Dossiers lacking their Qualiopi evidence: four warnings each, 240 in all."""


def _office(tmp_path: Path, dossiers: int, evidence: bool) -> Path:
    """This site with an office's dossiers instead of the samples."""
    project = copy_project(tmp_path / "office")
    shutil.rmtree(project / "dossiers")
    write_corpus(project / "dossiers", dossiers, evidence=evidence)
    return project


def test_many_warnings_make_a_short_log_that_lists_every_error(tmp_path: Path) -> None:
    project = _office(tmp_path, OFFICE, evidence=False)
    broken = project / "dossiers" / "2026-00003" / "synthese.md"
    broken.write_text(broken.read_text("utf-8").replace("## Plan d'action", "## Divers"), "utf-8")

    result = build(project)

    assert result.returncode == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) < 60, result.output
    assert any(
        "dossiers/2026-00003/synthese.md" in line and "[section-manquante]" in line
        for line in lines
    ), result.output
    assert f"avertissements dans {OFFICE} dossiers, par code" in result.output
    assert "liste : bilan check --code emargement-manquant" in result.output
    # Counted, not listed: no warning line of its own.
    assert "[emargement-manquant]" not in result.output


def test_strict_build_still_fails_on_counted_warnings(tmp_path: Path) -> None:
    project = _office(tmp_path, OFFICE, evidence=False)
    assert build(project).returncode == 0

    strict = build(project, "--strict")

    assert strict.returncode == 1, strict.output
    assert len(strict.output.splitlines()) < 60, strict.output


def test_a_handful_of_warnings_is_printed_in_full(tmp_path: Path) -> None:
    project = _office(tmp_path, 2, evidence=True)
    write_dossier(project / "dossiers", 3, random.Random(1), evidence=False)

    result = build(project)

    assert result.returncode == 0, result.output
    assert "[emargement-manquant]" in result.output
    assert "par code" not in result.output
