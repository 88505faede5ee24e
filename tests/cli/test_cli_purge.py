"""``bilan purge``: end to end on a copy of the repository's sample dossiers.

Each test snapshots the whole project tree before and after: purge removes exactly the
dossier folder, its PDFs and its cache entries, adds one register line without any name, and
touches nothing else; ``--dry-run`` and a refused confirmation change nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from helpers import invoke_cli, read_folder

from bilan_gen.cache import CACHE_DIR, BuildCache, CacheEntry
from bilan_gen.cache.db import DATABASE
from bilan_gen.config import load_options
from bilan_gen.crypto import encrypt_payload, hkdf_sha256
from bilan_gen.loading import load_dossier
from bilan_gen.purge import MANUAL_GROUND, REGISTER_FILE, REGISTER_HEADER
from bilan_gen.retention import retention_state
from bilan_gen.verify import Fingerprint

REPO_DIR = Path(__file__).resolve().parents[2]
SECRET = "ab" * 32
SAMPLE_NAMES = ("Élodie", "Garnier", "Mickaël", "Fournier", "Yannick", "Le Gall", "example.")


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the samples with prints, a build cache and the site secret."""
    shutil.copy(REPO_DIR / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO_DIR / "dossiers", tmp_path / "dossiers")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Accueil\n", encoding="utf-8")
    prints = tmp_path / "impressions"
    prints.mkdir()
    for name in (
        "2026-014-synthese.pdf",
        "2026-014-complet.pdf",
        "2026-021-synthese.pdf",
        "2026-0140-synthese.pdf",  # another id that starts like 2026-014
    ):
        (prints / name).write_bytes(b"%PDF-1.7 " + name.encode())
    (tmp_path / ".bilan").mkdir()
    (tmp_path / ".bilan" / "secret").write_text(SECRET + "\n", encoding="utf-8")
    cache = BuildCache(tmp_path / CACHE_DIR, bytes.fromhex(SECRET), "configuration")
    for ident in ("2026-014", "2026-021", "2026-037"):
        folder = tmp_path / "dossiers" / ident
        entry = CacheEntry(ident, (), (), Fingerprint(ident), {}, {})
        cache.store(cache.key_for(read_folder(folder)), entry, folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BILAN_SECRET", raising=False)
    return tmp_path


def cache_rows(root: Path) -> dict[str, bytes]:
    """The build cache's entries: key -> encrypted blob."""
    with closing(sqlite3.connect(root / CACHE_DIR / DATABASE)) as db:
        return dict(db.execute("SELECT key, blob FROM entries").fetchall())


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the digest of its bytes; the cache by its entries
    (SQLite's journal files come and go as it is read)."""
    files = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parent != root / CACHE_DIR
    }
    for key, blob in cache_rows(root).items():
        files[f"{CACHE_DIR.as_posix()}#{key}"] = hashlib.sha256(blob).hexdigest()
    return files


def cache_keys_of(root: Path, ident: str) -> set[str]:
    """The cache entries that belong to ``ident`` (decrypted with the test secret), as
    ``tree`` names them."""
    from bilan_gen.purge import cache_entries

    options, _ = load_options(root / "mkdocs.yml")
    keys, files = cache_entries(options, ident, bytes.fromhex(SECRET))
    assert files == []  # no file of the former layout here
    return {f"{CACHE_DIR.as_posix()}#{key}" for key in keys}


def run(*args: str, answer: str | None = None) -> Result:
    result = invoke_cli(list(args), answer)
    return result


def register_rows(root: Path) -> list[list[str]]:
    text = (root / REGISTER_FILE).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_purge_one_dossier_removes_exactly_its_files(office: Path) -> None:
    before = tree(office)
    doomed_cache = cache_keys_of(office, "2026-014")
    assert len(doomed_cache) == 1
    doomed_blob = cache_rows(office)[doomed_cache.copy().pop().split("#")[1]]
    result = run("purge", "2026-014", "--yes")
    assert result.exit_code == 0, result.output
    after = tree(office)
    removed = set(before) - set(after)
    expected = {p for p in before if p.startswith("dossiers/2026-014/")}
    expected |= {"impressions/2026-014-synthese.pdf", "impressions/2026-014-complet.pdf"}
    expected |= doomed_cache
    assert removed == expected
    assert set(after) - set(before) == {REGISTER_FILE}
    assert all(after[p] == before[p] for p in after if p != REGISTER_FILE)
    assert not (office / "dossiers" / "2026-014").exists()
    # The entry's bytes are gone from every file of the cache, SQLite's journal included.
    for path in (office / CACHE_DIR).iterdir():
        assert doomed_blob[:64] not in path.read_bytes(), path.name
    files = sum(1 for p in expected if p.startswith("dossiers/"))
    assert register_rows(office) == [
        list(REGISTER_HEADER),
        [
            "2026-014",
            dt.date.today().isoformat(),
            f"dossier ({files} fichiers) ; impressions (2) ; cache (1)",
            MANUAL_GROUND,
        ],
    ]


def test_output_lists_paths_and_git_commands_without_names(office: Path) -> None:
    result = run("purge", "2026-014", "--yes")
    lines = result.output.splitlines()
    assert lines[0] == "À détruire :"
    assert lines[1] == f"2026-014 — {MANUAL_GROUND}"
    assert "  dossiers/2026-014" in lines
    assert "  impressions/2026-014-synthese.pdf" in lines
    assert f"Détruit : 2026-014 ; inscrit à {REGISTER_FILE}." in lines
    assert "  git rm -r --cached --quiet --ignore-unmatch dossiers/2026-014" in lines
    assert "  git filter-repo --invert-paths --path dossiers/2026-014" in lines
    assert any("sauvegardes" in line and "artefacts de CI" in line for line in lines)
    register = (office / REGISTER_FILE).read_text(encoding="utf-8")
    for name in SAMPLE_NAMES:
        assert name not in result.output and name not in register


def test_dry_run_changes_nothing(office: Path) -> None:
    before = tree(office)
    result = run("purge", "2026-014", "2026-021", "--dry-run")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Seraient détruits (--dry-run) :"
    assert "  dossiers/2026-021" in result.output.splitlines()
    assert tree(office) == before


@pytest.mark.parametrize("answer", ["n\n", "\n", "non\n"])
def test_refused_confirmation_changes_nothing(office: Path, answer: str) -> None:
    before = tree(office)
    result = run("purge", "2026-014", answer=answer)
    assert result.exit_code == 1
    assert "Détruire définitivement 1 dossier(s) ? [o/N]" in result.output
    assert "Abandon : rien n'a été détruit." in result.output
    assert tree(office) == before


@pytest.mark.parametrize("answer", ["o\n", "oui\n", "y\n"])
def test_confirmed_in_french(office: Path, answer: str) -> None:
    result = run("purge", "2026-037", answer=answer)
    assert result.exit_code == 0, result.output
    assert not (office / "dossiers" / "2026-037").exists()


def test_expired_destroys_only_what_is_due(office: Path) -> None:
    yml = office / "dossiers" / "2026-014" / "dossier.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(
        text.split("conservation:")[0] + "satisfaction:" + text.split("satisfaction:")[1]
    )
    options, _ = load_options(office / "mkdocs.yml")
    due = {
        folder.name
        for folder in sorted((office / "dossiers").iterdir())
        if retention_state(load_dossier(folder)[0], dt.date.today(), 30).a_detruire
    }
    assert "2026-014" in due and "2026-037" not in due
    result = run("purge", "--expired", "--yes")
    assert result.exit_code == 0, result.output
    remaining = {p.name for p in (office / "dossiers").iterdir()}
    assert remaining == {"2026-014", "2026-021", "2026-037"} - due
    row = register_rows(office)[1]
    assert row[0] == "2026-014"
    assert row[3] == (
        "bilan terminé le 16/07/2026, délai de grâce échu le 15/08/2026, rien à conserver (R6313-7)"
    )
    assert options.delai_grace_jours == 30


