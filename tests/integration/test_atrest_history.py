"""``bilan rewrite-history``: a repository whose history holds dossiers in clear, rewritten
through real Git and git-filter-repo so that no object holds any of them; a dossier with no
key leaves every commit; work in progress, or a « non », rewrites nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.test_atrest_git_flow import (
    DOSSIER,
    ENV,
    REPO_DIR,
    assert_no_clear_text,
    bilan,
    git,
    is_plain,
    run,
)

GONE = "2026-099"
"""A dossier committed in clear, then deleted before ``bilan init``: it has no key."""


NOTE = "Note privée très distinctive sur l'entretien d'été.\n"
"""In a file whose name Git quotes (an accent, a space, an apostrophe)."""


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """An office that committed its dossiers in clear for a while, then ran ``bilan init``;
    its ``origin`` is a bare repository, as a forge would be."""
    forge = tmp_path / "forge.git"
    git(tmp_path, "-c", "init.defaultBranch=main", "init", "-q", "--bare", str(forge))
    repo = tmp_path / "office"
    repo.mkdir()
    shutil.copy(REPO_DIR / "mkdocs.yml", repo / "mkdocs.yml")
    for part in ("dossiers", "content", "theme"):
        shutil.copytree(REPO_DIR / part, repo / part)
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    shutil.copytree(repo / "dossiers" / DOSSIER, repo / "dossiers" / GONE)
    notes = repo / "dossiers" / DOSSIER / "notes"
    notes.mkdir(exist_ok=True)
    (notes / "entretien d'été.md").write_text(NOTE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dossiers en clair")
    git(repo, "tag", "v1")
    with (repo / "dossiers" / DOSSIER / "synthese.md").open("a", encoding="utf-8") as out:
        out.write("\nUne phrase ajoutée en clair.\n")
    git(repo, "commit", "-qam", "encore en clair")
    git(repo, "rm", "-rq", f"dossiers/{GONE}")
    git(repo, "commit", "-qm", "dossier retiré")
    git(repo, "remote", "add", "origin", str(forge))
    git(repo, "push", "-q", "origin", "main", "--tags")
    said = bilan(repo, "init").stderr
    assert "en clair dans l'historique" in said and "bilan rewrite-history" in said
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "chiffrement")
    return repo


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def test_the_rewritten_history_holds_no_clear_text_and_still_reads(legacy: Path) -> None:
    before = int(git(legacy, "rev-list", "--all", "--count").stdout)
    done = bilan(legacy, "rewrite-history", "--yes")
    assert "Historique réécrit" in done.stdout
    assert f"git remote add origin {legacy.parent / 'forge.git'}" in done.stdout
    assert "git push --force --all origin" in done.stdout
    # The commit that only deleted GONE is left empty, so git-filter-repo drops it.
    assert int(git(legacy, "rev-list", "--all", "--count").stdout) == before - 1
    assert_no_clear_text(legacy)
    objects = run(legacy, "git", "cat-file", "--batch-all-objects", "--batch").stdout
    assert NOTE.strip() not in objects
    assert git(legacy, "status", "--porcelain").stdout == ""
    assert git(legacy, "log", "--all", "--format=%H", "--", f"dossiers/{GONE}").stdout == ""
    # The oldest commits (no attributes line of their own) check out in clear, diff in clear.
    git(legacy, "checkout", "-q", "v1")
    assert is_plain(legacy / "dossiers" / DOSSIER / "synthese.md")
    assert not (legacy / "dossiers" / GONE).exists()
    assert git(legacy, "status", "--porcelain").stdout == ""
    git(legacy, "checkout", "-q", "main")
    shown = git(legacy, "log", "-p", "--all").stdout
    assert "+Une phrase ajoutée en clair." in shown
    assert bilan(legacy, "rewrite-history", "--yes").stdout.startswith("Aucun dossier en clair")
    # The steps it prints work: the forge gets the new history only.
    git(legacy, "remote", "add", "origin", str(legacy.parent / "forge.git"))
    git(legacy, "push", "-q", "--force", "--all", "origin")
    git(legacy, "push", "-q", "--force", "--tags", "origin")
    forge = legacy.parent / "forge.git"
    run(forge, "git", "reflog", "expire", "--expire=now", "--all")
    run(forge, "git", "gc", "-q", "--prune=now")
    assert_no_clear_text(forge)


def test_work_in_progress_or_a_no_rewrites_nothing(legacy: Path) -> None:
    start = head(legacy)
    synthese = legacy / "dossiers" / DOSSIER / "synthese.md"
    with synthese.open("a", encoding="utf-8") as out:
        out.write("\nEn cours.\n")
    refused = bilan(legacy, "rewrite-history", "--yes", ok=False)
    assert refused.returncode == 1 and "ne sont pas committées" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    git(legacy, "stash", "-q")
    refused = bilan(legacy, "rewrite-history", "--yes", ok=False)
    assert refused.returncode == 1 and "git stash" in refused.stderr
    git(legacy, "stash", "pop", "-q")
    git(legacy, "checkout", "-q", "--", ".")
    import subprocess
    import sys

    answered = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "rewrite-history"],
        cwd=legacy, env=ENV, input="n\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert answered.returncode == 0 and "Rien n'a été réécrit" in answered.stdout
    assert f"Sans clé (détruits) : {GONE}" in answered.stdout
    assert head(legacy) == start
    assert git(legacy, "remote").stdout.strip() == "origin"


def test_without_bilan_init_it_says_so(tmp_path: Path) -> None:
    repo = tmp_path / "plain"
    repo.mkdir()
    git(repo, "init", "-q")
    refused = bilan(repo, "rewrite-history", "--yes", ok=False)
    assert refused.returncode == 1
    assert "lancez bilan init" in refused.stderr and "Traceback" not in refused.stderr
