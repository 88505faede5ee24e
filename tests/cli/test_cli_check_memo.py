"""``bilan check`` remembers each folder's diagnostics: the same output, never stale, never in
clear, and nothing made when the project has no secret yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EMAIL, NOM, Project
from helpers import run_cli as run

from bilan_gen.cache import CACHE_DIR, BuildCache

MEMO = CACHE_DIR / "check"
SECRET = "ab" * 32


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("BILAN_SECRET", SECRET)
    return project


def memo_bytes(project: Project) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((project.root / MEMO).rglob("*")) if p.is_file())


def test_a_second_check_says_the_same_from_the_memo(here: Project) -> None:
    here.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")
    first = run("check")
    assert (here.root / MEMO).is_dir() and memo_bytes(here)
    assert run("check") == first
    assert first[0] == 0 and "[champ-inconnu]" in first[1]


def test_an_edit_is_seen_at_once(here: Project) -> None:
    assert run("check")[0] == 0
    here.replace("dossier.yml", "duree_prevue_h: 20", "duree_prevue_h: 25")
    code, output = run("check")
    assert code == 1 and "[duree-depassee]" in output
    here.replace("dossier.yml", "duree_prevue_h: 25", "duree_prevue_h: 20")
    assert run("check")[0] == 0  # back to what was remembered first


def test_another_option_is_another_memo(here: Project) -> None:
    config = here.root / "mkdocs.yml"
    assert run("check")[0] == 0
    text = config.read_text(encoding="utf-8") if config.is_file() else "site_name: T\n"
    config.write_text(
        text + "plugins:\n  - bilan:\n      mots_min_section: 100000\n", encoding="utf-8"
    )
    assert "[section-trop-courte]" in run("check")[1]


def test_the_memo_holds_nothing_in_clear(here: Project) -> None:
    here.replace("synthese.md", "statut: finalise\n", "statut: finalise\nremis_le: 2026-04-20\n")
    run("check")
    stored = memo_bytes(here)
    for value in (NOM, EMAIL, "remis_le", "champ inconnu", "synthese.md"):
        assert value.encode() not in stored, value
    assert oct((here.root / MEMO).stat().st_mode & 0o777) == "0o700"
    assert oct((here.root / CACHE_DIR).stat().st_mode & 0o777) == "0o700"


def test_without_a_secret_nothing_is_made(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("BILAN_SECRET", raising=False)
    assert run("check")[0] == 0
    assert run("check")[0] == 0
    assert not (project.root / ".bilan").exists()


def test_a_damaged_memo_is_only_a_slower_check(here: Project) -> None:
    first = run("check")
    for path in (here.root / MEMO).glob("*.sqlite3"):
        path.write_bytes(b"pas une base SQLite" * 100)
    assert run("check") == first
    assert run("check") == first
    assert Path(here.root / MEMO).is_dir()


def memo_keys(project: Project) -> set[str]:
    from bilan_gen.cache import CHECK_MEMO_DIR

    cache = BuildCache(project.root / CHECK_MEMO_DIR, bytes.fromhex(SECRET), "")
    return set(cache.entries_of(project.folder().name))


def test_a_folder_with_a_refused_entry_is_never_remembered(here: Project) -> None:
    # What the guarded read says of a link or a special file depends on more than bytes
    # (it is the same code for another cause): such a folder is checked every time.
    (here.folder() / "annexes").mkdir(exist_ok=True)
    (here.folder() / "annexes" / "piece.png").symlink_to("/etc/hostname")
    first = run("check")
    assert first[0] == 1 and "[lien-symbolique]" in first[1]
    assert memo_keys(here) == set()
    assert run("check") == first


def test_other_library_versions_are_another_memo(
    here: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bilan_gen.cache

    first = run("check")
    before = memo_keys(here)
    versions = bilan_gen.cache.library_versions()
    monkeypatch.setattr(bilan_gen.cache, "library_versions", lambda *names: (*versions, "yaml 99"))
    assert run("check") == first
    after = memo_keys(here)
    assert len(before) == len(after) == 1 and before != after
