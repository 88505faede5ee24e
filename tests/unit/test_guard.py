"""The guarded reads of a dossier folder: links, special files, limits, swaps, traversal.

Real symbolic links, FIFOs, sockets and devices made in ``tmp_path``; nothing is mocked. A
FIFO or ``/dev/zero`` that were opened would hang the test: an alarm fails it instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from entrycases import (
    CASE_IDS,
    CASES,
    OUTSIDE_MARKER,
    apply_case,
    fail_if_hung,
    has_line,
    link_dossier,
)
from helpers import BASE_ID, Project, read_folder

from bilan_gen.cache import BuildCache
from bilan_gen.config import options_from_mapping
from bilan_gen.guard import (
    MIB,
    Content,
    EntryKind,
    EntryRefused,
    FolderChangedError,
    Limits,
    load_folder,
    read_file,
    split_rel,
    walk,
)
from bilan_gen.guard.entries import read_at
from bilan_gen.loading import discover
from bilan_gen.validation import check_dossier

CASE_BY_ID = {case.id: case for case in CASES}


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail, rather than hang, a test whose code would open a FIFO or read /dev/zero."""
    with fail_if_hung(60):
        yield


def contents_hold(contents: Iterator[tuple[str, Content]], needle: bytes) -> bool:
    return any(needle in (content.data or content.head) for _, content in contents)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_each_hostile_entry_is_an_error_naming_it(
    case_id: str, project: Project, tmp_path: Path
) -> None:
    case = CASE_BY_ID[case_id]
    apply_case(case, project.folder(), tmp_path / "outside")
    output = "\n".join(project.lines())
    assert has_line(output, case, f"dossiers/{BASE_ID}"), output
    assert project.check().has_errors
    files = read_folder(project.folder())
    if case.rel:
        assert case.rel not in files  # listed, never read
        assert files.kind(case.rel) is not None
    assert not contents_hold(files.items(), OUTSIDE_MARKER.encode())
    assert not contents_hold(files.items(), b"PATH=")


def test_messages_of_each_family(project: Project, tmp_path: Path) -> None:
    for case_id in ("lien-vers-environ", "fifo", "annexe-trop-grosse", "dossier-trop-gros"):
        apply_case(CASE_BY_ID[case_id], project.folder(), tmp_path / "outside")
    where = f"dossiers/{BASE_ID}"
    lines = [line for line in project.lines() if "section" not in line]
    assert lines == [
        f"{where}: erreur: dossier trop volumineux pour être publié : 27,0 Mo de documents "
        "finalisés et d'annexes citées, 25 Mo au plus (option dossier_max_mo de mkdocs.yml) ; "
        "les plus grosses annexes : annexes/scan-1.pdf (9,0 Mo), annexes/scan-2.pdf (9,0 Mo), "
        "annexes/scan-3.pdf (9,0 Mo) [dossier-trop-gros]",
        f"{where}/annexes/piece.png: erreur: lien symbolique : bilan-gen ne lit que les vrais "
        "fichiers et dossiers d'un dossier, jamais la cible d'un lien ; remplacez le lien par "
        "le fichier lui-même [lien-symbolique]",
        f"{where}/annexes/scan.pdf: erreur: annexe trop grosse (10,0 Mo) : 10 Mo au plus par "
        "fichier (option annexe_max_mo de mkdocs.yml) ; réduisez-la ou compressez-la "
        "[fichier-trop-gros]",
        f"{where}/annexes/tube: erreur: tube nommé (FIFO) : un dossier ne contient que des "
        "fichiers ordinaires et des sous-dossiers ; supprimez-le (il n'est jamais ouvert) "
        "[fichier-special]",
    ]


def test_limits_are_options(project: Project, tmp_path: Path) -> None:
    apply_case(CASE_BY_ID["annexe-trop-grosse"], project.folder(), tmp_path / "outside")
    options, diags = options_from_mapping({"annexe_max_mo": 11, "dossier_max_mo": 30}, project.root)
    assert diags == [] and options.limits == Limits(file_bytes=11 * MIB, published_bytes=30 * MIB)
    assert not check_dossier(project.folder(), options).has_errors
    tight, _ = options_from_mapping({"annexe_max_mo": 11, "dossier_max_mo": 10}, project.root)
    codes = [d.code for d in check_dossier(project.folder(), tight).diagnostics]
    assert codes == ["dossier-trop-gros"]
    default, _ = options_from_mapping({}, project.root)
    codes = [d.code for d in check_dossier(project.folder(), default).diagnostics]
    assert codes == ["fichier-trop-gros"]  # refused, so it publishes nothing
    _, diags = options_from_mapping({"annexe_max_mo": "10 Mo"}, project.root)
    assert [d.code for d in diags] == ["type-invalide"]


def test_a_draft_publishes_nothing_so_counts_for_nothing(project: Project, tmp_path: Path) -> None:
    apply_case(CASE_BY_ID["dossier-trop-gros"], project.folder(), tmp_path / "outside")
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    assert "dossier-trop-gros" not in [d.code for d in project.check().diagnostics]


