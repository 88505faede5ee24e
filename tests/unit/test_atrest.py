"""The at-rest format, the keyring and the Git filter protocol, without Git itself.

Real repositories are in tests/integration/test_atrest_git.py.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bilan_gen.atrest import (
    MAGIC,
    AtRestError,
    Keyring,
    VaultKey,
    blob_path,
    decrypt_file,
    encrypt_file,
    format_secret,
    is_encrypted,
    split_secret,
)
from bilan_gen.atrest.blob import FORMAT_AD
from bilan_gen.atrest.codec import Codec, dossier_of
from bilan_gen.atrest.filter_process import read_lines, read_packet, serve, write_content
from bilan_gen.atrest.keyring import KEYRING_DIR
from bilan_gen.crypto import derive_access_code, parse_secret

KEY = bytes(range(64))
PATH = "dossiers/2026-001/synthese.md"
PLAIN = "# Synthèse\n".encode()
# Frozen: a change of format must be a new version, never a silent change of these bytes.
KNOWN_BLOB = bytes.fromhex(
    "0062696c616e2d67656e3a310a646f7373696572732f323032362d3030312f73796e74686573652e6d640a"
    "d2005db3e234c41051bb5021eb77202cdc3f60e9357d6eec96fa6dd4"
)
KNOWN_CHECK = bytes.fromhex("3fead6997d8f27b402e80b95b672dd40")


def test_known_answer() -> None:
    blob = encrypt_file(KEY, PATH, PLAIN)
    assert blob == KNOWN_BLOB
    # The format as documented: magic, path, newline, AES-SIV bound to the path.
    siv = AESSIV(KEY).encrypt(PLAIN, [FORMAT_AD, PATH.encode()])
    assert blob == MAGIC + PATH.encode() + b"\n" + siv
    assert decrypt_file(KEY, PATH, KNOWN_BLOB) == PLAIN
    assert VaultKey(1, bytes(range(64, 128))).check_value() == KNOWN_CHECK


def test_deterministic_and_binary() -> None:
    assert encrypt_file(KEY, PATH, PLAIN) == encrypt_file(KEY, PATH, PLAIN)
    assert encrypt_file(KEY, PATH, PLAIN) != encrypt_file(KEY, PATH, PLAIN + b" ")
    assert b"\0" in KNOWN_BLOB[:8]  # Git and forges show it as binary
    assert is_encrypted(KNOWN_BLOB) and not is_encrypted(PLAIN)
    assert blob_path(KNOWN_BLOB) == PATH


@pytest.mark.parametrize(
    ("blob", "path", "key", "message"),
    [
        (KNOWN_BLOB, "dossiers/2026-002/synthese.md", KEY, "écrit pour un autre fichier"),
        (KNOWN_BLOB, "dossiers/2026-001/01-preliminaire.md", KEY, "écrit pour un autre fichier"),
        (KNOWN_BLOB[:-1] + bytes([KNOWN_BLOB[-1] ^ 1]), PATH, KEY, "altéré"),
        (KNOWN_BLOB, PATH, bytes(64), "altéré, ou chiffré avec une autre clé"),
        (KNOWN_BLOB[: len(MAGIC) + len(PATH) + 5], PATH, KEY, "tronqué"),
        (b"\x00bilan-gen:9\nwhatever", PATH, KEY, "format chiffré inconnu (version 9)"),
        (PLAIN, PATH, KEY, "n'est pas chiffré"),
    ],
    ids=["other-dossier", "other-file", "altered", "other-key", "truncated", "version", "plain"],
)
def test_what_does_not_decrypt(blob: bytes, path: str, key: bytes, message: str) -> None:
    with pytest.raises(AtRestError, match=re.escape(message)):
        decrypt_file(key, path, blob)


def test_a_path_with_a_newline_is_refused() -> None:
    with pytest.raises(AtRestError, match="saut de ligne"):
        encrypt_file(KEY, "dossiers/2026-001/a\nb.md", PLAIN)


def test_secret_round_trip_keeps_the_site_secret_and_its_codes() -> None:
    site, vault = bytes(range(32)), VaultKey.new()
    text = format_secret(site, vault)
    assert split_secret(text) == (site, vault)
    assert split_secret(site.hex()) == (None, None)
    # The access codes of a site secret do not change when a vault key joins it.
    assert parse_secret(text) == parse_secret(site.hex()) == site
    assert derive_access_code(parse_secret(text), "2026-001", 0) == derive_access_code(
        site, "2026-001", 0
    )


@pytest.mark.parametrize(
    "text",
    ["bilan2.", "bilan2.00.1.00", "bilan2." + "ab" * 32 + ".0." + "cd" * 64,
     "bilan2." + "ab" * 32 + ".1." + "cd" * 63, "bilan2." + "zz" * 32 + ".1." + "cd" * 64],
)  # fmt: skip
def test_malformed_secrets(text: str) -> None:
    with pytest.raises(AtRestError, match="secret mal formé"):
        split_secret(text)


def test_keyring_makes_keeps_and_refuses(tmp_path: Path) -> None:
    vault = VaultKey.new()
    keyring = Keyring.create(tmp_path, vault)
    with pytest.raises(AtRestError, match="déjà"):
        Keyring.create(tmp_path, vault)
    with pytest.raises(AtRestError, match="aucune clé"):
        keyring.key_for("2026-001")
    key = keyring.key_for("2026-001", create=True)
    assert len(key) == 64
    assert Keyring(tmp_path, vault).key_for("2026-001") == key  # read back from its file
    assert keyring.ids() == ["2026-001"]
    text = (tmp_path / KEYRING_DIR / "2026-001.key").read_text()
    assert key.hex() not in text and "generation: 1" in text
    with pytest.raises(AtRestError, match="invalide"):
        keyring.key_for("../etc", create=True)


def test_a_key_file_copied_to_another_dossier_does_not_open(tmp_path: Path) -> None:
    vault = VaultKey.new()
    keyring = Keyring.create(tmp_path, vault)
    keyring.key_for("2026-001", create=True)
    folder = tmp_path / KEYRING_DIR
    shutil.copy(folder / "2026-001.key", folder / "2026-002.key")
    with pytest.raises(AtRestError, match="copiée d'un autre dossier"):
        Keyring(tmp_path, vault).key_for("2026-002")


def test_another_repository_s_secret_is_refused(tmp_path: Path) -> None:
    Keyring.create(tmp_path, VaultKey.new())
    with pytest.raises(AtRestError, match="n'ouvre pas ce trousseau"):
        Keyring(tmp_path, VaultKey.new()).check()


def test_destruction_rotates_and_the_old_secret_is_stale(tmp_path: Path) -> None:
    from bilan_gen.atrest.shred import destroy_keys

    site, vault = bytes(range(32)), VaultKey.new()
    keyring = Keyring.create(tmp_path, vault)
    kept = keyring.key_for("2026-002", create=True)
    keyring.key_for("2026-001", create=True)
    (tmp_path / ".bilan").mkdir()
    (tmp_path / ".bilan" / "secret").write_text(format_secret(site, vault) + "\n")
    old_files = {p.name: p.read_bytes() for p in (tmp_path / KEYRING_DIR).iterdir()}

    rotation = destroy_keys(tmp_path, ["2026-001"], {})

    assert (rotation.old_generation, rotation.new_generation) == (1, 2)
    new_site, new_vault = split_secret((tmp_path / ".bilan" / "secret").read_text())
    assert new_site == site and new_vault is not None and new_vault.generation == 2
    assert not (tmp_path / ".bilan" / "secret.next").exists()
    fresh = Keyring(tmp_path, new_vault)
    assert fresh.ids() == ["2026-002"] and fresh.key_for("2026-002") == kept
    with pytest.raises(AtRestError, match="aucune clé"):
        fresh.key_for("2026-001")
    with pytest.raises(AtRestError, match="génération 2, le secret à la génération 1"):
        Keyring(tmp_path, vault).check()
    # History keeps the old key file: the new secret cannot open it, the old one is gone.
    (tmp_path / KEYRING_DIR / "2026-001.key").write_bytes(old_files["2026-001.key"])
    with pytest.raises(AtRestError, match="génération 1, le secret à la génération 2"):
        Keyring(tmp_path, new_vault).key_for("2026-001")


class Crash(Exception):
    """The process dies here (the power goes off in the middle of a destruction)."""


def _office(root: Path) -> tuple[bytes, VaultKey, dict[str, bytes]]:
    site, vault = bytes(range(32)), VaultKey.new()
    keyring = Keyring.create(root, vault)
    keys = {i: keyring.key_for(i, create=True) for i in ("2026-001", "2026-002", "2026-003")}
    (root / ".bilan").mkdir(exist_ok=True)
    (root / ".bilan" / "secret").write_text(format_secret(site, vault) + "\n")
    return site, vault, keys


def test_a_destruction_interrupted_anywhere_is_finished_and_loses_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilan_gen.atrest import shred
    from bilan_gen.atrest.keyring import find_vault

    steps = [
        (Keyring, "_write"), (Keyring, "forget"), (shred, "_write_private"), (shred.os, "replace")
    ]  # fmt: skip
    crash_at = 0
    while True:
        root = tmp_path / f"office-{crash_at}"
        root.mkdir()
        site, vault, keys = _office(root)
        calls = [0]
        with monkeypatch.context() as patch:
            for owner, name in steps:
                real = getattr(owner, name)

                def step(
                    *args: object,
                    _real: object = real,
                    _calls: list[int] = calls,
                    _at: int = crash_at,
                ) -> object:
                    _calls[0] += 1
                    if _calls[0] > _at:
                        raise Crash
                    return _real(*args)  # type: ignore[operator]

                patch.setattr(owner, name, step)
            try:
                shred.destroy_keys(root, ["2026-002"], {})
                finished = True
            except Crash:
                finished = False
        if not finished and (root / ".bilan" / "secret.next").exists():
            with pytest.raises(AtRestError, match="destruction de clés a été interrompue"):
                find_vault(root, {})
            assert shred.finish_interrupted(root) is not None
        secret_site, new = split_secret((root / ".bilan" / "secret").read_text())
        assert secret_site == site and new is not None
        assert not (root / ".bilan" / "secret.next").exists()
        if new.generation == vault.generation:  # crashed before the journal: nothing done
            assert Keyring(root, vault).key_for("2026-002") == keys["2026-002"]
        else:
            fresh = Keyring(root, new)
            fresh.check()
            assert fresh.ids() == ["2026-001", "2026-003"]
            assert {i: fresh.key_for(i) for i in fresh.ids()} == {
                i: keys[i] for i in ("2026-001", "2026-003")
            }
        if finished:
            break
        crash_at += 1
    assert crash_at >= 5  # journal, two keys, one forget, the vault, the secret


def test_an_unreadable_journal_is_kept_and_said(tmp_path: Path) -> None:
    from bilan_gen.atrest.shred import finish_interrupted

    _office(tmp_path)
    (tmp_path / ".bilan" / "secret.next").write_text("n'importe quoi\n")
    with pytest.raises(AtRestError, match="journal de destruction illisible"):
        finish_interrupted(tmp_path)
    assert (tmp_path / ".bilan" / "secret.next").exists()


def test_bilan_init_finishes_an_interrupted_destruction(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    site, _, keys = _office(tmp_path)
    new = VaultKey.new(2)
    journal = format_secret(site, new) + "\ndestroy: 2026-002\n"
    (tmp_path / ".bilan" / "secret.next").write_text(journal)  # the crash: just after this
    env = {k: v for k, v in os.environ.items() if k != "BILAN_SECRET"}
    done = subprocess.run(
        [sys.executable, "-m", "bilan_gen.cli", "init"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Destruction de clés interrompue, terminée : 2026-002" in done.stdout
    assert split_secret((tmp_path / ".bilan" / "secret").read_text())[1] == new
    assert Keyring(tmp_path, new).key_for("2026-003") == keys["2026-003"]
    assert not (tmp_path / KEYRING_DIR / "2026-002.key").exists()


def test_codec(tmp_path: Path) -> None:
    vault = VaultKey.new()
    Keyring.create(tmp_path, vault)
    codec = Codec(tmp_path, vault)
    blob = codec.clean(PATH, PLAIN)
    assert blob.startswith(MAGIC) and codec.created == ["2026-001"]
    assert codec.clean(PATH, blob) == blob  # already encrypted: unchanged
    assert codec.smudge(PATH, blob) == (PLAIN, None)
    assert codec.clean("mkdocs.yml", b"site_name: x") == b"site_name: x"
    moved, warning = codec.smudge("dossiers/2026-001/autre.md", blob)
    assert moved == blob and warning and "reste chiffré" in warning
    keyless = Codec(tmp_path, None)
    assert keyless.smudge(PATH, blob)[0] == blob
    assert keyless.clean(PATH, blob) == blob
    with pytest.raises(AtRestError, match="la clé manque"):
        keyless.clean(PATH, PLAIN)


@pytest.mark.parametrize(
    ("path", "dossier"),
    [(PATH, "2026-001"), ("dossiers/2026-001/annexes/a.png", "2026-001"),
     ("dossiers/README.md", None), ("content/index.md", None), ("dossiers/2026-001/", None)],
)  # fmt: skip
def test_dossier_of(path: str, dossier: str | None) -> None:
    assert dossier_of(path) == dossier


def _pkt(*lines: str) -> bytes:
    out = io.BytesIO()
    for line in lines:
        data = line.encode() + b"\n"
        out.write(b"%04x" % (len(data) + 4) + data)
    out.write(b"0000")
    return out.getvalue()


def _content(data: bytes) -> bytes:
    out = io.BytesIO()
    write_content(out, data)
    return out.getvalue()


def test_the_filter_protocol(tmp_path: Path) -> None:
    vault = VaultKey.new()
    Keyring.create(tmp_path, vault)
    big = PLAIN * 20_000  # over one pkt-line
    request = (
        _pkt("git-filter-client", "version=2")
        + _pkt("capability=clean", "capability=smudge", "capability=delay")
        + _pkt("command=clean", f"pathname={PATH}")
        + _content(big)
        + _pkt("command=clean", "pathname=dossiers/2026-001/a\nb.md")
        + _content(PLAIN)
    )
    stdout, stderr = io.BytesIO(), io.BytesIO()
    serve(Codec(tmp_path, vault), io.BytesIO(request), stdout, stderr)
    answer = io.BytesIO(stdout.getvalue())
    assert read_lines(answer) == ["git-filter-server", "version=2"]
    assert read_lines(answer) == ["capability=clean", "capability=smudge"]
    assert read_lines(answer) == ["status=success"]
    chunks = []
    while (packet := read_packet(answer)) is not None:
        chunks.append(packet)
    assert len(chunks) > 1 and max(map(len, chunks)) <= 65516
    blob = b"".join(chunks)
    assert read_lines(answer) == []
    assert decrypt_file(Keyring(tmp_path, vault).key_for("2026-001"), PATH, blob) == big
    # A file that cannot be encrypted is an error for that file only, said in French.
    assert read_lines(answer) == ["status=error"]
    assert "saut de ligne" in stderr.getvalue().decode()
