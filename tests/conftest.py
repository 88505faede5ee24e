"""Shared fixtures: the ``project`` copy of the base dossier, and ``--update-golden``."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Project, copy_base


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected.txt files of tests/data/cases (review the diff)",
    )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of the valid base dossier in ``tmp_path``."""
    return copy_base(tmp_path)
