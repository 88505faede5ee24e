"""Destruction by key (R6313-7): a dossier's key destroyed, the vault key rotated.

Every copy of the history keeps the dossier's old blobs and its wrapped key, but the key
was wrapped under a vault key that exists nowhere once the office's secret is replaced:
no version of that dossier can be decrypted again, in any clone. The other dossier keys are
wrapped again under the new vault key, unchanged: their files, old and new, stay readable,
and no access code changes (the site part of the secret stays as it is).

The new secret is written to ``.bilan/secret.next`` before any key file changes, and moved
over ``.bilan/secret`` once the keyring is rotated: a crash in between loses no key.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError
from bilan_gen.atrest.keyring import (
    KEYRING_DIR,
    VAULT_FILE,
    Keyring,
    VaultKey,
    format_secret,
    split_secret,
)

SECRET_FILE = Path(".bilan", "secret")


@dataclass(frozen=True)
class Rotation:
    """What a destruction changed: the generations, and the dossiers whose key went."""

    destroyed: tuple[str, ...]
    old_generation: int
    new_generation: int


def is_encrypted_repository(root: Path) -> bool:
    """Whether ``root`` has a keyring (``bilan init`` was run and committed)."""
    return (root / KEYRING_DIR / VAULT_FILE).is_file()


def destroy_keys(root: Path, ids: Iterable[str], environ: Mapping[str, str]) -> Rotation:
    """Destroy the keys of ``ids`` and rotate the vault key; the new secret goes to
    ``.bilan/secret``.

    Raises:
        AtRestError: No secret with a vault key here, or one that does not open the
            keyring (stale, or another repository's): nothing is changed.
    """
    site, vault = _secret(root, environ)
    keyring = Keyring(root, vault)
    keyring.check()
    doomed = set(ids)
    kept = {i: keyring.key_for(i) for i in keyring.ids() if i not in doomed}
    new = VaultKey.new(vault.generation + 1)
    path = root / SECRET_FILE
    upcoming = path.with_name("secret.next")
    _write_private(upcoming, format_secret(site, new) + "\n")
    rotated = Keyring(root, new)
    for dossier_id, key in kept.items():
        rotated.store(dossier_id, key)
    rotated.write_vault()
    for dossier_id in sorted(doomed):
        rotated.forget(dossier_id)
    os.replace(upcoming, path)
    return Rotation(tuple(sorted(doomed)), vault.generation, new.generation)


def _secret(root: Path, environ: Mapping[str, str]) -> tuple[bytes, VaultKey]:
    path = root / SECRET_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    site, vault = split_secret(text)
    if site is None or vault is None:
        where = "BILAN_SECRET" if "BILAN_SECRET" in environ else ".bilan/secret"
        raise AtRestError(
            f"les dossiers sont chiffrés et {where} ne porte pas la clé du coffre : la "
            "destruction par clé se fait sur un poste de l'office, dont .bilan/secret a été "
            "écrit par bilan init ; rien n'a été détruit"
        )
    return site, vault


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
