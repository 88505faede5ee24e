"""Data-driven invalid dossiers: ``tests/data/cases/<id>/``, one test per case.

Each case is a patch over the base dossier (``tests/data/base``):

- ``patch.toml``: ``description``; ``delete``, a list of files; ``[[replace]]`` tables
  with ``file``, ``old`` (must occur exactly once) and ``new``;
- a ``dossiers/`` folder whose files are copied over the base (new files or replacements);
- ``expected.txt``: the exact diagnostic lines ``bilan check`` prints, paths relative to
  the project (the case folder). Refresh with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from helpers import DATA_DIR, Project, copy_base

CASES_DIR = DATA_DIR / "cases"
CASE_IDS = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def build_case(case_dir: Path, root: Path) -> Project:
    """The base project in ``root`` with the case's patch applied."""
    project = copy_base(root)
    patch = tomllib.loads((case_dir / "patch.toml").read_text(encoding="utf-8"))
    overlay = case_dir / "dossiers"
    if overlay.is_dir():
        shutil.copytree(overlay, project.dossiers_dir, dirs_exist_ok=True)
    for name in patch.get("delete", []):
        (root / name).unlink()
    for edit in patch.get("replace", []):
        path = root / edit["file"]
        text = path.read_bytes().decode("utf-8")
        assert text.count(edit["old"]) == 1, f"{case_dir.name}: {edit['old']!r} not found once"
        path.write_bytes(text.replace(edit["old"], edit["new"]).encode("utf-8"))
    return project


def test_there_are_enough_cases() -> None:
    assert len(CASE_IDS) >= 15
    for case_id in CASE_IDS:
        patch = tomllib.loads((CASES_DIR / case_id / "patch.toml").read_text(encoding="utf-8"))
        assert patch.get("description"), f"{case_id}: describe the case in patch.toml"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case(case_id: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    case_dir = CASES_DIR / case_id
    actual = "".join(line + "\n" for line in build_case(case_dir, tmp_path).lines())
    assert actual, f"{case_id}: an invalid case must give at least one diagnostic"
    expected_path = case_dir / "expected.txt"
    if request.config.getoption("--update-golden"):
        expected_path.write_text(actual, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    assert actual == expected, f"{expected_path} (pytest --update-golden to refresh)"
