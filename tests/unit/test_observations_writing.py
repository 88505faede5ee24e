"""Rewriting ``synthese.md`` through the guarded path: atomic, never through a link, and
never over a change made meanwhile."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from helpers import Project

from bilan_gen.guard import Limits
from bilan_gen.observations import ObservationError
from bilan_gen.observations.writing import rewrite, unwritable


def test_the_file_is_replaced_whole(project: Project) -> None:
    path = project.path("synthese.md")
    inode = path.stat().st_ino
    got = rewrite(project.folder(), "synthese.md", Limits(), lambda raw: (raw + b"fin\n", 42))
    assert got == 42
    assert path.read_bytes().endswith(b"fin\n")
    assert path.stat().st_ino != inode  # a new file renamed over the old one
    assert [p.name for p in project.folder().iterdir() if p.name.startswith(".")] == []


def test_a_change_made_meanwhile_wins_and_nothing_is_written(project: Project) -> None:
    path = project.path("synthese.md")

    def editor_saves(raw: bytes) -> tuple[bytes, None]:
        path.write_bytes(raw + b"saisi par le consultant\n")
        return raw + b"import\n", None

    with pytest.raises(ObservationError) as caught:
        rewrite(project.folder(), "synthese.md", Limits(), editor_saves)
    assert caught.value.code == "observation-synthese"
    assert caught.value.message.startswith("fichier modifié pendant l'import")
    assert path.read_bytes().endswith(b"saisi par le consultant\n")
    assert [p.name for p in project.folder().iterdir() if p.name.startswith(".")] == []


def test_a_refusal_of_the_change_writes_nothing(project: Project) -> None:
    before = project.path("synthese.md").read_bytes()

    def refuse(raw: bytes) -> tuple[bytes, None]:
        raise ObservationError("observation-synthese", "non")

    with pytest.raises(ObservationError):
        rewrite(project.folder(), "synthese.md", Limits(), refuse)
    assert project.path("synthese.md").read_bytes() == before


def test_a_dossier_folder_that_is_a_link_is_refused(project: Project, tmp_path: Path) -> None:
    linked = tmp_path / "lien"
    os.symlink(project.folder(), linked)
    with pytest.raises(ObservationError) as caught:
        rewrite(linked, "synthese.md", Limits(), lambda raw: (raw + b"x", None))
    assert caught.value.code == "lien-symbolique"
    assert caught.value.message.startswith("ce dossier est un lien symbolique")


def test_a_file_over_the_document_limit_is_refused(project: Project) -> None:
    with pytest.raises(ObservationError) as caught:
        rewrite(project.folder(), "synthese.md", Limits(text_bytes=10), lambda r: (r, None))
    assert caught.value.code == "fichier-trop-gros"


def test_write_errors_are_said_in_french() -> None:
    assert unwritable(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert unwritable(OSError(errno.EACCES, "Permission denied")) == "droits insuffisants"
    assert unwritable(OSError(errno.EROFS, "Read-only file system")) == "disque en lecture seule"
