"""Every command that reads a dossier refuses each hostile entry, naming it, in French.

One data-driven case per kind of entry (``tests/entrycases.py``), for each command:
``bilan check``, ``bilan pdf``, ``bilan status``, ``bilan audit``, ``bilan preview``'s page
and ``bilan purge``. Real links, FIFOs, sockets and devices in ``tmp_path``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from entrycases import (
    CASE_IDS,
    CASES,
    OUTSIDE_MARKER,
    EntryCase,
    apply_case,
    fail_if_hung,
    has_line,
)
from helpers import BASE_ID, Project, copy_base, run_cli

from bilan_gen.preview.server import DossierPreview

CASE_BY_ID = {case.id: case for case in CASES}
WHERE = f"dossiers/{BASE_ID}"


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A command that opened a FIFO or read /dev/zero would hang: fail instead."""
    with fail_if_hung(120):
        yield


@pytest.fixture(params=CASE_IDS)
def hostile(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[EntryCase, Project]:
    """The base project with one case's entry in its dossier, as the working directory."""
    case = CASE_BY_ID[request.param]
    project = copy_base(tmp_path / "project")
    apply_case(case, project.folder(), tmp_path / "outside")
    monkeypatch.chdir(project.root)
    return case, project


def outside_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (a link's targets) with the digest of its bytes."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_check(hostile: tuple[EntryCase, Project]) -> None:
    case, _ = hostile
    code, output = run_cli("check")
    assert code == 1 and has_line(output, case, WHERE), output
    assert "Traceback" not in output and OUTSIDE_MARKER not in output
    code, output = run_cli("check", WHERE)
    assert code == 1 and has_line(output, case, WHERE), output


def test_pdf(hostile: tuple[EntryCase, Project]) -> None:
    case, project = hostile
    code, output = run_cli("pdf", BASE_ID)
    assert code == 1 and has_line(output, case, WHERE), output
    assert "Aucun PDF écrit" in output
    assert not (project.root / "impressions").exists()


def test_status_and_audit(hostile: tuple[EntryCase, Project]) -> None:
    case, project = hostile
    code, output = run_cli("status", "--format", "json")
    assert code == 0, output
    (row,) = json.loads(output)
    assert row["dossier"] == BASE_ID and row["erreurs"] >= 1
    code, output = run_cli("audit", "-o", "audit.csv")
    assert code == 0, output
    with (project.root / "audit.csv").open(encoding="utf-8", newline="") as handle:
        (line,) = list(csv.DictReader(handle))
    assert case.code in line["exceptions"] and int(line["erreurs"]) >= 1


def test_preview_page(hostile: tuple[EntryCase, Project]) -> None:
    case, project = hostile
    preview = DossierPreview(project.folder(), project.options)
    html = preview.page()[1]
    assert case.code in html and case.rel in html and OUTSIDE_MARKER not in html
    if case.rel.startswith("annexes/"):
        assert preview.annex("/" + case.rel) is None


def test_purge_spares_what_links_point_to(
    hostile: tuple[EntryCase, Project], tmp_path: Path
) -> None:
    _, project = hostile
    before = outside_digest(tmp_path / "outside")
    code, output = run_cli("purge", BASE_ID, "--yes")
    assert code == 0, output
    assert not os.path.lexists(project.folder())
    assert outside_digest(tmp_path / "outside") == before
    for target in before:
        assert (
            (tmp_path / "outside" / target).read_text(encoding="utf-8").startswith(OUTSIDE_MARKER)
        )


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The base project, as the working directory."""
    project = copy_base(tmp_path / "project")
    monkeypatch.chdir(project.root)
    return project


def test_a_dossier_that_is_a_link_is_never_followed(base: Project, tmp_path: Path) -> None:
    target = tmp_path / "ailleurs" / "2026-002"
    target.parent.mkdir()
    shutil.copytree(base.folder(), target)
    before = outside_digest(target)
    os.symlink(target, base.dossiers_dir / "2026-002")
    code, output = run_cli("check")
    assert code == 1 and output.startswith(
        "dossiers/2026-002: erreur: lien symbolique : un dossier est un vrai répertoire de "
        "dossiers/, jamais un lien (sa cible n'est pas lue) ; remplacez le lien par le "
        "dossier lui-même [lien-symbolique]\n"
    ), output
    code, output = run_cli("check", "dossiers/2026-002")
    assert code == 1 and "dossiers/2026-002: erreur: ce dossier est un lien symbolique" in output
    for command in (("purge", "2026-002", "--yes"), ("pdf", "2026-002")):
        code, output = run_cli(*command)
        assert code == 2 and "2026-002 : lien symbolique dans dossiers/, jamais suivi" in output
    assert os.path.islink(base.dossiers_dir / "2026-002") and outside_digest(target) == before


def test_purge_deletes_nothing_through_a_linked_prints_folder(
    base: Project, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "volume"
    elsewhere.mkdir()
    (elsewhere / f"{BASE_ID}-synthese.pdf").write_bytes(b"%PDF-1.7")
    os.symlink(elsewhere, base.root / "impressions")
    code, output = run_cli("purge", BASE_ID, "--yes")
    assert code == 1 and "impressions/ est un lien symbolique" in output, output
    assert "rien n'a été détruit" in output
    assert base.folder().is_dir() and (elsewhere / f"{BASE_ID}-synthese.pdf").is_file()
