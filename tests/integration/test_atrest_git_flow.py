"""Dossiers encrypted at rest, through real Git: commit, clone, merge, stash, rebase,
cherry-pick, gc, and destruction by key followed by the checkout of an older commit.

After each step, every object of the repository is read back: no identity and no run of
dossier text may be in any of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bilan_gen.atrest import MAGIC

REPO_DIR = Path(__file__).resolve().parents[2]
DOSSIER = "2026-014"
IDENTITY = ("Lemoine",)  # the sample's beneficiary (dossiers/2026-014/dossier.yml)
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "BILAN_SECRET"))},
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org",
    "NO_MKDOCS_2_WARNING": "1",
}  # fmt: skip


def run(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=ENV, capture_output=True, text=True, errors="replace", check=False
    )
    if ok:
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done


def git(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run(cwd, "git", *args, ok=ok)


def bilan(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run(cwd, sys.executable, "-m", "bilan_gen.cli", *args, ok=ok)


def needles(repo: Path) -> list[bytes]:
    """What of the sample dossiers must never be in an object: each beneficiary's name,
    e-mail and EDOF number, every heading, and runs of text; less what the repository's
    public pages (``content/``, ``theme/``, ``mkdocs.yml``) say anyway, in clear."""
    public = (REPO_DIR / "mkdocs.yml").read_bytes() + b"".join(
        p.read_bytes()
        for part in ("content", "theme")
        for p in sorted((REPO_DIR / part).rglob("*"))
        if p.is_file()
    )
    found = {name.encode() for name in IDENTITY}
    for path in sorted((REPO_DIR / "dossiers").glob("*/dossier.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        person = data["beneficiaire"]
        found |= {str(person["nom"]).encode(), str(person["email"]).encode()}
        edof = (data.get("financement") or {}).get("cpf", {}).get("numero_edof")
        found |= {str(edof).encode()} if edof else set()
    for path in sorted((REPO_DIR / "dossiers").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found |= {
            line.lstrip("#").strip().encode() for line in text.splitlines() if line[:1] == "#"
        }
        lines = [line for line in text.splitlines() if len(line) > 60 and ":" not in line[:20]]
        found |= {line[10:50].encode() for line in lines[:3]}
    kept = sorted(n for n in found if len(n) >= 4 and n not in public)
    assert len(kept) > 40  # the check means something
    return kept


def assert_no_clear_text(repo: Path) -> None:
    objects = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=repo, env=ENV, capture_output=True, check=True,
    ).stdout  # fmt: skip
    leaked = [n for n in needles(repo) if n in objects]
    assert leaked == []


def is_plain(path: Path) -> bool:
    return not path.read_bytes().startswith(MAGIC)


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office repository: the samples, encrypted from the first commit."""
    repo = tmp_path / "office"
    repo.mkdir()
    shutil.copy(REPO_DIR / "mkdocs.yml", repo / "mkdocs.yml")
    for part in ("dossiers", "content", "theme"):
        shutil.copytree(REPO_DIR / part, repo / part)
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    bilan(repo, "init")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dossiers")
    return repo


def test_commit_status_and_diff(office: Path) -> None:
    synthese = office / "dossiers" / DOSSIER / "synthese.md"
    assert is_plain(synthese)
    assert git(office, "status", "--porcelain").stdout == ""
    assert (
        git(office, "cat-file", "blob", f"HEAD:dossiers/{DOSSIER}/synthese.md").stdout[:1] == "\0"
    )
    assert_no_clear_text(office)
    first = (office / ".bilan" / "secret").read_text()
    assert "déjà" not in bilan(office, "init").stdout  # idempotent, and nothing changes
    assert (office / ".bilan" / "secret").read_text() == first
    assert git(office, "status", "--porcelain").stdout == ""
    synthese.touch()
    assert git(office, "status", "--porcelain").stdout == ""
    with synthese.open("a", encoding="utf-8") as out:
        out.write("\nUne phrase ajoutée très distinctive.\n")
    assert "+Une phrase ajoutée très distinctive." in git(office, "diff").stdout
    git(office, "commit", "-qam", "ajout")
    assert "+Une phrase ajoutée très distinctive." in git(office, "log", "-p", "-1").stdout
    assert_no_clear_text(office)


def test_clone_without_then_with_the_key(office: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(office), str(clone))
    synthese = clone / "dossiers" / DOSSIER / "synthese.md"
    assert not is_plain(synthese)
    assert git(clone, "status", "--porcelain").stdout == ""
    checked = bilan(clone, "check", ok=False)
    assert checked.returncode == 1 and "la clé manque" in checked.stdout
    refused = bilan(clone, "init", ok=False)
    assert refused.returncode == 1 and "déjà chiffré" in refused.stderr
    shutil.copytree(office / ".bilan", clone / ".bilan", ignore=shutil.ignore_patterns("cache"))
    bilan(clone, "init")
    assert is_plain(synthese) and git(clone, "status", "--porcelain").stdout == ""


