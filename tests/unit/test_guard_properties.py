"""Random trees of files, folders, links and FIFOs in a dossier: never a traceback, never a
byte read from outside the folder, every link and FIFO named by an error."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from entrycases import OUTSIDE_MARKER, fail_if_hung, outside_file
from helpers import BASE_DIR, BASE_ID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilan_gen.config import Options
from bilan_gen.guard import EntryKind, EntryRefused, Limits, load_folder, read_file
from bilan_gen.preview.page import dossier_version
from bilan_gen.validation import check_files

NAMES = st.sampled_from(["annexes", "notes", "a", "b.png", "c.md", "synthese.md", "dossier.yml"])
TARGETS = ("outside-file", "outside-dir", "inside", "environ", "dangling", "folder", "parent")
ENTRY = st.tuples(
    st.lists(NAMES, min_size=1, max_size=3),
    st.sampled_from(["file", "dir", "link", "fifo"]),
    st.sampled_from(TARGETS),
    st.binary(max_size=64),
)
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """An opened FIFO would hang the example: fail it instead."""
    with fail_if_hung(240):
        yield


def _target(kind: str, folder: Path, outside: Path) -> str:
    return {
        "outside-file": str(outside / "secret.txt"),
        "outside-dir": str(outside),
        "inside": "synthese.md",
        "environ": "/proc/self/environ",
        "dangling": "nulle-part",
        "folder": str(folder),
        "parent": "..",
    }[kind]


def _make(folder: Path, outside: Path, entries: list[tuple[list[str], str, str, bytes]]) -> None:
    for parts, kind, target, data in entries:
        path = folder.joinpath(*parts)
        parent = folder
        for part in parts[:-1]:  # real folders on the way, unless a file or a link is there
            if not _inside_dir(folder, parent):
                break
            parent = parent / part
            if not parent.exists() and not parent.is_symlink():
                parent.mkdir()
        if path.exists() or path.is_symlink() or not _inside_dir(folder, path.parent):
            continue  # taken, or its folder is a file or a link: nothing made there
        if kind == "file":
            path.write_bytes(data)
        elif kind == "dir":
            path.mkdir()
        elif kind == "link":
            os.symlink(_target(target, folder, outside), path)
        else:
            os.mkfifo(path)


def _inside_dir(folder: Path, path: Path) -> bool:
    """Whether ``path`` is ``folder`` or a real folder under it (no link on the way)."""
    here = folder
    for part in path.relative_to(folder).parts:
        here = here / part
        try:
            if not stat.S_ISDIR(os.lstat(here).st_mode):
                return False
        except OSError:
            return False
    return True


def _inside_regular(folder: Path, rel: str) -> bool:
    """Whether every part of ``rel`` is a real folder, and its end a regular file."""
    path = folder
    for part in rel.split("/"):
        path = path / part
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return False
    return stat.S_ISREG(mode)


@SETTINGS
@given(entries=st.lists(ENTRY, max_size=16))
def test_random_trees_never_leak_nor_raise(
    entries: list[tuple[list[str], str, str, bytes]],
) -> None:
    root = Path(tempfile.mkdtemp(prefix="guard-"))
    try:
        folder = root / "dossiers" / BASE_ID
        shutil.copytree(BASE_DIR / "dossiers" / BASE_ID, folder)
        outside = root / "outside"
        outside_file(outside, "secret.txt")
        _make(folder, outside, entries)
        files = load_folder(folder, Limits())
        checked = check_files(files, Options(project_dir=root, dossiers_dir=root / "dossiers"))
        named = {d.path.relative_to(folder).as_posix() for d in checked.diagnostics if d.is_error}
        for entry in files.entries:
            if entry.kind in (EntryKind.LINK, EntryKind.FIFO):
                assert entry.rel in named, entry
        for rel, content in files.items():
            assert _inside_regular(folder, rel), rel
            assert OUTSIDE_MARKER.encode() not in (content.data or content.head)
        for entry in files.entries:
            try:
                data = read_file(folder, entry.rel, Limits().file_bytes).data or b""
            except EntryRefused:
                continue
            assert _inside_regular(folder, entry.rel) and OUTSIDE_MARKER.encode() not in data
        assert dossier_version(folder) != "absent"
    finally:
        shutil.rmtree(root)
