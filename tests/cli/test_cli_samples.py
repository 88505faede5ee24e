"""The sample dossiers of the repository pass ``bilan check --strict``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilan_gen.cli import main

REPO_DIR = Path(__file__).resolve().parents[2]


def test_samples_pass_strict_check(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = sorted(p.name for p in (REPO_DIR / "dossiers").iterdir() if p.is_dir())
    assert len(samples) >= 3
    monkeypatch.chdir(REPO_DIR)
    result = CliRunner().invoke(main, ["check", "--strict"], prog_name="bilan")
    assert (result.exit_code, result.output) == (
        0,
        f"Aucun problème : {len(samples)} dossiers vérifiés.\n",
    )