def test_merge_stash_rebase_cherry_pick_gc(office: Path) -> None:
    synthese = office / "dossiers" / DOSSIER / "synthese.md"
    text = synthese.read_text(encoding="utf-8")
    git(office, "checkout", "-qb", "haut")
    synthese.write_text("<!-- en haut -->\n" + text, encoding="utf-8")
    git(office, "commit", "-qam", "haut")
    git(office, "checkout", "-q", "main")
    synthese.write_text(text + "\nEn bas.\n", encoding="utf-8")
    git(office, "commit", "-qam", "bas")
    git(office, "merge", "-q", "haut", "-m", "fusion")
    merged = synthese.read_text(encoding="utf-8")
    assert merged.startswith("<!-- en haut -->") and merged.endswith("En bas.\n")
    # A real conflict: ordinary markers, in the plain file.
    git(office, "checkout", "-qb", "autre")
    synthese.write_text(merged + "Version A.\n", encoding="utf-8")
    git(office, "commit", "-qam", "A")
    git(office, "checkout", "-q", "main")
    synthese.write_text(merged + "Version B.\n", encoding="utf-8")
    git(office, "commit", "-qam", "B")
    assert git(office, "merge", "autre", "-m", "conflit", ok=False).returncode != 0
    conflicted = synthese.read_text(encoding="utf-8")
    assert "<<<<<<<" in conflicted and "Version A." in conflicted and "Version B." in conflicted
    git(office, "merge", "--abort")
    assert_no_clear_text(office)
    # Stash, rebase, cherry-pick, gc.
    current = synthese.read_text(encoding="utf-8")
    synthese.write_text(current + "Brouillon.\n", encoding="utf-8")
    git(office, "stash", "-q")
    assert synthese.read_text(encoding="utf-8") == current
    git(office, "stash", "pop", "-q")
    assert synthese.read_text(encoding="utf-8").endswith("Brouillon.\n")
    git(office, "commit", "-qam", "brouillon")
    git(office, "checkout", "-q", "autre")
    git(office, "cherry-pick", "main~0", ok=False)  # conflicts or not, nothing in clear
    git(office, "cherry-pick", "--abort", ok=False)
    git(office, "checkout", "-qf", "haut")
    git(office, "rebase", "-q", "main")
    assert is_plain(synthese)
    git(office, "gc", "-q", "--prune=now")
    assert_no_clear_text(office)


def test_destruction_by_key_reaches_every_commit(office: Path, tmp_path: Path) -> None:
    old_commit = git(office, "rev-parse", "HEAD").stdout.strip()
    old_secret = (office / ".bilan" / "secret").read_text()
    others = sorted(p.name for p in (office / "dossiers").iterdir() if p.name != DOSSIER)
    done = bilan(office, "purge", DOSSIER, "--yes")
    assert "génération 2" in done.stdout
    new_secret = (office / ".bilan" / "secret").read_text()
    assert new_secret != old_secret and new_secret.split(".")[1] == old_secret.split(".")[1]
    git(office, "add", "-A")
    git(office, "commit", "-qm", "destruction")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(office), str(clone))
    (clone / ".bilan").mkdir()
    (clone / ".bilan" / "secret").write_text(new_secret)
    bilan(clone, "init")
    back = git(clone, "checkout", "-q", old_commit)
    assert "reste chiffré" in back.stderr
    assert not is_plain(clone / "dossiers" / DOSSIER / "synthese.md")
    for other in others:
        assert is_plain(clone / "dossiers" / other / "dossier.yml")
    # The old secret opens nothing of the current keyring.
    git(clone, "checkout", "-q", "main")
    (clone / ".bilan" / "secret").write_text(old_secret)
    stale = bilan(clone, "init", ok=False)
    assert stale.returncode == 1 and "génération" in stale.stderr


def test_a_dossier_made_by_hand_gets_its_key_at_the_first_git_add(office: Path) -> None:
    shutil.copytree(office / "dossiers" / DOSSIER, office / "dossiers" / "2026-050")
    added = git(office, "add", "dossiers/2026-050")
    assert "clé créée pour 2026-050" in added.stderr and "git add .bilan-keys" in added.stderr
    assert (office / ".bilan-keys" / "2026-050.key").is_file()
    git(office, "add", ".bilan-keys")
    git(office, "commit", "-qm", "nouveau dossier")
    blob = git(office, "cat-file", "blob", "HEAD:dossiers/2026-050/synthese.md").stdout
    assert blob.startswith("\0")
    assert git(office, "status", "--porcelain").stdout == ""
    assert_no_clear_text(office)


def test_ci_builds_a_fresh_clone_from_ciphertext_and_writes_no_clear_text(
    office: Path, tmp_path: Path
) -> None:
    from tests.sitebuild import build

    runner = tmp_path / "runner"
    git(tmp_path, "clone", "-q", str(office), str(runner))  # no filter: as on a CI runner
    secret = (office / ".bilan" / "secret").read_text().strip()
    checked = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "check"],
        cwd=runner, env={**ENV, "BILAN_SECRET": secret}, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = build(runner, secret=secret)
    assert built.returncode == 0, built.output
    assert (runner / "site" / "index.html").is_file()
    on_disk = b"".join(
        p.read_bytes() for p in sorted(runner.rglob("*")) if p.is_file() and ".git" not in p.parts
    )
    assert [n for n in needles(runner) if n in on_disk] == []
    assert not is_plain(runner / "dossiers" / DOSSIER / "synthese.md")
