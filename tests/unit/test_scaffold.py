"""Scaffolding a dossier: valid YAML whatever the id or consultant, never an overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bilan_gen.config import Options
from bilan_gen.errors import InvalidIdError, ScaffoldError
from bilan_gen.scaffold import create_dossier, yaml_text
from bilan_gen.validation import check_dossier


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Claire Mercier", "Claire Mercier"),
        ("2026-042", "2026-042"),
        ("À compléter", "À compléter"),
        ("123", '"123"'),
        ("yes", '"yes"'),
        ("2026-01-15", '"2026-01-15"'),
        ("Mercier: Claire", '"Mercier: Claire"'),
        ("Claire # Mercier", '"Claire # Mercier"'),
        ("[Claire]", '"[Claire]"'),
        ('"Claire"', '"\\"Claire\\""'),
    ],
)
def test_yaml_text_reads_back_unchanged(value: str, written: str) -> None:
    assert yaml_text(value) == written
    assert yaml.safe_load(f"k: {written}") == {"k": value}


def _options(tmp_path: Path) -> Options:
    return Options(project_dir=tmp_path, dossiers_dir=tmp_path / "dossiers")


@pytest.mark.parametrize("consultant", ["Claire Mercier", "null", "Mercier: Claire", "12"])
def test_scaffold_has_no_error(tmp_path: Path, consultant: str) -> None:
    options = _options(tmp_path)
    folder = create_dossier("123", consultant, options)
    checked = check_dossier(folder, options)
    assert not checked.has_errors, checked.diagnostics
    # What remains to write, and the funding block of the mode (a warning before any session).
    assert {d.code for d in checked.diagnostics} == {"section-trop-courte", "financement-incomplet"}


def test_invalid_id_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidIdError) as info:
        create_dossier("Dupont", "Claire Mercier", _options(tmp_path))
    assert isinstance(info.value, ScaffoldError)
    assert not (tmp_path / "dossiers").exists()


def test_existing_folder_is_not_an_id_error(tmp_path: Path) -> None:
    options = _options(tmp_path)
    create_dossier("2026-042", "Claire Mercier", options)
    with pytest.raises(ScaffoldError) as info:
        create_dossier("2026-042", "Claire Mercier", options)
    assert not isinstance(info.value, InvalidIdError)
