"""Cache keys: what invalidates an entry, and what must not."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import BASE_ID, Project, read_folder

import bilan_gen
from bilan_gen import cache as cache_module
from bilan_gen.cache import BuildCache, code_fingerprint, configuration_of

SECRET = b"s" * 32


def test_a_template_change_changes_the_code_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "bilan_gen"
    shutil.copytree(Path(bilan_gen.__file__).parent, package)
    monkeypatch.setattr(cache_module, "_PACKAGE_DIR", package)
    before = code_fingerprint()
    assert code_fingerprint() == before
    template = package / "templates" / "dossier_home.html"
    template.write_text(template.read_text("utf-8") + "<!-- changed -->\n", "utf-8")
    assert code_fingerprint() != before


def test_the_configuration_survives_a_move_but_not_an_option(project: Project) -> None:
    here = configuration_of(project.options, ["toc"])
    moved = replace(
        project.options,
        project_dir=Path("/elsewhere"),
        dossiers_dir=Path("/elsewhere/dossiers"),
    )
    assert configuration_of(moved, ["toc"]) == here
    assert configuration_of(replace(project.options, mots_min_section=11), ["toc"]) != here
    assert configuration_of(project.options, ["toc", "footnotes"]) != here


def test_every_file_of_the_folder_is_in_the_key(project: Project, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", SECRET, "conf")
    folder = project.folder()
    key = cache.key_for(read_folder(folder))
    assert cache.key_for(read_folder(folder)) == key
    project.write("notes/idee.md", "Une idée.\n")
    with_note = cache.key_for(read_folder(folder))
    assert with_note != key
    project.write("notes/idee.md", "Une autre idée.\n")
    assert cache.key_for(read_folder(folder)) not in (key, with_note)


def test_keys_depend_on_the_folder_name_the_secret_and_the_configuration(
    project: Project, tmp_path: Path
) -> None:
    twin = project.dossiers_dir / "2026-002"
    shutil.copytree(project.folder(), twin)
    cache = BuildCache(tmp_path / "cache", SECRET, "conf")
    key = cache.key_for(read_folder(project.folder(BASE_ID)))
    assert cache.key_for(read_folder(twin)) != key
    assert (
        BuildCache(tmp_path / "cache", b"t" * 32, "conf").key_for(read_folder(project.folder()))
        != key
    )
    assert (
        BuildCache(tmp_path / "cache", SECRET, "other").key_for(read_folder(project.folder()))
        != key
    )
    assert BASE_ID not in key
