"""Destruction by key (R6313-7): a dossier's key destroyed, the vault key rotated.

Every copy of the history keeps the dossier's old blobs and its wrapped key, but the key
was wrapped under a vault key that exists nowhere once the office's secret is replaced:
no version of that dossier can be decrypted again, in any clone. The other dossier keys are
wrapped again under the new vault key, unchanged: their files, old and new, stay readable,
and no access code changes (the site part of the secret stays as it is).

The new secret and the list of dossiers to destroy are written to ``.bilan/secret.next``
(the journal) before any key file changes. The keyring is then rotated, the doomed keys
deleted, and the new secret moved over ``.bilan/secret``. A crash anywhere in between loses
no key: the journal holds both vault keys' way in (the old one stays in ``.bilan/secret``),
and :func:`finish_interrupted` (``bilan init``, ``bilan purge``) completes the same steps,
each of which can be done twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bilan_gen.atrest.blob import AtRestError
from bilan_gen.atrest.keyring import (
    JOURNAL_FILE,
    KEYRING_DIR,
    SECRET_FILE,
    VAULT_FILE,
    Keyring,
    VaultKey,
    format_secret,
    split_secret,
)

_DESTROY = "destroy: "


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
    ``.bilan/secret``. A destruction that was interrupted is finished first.

    Raises:
        AtRestError: No secret with a vault key here, or one that does not open the
            keyring (stale, or another repository's): nothing is changed.
    """
    finish_interrupted(root)
    site, vault = _secret(root, environ)
    Keyring(root, vault).check()
    doomed = tuple(sorted(set(ids)))
    new = VaultKey.new(vault.generation + 1)
    journal = format_secret(site, new) + "\n" + _DESTROY + ",".join(doomed) + "\n"
    _write_private(root / JOURNAL_FILE, journal)
    _rotate(root, site, vault, new, doomed)
    return Rotation(doomed, vault.generation, new.generation)


def finish_interrupted(root: Path) -> Rotation | None:
    """Complete a destruction that a crash interrupted (its journal is there); what it did,
    or None when there was nothing to finish.

    Raises:
        AtRestError: The journal or the secret is unreadable, or neither vault key opens
            the keyring: nothing is changed.
    """
    path = root / JOURNAL_FILE
    if not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AtRestError(f"{JOURNAL_FILE} : illisible ({exc.__class__.__name__})") from None
    site, new = split_secret(lines[0] if lines else "")
    listed = lines[1] if len(lines) > 1 and lines[1].startswith(_DESTROY) else None
    if site is None or new is None or listed is None:
        raise AtRestError(
            f"{JOURNAL_FILE} : journal de destruction illisible ; ne le supprimez pas, "
            "gardez-le avec .bilan/secret et demandez de l'aide"
        )
    doomed = tuple(filter(None, listed[len(_DESTROY) :].split(",")))
    _, old = _secret(root, {})
    if old.generation == new.generation:  # the secret was replaced: only the journal is left
        path.unlink()
        return None
    _rotate(root, site, old, new, doomed)
    return Rotation(doomed, old.generation, new.generation)


def _rotate(root: Path, site: bytes, old: VaultKey, new: VaultKey, doomed: tuple[str, ...]) -> None:
    """Wrap every kept key under ``new``, delete the doomed ones, then write the vault file
    and the secret: each step may already be done (a crash in the middle)."""
    before, after = Keyring(root, old), Keyring(root, new)
    for dossier_id in before.ids():
        if dossier_id in doomed:
            continue
        try:
            after.key_for(dossier_id)  # already rotated
        except AtRestError:
            after.store(dossier_id, before.key_for(dossier_id))
    for dossier_id in doomed:
        after.forget(dossier_id)
    after.write_vault()
    _write_private(root / SECRET_FILE.with_name(".secret.tmp"), format_secret(site, new) + "\n")
    os.replace(root / SECRET_FILE.with_name(".secret.tmp"), root / SECRET_FILE)
    (root / JOURNAL_FILE).unlink()


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