def test_expired_leaves_a_doubtful_retention_aside(office: Path) -> None:
    for ident in ("2026-014", "2026-021"):
        yml = office / "dossiers" / ident / "dossier.yml"
        text = yml.read_text(encoding="utf-8")
        kept = [line for line in text.splitlines(keepends=True) if "accord_ecrit_le" not in line]
        yml.write_text("".join(kept), encoding="utf-8")
    before = tree(office)
    result = run("purge", "--expired", "--yes")
    assert result.exit_code == 0
    assert "2026-014 ignoré : sa conservation est invalide" in result.stderr
    assert "2026-021 ignoré : sa conservation est invalide" in result.stderr
    assert result.stdout == "Aucun dossier à détruire.\n"
    assert tree(office) == before


def test_nothing_expired(office: Path) -> None:
    before = tree(office)
    assert run("purge", "--expired").output == "Aucun dossier à détruire.\n"
    assert tree(office) == before


def test_the_register_grows(office: Path) -> None:
    run("purge", "2026-014", "--yes")
    run("purge", "2026-021", "--yes")
    rows = register_rows(office)
    assert [r[0] for r in rows] == ["dossier", "2026-014", "2026-021"]


def test_without_the_secret_cache_entries_stay(office: Path) -> None:
    (office / ".bilan" / "secret").unlink()
    result = run("purge", "2026-014", "--yes")
    assert result.exit_code == 0
    assert len(cache_rows(office)) == 3
    assert "sans le secret du site, ses entrées ne peuvent être attribuées" in result.stderr
    assert register_rows(office)[1][2].endswith("impressions (2)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "indiquez des identifiants de dossiers, ou --expired (pas les deux)"),
        (("2026-014", "--expired"), "indiquez des identifiants de dossiers, ou --expired"),
        (("2026-999",), "dossier(s) introuvable(s) : 2026-999"),
        (("../dossiers",), "dossier(s) introuvable(s) : ../dossiers"),
    ],
)
def test_usage_errors(office: Path, args: tuple[str, ...], message: str) -> None:
    before = tree(office)
    result = run("purge", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert tree(office) == before


def test_help_has_examples() -> None:
    result = run("purge", "--help")
    assert "bilan purge --expired --dry-run" in result.output
    assert "registre-destructions.csv" in result.output


@pytest.fixture
def quick_cache(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache writes and reads of the office give up after 0.2 s, not a minute (its
    connections closed, so the next ones take the new timeout)."""
    from bilan_gen.cache import db as cache_db

    cache_db.close_connections()
    monkeypatch.setattr(cache_db, "BUSY_TIMEOUT_S", 0.2)


@contextmanager
def holding_cache(root: Path, *statements: str) -> Iterator[None]:
    """Another process's connection to the cache (a build), in a transaction meanwhile."""
    other = sqlite3.connect(root / CACHE_DIR / DATABASE, isolation_level=None)
    try:
        for statement in statements:
            other.execute(statement).fetchall()
        yield
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


@pytest.mark.usefixtures("quick_cache")
def test_a_cache_that_cannot_be_emptied_stops_the_purge(office: Path) -> None:
    # Another process writes to the cache (a build): the dossier is not destroyed, the
    # register does not claim it, and the message says what to do.
    before = tree(office)
    with holding_cache(office, "BEGIN IMMEDIATE"):
        result = run("purge", "2026-014", "2026-021", "--yes")
    assert result.exit_code == 1
    assert "2026-014 non détruit : son cache de construction n'a pu être effacé" in result.stderr
    assert tree(office) == before
    assert not (office / REGISTER_FILE).exists()
    assert run("purge", "2026-014", "--yes").exit_code == 0
    assert [r[0] for r in register_rows(office)] == ["dossier", "2026-014"]


@pytest.mark.usefixtures("quick_cache")
def test_a_cache_that_cannot_be_read_destroys_nothing(office: Path) -> None:
    # A process holds the cache alone: its entries cannot be found, so nothing is destroyed
    # (never the folder without its cache entries).
    before = tree(office)
    with holding_cache(office, "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE"):
        result = run("purge", "2026-014", "--yes")
    assert result.exit_code == 1
    assert "cache de construction illisible pour l'instant" in result.stderr
    assert tree(office) == before


@pytest.mark.usefixtures("quick_cache")
def test_a_purge_stopped_by_a_reader_finishes_only_once_the_journal_is_empty(
    office: Path,
) -> None:
    # A reader (a build) keeps the deleted entry in the database file until the journal can
    # be emptied: until then the dossier is not destroyed, even when purge is run again.
    (doomed,) = cache_keys_of(office, "2026-014")
    blob = cache_rows(office)[doomed.split("#")[1]]
    with holding_cache(office, "BEGIN", "SELECT count(*) FROM entries"):
        for _ in range(2):
            result = run("purge", "2026-014", "--yes")
            assert result.exit_code == 1, result.output
            assert "2026-014 non détruit" in result.stderr
            assert (office / "dossiers" / "2026-014").is_dir()
    assert not (office / REGISTER_FILE).exists()
    assert run("purge", "2026-014", "--yes").exit_code == 0
    assert not (office / "dossiers" / "2026-014").exists()
    for path in (office / CACHE_DIR).iterdir():
        assert blob[:64] not in path.read_bytes(), path.name


def test_entries_of_the_former_layout_are_purged_too(office: Path) -> None:
    # One encrypted file per entry, as before the cache became a database.
    key = hkdf_sha256(bytes.fromhex(SECRET), b"bilan-gen/v1/cache", b"cache entries", 32)
    for ident, name in (("2026-014", "0a" * 20), ("2026-021", "0b" * 20)):
        entry = json.dumps({"id": ident, "pages": []}).encode()
        (office / CACHE_DIR / f"{name}.entry").write_bytes(encrypt_payload(key, entry))
    (office / CACHE_DIR / "2026-014.entry").write_bytes(b"named by its dossier, not encrypted")
    result = run("purge", "2026-014", "--yes")
    assert result.exit_code == 0, result.output
    assert f"  {CACHE_DIR.as_posix()}/{'0a' * 20}.entry" in result.output.splitlines()
    assert not (office / CACHE_DIR / f"{'0a' * 20}.entry").exists()
    assert not (office / CACHE_DIR / "2026-014.entry").exists()
    assert (office / CACHE_DIR / f"{'0b' * 20}.entry").exists()
    assert register_rows(office)[1][2].endswith("impressions (2) ; cache (3)")
