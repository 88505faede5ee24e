"""CI builds from ciphertext: dossiers encrypted at rest, no Git filter, the key in
``BILAN_SECRET``: decrypted in memory, never written in clear, and the same site as from
plain files. Without the key, the check and the build stop and say why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bilan_gen.atrest import Keyring, VaultKey, encrypt_file, format_secret, is_encrypted
from tests.helpers import NOM, PRENOM
from tests.sitebuild import TEST_SECRET, accesses, build, copy_project

VAULT = VaultKey(1, bytes(range(64)))
SECRET = format_secret(bytes.fromhex(TEST_SECRET), VAULT)


def encrypt_dossiers(project: Path) -> list[Path]:
    """Encrypt every dossier file in place, as Git holds them after ``bilan init``."""
    keyring = Keyring.create(project, VAULT)
    encrypted = []
    for path in sorted((project / "dossiers").rglob("*")):
        if not path.is_file() or path.parent == project / "dossiers":
            continue
        dossier = path.relative_to(project / "dossiers").parts[0]
        rel = path.relative_to(project).as_posix()
        key = keyring.key_for(dossier, create=True)
        path.write_bytes(encrypt_file(key, rel, path.read_bytes()))
        encrypted.append(path)
    return encrypted


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    plain = copy_project(tmp_path_factory.mktemp("plain"))
    ciphered = copy_project(tmp_path_factory.mktemp("ciphered"))
    assert encrypt_dossiers(ciphered)
    return plain, ciphered


def everything_on_disk(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_ci_builds_the_same_site_from_ciphertext(projects: tuple[Path, Path]) -> None:
    plain, ciphered = projects
    from_plain = build(plain)
    from_cipher = build(ciphered, secret=SECRET)
    assert from_plain.returncode == 0, from_plain.output
    assert from_cipher.returncode == 0, from_cipher.output
    # Same pages at the same addresses: the slugs derive from the access codes, which
    # derive from the site part of the secret, the plain build's site secret.
    assert accesses(plain)
    pages = sorted(p.relative_to(plain / "site") for p in (plain / "site" / "d").rglob("*"))
    assert pages == sorted(
        p.relative_to(ciphered / "site") for p in (ciphered / "site" / "d").rglob("*")
    )
    # Nothing in clear anywhere on the runner's disk: the sources, the cache, the site.
    disk = everything_on_disk(ciphered)
    for needle in (NOM, PRENOM, "Quillebeuf"):
        assert needle.encode() not in disk


def test_check_reads_ciphertext_with_the_key(projects: tuple[Path, Path]) -> None:
    _, ciphered = projects
    env = {**os.environ, "BILAN_SECRET": SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "check"],
        cwd=ciphered, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_the_key_check_and_build_stop_and_say_why(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    _, ciphered = projects
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    done = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "check"],
        cwd=ciphered, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    dossiers = sorted(p.name for p in (ciphered / "dossiers").iterdir() if p.is_dir())
    lines = [line for line in done.stdout.splitlines() if "[fichier-chiffre]" in line]
    assert len(lines) == len(dossiers)  # one line per dossier, not one per file
    assert all("la clé manque" in line and "Traceback" not in line for line in lines)
    before = {p: p.read_bytes() for p in (ciphered / "dossiers").rglob("*") if p.is_file()}
    site_before = sorted((ciphered / "site").rglob("*"))
    # A site secret without the vault key: the build fails, the previous site stays.
    failed = build(ciphered)
    assert failed.returncode != 0
    assert "la clé manque" in failed.output and "Traceback" not in failed.output
    assert {p: p.read_bytes() for p in before} == before  # nothing overwritten
    assert all(is_encrypted(data) for data in before.values())
    assert sorted((ciphered / "site").rglob("*")) == site_before


def test_a_stale_secret_fails_the_build_with_a_clear_message(projects: tuple[Path, Path]) -> None:
    _, ciphered = projects
    stale = format_secret(bytes.fromhex(TEST_SECRET), VaultKey(1, bytes(64)))
    failed = build(ciphered, secret=stale)
    assert failed.returncode != 0
    assert "n'ouvre pas ce trousseau" in failed.output and "Traceback" not in failed.output


def check_with(project: Path, secret: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BILAN_SECRET": secret}
    return subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "check"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_secret_older_than_the_keyring_gets_one_line_per_dossier(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    from bilan_gen.atrest.shred import destroy_keys

    _, ciphered = projects
    project = tmp_path / "office"
    shutil.copytree(ciphered, project, ignore=shutil.ignore_patterns("site"))
    (project / ".bilan").mkdir(exist_ok=True)
    (project / ".bilan" / "secret").write_text(SECRET + "\n", encoding="ascii")
    destroy_keys(project, [], {})  # a rotation elsewhere: the keyring moves to generation 2
    done = check_with(project, SECRET)
    assert done.returncode == 1
    dossiers = sorted(p.name for p in (project / "dossiers").iterdir() if p.is_dir())
    lines = [line for line in done.stdout.splitlines() if "[fichier-chiffre]" in line]
    assert len(lines) == len(dossiers), done.stdout
    assert all("ce secret est périmé" in line for line in lines)
    assert "Traceback" not in done.stdout + done.stderr
    current = (project / ".bilan" / "secret").read_text(encoding="ascii").strip()
    assert check_with(project, current).returncode == 0


def test_a_blob_moved_to_another_file_is_refused_at_that_file(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    _, ciphered = projects
    project = tmp_path / "office"
    shutil.copytree(ciphered, project, ignore=shutil.ignore_patterns("site"))
    folder = sorted(p for p in (project / "dossiers").iterdir() if p.is_dir())[0]
    moved = folder / "notes-copie.md"
    shutil.copyfile(folder / "synthese.md", moved)  # the same blob at another path
    done = check_with(project, SECRET)
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if "[fichier-chiffre]" in line]
    assert len(lines) == 1 and "notes-copie.md" in lines[0], done.stdout
    assert "Traceback" not in done.stdout + done.stderr