def test_a_dossier_that_is_a_link_is_refused(project: Project, tmp_path: Path) -> None:
    link = link_dossier(project.dossiers_dir, "2026-002", project.folder())
    folders, diags = discover(project.dossiers_dir)
    assert folders == [project.folder()]
    assert [(d.code, d.path) for d in diags] == [("lien-symbolique", link)]
    checked = check_dossier(link, project.options)
    assert [(d.code, d.path, d.message.split(" :")[0]) for d in checked.diagnostics] == [
        ("lien-symbolique", link, "ce dossier est un lien symbolique")
    ]


def test_a_file_swapped_for_a_link_after_listing_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "a.txt").write_text("texte\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text(OUTSIDE_MARKER, encoding="utf-8")
    refused: list[EntryRefused] = []

    def swap_then_read(dir_fd: int, name: str, entry: object) -> None:
        os.unlink(folder / name)
        os.symlink(secret, folder / name)
        try:
            read_at(dir_fd, name, name, MIB, keep=True)
        except EntryRefused as exc:
            refused.append(exc)

    walk(folder, swap_then_read, refused.append)
    assert [(e.rel, e.kind) for e in refused] == [("a.txt", EntryKind.LINK)]


def test_a_file_swapped_for_a_fifo_after_listing_is_never_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "a.txt").write_text("texte\n", encoding="utf-8")
    refused: list[EntryRefused] = []

    def swap_then_read(dir_fd: int, name: str, entry: object) -> None:
        os.unlink(folder / name)
        os.mkfifo(folder / name)
        try:
            read_at(dir_fd, name, name, MIB, keep=True)
        except EntryRefused as exc:
            refused.append(exc)

    walk(folder, swap_then_read, refused.append)
    assert [(e.rel, e.kind) for e in refused] == [("a.txt", EntryKind.FIFO)]


def test_an_annex_changed_after_the_check_is_refused(project: Project, tmp_path: Path) -> None:
    annexes = project.folder() / "annexes"
    annexes.mkdir()
    (annexes / "photo.png").write_bytes(b"\x89PNG" + b"\x01" * 4000)
    (annexes / "autre.png").write_bytes(b"\x89PNG" + b"\x02" * 4000)
    files = read_folder(project.folder())
    assert files.read("annexes/photo.png") == b"\x89PNG" + b"\x01" * 4000
    (annexes / "photo.png").write_bytes(b"\x89PNG" + b"\x03" * 4000)
    with pytest.raises(FolderChangedError):
        files.read("annexes/photo.png")
    (annexes / "autre.png").unlink()
    os.symlink(tmp_path / "ailleurs.png", annexes / "autre.png")
    (tmp_path / "ailleurs.png").write_bytes(b"\x89PNG" + b"\x02" * 4000)  # same bytes, a link
    with pytest.raises(FolderChangedError):
        files.read("annexes/autre.png")


def test_read_file_never_goes_through_a_link(tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    (folder / "annexes").mkdir(parents=True)
    (folder / "annexes" / "ok.png").write_bytes(b"ok")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_text(OUTSIDE_MARKER, encoding="utf-8")
    os.symlink(outside, folder / "annexes" / "sous")
    os.symlink(outside / "x.png", folder / "annexes" / "lien.png")
    assert read_file(folder, "annexes/ok.png", 10).data == b"ok"
    for rel in ("annexes/sous/x.png", "annexes/lien.png"):
        with pytest.raises(EntryRefused) as refused:
            read_file(folder, rel, MIB)
        assert refused.value.kind is EntryKind.LINK
    with pytest.raises(EntryRefused):
        read_file(folder, "annexes/ok.png", 1)  # over the limit
    os.symlink(folder, tmp_path / "lien-dossier")
    with pytest.raises(EntryRefused):
        read_file(tmp_path / "lien-dossier", "annexes/ok.png", MIB)


@pytest.mark.parametrize(
    "rel",
    ["", "/etc/passwd", "../x", "annexes/../dossier.yml", "annexes/./x", "a//b", "a/", "a\0b"],
)
def test_paths_that_could_leave_the_folder_are_refused(rel: str, tmp_path: Path) -> None:
    assert split_rel(rel) is None
    with pytest.raises(EntryRefused):
        read_file(tmp_path, rel, MIB)


def test_an_emacs_lock_is_ignored(project: Project) -> None:
    os.symlink("claire@poste.4242:1700000000", project.folder() / ".#synthese.md")
    assert project.diagnostics() == []


def test_a_new_link_changes_the_cache_key(project: Project, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", b"k" * 32, "conf")
    before = cache.key_for(read_folder(project.folder()))
    os.symlink("/proc/self/environ", project.folder() / "piece.png")
    assert cache.key_for(read_folder(project.folder())) != before


def test_the_folder_is_read_once_with_its_text_kept(project: Project) -> None:
    files = load_folder(project.folder(), Limits())
    content = files.content("synthese.md")
    assert content is not None and content.data == project.path("synthese.md").read_bytes()
    assert files.problems == ()
