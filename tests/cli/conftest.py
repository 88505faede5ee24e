"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (modules that need a project define their own ``here``)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
