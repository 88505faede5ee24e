"""Dossier files encrypted at rest, read in clear, in memory only.

A clone with no Git filter (CI, or a workstation before ``bilan init``) holds the blobs of
:mod:`bilan_gen.atrest`. Every read of the guarded path goes through :func:`plain_content`:
a blob is decrypted with its dossier's key, found from ``BILAN_SECRET`` (or
``.bilan/secret``) and the committed keyring, and nothing is written in clear to disk.
Without the key, the file is refused with a message that says so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from bilan_gen.atrest import AtRestError, Keyring, decrypt_file, is_encrypted
from bilan_gen.atrest.keyring import find_vault
from bilan_gen.guard.entries import HEAD_BYTES, Content, EntryKind, EntryRefused, Why

NO_KEY = (
    "fichier chiffré dans Git, et la clé manque sur ce poste : placez le secret de l'office "
    "(bilan2.…) dans .bilan/secret ou dans BILAN_SECRET, puis lancez bilan init ; rien n'a "
    "été écrit"
)
_keyrings: dict[tuple[Path, str | None, int], Keyring | None] = {}


def plain_content(folder: Path, rel: str, content: Content, data: Callable[[], bytes]) -> Content:
    """``content`` as it reads in clear: itself for a plain file; for a blob, its plaintext
    (kept when the blob's bytes were, as for a text file). ``data`` gives every byte of the
    blob when ``content`` did not keep them.

    Raises:
        EntryRefused: A blob without a key here, or one that does not decrypt at this path.
    """
    if not is_encrypted(content.head):
        return content
    path = f"{folder.parent.name}/{folder.name}/{rel}"
    try:  # a missing, stale or destroyed key concerns the whole dossier, not this file
        keyring = _keyring(folder.parent.parent)
        if keyring is None:
            raise AtRestError(NO_KEY)
        key = keyring.key_for(folder.name)
    except AtRestError as error:
        raise EntryRefused(rel, EntryKind.FILE, Why.NO_KEY, detail=str(error)) from None
    try:
        plain = decrypt_file(key, path, data())
    except AtRestError as error:
        raise EntryRefused(rel, EntryKind.FILE, Why.ENCRYPTED, detail=str(error)) from None
    digest = hashlib.sha256(plain).digest()
    kept = plain if content.data is not None else None
    return Content(len(plain), digest, plain[:HEAD_BYTES], kept)


def _keyring(root: Path) -> Keyring | None:
    """The keyring of the repository at ``root``, checked once per process and secret (a
    long-running ``mkdocs serve`` sees a new secret written by ``bilan purge``)."""
    try:
        written = (root / ".bilan" / "secret").stat().st_mtime_ns
    except OSError:
        written = 0
    cache_key = (root, os.environ.get("BILAN_SECRET"), written)
    if cache_key not in _keyrings:
        vault = find_vault(root, os.environ)
        keyring = Keyring(root, vault) if vault is not None else None
        if keyring is not None:
            keyring.check()
        _keyrings[cache_key] = keyring
    return _keyrings[cache_key]
