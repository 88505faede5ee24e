"""Which dossiers ``bilan pdf`` prints, where it may write, and its file plumbing (no PDF)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from helpers import Project

from bilan_gen.diagnostics import format_diagnostic
from bilan_gen.parallel import parallel_map, worker_count
from bilan_gen.printing.batch import (
    PrintRequest,
    print_problems,
    published_dirs,
    synthese_pending,
)
from bilan_gen.printing.pdf import inline_annexes, pdf_identifier, write_atomic


def _problems(project: Project) -> list[str]:
    return [format_diagnostic(d, project.root) for d in print_problems(project.check())]


def test_a_valid_dossier_with_a_final_synthese_is_printable(project: Project) -> None:
    assert print_problems(project.check()) == []
    assert not synthese_pending(project.check())


def test_warnings_do_not_prevent_printing(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")
    assert project.check().diagnostics and print_problems(project.check()) == []


def test_a_draft_synthese_is_refused_with_its_line(project: Project) -> None:
    project.replace("synthese.md", "statut: finalise", "statut: brouillon")
    assert synthese_pending(project.check())
    lines = project.read("synthese.md").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("statut:"))
    assert _problems(project) == [
        f"dossiers/2026-001/synthese.md:{line}: erreur: synthèse en brouillon : passez-la en "
        "« statut: finalise » pour l'imprimer [synthese-non-finalisee]"
    ]


def test_a_missing_synthese_is_refused(project: Project) -> None:
    project.delete("synthese.md")
    assert _problems(project) == [
        "dossiers/2026-001/synthese.md: erreur: synthèse absente : il n'y a rien à imprimer "
        "[synthese-non-finalisee]"
    ]


def test_a_dossier_with_an_error_is_refused_with_all_its_diagnostics(project: Project) -> None:
    project.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25")
    project.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")
    problems = _problems(project)
    assert [line.rsplit("[", 1)[1] for line in problems] == ["duree-depassee]", "champ-inconnu]"]
    assert not synthese_pending(project.check())


def test_pdf_names() -> None:
    assert PrintRequest(Path("out")).target("2026-014") == Path("out/2026-014-synthese.pdf")
    complet = PrintRequest(Path("out"), complet=True)
    assert complet.target("2026-014") == Path("out/2026-014-complet.pdf")


def test_published_dirs_come_from_mkdocs_yml(tmp_path: Path, project: Project) -> None:
    config = project.root / "mkdocs.yml"
    assert published_dirs(config, project.options) == [
        project.root / "docs",
        project.root / "site",
        project.dossiers_dir,
    ]
    config.write_text("site_name: x\ndocs_dir: content\nsite_dir: public\n", encoding="utf-8")
    assert published_dirs(config, project.options)[:2] == [
        project.root / "content",
        project.root / "public",
    ]


def test_pdf_identifier_is_stable_per_dossier() -> None:
    assert pdf_identifier("2026-014") == pdf_identifier("2026-014")
    assert pdf_identifier("2026-014") != pdf_identifier("2026-021")
    assert len(pdf_identifier("2026-014")) == 32


def test_annex_images_are_inlined_and_other_sources_left(tmp_path: Path) -> None:
    (tmp_path / "annexes").mkdir()
    (tmp_path / "annexes" / "radar é.png").write_bytes(b"\x89PNG-data")
    html = (
        '<p><img alt="r" src="annexes/radar%20%C3%A9.png"> <img src="annexes/absent.png">'
        ' <a href="annexes/radar%20%C3%A9.png">lien</a></p>'
    )
    inlined = inline_annexes(html, tmp_path)
    data = base64.b64encode(b"\x89PNG-data").decode()
    assert f'src="data:image/png;base64,{data}"' in inlined
    assert 'src="annexes/absent.png"' in inlined
    assert 'href="annexes/radar%20%C3%A9.png"' in inlined


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.pdf"
    write_atomic(target, b"old")
    with target.open("rb") as reader:
        before = os.stat(target).st_ino
        write_atomic(target, b"new content")
        assert reader.read() == b"old"  # a reader of the old file still reads all of it
    assert target.read_bytes() == b"new content"
    assert os.stat(target).st_ino != before
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


def test_parallel_map_reports_each_result_in_order() -> None:
    seen: list[int] = []
    assert parallel_map(abs, [-1, 2, -3], on_result=seen.append, min_per_worker=1) == [1, 2, 3]
    assert seen == [1, 2, 3]


@pytest.mark.parametrize(("items", "per_worker"), [(1, 1), (3, 2), (64, 32)])
def test_worker_count_respects_the_minimum_per_worker(items: int, per_worker: int) -> None:
    assert 1 <= worker_count(items, per_worker) <= max(1, items // per_worker)
